import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FenceEvent } from '../../shared/fence-event';
import type { Config } from '../config';
import { natsConnectionOptions } from '../nats';
import { eventOfMessage } from './tile38-commands';

export const EVENTS_STREAM = 'FENCE_EVENTS';
export const EVENTS_SUBJECT = 'events.>';
const CONSUMER = 'hexwatch-fence-events';
/** Events are rarer than positions: a smaller batch is plenty. */
const MAX_BATCH = 1000;

/**
 * Reads the fence events Tile38's hooks publish into JetStream (`events.<fence>`) through a durable
 * consumer, with ingest's rules: messages are recorded in batches, handed on when full or when the
 * oldest has waited `nats.maxBatchDelayMs`, each stream sequence once per batch, and acknowledged only
 * after `onEvents` has recorded them, so none is lost to a crash (a repeat is counted by the queue's
 * dedup, not delivered twice). What is not a fence message is acknowledged and logged once per kind.
 */
export class Tile38EventIntake {
  private nc?: NatsConnection;
  private messages?: ConsumerMessages;
  private done?: Promise<void>;
  private readonly warned = new Set<string>();
  private batch: JsMsg[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly nats: Config['nats'],
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly prefix: string,
    private readonly onEvents: (events: FenceEvent[]) => void,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async start(): Promise<void> {
    // nats.js is loaded here, in Tile38 hook mode only.
    const [{ connect }, { AckPolicy, DeliverPolicy, jetstream, jetstreamManager }] = await Promise.all([
      import('@nats-io/transport-node'),
      import('@nats-io/jetstream'),
    ]);
    this.nc = await connect(natsConnectionOptions(this.nats, this.env));
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(EVENTS_STREAM);
    } catch (err) {
      if (!/stream not found/i.test(String(err))) throw err;
      await jsm.streams.add({ name: EVENTS_STREAM, subjects: [EVENTS_SUBJECT], num_replicas: this.nats.streamReplicas });
    }
    try {
      await jsm.consumers.info(EVENTS_STREAM, CONSUMER);
    } catch (err) {
      if (!/consumer not found/i.test(String(err))) throw err;
      await jsm.consumers.add(EVENTS_STREAM, {
        durable_name: CONSUMER,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: this.nats.ackWaitS * 1e9,
      });
    }
    const consumer = await jetstream(this.nc).consumers.get(EVENTS_STREAM, CONSUMER);
    this.messages = await consumer.consume({ max_messages: 2 * MAX_BATCH });
    this.done = (async () => {
      for await (const m of this.messages!) {
        if (this.batch.length === 0) this.timer = setTimeout(() => this.flush(), this.nats.maxBatchDelayMs);
        this.batch.push(m);
        if (this.batch.length >= Math.min(MAX_BATCH, this.nats.batch)) this.flush();
      }
    })();
  }

  /** Records the batch's events in one go, then acks its messages; if recording fails they are naked and come back. */
  private flush(): void {
    clearTimeout(this.timer);
    const batch = this.batch;
    this.batch = [];
    const events: FenceEvent[] = [];
    const seen = new Set<number>();
    for (const m of batch) {
      // A redelivery of a message already in this batch is acked with it, recorded once.
      if (seen.has(m.seq)) continue;
      seen.add(m.seq);
      const event = eventOfMessage(m.string(), this.prefix);
      if (event) events.push(event);
      else if (!this.warned.has(m.subject)) {
        this.warned.add(m.subject);
        this.log(`tile38 events: ignored a message on ${m.subject} that is not a hexwatch fence event`);
      }
    }
    try {
      if (events.length) this.onEvents(events);
    } catch (err) {
      this.log(`tile38 events: could not record ${events.length} events: ${(err as Error).message}; they come back in a second`);
      for (const m of batch) m.nak(1000);
      return;
    }
    for (const m of batch) m.ack();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.messages?.close();
    await this.done?.catch(() => undefined);
    // Anything gathered and not recorded is redelivered to the next run.
    this.batch = [];
    await this.nc?.drain().catch(() => undefined);
  }
}
