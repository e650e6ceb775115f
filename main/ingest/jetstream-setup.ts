import type { Config } from '../config';
import type { NatsSocket } from '../nats';

/** JetStream's "stream/consumer is offline" errors: in a cluster that lost a node, they pass once leaders are chosen. */
const OFFLINE = new Set([10118, 10119, 10194, 10195]);

/** The cluster has no JetStream leader for the stream or consumer yet: retried in a second, not an error. */
export class Electing extends Error {}

/** The stream and the durable consumer, created when missing, through the JetStream API. */
export async function ensureStreamAndConsumer(socket: NatsSocket, nats: Config['nats']): Promise<void> {
  type Reply = { error?: { code: number; err_code?: number; description: string } };
  const api = async (what: string, subject: string, body = ''): Promise<Reply> => {
    let reply: Reply;
    try {
      reply = JSON.parse((await socket.request(`$JS.API.${subject}`, body)).toString('utf8')) as Reply;
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
  if ((await api(stream, `STREAM.INFO.${nats.stream}`)).error) {
    if (!nats.createStream) throw new Error(`${stream} does not exist (nats.createStream is off)`);
    const config = { name: nats.stream, subjects: nats.subjects, num_replicas: nats.streamReplicas };
    const created = await api(`creating ${stream}`, `STREAM.CREATE.${nats.stream}`, JSON.stringify(config));
    if (created.error) throw new Error(`creating ${stream}: ${created.error.description}`);
  }
  const consumer = `consumer ${nats.consumer} of ${stream}`;
  if ((await api(consumer, `CONSUMER.INFO.${nats.stream}.${nats.consumer}`)).error) {
    // The consumer inherits the stream's replicas.
    const config = {
      durable_name: nats.consumer,
      ack_policy: 'explicit',
      deliver_policy: 'all',
      ack_wait: nats.ackWaitS * 1_000_000_000,
      // The reader holds up to 4 batches in flight and 2 being pulled: below that the server stalls it.
      max_ack_pending: Math.max(10_000, nats.batch * 8),
    };
    const created = await api(
      `creating ${consumer}`,
      `CONSUMER.DURABLE.CREATE.${nats.stream}.${nats.consumer}`,
      JSON.stringify({ stream_name: nats.stream, config }),
    );
    if (created.error) throw new Error(`creating ${consumer}: ${created.error.description}`);
  }
}
