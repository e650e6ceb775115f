/**
 * The notebooks' own process (a child of the engine): a DuckDB of its own (its threads and memory limit,
 * apart from the history's), the H3 functions, the views over the latest snapshot, and the queries running
 * on it. A heavy query here never holds the engine's event loop or the history's DuckDB, and a crash of
 * DuckDB or GDAL on a bad file ends only this process.
 */
import { fromParent, lastToParent, toParent } from '../child-port';
import { readGisFile } from './gis-reader';
import { gisViewSource } from './gis-view';
import { registerH3 } from './h3-functions';
import { FrameCancelledError, PlaybackFrames, playbackRange } from '../playback';
import { QueryError, QueryRunner } from './query-runner';
import { openSandbox } from './sandbox';
import { readableStoreError } from './s3-secret';
import { completeSql } from './sql-completion';
import { viewStatements } from './views';
import { WORKER_DATA_ENV, type FromNotebookWorker, type NotebookWorkerData, type ToNotebookWorker } from './worker-protocol';

const send = (m: FromNotebookWorker) => toParent(m);
// The engine hands its settings in the environment (notebook-process.ts).
const { threads, memoryLimitMb, maxRows, sandbox } = JSON.parse(process.env[WORKER_DATA_ENV] ?? '{}') as NotebookWorkerData;

// Reads only inside the roots, the archive and the snapshots; writes nowhere (sandbox.ts, sql-guard.ts).
const { instance, admin, extensions } = await openSandbox({ ...sandbox, threads, memoryLimitMb });
await registerH3(admin);
const runner = new QueryRunner(instance, maxRows, { extensions });
const spatial = extensions.some((e) => e.name === 'spatial' && e.loaded);
// Playback's time range on a connection of its own; its frames each on one, so a cancel stops only that frame.
const playback = await instance.connect();
const frames = new PlaybackFrames(instance);

// A bucket's refusal (wrong key, no such bucket) in the store's words, said once.
const failure = (err: unknown) =>
  err instanceof QueryError
    ? { message: readableStoreError(err.message), at: err.at, cancelled: err.cancelled }
    : { message: readableStoreError((err as Error).message), ...(err instanceof FrameCancelledError ? { cancelled: true } : {}) };

fromParent((message) => {
  const m = message as ToNotebookWorker;
  void (async () => {
    try {
      switch (m.t) {
        case 'views':
          for (const sql of viewStatements(m.sources, spatial)) await admin.run(sql);
          return send({ t: 'ok', id: m.id });
        case 'run': {
          const summary = await runner.run(m.queryId, m.sql, (p) => send({ t: 'progress', progress: p }), m.name);
          return send({ t: 'ran', id: m.id, summary });
        }
        case 'page': {
          const bytes = await runner.page(m.queryId, m.offset, m.limit);
          const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
          return send({ t: 'page', id: m.id, buffer });
        }
        case 'cancel':
          return send({ t: 'cancelled', id: m.id, cancelled: runner.cancel(m.queryId) });
        case 'open': {
          // The view is kept only if DuckDB can read what it names: a broken file says why, and leaves no view.
          const view = `"${m.view.replace(/"/g, '""')}"`;
          try {
            await admin.run(`CREATE OR REPLACE VIEW ${view} AS ${m.sql}`);
            const rows = (await admin.runAndReadAll(`DESCRIBE ${view}`)).getRowObjectsJS();
            return send({ t: 'opened', id: m.id, columns: rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })) });
          } catch (err) {
            await admin.run(`DROP VIEW IF EXISTS ${view}`).catch(() => undefined);
            throw err;
          }
        }
        case 'frame': {
          const buffer = await frames.build(m.frameId, m.request);
          return send({ t: 'frame', id: m.id, buffer });
        }
        case 'cancelFrame':
          return send({ t: 'cancelled', id: m.id, cancelled: frames.cancel(m.frameId) });
        case 'complete':
          return send({ t: 'completed', id: m.id, ...(await completeSql(admin, m.before)) });
        case 'gis': {
          // A connection of its own: the admin's runs the views' statements meanwhile.
          const c = await instance.connect();
          try {
            return send({ t: 'gis', id: m.id, preview: await readGisFile(c, m.path, m.options) });
          } finally {
            c.closeSync();
          }
        }
        case 'gisSource': {
          const c = await instance.connect();
          try {
            return send({ t: 'gisSource', id: m.id, source: await gisViewSource(c, m.path, m.layer) });
          } finally {
            c.closeSync();
          }
        }
        case 'range':
          return send({ t: 'range', id: m.id, range: await playbackRange(playback) });
        case 'export':
          return send({ t: 'exported', id: m.id, rows: await runner.export(m.sql, m.format, m.file, m.layer) });
        case 'drop':
          runner.drop(m.queryId);
          return send({ t: 'ok', id: m.id });
        case 'close':
          runner.close();
          playback.closeSync();
          admin.closeSync();
          instance.closeSync();
          // Exits once the answer is out (the engine waits for the exit).
          return lastToParent({ t: 'ok', id: m.id } satisfies FromNotebookWorker);
      }
    } catch (err) {
      send({ t: 'failed', id: m.id, error: failure(err) });
    }
  })();
});
send({ t: 'ready', extensions });
