import { RpcError, type GisPreview } from '../../shared/rpc';
import type { JobsClient } from '../jobs';
import type { Handlers } from '../rpc';
import { archivedTrack, backtest } from './backtest';
import { FenceValidationError, parseFence } from './fence-registry';
import type { FenceService } from './fence-service';

type FenceMethods =
  | 'fences.list'
  | 'fences.get'
  | 'fences.save'
  | 'fences.enable'
  | 'fences.remove'
  | 'fences.import'
  | 'fences.export'
  | 'fences.backtest'
  | 'fences.backtestTrack'
  | 'fences.status'
  | 'fences.upload'
  | 'fences.readFile';

/** Where GIS files are read for an import: the notebooks' sandboxed DuckDB (NotebookService). */
export interface GisUploads {
  receivePiece(upload: string, name: string, offset: number, bytes: Buffer): number;
  readUpload(upload: string, options: { layer?: string; crs?: string }): Promise<GisPreview>;
}

/** A file that cannot be read as the analyst's refusal (the reader's own errors, DuckDB's in the notebook process), at `path`. */
function unreadable(err: unknown, path: string): never {
  if (err instanceof Error && ['SourceError', 'NotebookQueryError', 'ZipError'].includes(err.name))
    throw new RpcError({ code: 'invalid_params', message: err.message, issues: [{ path, message: err.message }] });
  throw err;
}

/** A refused fence as invalid params, each problem at its place under `fence.`. */
function refused(err: unknown): never {
  if (err instanceof FenceValidationError) {
    throw new RpcError({
      code: 'invalid_params',
      message: err.message,
      issues: err.issues.map((i) => ({ path: i.path ? `fence.${i.path}` : 'fence', message: i.message })),
    });
  }
  throw err;
}

const notFound = (id: string) => new RpcError({ code: 'invalid_params', message: `no fence "${id}"`, issues: [{ path: 'id', message: 'not found' }] });

/** The fence methods; `service` throws an `unavailable` RpcError when the registry could not open. */
export function fenceHandlers<C extends JobsClient>(
  service: () => FenceService,
  dataDir: string,
  gis: () => Promise<GisUploads>,
): Pick<Handlers<C>, FenceMethods> {
  const registry = () => service().registry;
  return {
    'fences.list': () => registry().list(),
    'fences.get': ({ id }) => {
      const fence = registry().get(id);
      if (!fence) throw notFound(id);
      return { fence, history: registry().history(id) };
    },
    // Changes go through `writes`: the file, or in a fleet the shared registry, whose change comes back into the file.
    'fences.save': async ({ fence, expectedVersion }) => {
      try {
        return await service().writes.save(fence, expectedVersion);
      } catch (err) {
        return refused(err);
      }
    },
    'fences.enable': async ({ id, enabled }) => {
      if (!registry().get(id)) throw notFound(id);
      try {
        return await service().writes.setEnabled(id, enabled);
      } catch (err) {
        return refused(err);
      }
    },
    'fences.remove': async ({ id }) => ({ removed: await service().writes.remove(id) }),
    'fences.import': async ({ collection }) => {
      try {
        return await service().writes.importCollection(collection);
      } catch (err) {
        return refused(err);
      }
    },
    'fences.export': () => registry().exportCollection(),
    'fences.backtest': ({ fence, from, to, limit, compareWith, jobId }, client) => {
      let draft;
      let saved;
      try {
        draft = { ...parseFence(fence), version: 0 };
        saved = compareWith ? { ...parseFence(compareWith), version: 0 } : undefined;
      } catch (err) {
        return refused(err);
      }
      return client.jobs.run({ method: 'fences.backtest', id: jobId, what: 'backtest' }, (job) =>
        backtest(dataDir, draft, { from, to }, { limit, compareWith: saved, signal: job.signal, onProgress: (positions) => job.progress({ positions }) }),
      );
    },
    'fences.backtestTrack': ({ device_id, from, to, limit }) => archivedTrack(dataDir, device_id, { from, to }, limit),
    'fences.status': () => service().status(),
    'fences.upload': async ({ upload, name, offset, data }) => {
      try {
        return { bytes: (await gis()).receivePiece(upload, name, offset, Buffer.from(data, 'base64')) };
      } catch (err) {
        return unreadable(err, 'name');
      }
    },
    'fences.readFile': async ({ upload, layer, crs }) => {
      try {
        return await (await gis()).readUpload(upload, { layer, crs });
      } catch (err) {
        return unreadable(err, 'upload');
      }
    },
  };
}
