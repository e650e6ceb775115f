import type { JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../config';
import { natsConnectionOptions } from '../nats';
import type { AttemptOutcome, QueueItem, Target } from './delivery-queue';

/**
 * Publishes items to JetStream with `Nats-Msg-Id` = the item id, so a retried delivery is deduped by
 * the stream. One connection, opened at first use.
 */
export class NatsPublisher {
  private js?: Promise<{ nc: NatsConnection; js: JetStreamClient }>;

  constructor(
    private readonly nats: Config['nats'],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async deliver(target: Target, item: QueueItem): Promise<AttemptOutcome> {
    const started = performance.now();
    const latencyMs = () => Math.round((performance.now() - started) * 100) / 100;
    try {
      const { js } = await this.connection();
      const ack = await js.publish(target.subject!, item.payload, { msgID: item.id, timeout: target.timeoutMs });
      return { status: 'success', latencyMs: latencyMs(), ...(ack.duplicate ? { error: 'duplicate: the stream already had it' } : {}) };
    } catch (err) {
      const message = (err as Error).message;
      return { status: /timeout/i.test(message) ? 'timeout' : 'failed', latencyMs: latencyMs(), error: `NATS: ${message}` };
    }
  }

  private connection(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    if (!this.js) {
      if (this.nats.servers.length === 0) return Promise.reject(new Error('no NATS server configured (nats.servers)'));
      this.js = connectJetStream(this.nats, this.env).catch((err: Error) => {
        this.js = undefined;
        throw err;
      });
    }
    return this.js;
  }

  async close(): Promise<void> {
    const c = await this.js?.catch(() => undefined);
    this.js = undefined;
    await c?.nc.close();
  }
}

/** nats.js is loaded at the first delivery to a NATS target, not at every start-up. */
async function connectJetStream(nats: Config['nats'], env: NodeJS.ProcessEnv): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
  const [{ connect }, { jetstream }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
  const nc = await connect(natsConnectionOptions(nats, env));
  return { nc, js: jetstream(nc) };
}
