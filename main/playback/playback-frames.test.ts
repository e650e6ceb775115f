import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameCancelledError, PlaybackFrames } from './playback-frames';

let instance: DuckDBInstance;
let frames: PlaybackFrames;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  frames = new PlaybackFrames(instance);
});
afterAll(() => instance.closeSync());

const request = { t: 0, windowMs: 60_000, cumulative: false, resolution: 8, bounds: { west: -1, south: -1, east: 1, north: 1 } };

describe('playback frames in the notebook process', () => {
  it('stops a frame cancelled while its connection opens, before its query runs', async () => {
    const building = frames.build('c1-1', request);
    expect(frames.cancel('c1-1')).toBe(true);
    await expect(building).rejects.toBeInstanceOf(FrameCancelledError);
    // Ended: nothing of that name to cancel.
    expect(frames.cancel('c1-1')).toBe(false);
  });

  it('cancels only the frame named: another one fails or ends on its own', async () => {
    const other = frames.build('c2-1', request);
    expect(frames.cancel('c1-2')).toBe(false);
    // No positions view in this bare DuckDB: the frame fails with DuckDB's word, not as cancelled.
    const err = await other.catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(FrameCancelledError);
    expect((err as Error).message).toMatch(/positions/);
  });
});
