/**
 * The fleet's one archive as any tool reads it (README, "One archive for a fleet"): every engine's parts
 * in one place, each under its engine and — for positions, when the stream is partitioned — its partition:
 * `positions/date=YYYY-MM-DD/hour=HH/partition=P/engine=<id>/part-<uuid>.parquet`,
 * `fence_events/date=…/hour=…/engine=<id>/part-….parquet`, `market/…/engine=<id>/…` (hive columns throughout).
 * A partition's owner compacts its hours into one part of its own, named `part-c-<uuid>.parquet`.
 */
import { hourStart } from '../archive';

export interface SharedKey {
  /** positions, fence_events, market */
  table: string;
  /** The hour's start, epoch ms UTC. */
  hour: number;
  /** The partition folder, when the key has one. */
  partition?: number;
  /** The engine that wrote it (an owner, for a compacted part). */
  engine: string;
  /** The file's name. */
  file: string;
}

const LOCAL = /^([a-z_]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/(part-[^/]+\.parquet)$/;
const SHARED = /^([a-z_]+)\/date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\/(?:partition=(\d+)\/)?engine=([A-Za-z0-9_-]+)\/(part-[^/]+\.parquet)$/;

const hourOf = (date: string, hour: string) => Date.parse(`${date}T${hour}:00:00Z`);

/** A local archive part's table, hour and name (`<table>/date=…/hour=…/part-….parquet`), or undefined. */
export function parseLocalPart(rel: string): { table: string; hour: number; file: string } | undefined {
  const m = LOCAL.exec(rel);
  return m ? { table: m[1]!, hour: hourOf(m[2]!, m[3]!), file: m[4]! } : undefined;
}

/** Where a part goes in the shared place: its hour, then its partition (when given), then its engine. */
export function sharedKeyOf(k: SharedKey): string {
  const d = new Date(hourStart(k.hour)).toISOString();
  const partition = k.partition === undefined ? '' : `partition=${k.partition}/`;
  return `${k.table}/date=${d.slice(0, 10)}/hour=${d.slice(11, 13)}/${partition}engine=${k.engine}/${k.file}`;
}

/** A shared key read back (relative to the place's root), or undefined for anything hexwatch did not name. */
export function parseSharedKey(key: string): SharedKey | undefined {
  const m = SHARED.exec(key);
  if (!m) return undefined;
  return { table: m[1]!, hour: hourOf(m[2]!, m[3]!), ...(m[4] !== undefined ? { partition: Number(m[4]) } : {}), engine: m[5]!, file: m[6]! };
}

/** A compacted part's name: apart from any engine's own (`part-<uuid>`), so a listing says what an owner wrote. */
export const compactedName = (id: string) => `part-c-${id}.parquet`;

/** One hour and partition of positions: the set of parts its owner compacts into one. */
export const groupOf = (k: SharedKey) => `${k.table}/${k.hour}/${k.partition ?? ''}`;
