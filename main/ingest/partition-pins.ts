import type { PartitionLayout } from '../config';
import type { NatsSocket } from '../nats';
import { lanesFor, lastTokenNumber, pinIdOf, tokenNumber, type Lane, type PartitionState } from './pull-lanes';

/** The consumers' backlogs, pins and waiting pulls are asked for this often (partitions only). */
const SURVEY_EVERY_MS = 2_000;

interface ConsumerSurvey {
  num_pending?: number;
  ack_floor?: { stream_seq?: number };
  num_waiting?: number;
  priority_groups?: { group?: string; pinned_client_id?: string }[];
}

/**
 * The reader's lanes and, with partitions, who holds each pin: gained on the first delivery under a
 * new pin, lost on 423 (pinned elsewhere), on a survey that finds another pin, or with the connection.
 * Shares are evened out by giving partitions away, never by taking: the server pins a partition to a
 * pull waiting for it, so an engine that holds its share stops waiting on the others', and one that
 * holds more than its share (other engines' pulls wait on its partitions) unpins one at a time, each
 * once its messages are committed and acked.
 */
export class PartitionPins {
  readonly lanes: Lane[];
  private surveyedAt = 0;
  /** Engines pulling, as the waiting pulls on this engine's partitions tell (itself included). */
  private engines = 1;
  /**
   * Engines pulling, as the fleet's heartbeats tell (0: not known): an engine that joins a settled fleet
   * waits on every partition while the others wait on none, so the waiting pulls alone count two engines
   * where there are four, and nobody gives it anything.
   */
  fleetSize = 0;

  constructor(
    private readonly stream: string,
    consumer: string,
    private readonly layout: PartitionLayout | undefined,
    /** Deliveries held for a partition lost: their naks, and their sequences to take again when redelivered. */
    private readonly handBack: (naks: Buffer, seqs: number[]) => void,
    private readonly onOwnership?: (partition: number, owned: boolean, epoch: number) => void,
    expiresMs = 10_000,
    /** The lowest ack floor of all partitions: every sequence up to it is acked by the fleet, never delivered again. */
    private readonly onAckFloor?: (seq: number) => void,
  ) {
    this.lanes = lanesFor(stream, consumer, layout);
    // The server re-pins a partition whose pinned engine sent no pull for the pin timeout: pulls are renewed well within it.
    const pinMs = (layout?.pinTimeoutS ?? Infinity) * 1000;
    this.pullExpiresMs = Math.min(expiresMs, Math.max(500, pinMs / 2));
    this.keepPinMs = Math.max(250, pinMs / 3);
  }

  /** How long a pull waits before it expires (and is renewed). */
  readonly pullExpiresMs: number;
  /** A partition this engine holds is pulled from at least this often, even when its messages cannot be taken yet. */
  readonly keepPinMs: number;

  /** The lane a message came on: a delivery's stored subject holds its partition, a status's inbox ends with its lane. */
  laneOf(buf: Buffer, subjectStart: number, subjectEnd: number, delivery: boolean): Lane {
    if (this.lanes.length === 1 || !this.layout) return this.lanes[0];
    const p = delivery ? tokenNumber(buf, subjectStart, subjectEnd, this.layout.token) : lastTokenNumber(buf, subjectStart, subjectEnd);
    return this.lanes[p] ?? this.lanes[0];
  }

  /** A delivery on a pinned lane not owned yet: its Nats-Pin-Id makes the partition this engine's from here. */
  noteDelivery(lane: Lane, buf: Buffer, headerStart: number, dataStart: number): void {
    if (!lane.group || lane.owned) return;
    const pin = pinIdOf(buf, headerStart, dataStart);
    if (pin && lane.pinned(pin)) this.onOwnership?.(lane.partition, true, lane.epoch);
  }

  lose(lane: Lane, dropPin: boolean): void {
    const { was, naks, seqs } = lane.lost(dropPin);
    if (naks) this.handBack(naks, seqs);
    if (was) this.onOwnership?.(lane.partition, false, lane.epoch);
  }

  states(): PartitionState[] {
    return this.layout ? this.lanes.map((lane) => lane.state()) : [];
  }

  /** The partitions each of `engines` engines should hold. */
  private shareOf(engines: number): number {
    return Math.ceil(this.lanes.length / Math.max(1, engines));
  }

  /**
   * Whether to keep a pull out on a lane: its own partitions, any nobody holds, and the others' while this
   * engine holds less than its share of the fleet. An engine at its share that waited on a partition given
   * up would take it from the newcomer it was given up for, and give it back again on the next survey.
   */
  wantsPull(lane: Lane): boolean {
    if (lane.held || lane.yielding) return false;
    if (!this.layout || lane.owned || !lane.pinnedElsewhere) return true;
    return this.lanes.filter((l) => l.owned).length < this.shareOf(Math.max(this.engines, this.fleetSize));
  }

  /**
   * Every few seconds: each consumer's backlog and pin, and the pulls waiting on it. A partition whose
   * pin moved is lost; one partition over this engine's share that another engine waits for is given up.
   */
  survey(socket: NatsSocket, now: number): void {
    if (!this.layout || now - this.surveyedAt < SURVEY_EVERY_MS) return;
    this.surveyedAt = now;
    const group = this.layout.group;
    const asked = this.lanes.map((lane) => {
      // A pin gained while the answer was on its way is newer than the answer.
      const pinAsked = lane.pin;
      return socket
        .request(`$JS.API.CONSUMER.INFO.${this.stream}.${lane.consumer}`, '', SURVEY_EVERY_MS)
        .then((reply) => {
          const info = JSON.parse(reply.toString('utf8')) as ConsumerSurvey;
          if (typeof info.num_pending === 'number') lane.pending = info.num_pending;
          if (typeof info.ack_floor?.stream_seq === 'number') lane.ackFloor = info.ack_floor.stream_seq;
          // This engine's own pull waits there too while it has one out.
          lane.othersWaiting = Math.max(0, (info.num_waiting ?? 0) - (lane.outstanding > 0 ? 1 : 0));
          const pinned = info.priority_groups?.find((g) => g.group === group)?.pinned_client_id;
          if (lane.owned && lane.pin === pinAsked && pinned !== undefined && pinned !== lane.pin) this.lose(lane, true);
          if (!lane.owned) lane.pinnedElsewhere = !!pinned;
        })
        .catch(() => undefined);
    });
    void Promise.all(asked).then(() => {
      this.even();
      // Known only once every partition has answered: the fleet's floor is the lowest of theirs.
      if (this.lanes.every((l) => l.ackFloor >= 0)) this.onAckFloor?.(Math.min(...this.lanes.map((l) => l.ackFloor)));
    });
  }

  /** Gives one partition away when this engine holds more than its share and another engine waits for it. */
  private even(): void {
    const owned = this.lanes.filter((l) => l.owned);
    if (owned.length === 0) return;
    this.engines = 1 + Math.max(0, ...owned.map((l) => l.othersWaiting));
    const share = this.shareOf(Math.max(this.engines, this.fleetSize));
    if (owned.some((l) => l.yielding) || owned.length <= share) return;
    const spare = owned.filter((l) => !l.held && l.othersWaiting > 0).at(-1);
    if (spare) spare.yielding = true;
  }

  /** Unpins the partitions given up whose messages are all settled (acked), so the next owner starts after them. */
  unpinYielded(socket: NatsSocket): void {
    for (const lane of this.lanes) {
      if (!lane.yielding || lane.unsettled > 0) continue;
      this.unpin(socket, lane).catch(() => undefined);
      this.lose(lane, true);
    }
  }

  /** Releases every pin this engine holds (a stopping engine, after its last acks). */
  async unpinAll(socket: NatsSocket): Promise<void> {
    if (!this.layout) return;
    const mine = this.lanes.filter((lane) => lane.pin);
    await Promise.all(mine.map((lane) => this.unpin(socket, lane).catch(() => undefined)));
    for (const lane of mine) this.lose(lane, true);
  }

  private unpin(socket: NatsSocket, lane: Lane): Promise<Buffer> {
    return socket.request(`$JS.API.CONSUMER.UNPIN.${this.stream}.${lane.consumer}`, JSON.stringify({ group: this.layout!.group }), 2000);
  }
}
