import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GisPreview } from '../../shared/rpc';
import type { PlaybackFrameRequest } from '../playback';
import { appendPiece, gisMainFile, scratchName } from './gis-files';
import { spatialRefusal } from './gis-view';
import type { S3Access } from '../s3';
import type { ExtensionState } from './extensions';
import type { ExportFormat, QueryProgress, QuerySummary } from './query-runner';
import { gisKindOf, resolveSource, SourceError, viewNameOf, type OpenedSource } from './sources';
import { isBucketUrl, resolveBucketSource } from './bucket-sources';
import type { Completion } from './sql-completion';
import { takeSnapshot, type SnapshotInputs } from './snapshot';
import { NotebookProcess, NotebookQueryError, type Answer, type NotebookRequest } from './notebook-process';
import type { NotebookSources } from './views';
import type { FromNotebookWorker, NotebookWorkerData } from './worker-protocol';

export interface NotebookSettings extends Omit<NotebookWorkerData, 'sandbox'> {
  /** A query reads a snapshot of the engine's data at most this old; older, a new one is taken first. */
  snapshotMaxAgeMs: number;
  /** The folders files may be opened from, and the only ones (with the archive) SQL may read. */
  roots: string[];
  /** URL prefixes SQL may read too (notebooks.buckets). */
  buckets?: string[];
  /** How `s3://` is reached (keys, region, endpoint). */
  s3?: S3Access;
  /** The fleet's shared archive folder (archive.sharedDir), read as the engine's own archive is. */
  archiveRoots?: string[];
  /** The fleet's one archive, which the views read with this engine's share not yet in it. */
  fleet?: SnapshotInputs['fleet'];
  /** Let DuckDB fetch a missing approved extension from its official repository (notebooks.extensionsOnline). */
  extensionsOnline?: boolean;
}

/** Playback reads a snapshot up to this old: a frame every 100 ms must not copy the hot table each time. */
const PLAYBACK_SNAPSHOT_MS = 60_000;

/** A file opened as a view, with its columns. */
export interface OpenedView extends Omit<OpenedSource, 'sql'> {
  columns: { name: string; type: string }[];
}

/** An opened view as the service keeps it: with its SQL, to make it again in a fresh notebook process. */
type KeptView = OpenedView & { sql: string };

/** A GIS import's preview holds at most this many features. */
const MAX_PREVIEW_FEATURES = 20_000;
/** An upload never read (its client went) is deleted once this old. */
const STALE_UPLOAD_MS = 30 * 60_000;

const ENGINE_VIEWS = ['positions', 'fence_events', 'quarantine', 'fences', 'market'];

/**
 * The engine's side of the notebooks: the notebook process (notebook-worker.ts) and the snapshots its
 * views read. Snapshots live under `<dataDir>/notebooks/snapshot-<n>` while a query may read them. When
 * the process dies (DuckDB or GDAL crashed on a bad file), the next call starts a fresh one with the
 * views and opened files made again.
 */
export class NotebookService {
  private snapshot?: Promise<{ n: number; at: number }>;
  private snapshotCount = 0;
  private exports = 0;
  private frames = 0;
  /** Archives unpacked for a view, each into a folder of its own. */
  private unpacked = 0;
  /** Snapshots a running query reads: not deleted until it ends. */
  private readonly reading = new Map<number, number>();
  private readonly opened: KeptView[] = [];
  /** The views' sources of the latest snapshot, made again in a fresh process. */
  private views?: NotebookSources;
  private readonly progress = new Set<(p: QueryProgress) => void>();
  /** The process now, or the one starting; `live` once it answers. */
  private current: Promise<NotebookProcess>;
  private live: NotebookProcess;
  private closing = false;

  private constructor(
    first: NotebookProcess,
    private readonly workerData: NotebookWorkerData,
    private readonly dir: string,
    private readonly settings: NotebookSettings,
    private readonly inputs: () => SnapshotInputs,
    private readonly log: (line: string) => void,
  ) {
    this.live = this.adopt(first);
    this.current = Promise.resolve(first);
  }

  static async start(
    dataDir: string,
    settings: NotebookSettings,
    inputs: () => SnapshotInputs,
    log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ): Promise<NotebookService> {
    const dir = join(dataDir, 'notebooks');
    rmSync(dir, { recursive: true, force: true });
    const { threads, memoryLimitMb, maxRows } = settings;
    const sandbox = {
      // The snapshots and exports live in `dir`: read there, and written only by the engine's own Export.
      read: [...settings.roots, join(dataDir, 'archive'), ...(settings.archiveRoots ?? []), dir],
      buckets: settings.buckets ?? [],
      ...(settings.s3 ? { s3: settings.s3 } : {}),
      tempDir: join(dir, 'spill'),
      extensions: { online: settings.extensionsOnline ?? false, onlineDir: join(dataDir, 'duckdb-extensions') },
    };
    const workerData = { threads, memoryLimitMb, maxRows, sandbox };
    return new NotebookService(await NotebookProcess.start(workerData, log), workerData, dir, settings, inputs, log);
  }

  /** The approved DuckDB extensions: loaded, or missing and how to get them. */
  extensions(): ExtensionState[] {
    return this.live.extensions;
  }

  onProgress(listener: (p: QueryProgress) => void): () => void {
    this.progress.add(listener);
    return () => this.progress.delete(listener);
  }

  /** Asks the notebook process, a fresh one if the last has died. */
  private async ask<K extends FromNotebookWorker['t']>(answer: K, body: NotebookRequest): Promise<Answer<K>> {
    return (await this.process()).ask(answer, body);
  }

  /** The running process; when it has died, a fresh one (one start at a time) with the views and opened files made again. */
  private process(): Promise<NotebookProcess> {
    if (this.closing) return Promise.reject(new NotebookQueryError({ message: 'the notebooks are closing' }));
    const restart = async () => {
      this.log('notebooks: starting a fresh DuckDB process (the last one stopped)');
      const fresh = this.adopt(await NotebookProcess.start(this.workerData, this.log));
      if (this.views) await fresh.ask('ok', { t: 'views', sources: this.views });
      for (const view of [...this.opened]) {
        // A file gone or changed since it was opened is dropped from the list, and the log says why.
        await fresh.ask('opened', { t: 'open', view: view.view, sql: view.sql }).catch((err: Error) => {
          this.opened.splice(this.opened.indexOf(view), 1);
          this.log(`notebooks: ${view.path} could not be opened again: ${err.message}`);
        });
      }
      this.live = fresh;
      return fresh;
    };
    this.current = this.current.then((p) => (p.alive ? p : restart()), restart);
    return this.current;
  }

  /** Its progress handed to the service's listeners. */
  private adopt(p: NotebookProcess): NotebookProcess {
    p.onProgress((progress) => this.progress.forEach((l) => l(progress)));
    return p;
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
      const ran = this.ask('ran', { t: 'run', queryId, sql, ...(name ? { name } : {}) });
      // Asked after the run, so the process knows the query when the cancel reaches it.
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
    return (await this.ask('page', { t: 'page', queryId, offset, limit })).buffer;
  }

  /** The whole result of `sql` as a file's bytes (CSV, Parquet, JSON, GeoJSON or a GIS file's, its layer named `layer`), over the latest snapshot. */
  async export(sql: string, format: ExportFormat, layer?: string): Promise<{ bytes: Buffer; rows: number }> {
    const { n } = await this.fresh();
    this.reading.set(n, (this.reading.get(n) ?? 0) + 1);
    mkdirSync(join(this.dir, 'exports'), { recursive: true });
    const file = join(this.dir, 'exports', `export-${++this.exports}.${format}`);
    try {
      const m = await this.ask('exported', { t: 'export', sql, format, file, ...(layer ? { layer } : {}) });
      return { bytes: readFileSync(file), rows: m.rows };
    } finally {
      rmSync(file, { force: true });
      this.reading.set(n, this.reading.get(n)! - 1);
      this.prune();
    }
  }

  /**
   * Opens a file, folder or glob inside the roots as a view (its name from the file's); DuckDB's message when
   * it cannot read it. A GIS file's `layer` (the first when not given) becomes the view, its geometry as `geom`
   * in WGS84; another layer of the same file is a view of its own (`<file>_<layer>`).
   */
  async open(path: string, layer?: string): Promise<OpenedView> {
    const taken = new Set([...ENGINE_VIEWS, ...this.opened.filter((o) => o.path !== path).map((o) => o.view)]);
    const source = isBucketUrl(path) ? resolveBucketSource(path, this.settings.buckets ?? [], taken) : resolveSource(path, this.settings.roots, taken);
    if (source.file) Object.assign(source, await this.gisSource(source, taken, layer));
    const again = this.opened.find((o) => o.path === path && o.layer === source.layer);
    if (again) source.view = again.view;
    const opening = () => this.ask('opened', { t: 'open', view: source.view, sql: source.sql });
    // A bucket folder listed while the archive copier replaced a part names an object already deleted: list again.
    let m = await opening().catch((err: Error) => (isBucketUrl(path) && /\b404\b/.test(err.message) ? opening() : Promise.reject(err)));
    // A Parquet file with a geometry column is GeoParquet: its geometry too comes as `geom` in WGS84.
    if (source.kind === 'parquet' && !/[*?[]/.test(path) && m.columns.some((c) => /^GEOMETRY\b/i.test(c.type)) && !statSync(path).isDirectory()) {
      Object.assign(source, { file: path }, await this.gisSource({ ...source, file: path }, taken));
      m = await this.ask('opened', { t: 'open', view: source.view, sql: source.sql });
    }
    const view: KeptView = { ...source, columns: m.columns };
    this.opened.splice(0, this.opened.length, ...this.opened.filter((o) => o.path !== path || o.layer !== view.layer), view);
    const { sql: _sql, file: _file, ...shown } = view;
    return shown;
  }

  /** A GIS file's view: its layer and CRS read in the notebook process (a zip or KMZ unpacked first, since the sandbox refuses /vsizip/). */
  private async gisSource(source: OpenedSource, taken: ReadonlySet<string>, layer?: string): Promise<Partial<OpenedSource>> {
    const refusal = spatialRefusal((await this.process()).extensions, source.path);
    if (refusal) throw new SourceError(refusal);
    let file = source.file!;
    if (/\.(zip|kmz)$/i.test(file)) {
      const into = join(this.dir, 'opened', `${source.view}-${++this.unpacked}`);
      mkdirSync(into, { recursive: true });
      copyFileSync(file, join(into, scratchName(basename(file))));
      file = gisMainFile(into);
    }
    const g = (await this.ask('gisSource', { t: 'gisSource', path: file, ...(layer ? { layer } : {}) })).source;
    const first = g.layers[0]?.name;
    return {
      sql: g.sql,
      kind: gisKindOf(file) ?? (/\.(geo)?json$/i.test(file) ? 'geojson' : /\.parquet$/i.test(file) ? 'geoparquet' : source.kind),
      layer: g.layer,
      layers: g.layers,
      crs: g.crs,
      ...(g.layer !== first ? { view: viewNameOf(`${basename(source.path).replace(/\.[^.]*$/, '')}_${g.layer}`, taken) } : {}),
      ...(g.crs ? {} : { note: `${basename(source.path)} says no CRS: geom is in the file's own coordinates, not reprojected to WGS84` }),
    };
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

  /** Reads an upload's GIS file in the notebook process (gis-reader.ts), then deletes the upload. */
  async readUpload(upload: string, options: { layer?: string; crs?: string }): Promise<GisPreview> {
    const dir = join(this.dir, 'imports', upload);
    try {
      const path = gisMainFile(dir);
      return (await this.ask('gis', { t: 'gis', path, options: { ...options, maxFeatures: MAX_PREVIEW_FEATURES } })).preview;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The files opened so far, oldest first. */
  sources(): OpenedView[] {
    return this.opened.map(({ sql: _sql, file: _file, ...shown }) => shown);
  }

  /** The archive at time t as a heatmap frame (playback-frame.ts); `job.signal` interrupts it (it then fails as cancelled). */
  async frame(request: PlaybackFrameRequest, job?: { uid: string; signal: AbortSignal }): Promise<ArrayBuffer> {
    await this.fresh(Math.max(PLAYBACK_SNAPSHOT_MS, this.settings.snapshotMaxAgeMs));
    if (job?.signal.aborted) throw new NotebookQueryError({ message: 'playback frame cancelled', cancelled: true });
    const frameId = job?.uid ?? `frame-${++this.frames}`;
    const built = this.ask('frame', { t: 'frame', frameId, request });
    // Asked after the frame, so the process knows it when the cancel reaches it.
    const stop = () => void this.askLive('cancelled', { t: 'cancelFrame', frameId });
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
    return (await this.ask('range', { t: 'range' })).range;
  }

  /** DuckDB's completions of the SQL before the cursor (the views as they are; no snapshot is taken for it). */
  async complete(before: string): Promise<{ from: number; options: Completion[] }> {
    const { from, options } = await this.ask('completed', { t: 'complete', before });
    return { from, options };
  }

  async cancel(queryId: string): Promise<boolean> {
    return (await this.askLive('cancelled', { t: 'cancel', queryId }))?.cancelled ?? false;
  }

  async drop(queryId: string): Promise<void> {
    await this.askLive('ok', { t: 'drop', queryId });
  }

  /** Asks only a process that is alive: a cancel or a drop has nothing to do in a fresh one. */
  private async askLive<K extends FromNotebookWorker['t']>(answer: K, body: NotebookRequest): Promise<Answer<K> | undefined> {
    return this.live.alive ? this.live.ask(answer, body).catch(() => undefined) : undefined;
  }

  async close(): Promise<void> {
    this.closing = true;
    await (await this.current.catch(() => this.live)).close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The latest snapshot if young enough, else a new one (one at a time) with the views moved onto it. */
  private fresh(maxAgeMs = this.settings.snapshotMaxAgeMs): Promise<{ n: number; at: number }> {
    const current = this.snapshot;
    const take = async () => {
      const last = await current?.catch(() => undefined);
      if (last && Date.now() - last.at <= maxAgeMs) return last;
      const n = ++this.snapshotCount;
      const fleet = this.settings.fleet ? { fleet: this.settings.fleet, log: this.log } : {};
      const sources = await takeSnapshot({ ...this.inputs(), ...fleet }, join(this.dir, `snapshot-${n}`));
      await this.ask('ok', { t: 'views', sources });
      this.views = sources;
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
