import { describe, expect, it } from 'vitest';
import { allocateFrame, decodeFrame, frameBytes, sealFrame, stampFrame, VANISHED } from './heatmap-frame';
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
  it('costs 16 bytes a cell plus a 48-byte header', () => {
    expect(sample(100_000).byteLength).toBe(48 + 16 * 100_000);
    expect(frameBytes(0)).toBe(48);
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
    expect(f).toMatchObject({ delta: false, id: 0, baseId: 0, cells: 3 });
    expect(decodeFrame(stampFrame(sample(3), 41)).id).toBe(41);
  });

  it('carries a delta: the frame it follows, the frame it makes and its size, and cells that vanished', () => {
    const { buffer, frame } = allocateFrame(2);
    frame.cellHi.set([0x089283ff, 0x08928400]);
    frame.cellLo.set([1, 2]);
    frame.positions.set([VANISHED, 7]);
    frame.devices.set([0, 3]);
    Object.assign(frame, { resolution: 9, windowEnd: 5, windowMs: 60_000, maxPositions: 9, maxDevices: 4, id: 12, delta: true, baseId: 11, cells: 500 });
    const f = decodeFrame(decodeBinary(encodeBinary({ channel: 'heatmap.frame' }, sealFrame(buffer, frame))).body);
    expect(f).toMatchObject({ delta: true, id: 12, baseId: 11, cells: 500, count: 2, maxPositions: 9, maxDevices: 4 });
    expect([...f.positions]).toEqual([VANISHED, 7]);
    expect([...f.devices]).toEqual([0, 3]);
  });

  it('refuses a truncated frame or something that is not a frame', () => {
    const good = sample(4);
    expect(() => decodeFrame(good.slice(0, good.byteLength - 4))).toThrow(/must be 112 bytes, got 108/);
    expect(() => decodeFrame(new ArrayBuffer(56))).toThrow(/bad magic/);
    expect(() => decodeFrame(new ArrayBuffer(8))).toThrow(/too short/);
  });
});
