/**
 * The Parquet archive's file layout (as the README describes it to outside readers), as pure functions:
 * `positions/date=YYYY-MM-DD/hour=HH/part-<uuid>.parquet`, UTC, relative to `<dataDir>/archive`.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** The start (epoch ms, UTC) of the hour holding `ts`. */
export function hourStart(ts: number): number {
  return Math.floor(ts / HOUR_MS) * HOUR_MS;
}

/** The hive partition values of the hour starting at `start`. */
export function hourPartition(start: number): { date: string; hour: number } {
  const d = new Date(start);
  return { date: d.toISOString().slice(0, 10), hour: d.getUTCHours() };
}

/** The folder of one hour, relative to the archive root. */
export function hourDir(table: string, start: number): string {
  const { date, hour } = hourPartition(start);
  return `${table}/date=${date}/hour=${String(hour).padStart(2, '0')}`;
}

/** A part's final path relative to the archive root. */
export function partPath(table: string, start: number, id: string): string {
  return `${hourDir(table, start)}/part-${id}.parquet`;
}

/** Where a part is written before its rename: same folder, so the rename is atomic; hidden and not `*.parquet`, so globs skip it. */
export function tmpPathOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.tmp`;
}

/** The first hour start that is not yet complete at `now` once `graceMs` of late data is allowed for: every earlier hour may be rolled. */
export function rollCutoff(now: number, graceMs: number): number {
  return hourStart(now - graceMs);
}

/** Hours starting at or before this bound have fully expired under a retention of `days` (0 keeps everything: -Infinity). */
export function retentionBound(now: number, days: number): number {
  return days > 0 ? now - days * DAY_MS - HOUR_MS : Number.NEGATIVE_INFINITY;
}

/** A string as a single-quoted SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
