import { RpcError, type ResultColumn } from '../../shared/rpc';
import type { JobsClient } from '../jobs';
import type { Handlers } from '../rpc';
import type { NotebookService } from './notebook-service';
import { NotebookQueryError } from './notebook-process';
import { SourceError } from './sources';

type NotebookMethods =
  'notebooks.open' | 'notebooks.sources' | 'notebooks.run' | 'notebooks.page' | 'notebooks.export' | 'notebooks.close' | 'notebooks.complete';

/** A client that runs queries: their results' ids are its own (another client's "q1" is another result). */
export interface NotebookClient extends JobsClient {
  id: string;
  queries: Set<string>;
}

/** A failed query as the RPC error the renderer shows: DuckDB's message at `sql.<line>.<column>`, or cancelled. */
function refused(err: unknown): never {
  if (err instanceof SourceError) throw new RpcError({ code: 'invalid_params', message: err.message, issues: [{ path: 'path', message: err.message }] });
  if (!(err instanceof NotebookQueryError)) throw err;
  const { message, at, cancelled } = err.failure;
  if (cancelled) throw new RpcError({ code: 'cancelled', message: 'query cancelled' });
  throw new RpcError({ code: 'invalid_params', message, issues: [{ path: at ? `sql.${at.line}.${at.column}` : 'sql', message }] });
}

/** The notebook methods; `service` starts the notebook process on first use, or rejects with an `unavailable` RpcError saying why it could not. */
export function notebookHandlers<C extends NotebookClient>(service: () => Promise<NotebookService>): Pick<Handlers<C>, NotebookMethods> {
  const own = (client: C, queryId: string) => `${client.id}-${queryId}`;
  return {
    'notebooks.open': async ({ path, layer }) => {
      try {
        return await (await service()).open(path, layer);
      } catch (err) {
        if (err instanceof NotebookQueryError)
          throw new RpcError({ code: 'invalid_params', message: err.message, issues: [{ path: 'path', message: err.message }] });
        return refused(err);
      }
    },
    'notebooks.sources': async () => (await service()).sources(),
    'notebooks.run': ({ queryId, sql, name, jobId }, client) =>
      client.jobs.run({ method: 'notebooks.run', id: jobId, what: 'query' }, async (job) => {
        const id = own(client, queryId);
        client.queries.add(id);
        const notebooks = await service();
        // The columns come once, as soon as DuckDB knows them: every later report carries them, so its latest says all.
        let columns: ResultColumn[] | undefined;
        const off = notebooks.onProgress((p) => {
          if (p.queryId !== id) return;
          columns = p.columns ?? columns;
          job.progress({ rows: p.rows, ...(p.percent !== undefined ? { percent: p.percent } : {}), ...(columns ? { columns } : {}) });
        });
        try {
          return await notebooks.run(id, sql, name, job.signal);
        } catch (err) {
          return refused(err);
        } finally {
          off();
        }
      }),
    'notebooks.page': async ({ queryId, offset, limit }, client) => {
      try {
        return await (await service()).page(own(client, queryId), offset, limit);
      } catch (err) {
        return refused(err);
      }
    },
    'notebooks.export': async ({ sql, format, layer }) => {
      try {
        const { bytes } = await (await service()).export(sql, format, layer);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      } catch (err) {
        return refused(err);
      }
    },
    'notebooks.complete': async ({ sql, cursor }) => {
      try {
        return await (await service()).complete(sql.slice(0, cursor));
      } catch (err) {
        return refused(err);
      }
    },
    'notebooks.close': async ({ queryId }, client) => {
      const id = own(client, queryId);
      client.queries.delete(id);
      await (await service()).drop(id);
      return { closed: true };
    },
  };
}

/** A client gone: its results go with it. */
export function dropClientQueries(service: NotebookService | undefined, client: NotebookClient): void {
  for (const id of client.queries) void service?.drop(id).catch(() => undefined);
  client.queries.clear();
}
