import { RpcError, type QueueItemInfo } from '../../shared/rpc';
import type { JobsClient } from '../jobs';
import type { Handlers } from '../rpc';
import { eventOfPayload, type QueueItem } from './delivery-queue';
import type { DeliveryService } from './delivery-service';

type QueueMethods =
  | 'deliveries.metrics'
  | 'deliveries.health'
  | 'deliveries.fenceEvents'
  | 'deliveries.healthHistory'
  | 'deliveries.deadLetters'
  | 'deliveries.deadLetterCounts'
  | 'deliveries.item'
  | 'deliveries.requeue'
  | 'deliveries.discard'
  | 'deliveries.undoDiscard'
  | 'deliveries.replayPreview'
  | 'deliveries.replay'
  | 'deliveries.targets'
  | 'deliveries.saveTarget'
  | 'deliveries.removeTarget'
  | 'deliveries.testTarget'
  | 'deliveries.setTargetSecret';

const info = (item: QueueItem): QueueItemInfo => ({
  id: item.id,
  targetId: item.targetId,
  fenceId: item.partitionKey,
  status: item.status,
  attempts: item.attempts,
  maxAttempts: item.maxAttempts,
  nextAttemptAt: item.nextAttemptAt,
  lastError: item.lastError,
  createdAt: item.createdAt,
  updatedAt: item.updatedAt,
  replayed: item.replayed,
  event: eventOfPayload(item.payload),
});

const notFound = (path: string, message: string) => new RpcError({ code: 'invalid_params', message, issues: [{ path, message: 'not found' }] });

/**
 * The queue's RPC methods. `service` is a function so that a queue that could not open (a damaged or
 * locked file) answers every call with why, while the rest of the engine runs on.
 */
export function deliveryHandlers<C extends JobsClient>(service: () => DeliveryService): Pick<Handlers<C>, QueueMethods> {
  const queue = () => service().queue;
  const target = (id: string) => {
    if (!queue().targets.get(id)) throw notFound('id', `no target "${id}"`);
  };
  return {
    'deliveries.metrics': () => queue().metrics(),
    'deliveries.health': () => queue().health(),
    'deliveries.fenceEvents': () => queue().fenceEvents(),
    'deliveries.healthHistory': ({ range }) => service().history.samples(range),
    'deliveries.deadLetters': ({ limit, offset, sort, descending, ...filter }) => {
      const page = queue().deadLetters.list(filter, { limit, offset, sort, descending });
      return { total: page.total, items: page.items.map(info) };
    },
    'deliveries.deadLetterCounts': (filter) => queue().deadLetters.counts(filter),
    'deliveries.item': ({ id }) => {
      const found = queue().deadLetters.get(id);
      if (!found) throw notFound('id', `no delivery with id ${id}`);
      return { item: info(found.item), payload: found.item.payload, headers: service().headersOf(found.item), attempts: found.attempts };
    },
    'deliveries.requeue': (filter) => ({ requeued: queue().deadLetters.requeue(filter) }),
    'deliveries.discard': (filter) => queue().deadLetters.discard(filter),
    'deliveries.undoDiscard': ({ batch }) => ({ restored: queue().deadLetters.undoDiscard(batch) }),
    'deliveries.replayPreview': (filter) => service().replayCount(filter),
    'deliveries.replay': ({ targetId, jobId, ...filter }, client) => {
      if (!queue().targets.get(targetId)) throw notFound('targetId', `no target "${targetId}"`);
      return client.jobs.run({ method: 'deliveries.replay', id: jobId, what: 'replay' }, async (job) => {
        const r = await service().replay(filter, targetId, { signal: job.signal, onProgress: (p) => job.progress(p) });
        const queued = r.ids.length;
        // Stopped between chunks: what was queued is not taken back.
        if (r.cancelled)
          throw new RpcError({
            code: 'cancelled',
            message: `replay cancelled: ${queued} event${queued === 1 ? '' : 's'} queued before the cancel stay queued`,
          });
        return { fromLog: r.fromLog, fromArchive: r.fromArchive, queued };
      });
    },
    'deliveries.targets': () =>
      queue()
        .targets.list()
        .map((t) => (t.secretRef ? { ...t, secretFound: service().hasSecret(t.secretRef) } : t)),
    'deliveries.saveTarget': (t) => queue().targets.upsert(t),
    'deliveries.removeTarget': ({ id }) => {
      target(id);
      return { movedToDlq: queue().targets.remove(id).dlq };
    },
    'deliveries.testTarget': async ({ id }) => {
      target(id);
      const { gone: _gone, retryAfterMs: _retry, ...answer } = await service().sendTest(id);
      return answer;
    },
    'deliveries.setTargetSecret': ({ name, value }) => {
      try {
        service().setSecret(name, value);
      } catch (err) {
        throw new RpcError({ code: 'unavailable', message: (err as Error).message });
      }
      return { saved: true };
    },
  };
}
