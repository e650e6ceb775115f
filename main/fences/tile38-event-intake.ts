import type { ConsumerMessages } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FenceEvent } from '../../shared/fence-event';
import type { Config } from '../config';
import { natsConnectionOptions } from '../nats';
import { eventOfMessage } from './tile38-commands';

export const EVENTS_STREAM = 'FENCE_EVENTS';
export const EVENTS_SUBJECT = 'events.>';
const CONSUMER = 'hexwatch-fence-events';

/**
 * Reads the fence events Tile38's hooks publish into JetStream (`events.<fence>`) through a durable
 * consumer; a message is acknowledged only after `onEvent` has recorded it, so none is lost to a crash.
 * What is not a fence message is acknowledged and logged once per kind.
 */
export class Tile38EventIntake {
  private nc?: NatsConnection;
  private messages?: ConsumerMessages;
  private done?: Promise<void>;
  private readonly warned = new Set<string>();

  constructor(
    private readonly nats: Config['nats'],
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly prefix: string,
    private readonly onEvent: (e: FenceEvent) => void,
    private readonly log: (line: string) => void = () => {},
  ) {}

  async start(): Promise<void> {
    // nats.js is loaded here, in Tile38 hook mode only.
    const [{ connect }, { AckPolicy, DeliverPolicy, jetstream, jetstreamManager }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
    this.nc = await connect({ ...natsConnectionOptions(this.nats, this.env), maxReconnectAttempts: -1 });
    const jsm = await jetstreamManager(this.nc);
    try {
      await jsm.streams.info(EVENTS_STREAM);
    } catch (err) {
      if (!/stream not found/i.test(String(err))) throw err;
      await jsm.streams.add({ name: EVENTS_STREAM, subjects: [EVENTS_SUBJECT] });
    }
    try {
      await jsm.consumers.info(EVENTS_STREAM, CONSUMER);
    } catch (err) {
      if (!/consumer not found/i.test(String(err))) throw err;
      await jsm.consumers.add(EVENTS_STREAM, { durable_name: CONSUMER, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    }
    const consumer = await jetstream(this.nc).consumers.get(EVENTS_STREAM, CONSUMER);
    this.messages = await consumer.consume({ max_messages: 1000 });
    this.done = (async () => {
      for await (const m of this.messages!) {
        const event = eventOfMessage(m.string(), this.prefix);
        if (event) {
          try {
            this.onEvent(event);
          } catch (err) {
            // Not recorded: JetStream delivers it again.
            this.log(`tile38 events: could not record an event: ${(err as Error).message}`);
            m.nak(1000);
            continue;
          }
        } else if (!this.warned.has(m.subject)) {
          this.warned.add(m.subject);
          this.log(`tile38 events: ignored a message on ${m.subject} that is not a hexwatch fence event`);
        }
        m.ack();
      }
    })();
  }

  async stop(): Promise<void> {
    await this.messages?.close();
    await this.done?.catch(() => undefined);
    await this.nc?.drain().catch(() => undefined);
  }
}
