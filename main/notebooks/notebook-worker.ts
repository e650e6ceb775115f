/**
 * The notebook's own thread: a DuckDB of its own (its threads and memory limit, apart from the
 * history's), the H3 functions, the views over the latest snapshot, and the queries running on it.
 * A heavy query here never holds the engine's event loop or the history's DuckDB.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DuckDBInstance } from '@duckdb/node-api';
import { registerH3 } from './h3-functions';
import { QueryError, QueryRunner } from './query-runner';
import { viewStatements } from './views';
import type { FromNotebookWorker, NotebookWorkerData, ToNotebookWorker } from './worker-protocol';

const port = parentPort!;
const send = (m: FromNotebookWorker, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer ?? []);
const { threads, memoryLimitMb, maxRows } = workerData as NotebookWorkerData;

const instance = await DuckDBInstance.create(':memory:', {
  // Parquet, JSON and ICU are built in; nothing may be fetched from the internet.
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  threads: String(threads),
  memory_limit: `${memoryLimitMb}MB`,
});
const admin = await instance.connect();
await admin.run("SET TimeZone = 'UTC'");
await registerH3(admin);
const runner = new QueryRunner(instance, maxRows);

const failure = (err: unknown) =>
  err instanceof QueryError ? { message: err.message, at: err.at, cancelled: err.cancelled } : { message: (err as Error).message };

port.on('message', (m: ToNotebookWorker) => {
  void (async () => {
    try {
      switch (m.t) {
        case 'views':
          for (const sql of viewStatements(m.sources)) await admin.run(sql);
          return send({ t: 'ok', id: m.id });
        case 'run': {
          const summary = await runner.run(m.queryId, m.sql, (p) => send({ t: 'progress', progress: p }));
          return send({ t: 'ran', id: m.id, summary });
        }
        case 'page': {
          const bytes = await runner.page(m.queryId, m.offset, m.limit);
          const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
          return send({ t: 'page', id: m.id, buffer }, [buffer]);
        }
        case 'cancel':
          return send({ t: 'cancelled', id: m.id, cancelled: runner.cancel(m.queryId) });
        case 'export':
          return send({ t: 'exported', id: m.id, rows: await runner.export(m.sql, m.format, m.file) });
        case 'drop':
          runner.drop(m.queryId);
          return send({ t: 'ok', id: m.id });
        case 'close':
          runner.close();
          admin.closeSync();
          instance.closeSync();
          send({ t: 'ok', id: m.id });
          return port.close();
      }
    } catch (err) {
      send({ t: 'failed', id: m.id, error: failure(err) });
    }
  })();
});
send({ t: 'ready' });
