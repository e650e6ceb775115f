import { describe, expect, it } from 'vitest';
import { allocateFrame, decodeFrame, frameBytes, sealFrame } from './heatmap-frame';
import { decodeBinary, encodeBinary } from './wire';

function sample(n: number): ArrayBuffer {
  const { buffer, frame } = allocateFrame(n);
  for (let i = 0; i < n; i++) {
    frame.cellHi[i] = 0x089283ff + i;
    frame.cellLo[i] = 0xffffffff - i;
    frame.positions[i] = 10 * i + 1;
    frame.devices[i] = i + 1;
  }
  Object.assign(frame, { resolution: 9, windowEnd: 1_704_067_200_123, windowMs: 60_000, maxPositions: 10 * n - 9, maxDevices: n });
  return sealFrame(buffer, frame);
}

describe('heatmap frame', () => {
  it('costs 16 bytes a cell plus a 32-byte header', () => {
    expect(sample(100_000).byteLength).toBe(32 + 16 * 100_000);
    expect(frameBytes(0)).toBe(32);
  });

  it('decodes what it encodes, also after the WebSocket framing', () => {
    const { body } = decodeBinary(encodeBinary({ channel: 'heatmap.frame' }, sample(3)));
    const f = decodeFrame(body);
    expect(f.count).toBe(3);
    expect(f.resolution).toBe(9);
    expect(f.windowEnd).toBe(1_704_067_200_123);
    expect(f.windowMs).toBe(60_000);
    expect([...f.cellHi]).toEqual([0x089283ff, 0x08928400, 0x08928401]);
    expect([...f.positions]).toEqual([1, 11, 21]);
    expect([...f.devices]).toEqual([1, 2, 3]);
    expect(f.maxPositions).toBe(21);
  });

  it('refuses a truncated frame or something that is not a frame', () => {
    const good = sample(4);
    expect(() => decodeFrame(good.slice(0, good.byteLength - 4))).toThrow(/must be 96 bytes, got 92/);
    expect(() => decodeFrame(new ArrayBuffer(40))).toThrow(/bad magic/);
    expect(() => decodeFrame(new ArrayBuffer(8))).toThrow(/too short/);
  });
});
