import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { checkpointKey, decodeCheckpoint, encodeCheckpoint, type FenceCheckpoint } from './fence-checkpoint';

const checkpoint = (devices: number): FenceCheckpoint => ({
  stream: 'POSITIONS',
  partition: 3,
  partitions: 8,
  seq: 123_456,
  fences: { 'depot-north': 4, harbour: 1 },
  engine: 'host-a1b2c3',
  at: 1_765_000_000_000,
  devices: Array.from({ length: devices }, (_, i) => ({
    id: `vehicle-${i}`,
    lat: 52.4 + (i % 1000) / 7919,
    lon: 13.3 + (i % 997) / 6007,
    ts: 1_765_000_000_000 + i * 137,
    inside: i % 3 === 0 ? [{ fence: 'depot-north', since: 1_764_999_000_000 + i, dwelt: i % 2 === 0 }] : [],
  })),
});

describe('fence checkpoints', () => {
  it('come back as they went, device by device', async () => {
    const c = checkpoint(50);
    expect(decodeCheckpoint(await encodeCheckpoint(c))).toEqual({ ok: true, checkpoint: c });
    expect(checkpointKey('POSITIONS', 3)).toBe('POSITIONS.p3');
  });

  it('keep a partition of 12.5k devices (100k in 8) far under a NATS message (1 MB)', async () => {
    const started = performance.now();
    const bytes = await encodeCheckpoint(checkpoint(12_500));
    const encodeMs = performance.now() - started;
    const back = decodeCheckpoint(bytes);
    console.log(
      `12.5k devices: ${bytes.length} bytes, encoded in ${encodeMs.toFixed(1)} ms, decoded in ${(performance.now() - started - encodeMs).toFixed(1)} ms`,
    );
    expect(back.ok && back.checkpoint.devices.length).toBe(12_500);
    expect(bytes.length).toBeLessThan(512 * 1024);
  });

  it('refuse a damaged value with a reason instead of loading it', () => {
    expect(decodeCheckpoint(new TextEncoder().encode('{"v":1}'))).toMatchObject({ ok: false });
    expect(decodeCheckpoint(gzipSync('{"v":2}'))).toMatchObject({ ok: false, reason: expect.stringContaining('not a fence checkpoint') });
    const wire = { ...checkpoint(0), v: 1, names: ['a'], devices: [['d', 1, 2, 3, 5, 0, 0]] };
    expect(decodeCheckpoint(gzipSync(JSON.stringify(wire)))).toEqual({ ok: false, reason: 'device d names no known fence' });
  });
});
