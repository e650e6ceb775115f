import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { GisPreview } from '../../shared/rpc';
import type { PlaybackFrameRequest } from '../playback';
import { appendPiece, gisMainFile } from './gis-files';
import type { S3Access } from '../s3';
import type { ExtensionState } from './extensions';
import type { ExportFormat, QueryProgress, QuerySummary } from './query-runner';
import { resolveSource, type OpenedSource } from './sources';
import { isBucketUrl, resolveBucketSource } from './bucket-sources';
import type { Completion } from './sql-completion';
import { takeSnapshot, type SnapshotInputs } from './snapshot';
import { NotebookQueryError, NotebookThread } from './notebook-thread';
import type { NotebookWorkerData } from './worker-protocol';

export interface NotebookSettings extends Omit<NotebookWorkerData, 'sandbox'> {
  /** A query reads a snapshot of the engine's data at most this old; older, a new one is taken first. */
  snapshotMaxAgeMs: number;
  /** The folders files may be opened from, and the only ones (with the archive) SQL may read. */
  roots: string[];
  /** URL prefixes SQL may read too (notebooks.buckets). */
  buckets?: string[];
  /** How `s3://` is reached (keys, region, endpoint). */
  s3?: S3Access;
  /** Let DuckDB fetch a missing approved extension from its official repository (notebooks.extensionsOnline). */
  extensionsOnline?: boolean;
}

/** Playback reads a snapshot up to this old: a frame every 100 ms must not copy the hot table each time. */
const PLAYBACK_SNAPSHOT_MS = 60_000;

/** A file opened as a view, with its columns. */
export interface OpenedView extends Omit<OpenedSource, 'sql'> {
  columns: { name: string; type: string }[];
}

/** A GIS import's preview holds at most this many features. */
const MAX_PREVIEW_FEATURES = 20_000;
/** An upload never read (its client went) is deleted once this old. */
const STALE_UPLOAD_MS = 30 * 60_000;

const ENGINE_VIEWS = ['positions', 'fence_events', 'quarantine', 'fences', 'market'];

/**
 * The engine's side of the notebooks: the notebook thread (notebook-worker.ts) and the snapshots its
 * views read. Snapshots live under `<dataDir>/notebooks/snapshot-<n>` while a query may read them.
 */
export class NotebookService {
  private snapshot?: Promise<{ n: number; at: number }>;
  private snapshotCount = 0;
  private exports = 0;
  private frames = 0;
  /** Snapshots a running query reads: not deleted until it ends. */
  private readonly reading = new Map<number, number>();
  private readonly opened: OpenedView[] = [];

  private constructor(
    private readonly thread: NotebookThread,
    private readonly dir: string,
    private readonly settings: NotebookSettings,
    private readonly inputs: () => SnapshotInputs,
  ) {}

  static async start(dataDir: string, settings: NotebookSettings, inputs: () => SnapshotInputs): Promise<NotebookService> {
    const dir = join(dataDir, 'notebooks');
    rmSync(dir, { recursive: true, force: true });
    const { threads, memoryLimitMb, maxRows } = settings;
    const sandbox = {
      // The snapshots and exports live in `dir`: read there, and written only by the engine's own Export.
      read: [...settings.roots, join(dataDir, 'archive'), dir],
      buckets: settings.buckets ?? [],
      ...(settings.s3 ? { s3: settings.s3 } : {}),
      tempDir: join(dir, 'spill'),
      extensions: { online: settings.extensionsOnline ?? false, onlineDir: join(dataDir, 'duckdb-extensions') },
    };
    return new NotebookService(await NotebookThread.start({ threads, memoryLimitMb, maxRows, sandbox }), dir, settings, inputs);
  }

  /** The approved DuckDB extensions: loaded, or missing and how to get them. */
  extensions(): ExtensionState[] {
    return this.thread.extensions;
  }

  onProgress(listener: (p: QueryProgress) => void): () => void {
    return this.thread.onProgress(listener);
  }

  /** Runs SQL over a snapshot at most `snapshotMaxAgeMs` old; `signal` interrupts it (it then fails as cancelled). */
  async run(queryId: string, sql: string, name?: string, signal?: AbortSignal): Promise<QuerySummary & { snapshotAt: number }> {
    if (name && ENGINE_VIEWS.includes(name.toLowerCase()))
      throw new NotebookQueryError({ message: `"${name}" is one of the engine's views: name the result otherwise` });
    const { n, at } = await this.fresh();
    this.reading.set(n, (this.reading.get(n) ?? 0) + 1);
    const stop = () => void this.cancel(queryId).catch(() => undefined);
    try {
      // Cancelled while the snapshot was taken: it never starts.
      if (signal?.aborted) throw new NotebookQueryError({ message: 'query cancelled', cancelled: true });
      const ran = this.thread.ask('ran', { t: 'run', queryId, sql, ...(name ? { name } : {}) });
      // Asked after the run, so the thread knows the query when the cancel reaches it.
      signal?.addEventListener('abort', stop, { once: true });
      const m = await ran;
      return { ...m.summary, snapshotAt: at };
    } finally {
      signal?.removeEventListener('abort', stop);
      this.reading.set(n, this.reading.get(n)! - 1);
      this.prune();
    }
  }

  async page(queryId: string, offset: number, limit: number): Promise<ArrayBuffer> {
    return (await this.thread.ask('page', { t: 'page', queryId, offset, limit })).buffer;
  }

  /** The whole result of `sql` as a file's bytes (CSV, Parquet, JSON, GeoJSON or a GIS file's, its layer named `layer`), over the latest snapshot. */
  async export(sql: string, format: ExportFormat, layer?: string): Promise<{ bytes: Buffer; rows: number }> {
    const { n } = await this.fresh();
    this.reading.set(n, (this.reading.get(n) ?? 0) + 1);
    mkdirSync(join(this.dir, 'exports'), { recursive: true });
    const file = join(this.dir, 'exports', `export-${++this.exports}.${format}`);
    try {
      const m = await this.thread.ask('exported', { t: 'export', sql, format, file, ...(layer ? { layer } : {}) });
      return { bytes: readFileSync(file), rows: m.rows };
    } finally {
      rmSync(file, { force: true });
      this.reading.set(n, this.reading.get(n)! - 1);
      this.prune();
    }
  }

  /** Opens a file, folder or glob inside the roots as a view (its name from the file's); DuckDB's message when it cannot read it. */
  async open(path: string): Promise<OpenedView> {
    const taken = new Set([...ENGINE_VIEWS, ...this.opened.filter((o) => o.path !== path).map((o) => o.view)]);
    const again = this.opened.find((o) => o.path === path);
    const source = isBucketUrl(path) ? resolveBucketSource(path, this.settings.buckets ?? [], taken) : resolveSource(path, this.settings.roots, taken);
    if (again) source.view = again.view;
    const m = await this.thread.ask('opened', { t: 'open', view: source.view, sql: source.sql });
    const { sql: _sql, ...rest } = source;
    const view: OpenedView = { ...rest, columns: m.columns };
    this.opened.splice(0, this.opened.length, ...this.opened.filter((o) => o.path !== path), view);
    return view;
  }

  /** A piece of a file for a GIS import, into `<dataDir>/notebooks/imports/<upload>` (inside the sandbox's reads); its size so far. */
  receivePiece(upload: string, name: string, offset: number, bytes: Buffer): number {
    const imports = join(this.dir, 'imports');
    mkdirSync(imports, { recursive: true });
    if (offset === 0)
      for (const old of readdirSync(imports))
        if (Date.now() - statSync(join(imports, old)).mtimeMs > STALE_UPLOAD_MS) rmSync(join(imports, old), { recursive: true, force: true });
    return appendPiece(join(imports, upload), name, offset, bytes);
  }

  /** Reads an upload's GIS file on the notebook thread (gis-reader.ts), then deletes the upload. */
  async readUpload(upload: string, options: { layer?: string; crs?: string }): Promise<GisPreview> {
    const dir = join(this.dir, 'imports', upload);
    try {
      const path = gisMainFile(dir);
      return (await this.thread.ask('gis', { t: 'gis', path, options: { ...options, maxFeatures: MAX_PREVIEW_FEATURES } })).preview;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The files opened so far, oldest first. */
  sources(): OpenedView[] {
    return [...this.opened];
  }

  /** The archive at time t as a heatmap frame (playback-frame.ts); `job.signal` interrupts it (it then fails as cancelled). */
  async frame(request: PlaybackFrameRequest, job?: { uid: string; signal: AbortSignal }): Promise<ArrayBuffer> {
    await this.fresh(Math.max(PLAYBACK_SNAPSHOT_MS, this.settings.snapshotMaxAgeMs));
    if (job?.signal.aborted) throw new NotebookQueryError({ message: 'playback frame cancelled', cancelled: true });
    const frameId = job?.uid ?? `frame-${++this.frames}`;
    const built = this.thread.ask('frame', { t: 'frame', frameId, request });
    // Asked after the frame, so the thread knows it when the cancel reaches it.
    const stop = () => void this.thread.ask('cancelled', { t: 'cancelFrame', frameId }).catch(() => undefined);
    job?.signal.addEventListener('abort', stop, { once: true });
    try {
      return (await built).buffer;
    } finally {
      job?.signal.removeEventListener('abort', stop);
    }
  }

  /** The time range of positions, for the time bar (null when there are none). */
  async range(): Promise<{ from: number; to: number; positions: number } | null> {
    await this.fresh();
    return (await this.thread.ask('range', { t: 'range' })).range;
  }

  /** DuckDB's completions of the SQL before the cursor (the views as they are; no snapshot is taken for it). */
  async complete(before: string): Promise<{ from: number; options: Completion[] }> {
    const { from, options } = await this.thread.ask('completed', { t: 'complete', before });
    return { from, options };
  }

  async cancel(queryId: string): Promise<boolean> {
    return (await this.thread.ask('cancelled', { t: 'cancel', queryId })).cancelled;
  }

  async drop(queryId: string): Promise<void> {
    await this.thread.ask('ok', { t: 'drop', queryId });
  }

  async close(): Promise<void> {
    await this.thread.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The latest snapshot if young enough, else a new one (one at a time) with the views moved onto it. */
  private fresh(maxAgeMs = this.settings.snapshotMaxAgeMs): Promise<{ n: number; at: number }> {
    const current = this.snapshot;
    const take = async () => {
      const last = await current?.catch(() => undefined);
      if (last && Date.now() - last.at <= maxAgeMs) return last;
      const n = ++this.snapshotCount;
      const sources = await takeSnapshot(this.inputs(), join(this.dir, `snapshot-${n}`));
      await this.thread.ask('ok', { t: 'views', sources });
      return { n, at: sources.takenAt };
    };
    const next = take();
    this.snapshot = next;
    return next;
  }

  /** Deletes snapshots no query reads and the views no longer point at. */
  private prune(): void {
    void this.snapshot?.then(({ n: latest }) => {
      for (let n = 1; n < latest; n++) if (!this.reading.get(n)) rmSync(join(this.dir, `snapshot-${n}`), { recursive: true, force: true });
    });
  }
}
