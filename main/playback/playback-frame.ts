import type { DuckDBConnection } from '@duckdb/node-api';
import { allocateFrame, sealFrame } from '../../shared/heatmap-frame';

/** One frame of the archive's heatmap: positions of [t − window, t) (or all up to t), in bounds, at a resolution. */
export interface PlaybackFrameRequest {
  t: number;
  windowMs: number;
  /** Everything from the start of the archive up to t, not only the window. */
  cumulative: boolean;
  resolution: number;
  bounds: { west: number; south: number; east: number; north: number };
}

const ms = (t: number) => `make_timestamptz(${Math.trunc(t)}::BIGINT * 1000)`;

/**
 * The archive at time t as a live heatmap frame (shared/heatmap-frame.ts): the same codec, so the
 * renderer draws it as it draws live frames. Cells are the positions' own cells raised to `resolution`.
 */
export async function playbackFrame(c: DuckDBConnection, r: PlaybackFrameRequest): Promise<ArrayBuffer> {
  const { west, south, east, north } = r.bounds;
  const res = Math.max(0, Math.min(15, Math.trunc(r.resolution)));
  const lon = west <= east ? `lon BETWEEN ${west} AND ${east}` : `(lon >= ${west} OR lon <= ${east})`;
  const reader = await c.runAndReadAll(
    `SELECT (cell >> 32)::UINTEGER AS hi, (cell & 4294967295)::UINTEGER AS lo, n::UINTEGER AS n, d::UINTEGER AS d FROM (
       SELECT h3_parent(h3, ${res}) AS cell, count(*) AS n, count(DISTINCT device_id) AS d FROM positions
       WHERE ts < ${ms(r.t)} ${r.cumulative ? '' : `AND ts >= ${ms(r.t - r.windowMs)}`}
         AND lat BETWEEN ${south} AND ${north} AND ${lon} AND h3_resolution(h3) >= ${res}
       GROUP BY 1)`,
  );
  const [hi, lo, n, d] = reader.getColumns() as [number[], number[], number[], number[]];
  const count = hi?.length ?? 0;
  const { buffer, frame } = allocateFrame(count);
  let maxPositions = 0;
  let maxDevices = 0;
  for (let i = 0; i < count; i++) {
    frame.cellHi[i] = hi[i]!;
    frame.cellLo[i] = lo[i]!;
    frame.positions[i] = n[i]!;
    frame.devices[i] = d[i]!;
    if (n[i]! > maxPositions) maxPositions = n[i]!;
    if (d[i]! > maxDevices) maxDevices = d[i]!;
  }
  return sealFrame(buffer, { ...frame, resolution: res, windowEnd: r.t, windowMs: r.cumulative ? 0 : r.windowMs, maxPositions, maxDevices });
}

/** The archive's time range and size (for the time bar). */
export async function playbackRange(c: DuckDBConnection): Promise<{ from: number; to: number; positions: number } | null> {
  const [row] = (await c.runAndReadAll('SELECT epoch_ms(min(ts))::DOUBLE, epoch_ms(max(ts))::DOUBLE, count(*)::DOUBLE FROM positions')).getRows() as [
    number | null,
    number | null,
    number,
  ][];
  return row && row[0] !== null && row[1] !== null ? { from: row[0], to: row[1], positions: row[2] } : null;
}
