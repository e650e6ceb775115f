import { RpcError, type ChannelName, type PayloadOf } from '../../shared/rpc';
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
  | 'fences.backtestCancel'
  | 'fences.status';

/** A client that runs backtests: its runs (to cancel them, and when it goes), and its own channel. */
export interface BacktestClient {
  backtests: Map<string, AbortController>;
  emit<Ch extends ChannelName>(channel: Ch, payload: PayloadOf<Ch>): void;
}

/** Progress goes out at most this often. */
const PROGRESS_MS = 100;

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
export function fenceHandlers<C extends BacktestClient>(service: () => FenceService, dataDir: string): Pick<Handlers<C>, FenceMethods> {
  const registry = () => service().registry;
  return {
    'fences.list': () => registry().list(),
    'fences.get': ({ id }) => {
      const fence = registry().get(id);
      if (!fence) throw notFound(id);
      return { fence, history: registry().history(id) };
    },
    'fences.save': ({ fence, expectedVersion }) => {
      try {
        return registry().save(fence, expectedVersion);
      } catch (err) {
        return refused(err);
      }
    },
    'fences.enable': ({ id, enabled }) => {
      if (!registry().get(id)) throw notFound(id);
      return registry().setEnabled(id, enabled);
    },
    'fences.remove': ({ id }) => ({ removed: registry().remove(id) }),
    'fences.import': ({ collection }) => registry().importCollection(collection),
    'fences.export': () => registry().exportCollection(),
    'fences.backtest': async ({ fence, from, to, limit, runId }, client) => {
      let draft;
      try {
        draft = { ...parseFence(fence), version: 0 };
      } catch (err) {
        return refused(err);
      }
      if (!runId) return backtest(dataDir, draft, { from, to }, { limit });
      client.backtests.get(runId)?.abort();
      const abort = new AbortController();
      client.backtests.set(runId, abort);
      let sent = 0;
      try {
        return await backtest(
          dataDir,
          draft,
          { from, to },
          {
            limit,
            signal: abort.signal,
            onProgress: (positions) => {
              const now = Date.now();
              if (now - sent < PROGRESS_MS) return;
              sent = now;
              client.emit('fences.backtestProgress', { runId, positions });
            },
          },
        );
      } catch (err) {
        if (abort.signal.aborted) throw new RpcError({ code: 'cancelled', message: 'backtest cancelled' });
        throw err;
      } finally {
        if (client.backtests.get(runId) === abort) client.backtests.delete(runId);
      }
    },
    'fences.backtestTrack': ({ device_id, from, to, limit }) => archivedTrack(dataDir, device_id, { from, to }, limit),
    'fences.backtestCancel': ({ runId }, client) => {
      const run = client.backtests.get(runId);
      run?.abort();
      return { cancelled: Boolean(run) };
    },
    'fences.status': () => service().status(),
  };
}
