import type { Config, PartitionLayout } from '../config';
import { NatsServerError, tooOld, type NatsSocket } from '../nats';

/** JetStream's "stream/consumer is offline" errors: in a cluster that lost a node, they pass once leaders are chosen. */
const OFFLINE = new Set([10118, 10119, 10194, 10195]);

/** The cluster has no JetStream leader for the stream or consumer yet: retried in a second, not an error. */
export class Electing extends Error {}

type ApiError = { code: number; err_code?: number; description: string };
interface StreamInfo {
  error?: ApiError;
  config?: { subjects?: string[]; subject_transform?: { src?: string; dest?: string } };
}
/** What `CONSUMER.INFO` and consumer creation answer, as far as set-up and range acks read it. */
export interface ConsumerInfo {
  error?: ApiError;
  config?: { filter_subject?: string; priority_groups?: string[]; priority_policy?: string; ack_policy?: string };
  ack_floor?: { stream_seq?: number; consumer_seq?: number };
  delivered?: { stream_seq?: number };
  num_ack_pending?: number;
}

/** Every stream sequence up to `stream` is acked or will never be delivered; `delivery`: the consumer sequence of the last ack. */
export interface AckFloor {
  stream: number;
  delivery: number;
}

/** A consumer's ack floor. With nothing awaiting an ack, everything it has delivered counts as acked: a new consumer on a stream that starts past 1 says its floor is 0, yet nothing before its start comes. */
function ackFloorOf(info: ConsumerInfo): AckFloor {
  const acked = info.ack_floor?.stream_seq ?? 0;
  const delivered = info.num_ack_pending === 0 ? (info.delivered?.stream_seq ?? 0) : 0;
  return { stream: Math.max(acked, delivered), delivery: info.ack_floor?.consumer_seq ?? 0 };
}

/** How the consumer is acked: each message (`explicit`), or a range at once: an ack covers every sequence up to its own (`all`). */
export type AckPolicy = 'explicit' | 'all';

/**
 * The stream and the durable consumer (or, with partitions, one per partition), created when missing,
 * through the JetStream API. With partitions an existing stream or consumer set up otherwise is refused
 * with what to set: the engine never rewrites an operator's stream. A consumer asked to ack ranges
 * (`ackPolicy` "all") that exists with explicit acks is recreated to start after its ack floor (JetStream
 * cannot change a durable's ack policy): what it had acked is counted, the rest comes again.
 * Resolves with the consumer's ack floor (none with partitions).
 */
export async function ensureStreamAndConsumer(
  socket: NatsSocket,
  nats: Config['nats'],
  layout?: PartitionLayout,
  ackPolicy: AckPolicy = 'explicit',
): Promise<AckFloor | undefined> {
  // A server too old for what is asked is refused before anything is tried, naming its release and the one needed.
  const version = socket.info.version ?? '';
  const old =
    tooOld(version, 'jetstream', 'JetStream consumers') ?? (layout && tooOld(version, 'partitions', `cluster.partitions ${layout.count} (pinned consumers)`));
  if (old) throw new NatsServerError(`${socket.server}: ${old}${layout ? '; or set cluster.partitions to 0 (one engine reads everything)' : ''}`);
  const api = async <T extends { error?: ApiError }>(what: string, subject: string, body = ''): Promise<T> => {
    let reply: T;
    try {
      reply = JSON.parse((await socket.request(`$JS.API.${subject}`, body)).toString('utf8')) as T;
    } catch (err) {
      // In a cluster, nobody answering means the leader is being chosen.
      if (socket.inCluster && /no responders|no reply/.test((err as Error).message)) throw new Electing(`${what}: ${(err as Error).message}`);
      throw err;
    }
    if (reply.error && socket.inCluster && (reply.error.code === 503 || OFFLINE.has(reply.error.err_code ?? 0)))
      throw new Electing(`${what}: ${reply.error.description}`);
    if (reply.error && reply.error.code !== 404) throw new Error(`${what}: ${reply.error.description}`);
    return reply;
  };
  const stream = `stream ${nats.stream}`;
  const info = await api<StreamInfo>(stream, `STREAM.INFO.${nats.stream}`);
  if (info.error) {
    if (!nats.createStream) throw new Error(`${stream} does not exist (nats.createStream is off)`);
    const config = {
      name: nats.stream,
      subjects: nats.subjects,
      num_replicas: nats.streamReplicas,
      ...(layout ? { subject_transform: layout.transform } : {}),
    };
    const created = await api(`creating ${stream}`, `STREAM.CREATE.${nats.stream}`, JSON.stringify(config));
    if (created.error) throw new Error(`creating ${stream}: ${created.error.description}`);
  } else if (layout) {
    const problem = transformProblem(info.config?.subject_transform, layout);
    if (problem) throw new Error(`${stream} ${problem}`);
  }
  const consumers = layout
    ? Array.from({ length: layout.count }, (_, p) => ({ name: layout.consumer(p), filter: layout.filter(p) }))
    : [{ name: nats.consumer, filter: undefined }];
  let ackFloor: AckFloor | undefined;
  for (const { name, filter } of consumers) {
    const consumer = `consumer ${name} of ${stream}`;
    const found = await api<ConsumerInfo>(consumer, `CONSUMER.INFO.${nats.stream}.${name}`);
    // Where a recreated consumer starts: after what the old one had acked.
    let startAfter = 0;
    if (!found.error) {
      const problem = layout && filter ? consumerProblem(found.config, filter, layout) : undefined;
      if (problem) throw new Error(`${consumer} ${problem}`);
      if ((found.config?.ack_policy ?? 'explicit') === ackPolicy) {
        ackFloor = ackFloorOf(found);
        continue;
      }
      startAfter = found.ack_floor?.stream_seq ?? 0;
      const deleted = await api(`recreating ${consumer} with ack policy "${ackPolicy}"`, `CONSUMER.DELETE.${nats.stream}.${name}`);
      if (deleted.error) throw new Error(`recreating ${consumer} with ack policy "${ackPolicy}": ${deleted.error.description}`);
    }
    const config = {
      durable_name: name,
      ack_policy: ackPolicy,
      ...(startAfter > 0 ? { deliver_policy: 'by_start_sequence', opt_start_seq: startAfter + 1 } : { deliver_policy: 'all' }),
      ack_wait: nats.ackWaitS * 1_000_000_000,
      // The reader holds up to 4 batches in flight and 2 being pulled: below that the server stalls it.
      max_ack_pending: Math.max(10_000, nats.batch * 8),
      ...(layout && filter ? pinnedConsumerConfig(filter, layout) : {}),
    };
    // The consumer inherits the stream's replicas.
    const created = await api<ConsumerInfo>(
      `creating ${consumer}`,
      `CONSUMER.DURABLE.CREATE.${nats.stream}.${name}`,
      JSON.stringify({ stream_name: nats.stream, config }),
    );
    if (created.error) throw new Error(`creating ${consumer}: ${created.error.description}`);
    ackFloor = ackFloorOf(created);
  }
  return layout ? undefined : ackFloor;
}

/** What a partition's consumer adds to a plain durable one: its share of the stream, and one engine pinned at a time. */
export function pinnedConsumerConfig(filter: string, layout: PartitionLayout) {
  return {
    filter_subject: filter,
    priority_groups: [layout.group],
    priority_policy: 'pinned_client',
    priority_timeout: layout.pinTimeoutS * 1_000_000_000,
  };
}

/** Why a stream's transform does not split positions as the layout says, or undefined. */
export function transformProblem(transform: { src?: string; dest?: string } | undefined, layout: PartitionLayout): string | undefined {
  const want = `set its subject_transform to ${JSON.stringify(layout.transform)} (cluster.partitions is ${layout.count})`;
  if (!transform?.dest) return `has no subject transform: ${want}`;
  const same = (a: string | undefined, b: string) => a?.replace(/\s+/g, '') === b.replace(/\s+/g, '');
  if (!same(transform.src, layout.transform.src) || !same(transform.dest, layout.transform.dest))
    return `transforms ${transform.src ?? ''} → ${transform.dest}: ${want}`;
  return undefined;
}

/** Why an existing consumer cannot serve as partition `filter`'s pinned consumer, or undefined. */
export function consumerProblem(config: ConsumerInfo['config'], filter: string, layout: PartitionLayout): string | undefined {
  const want = `it must be a pull consumer with filter_subject "${filter}", priority_groups ["${layout.group}"] and priority_policy "pinned_client" (delete it and the engine creates it)`;
  if (config?.filter_subject !== filter) return `reads ${config?.filter_subject ? `"${config.filter_subject}"` : 'the whole stream'}: ${want}`;
  if (config.priority_policy !== 'pinned_client' || !config.priority_groups?.includes(layout.group))
    return `has ${config.priority_policy ? `priority_policy "${config.priority_policy}"` : 'no priority group'}: ${want}`;
  return undefined;
}
