// The PNG decoder the screenshot assertions rely on, checked against PNGs made here with zlib.
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { changedPixels, decodePng, pixelStats, runToExit, waitFor } from '../helpers';

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** Encodes with a different filter on each row (0..4), so the decoder's every filter is exercised. */
function encodePng(width: number, height: number, channels: 3 | 4, pixel: (x: number, y: number) => number[]): Buffer {
  const stride = width * channels;
  const rows: number[][] = [];
  for (let y = 0; y < height; y++) {
    const row: number[] = [];
    for (let x = 0; x < width; x++) row.push(...pixel(x, y).slice(0, channels));
    rows.push(row);
  }
  const raw: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = y % 5;
    raw.push(filter);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? rows[y][x - channels] : 0;
      const b = y > 0 ? rows[y - 1][x] : 0;
      const c = x >= channels && y > 0 ? rows[y - 1][x - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      raw.push((rows[y][x] - predictor) & 0xff);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  const idat = deflateSync(Buffer.from(raw));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    // Split IDAT in two, as encoders may.
    chunk('IDAT', idat.subarray(0, idat.length >> 1)),
    chunk('IDAT', idat.subarray(idat.length >> 1)),
    chunk('IEND', new Uint8Array()),
  ]);
}

const pattern = (x: number, y: number) => [(x * 37 + y * 11) & 255, (x * y) & 255, (255 - x * 13) & 255, 200 + ((x + y) % 56)];

describe('decodePng', () => {
  for (const channels of [3, 4] as const) {
    it(`decodes 8-bit ${channels === 4 ? 'RGBA' : 'RGB'} with every filter type`, () => {
      const image = decodePng(encodePng(23, 17, channels, pattern));
      expect([image.width, image.height]).toEqual([23, 17]);
      for (const [x, y] of [
        [0, 0],
        [22, 16],
        [5, 3],
        [11, 9],
      ]) {
        const i = (y * 23 + x) * 4;
        const want = pattern(x, y);
        expect([...image.data.subarray(i, i + 4)]).toEqual([want[0], want[1], want[2], channels === 4 ? want[3] : 255]);
      }
    });
  }

  it('refuses what it does not decode', () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a PNG/);
  });
});

describe('pixelStats', () => {
  it('tells a blank image from a drawn one', () => {
    const blank = decodePng(encodePng(40, 30, 3, () => [10, 20, 30]));
    expect(pixelStats(blank)).toMatchObject({ nonBackground: 0, distinctColours: 0, saturated: 0, background: [10, 20, 30] });
    const drawn = decodePng(encodePng(40, 30, 3, (x, y) => (x > 30 && y > 20 ? [255, (x * 20) & 255, 0] : [10, 20, 30])));
    const stats = pixelStats(drawn);
    expect(stats.nonBackground).toBe(9 * 9);
    expect(stats.saturated).toBe(81);
    expect(stats.distinctColours).toBeGreaterThan(3);
    expect(changedPixels(blank, drawn)).toBe(81);
  });
});

describe('process helpers', () => {
  it('runToExit collects output and exit code; waitFor gives up with a message naming what it waited for', async () => {
    const r = await runToExit(process.execPath, ['-e', 'console.log("out"); console.error("err"); process.exit(3)'], { timeoutMs: 10_000 });
    expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    await expect(waitFor(() => false, { timeoutMs: 200, intervalMs: 20, what: 'nothing' })).rejects.toThrow(/200 ms waiting for nothing/);
  });
});
