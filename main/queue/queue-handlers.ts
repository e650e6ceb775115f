import { RpcError, type QueueItemInfo } from '../../shared/rpc';
import type { Handlers } from '../rpc';
import { eventOfPayload, type QueueItem } from './delivery-queue';
import type { DeliveryService } from './delivery-service';

type QueueMethods =
  | 'queue.metrics'
  | 'queue.health'
  | 'dlq.list'
  | 'dlq.get'
  | 'dlq.requeue'
  | 'dlq.discard'
  | 'queue.replay'
  | 'targets.list'
  | 'targets.upsert'
  | 'targets.remove';

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
  event: eventOfPayload(item.payload),
});

/**
 * The queue's RPC methods. `service` is a function so that a queue that could not open (a damaged or
 * locked file) answers every call with why, while the rest of the engine runs on.
 */
export function queueHandlers<C>(service: () => DeliveryService): Pick<Handlers<C>, QueueMethods> {
  const queue = () => service().queue;
  return {
    'queue.metrics': () => queue().metrics(),
    'queue.health': () => queue().health(),
    'dlq.list': ({ limit, offset, ...filter }) => {
      const page = queue().deadLetters.list(filter, { limit, offset });
      return { total: page.total, items: page.items.map(info) };
    },
    'dlq.get': ({ id }) => {
      const found = queue().deadLetters.get(id);
      if (!found) throw new RpcError({ code: 'invalid_params', message: `no delivery with id ${id}`, issues: [{ path: 'id', message: 'not found' }] });
      return { item: info(found.item), payload: found.item.payload, attempts: found.attempts };
    },
    'dlq.requeue': (filter) => ({ requeued: queue().deadLetters.requeue(filter) }),
    'dlq.discard': (filter) => ({ discarded: queue().deadLetters.discard(filter) }),
    'queue.replay': async ({ targetId, ...filter }) => {
      if (!queue().targets.get(targetId))
        throw new RpcError({ code: 'invalid_params', message: `no target "${targetId}"`, issues: [{ path: 'targetId', message: 'not found' }] });
      const r = await service().replay(filter, targetId);
      return { fromLog: r.fromLog, fromArchive: r.fromArchive, queued: r.ids.length };
    },
    'targets.list': () => queue().targets.list(),
    'targets.upsert': (t) => queue().targets.upsert(t),
    'targets.remove': ({ id }) => {
      if (!queue().targets.get(id))
        throw new RpcError({ code: 'invalid_params', message: `no target "${id}"`, issues: [{ path: 'id', message: 'not found' }] });
      return { movedToDlq: queue().targets.remove(id).dlq };
    },
  };
}
