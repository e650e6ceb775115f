/** The durable delivery queue of fence events: SQLite store, worker, targets, RPC methods. */
export { DeliveryService, secretsFrom, type DeliveryServiceOptions, type Secrets } from './delivery-service';
export {
  DEFAULT_QUEUE_SETTINGS,
  DeliveryQueue,
  FEED_TARGET,
  eventOfPayload,
  payloadOf,
  type AttemptOutcome,
  type EnqueueResult,
  type QueueItem,
  type QueueSettings,
  type Target,
} from './delivery-queue';
export { DeliveryWorker, type Deliver, type WorkerOptions } from './delivery-worker';
export { EventLog } from './event-log';
export { deliveryHandlers } from './delivery-handlers';
export { fenceEventSink, type FenceEventFeed, type FenceEventSink } from './fence-event-sink';
export { queueSettingsOf } from './queue-settings';

export { classifyHealth, type Health, type HealthFigures } from './health';
export { deliveryIdOf } from './delivery-id';
