import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoggedEvent } from '../archive';
import type { HistorySnapshot } from '../history';
import type { FleetShare, LocalShare } from '../shared-archive';
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
  /** The fleet's one archive (archive.sharedDir or archive.s3Url): read with this engine's share not yet in it. */
  fleet?: { url: string; share(local: LocalShare): Promise<FleetShare> };
  log?: (line: string) => void;
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
  let history = inputs.history ? await inputs.history.snapshot(dir) : undefined;
  let linked = history && linkParts(history.parts, dir);
  // A part compacted away between the catalogue's read and its link: the catalogue has moved on, read it again.
  for (let tries = 1; history && !linked && tries < 3; tries++) {
    history = await inputs.history!.snapshot(dir);
    linked = linkParts(history.parts, dir);
  }
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
  const sources: NotebookSources = {
    takenAt: now,
    positions: history ? { parts: history.parts, hot: history.hot } : { parts: parquetFiles(join(archive, 'positions')) },
    ...(history ? { quarantine: history.quarantine } : {}),
    fenceEvents: { parts: parquetFiles(join(archive, 'fence_events')), mark, ...(logged.length ? { log } : {}) },
    market: parquetFiles(join(archive, 'market')),
    ...(features.length ? { fences } : {}),
  };
  const read = (files: string[]) => files.map((f) => linked?.get(f) ?? f);
  if (!inputs.fleet) return { ...sources, positions: { ...sources.positions, parts: read(sources.positions.parts) } };
  const fleet = await withFleet(sources, inputs.fleet, history?.hotHours ?? [], inputs.log);
  return {
    ...fleet,
    positions: { ...fleet.positions, parts: read(fleet.positions.parts), ...(fleet.positions.dedupe ? { dedupe: read(fleet.positions.dedupe) } : {}) },
  };
}

/**
 * The archive's parts hard-linked into the snapshot's folder, so a query reads them even after compaction
 * unlinks them (a link shares the bytes, it copies nothing). Undefined when a part is already gone; a
 * folder that takes no links (another file system) reads the parts where they are.
 */
function linkParts(parts: readonly string[], dir: string): Map<string, string> | undefined {
  const linked = new Map<string, string>();
  const into = join(dir, 'parts');
  rmSync(into, { recursive: true, force: true }); // a try before this one's links
  mkdirSync(into, { recursive: true });
  for (const [i, part] of parts.entries()) {
    const to = join(into, `${i}.parquet`);
    try {
      linkSync(part, to);
      linked.set(part, to);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      // EXDEV, EPERM…: read in place.
    }
  }
  return linked;
}

/** The views over the fleet's archive; when it cannot be listed (a store down, a key refused), this engine's own data, and the log says why. */
async function withFleet(
  local: NotebookSources,
  fleet: NonNullable<SnapshotInputs['fleet']>,
  hotHours: number[],
  log?: (line: string) => void,
): Promise<NotebookSources> {
  try {
    const share = await fleet.share({ positionParts: local.positions.parts, hotHours, fenceEventParts: local.fenceEvents.parts, market: local.market ?? [] });
    return {
      ...local,
      positions: { parts: share.positions, dedupe: share.dedupe, ...(local.positions.hot ? { hot: local.positions.hot } : {}) },
      fenceEvents: { ...local.fenceEvents, fleet: share.fenceEvents },
      market: share.market,
    };
  } catch (err) {
    log?.(`notebooks: the fleet's archive ${fleet.url} cannot be read, this engine's own data is: ${(err as Error).message}`);
    return local;
  }
}
