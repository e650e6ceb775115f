import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggedEvent } from '../archive';
import type { HistorySnapshot } from '../history';
import type { NotebookSources } from './views';

/** What a snapshot reads from the running engine; each is missing where that room is. */
export interface SnapshotInputs {
  dataDir: string;
  /** The history store (NATS ingest): its catalogue, hot rows and quarantine. */
  history?: { snapshot(dir: string): Promise<HistorySnapshot> };
  /** The delivery queue's event log: how far the archive has copied it, and what is past that. */
  events?: { archiveMark(): number; after(id: number): LoggedEvent[] };
  /** The fences now, as the registry exports them (GeoJSON features). */
  fences?: () => { id?: string; geometry: unknown; properties: Record<string, unknown> | null }[];
}

/** Every `*.parquet` under a folder (not the hidden `.tmp` files a writer renames). */
export function parquetFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((p) => p.endsWith('.parquet') && !p.split('/').some((seg) => seg.startsWith('.')))
    .map((p) => join(dir, p))
    .sort();
}

/**
 * Writes one consistent picture of the engine's data into `dir` and says where each view reads it.
 * Without the history store (no NATS ingest, or another process holds it) positions are the archive's
 * files as they are on disk, and there is no hot data.
 */
export async function takeSnapshot(inputs: SnapshotInputs, dir: string, now = Date.now()): Promise<NotebookSources> {
  mkdirSync(dir, { recursive: true });
  const archive = join(inputs.dataDir, 'archive');
  const history = inputs.history ? await inputs.history.snapshot(dir) : undefined;
  const mark = inputs.events ? inputs.events.archiveMark() : Number.MAX_SAFE_INTEGER;
  const logged = inputs.events?.after(mark) ?? [];
  const log = join(dir, 'fence-events-log.ndjson');
  if (logged.length) writeFileSync(log, logged.map((e) => JSON.stringify({ ...e, group: e.grp, grp: undefined })).join('\n') + '\n');
  const features = inputs.fences?.() ?? [];
  const fences = join(dir, 'fences.ndjson');
  if (features.length)
    writeFileSync(
      fences,
      features
        .map((f) => {
          const { radius_m, ...p } = f.properties ?? {};
          return JSON.stringify({ ...p, id: p.id ?? f.id, geometry: JSON.stringify(f.geometry), radius_m: radius_m ?? null });
        })
        .join('\n') + '\n',
    );
  return {
    takenAt: now,
    positions: history ? { parts: history.parts, hot: history.hot } : { parts: parquetFiles(join(archive, 'positions')) },
    ...(history ? { quarantine: history.quarantine } : {}),
    fenceEvents: { parts: parquetFiles(join(archive, 'fence_events')), mark, ...(logged.length ? { log } : {}) },
    market: parquetFiles(join(archive, 'market')),
    ...(features.length ? { fences } : {}),
  };
}
