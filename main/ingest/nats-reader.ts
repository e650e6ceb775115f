import { randomBytes } from 'node:crypto';
import {
  natsAuth,
  NatsServerError,
  NatsSocket,
  readAckSubject,
  readStatus,
  redactUrl,
  repliesWith,
  ServerPool,
  type MessageRanges,
  type PoolServer,
  type ServerInfo,
} from '../nats';
import { BatchPipeline } from './batch-pipeline';
import { ensureStreamAndConsumer } from './jetstream-setup';
import { RangeAcks, whereAcksStand } from './range-acks';
import type { IngestState, NatsReaderOptions } from './reader-options';
import { SharedConsumerWatch } from './shared-consumer';
import { PartitionPins } from './partition-pins';
import { PullWindow } from './pull-window';
import { LameDuck, retryAfter } from './reconnect-policy';
import type { Lane, PartitionState } from './pull-lanes';

/** Pulls expire after this long (a pinned consumer's sooner: see PartitionPins). */
const PULL_EXPIRES_MS = 10_000;
/** The server says it is alive this often while a pull waits; two missed, and a PING asks why. */
const HEARTBEAT_MS = 1_000;
/** A stopping reader waits this long for its batches' commits before it lets go of its partitions. */
const DRAIN_MS = 5_000;
/** Acks kept behind a hole this long: the consumer is asked where it stands (a deleted message leaves a hole no delivery fills). */
const ACK_STALL_MS = 500;

/**
 * The NATS side of ingest over a NatsSocket: the stream and durable pull consumer (created when
 * missing; with partitions, a pinned consumer per partition, each pulled on a lane of this one
 * connection), then messages pulled and packed into batches (batch-pipeline.ts). A batch is handed on when full or when its
 * oldest message has waited `nats.maxBatchDelayMs`, so a steady stream is committed fresh. Its
 * messages are acked only when `settle(id, true)` says its effects are committed; `settle(id, false)`
 * naks them for redelivery. A sequence is held at most once: a redelivery of one still pending or
 * being committed is dropped (the first copy's ack covers it), and held work is reported in progress
 * so its ack wait never runs out. Connections fail over across the servers a cluster advertises.
 * Runs in a worker thread (nats-worker.ts), so consuming and acking share no core with committing.
 */
export class NatsReader {
  private socket: NatsSocket | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** Acks and naks settled while no connection was up: they go out on the next one. */
  private unsent: Buffer[] = [];
  private readonly batches: BatchPipeline;
  /** Ack policy "all": committed batches waiting for one ack to cover them. */
  private readonly rangeAcks: RangeAcks | undefined;
  /** The consumers pulled from: one, or one per partition (pinned to one engine at a time). */
  private readonly pins: PartitionPins;
  private readonly lanes: Lane[];
  private readonly window: PullWindow;
  /** Stopping: no more pulls or batches; what comes is handed back. */
  private draining = false;
  private drained: (() => void) | undefined;
  /** Pulls answer "no responders": the consumer has no leader yet. Pulled again every heartbeat. */
  private electing = false;
  private lastPull = 0;
  /** Ends the current consume(): with an error, a lost connection; without, a stop. */
  private interrupt: ((err?: Error) => void) | undefined;
  private readonly pool: ServerPool;
  /** Where this connection's pulls deliver (lane i's at `<inbox>.<i>`); empty while not consuming. */
  private inbox = '';
  private state: { state: IngestState; detail: string } | undefined;
  private readonly sharing = new SharedConsumerWatch();
  /** The numbers of the delivery being read: stream sequence, consumer sequence, backlog. */
  private readonly ack = new Float64Array(3);
  private shared = false;

  constructor(private readonly options: NatsReaderOptions) {
    const { nats } = options;
    const handBack = (naks: Buffer, seqs: number[]) => (this.send(naks), this.batches.forget(seqs));
    this.pins = new PartitionPins(nats.stream, nats.consumer, options.partitions, handBack, options.onOwnership, PULL_EXPIRES_MS, options.onAckFloor);
    this.lanes = this.pins.lanes;
    this.window = new PullWindow(this.pins, nats.batch, HEARTBEAT_MS);
    this.batches = new BatchPipeline({
      batchSize: nats.batch,
      maxInFlight: options.maxInFlight ?? 4,
      maxDelayMs: nats.maxBatchDelayMs,
      // Three notes per ack wait: a held message is never redelivered for taking long.
      progressEveryMs: Math.max(1000, (nats.ackWaitS * 1000) / 3),
      lanes: this.lanes,
      onBatch: (batch) => options.onBatch(batch),
    });
    this.pool = new ServerPool(nats.servers, nats.noRandomize);
    if (options.ackPolicy === 'all') this.rangeAcks = new RangeAcks();
  }

  start(): void {
    this.running ??= this.run();
  }

  /**
   * Stops pulling, hands back what is not being committed, waits (a while) for the batches being
   * committed to be settled and their acks sent, lets go of this engine's partitions at once (so the
   * others need not wait out the pin timeout), then closes.
   */
  async stop(): Promise<void> {
    if (!this.stopped && !this.draining && this.socket) {
      this.draining = true;
      const naks = this.batches.close();
      if (naks) this.send(naks);
      for (const lane of this.lanes) if (lane.held) this.pins.lose(lane, false);
      if (this.batches.inFlightCount > 0) await new Promise<void>((resolve) => ((this.drained = resolve), setTimeout(resolve, DRAIN_MS)));
      if (this.socket) await this.pins.unpinAll(this.socket);
    }
    this.stopped = true;
    this.batches.close();
    this.interrupt?.();
    this.socket?.close();
    await this.running;
  }

  /** A batch's effects committed (or not); with ack policy "all", `upTo`: how far its ack may reach (every sequence up to it committed). */
  settle(id: number, committed: boolean, upTo = 0): void {
    if (this.rangeAcks && committed) {
      const batch = this.batches.release(id);
      if (!batch) return;
      const line = this.rangeAcks.committed(batch.acks, batch.seqs, upTo);
      if (line) this.send(line);
    } else {
      const lines = this.batches.settle(id, committed, this.draining);
      if (!lines) return;
      this.send(lines);
    }
    if (this.draining && this.batches.inFlightCount === 0) this.drained?.();
    this.topUp();
  }

  /** Ack policy "all": every sequence up to `upTo` is committed or was never there to deliver, so an ack may reach that far. */
  reach(upTo: number): void {
    const line = this.rangeAcks?.committed(Buffer.alloc(0), new Float64Array(0), upTo);
    if (line) this.send(line);
  }

  /** Each partition's state as this reader sees it (partitions on). */
  partitions(): PartitionState[] {
    return this.pins.states();
  }

  /** How many engines the fleet's heartbeats count: partitions over this engine's share of them are given away. */
  setFleetSize(engines: number): void {
    this.pins.fleetSize = engines;
  }

  /** The engine has taken over a partition gained (its `epoch`-th gain): its held deliveries go on to be committed. */
  release(partition: number, epoch: number): void {
    const lane = this.lanes[partition];
    if (!lane?.held || lane.epoch !== epoch || !lane.owned) return;
    const held = lane.held;
    lane.held = undefined;
    this.batches.gather(lane, held, Date.now());
    this.topUp();
  }

  private send(lines: Buffer): void {
    if (!this.socket?.write(lines)) this.unsent.push(lines);
  }

  private setState(state: IngestState, detail: string): void {
    if (this.state?.state === state && this.state.detail === detail) return;
    this.state = { state, detail };
    this.options.onState(state, detail);
  }

  private async run(): Promise<void> {
    const { nats } = this.options;
    for (let failures = 0, ran = false; !this.stopped;) {
      let socket: NatsSocket | undefined;
      let since = 0;
      try {
        this.setState(
          ran ? 'reconnecting' : 'starting',
          `connecting to ${this.pool
            .order()
            .map((s) => redactUrl(s.url))
            .join(', ')}`,
        );
        socket = this.socket = await this.connect();
        if (this.stopped) break;
        this.options.onServer?.({ url: socket.server, version: socket.info.version ?? 'unknown' });
        const ackFloor = await ensureStreamAndConsumer(socket, nats, this.options.partitions, this.options.ackPolicy);
        if (this.rangeAcks && ackFloor) {
          this.rangeAcks.floor(ackFloor.stream, ackFloor.delivery);
          this.options.onAckFloor?.(ackFloor.stream);
        }
        this.setState('running', this.runningDetail());
        ran = true;
        failures = 0;
        since = Date.now();
        await this.consume(socket);
      } catch (err) {
        if (this.stopped) break;
        const retry = retryAfter(err, { server: socket?.server, since, failures, now: Date.now(), others: this.pool.order().length > 1 });
        failures = retry.failures;
        this.setState(retry.state, retry.detail);
        if (socket && since > 0) this.pool.demote(socket.url);
        if (retry.wait > 0) await this.pause(retry.wait);
      } finally {
        // What was received goes on to be committed; its acks go out on the next connection.
        if (!this.stopped && !this.draining) this.batches.flush();
        // Pins are kept to show on the next connection, but ownership is not claimed until deliveries say so.
        for (const lane of this.lanes) this.pins.lose(lane, false);
        socket?.close();
        this.socket = undefined;
      }
    }
    this.setState('stopped', 'stopped');
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** The first server of the pool that takes the connection (one refusing the credentials says more than one not reached). */
  private connect(): Promise<NatsSocket> {
    const { nats, env } = this.options;
    const auth = natsAuth(nats, env);
    const open = async (server: PoolServer) => {
      const socket = await NatsSocket.open(server, {
        auth,
        onMessage: this.onMessage,
        onInfo: this.onInfo,
        pingIntervalMs: nats.pingIntervalS * 1000,
        maxPingsOut: nats.maxPingsOut,
      });
      this.pool.learn(socket.info.connect_urls);
      return socket;
    };
    return this.pool.firstTaking(
      open,
      (err) => err instanceof NatsServerError,
      () => this.stopped,
    );
  }

  private readonly onInfo = (info: ServerInfo): void => {
    this.pool.learn(info.connect_urls);
    if (info.ldm) this.interrupt?.(new LameDuck('the server is entering lame duck mode'));
  };

  /**
   * Pulls with the JetStream protocol (CONSUMER.MSG.NEXT on an inbox, an ack to each message's reply
   * subject) until the connection is lost (rejects) or the reader stops (resolves). Pulls expire and
   * carry heartbeats; when two are missed a PING tells a lost pull (pulled again) from a hung server
   * (given up after `nats.maxPingsOut` unanswered).
   */
  private consume(socket: NatsSocket): Promise<void> {
    this.inbox = `_INBOX.${randomBytes(12).toString('hex')}`;
    this.window.forgetAll();
    this.electing = false;
    // Pulls of a lost connection may still take deliveries until they expire.
    this.sharing.reset(Date.now(), PULL_EXPIRES_MS + 2000);
    socket.subscribe(`${this.inbox}.*`);
    for (const lines of this.unsent.splice(0)) socket.write(lines);
    let pinged = 0;
    return new Promise<void>((resolve, reject) => {
      const finish = (err?: Error) => {
        clearInterval(timer);
        this.interrupt = undefined;
        this.inbox = '';
        if (err) reject(err);
        else resolve();
      };
      this.interrupt = finish;
      void socket.closed.then((err) => finish(this.stopped ? undefined : err));
      const timer = setInterval(() => {
        const now = Date.now();
        this.batches.flushIfDue(now);
        this.batches.noteProgress((lines) => socket.write(lines), now);
        this.noteShared(now);
        this.pins.survey(socket, now);
        this.pins.unpinYielded(socket);
        if (this.rangeAcks?.dueToAsk(now, ACK_STALL_MS)) this.askWhereAcksStand(socket);
        if (now - socket.lastHeard >= 2 * HEARTBEAT_MS && now - pinged >= HEARTBEAT_MS) {
          pinged = now;
          this.window.forgetAll();
          if (!socket.ping()) return; // the server is hung: the socket ends, and finish() with it
        }
        this.topUp();
      }, 50);
      this.topUp();
    });
  }

  /** The consumer's ack floor, last delivered sequence and pending acks, for the engine to tell a hole of deleted messages from one still to come. */
  private askWhereAcksStand(socket: NatsSocket): void {
    void whereAcksStand(socket, this.options.nats, ACK_STALL_MS).then((stall) => {
      if (!stall) return;
      this.options.onAckFloor?.(stall.floor);
      this.options.onAckStall?.(stall);
    });
  }

  private readonly onMessage: MessageRanges = (buf, subjectStart, subjectEnd, replyStart, replyEnd, headerStart, dataStart, dataEnd) => {
    const lane = this.pins.laneOf(buf, subjectStart, subjectEnd, replyStart !== replyEnd);
    if (replyStart === replyEnd) return this.onStatus(lane, buf, headerStart, dataStart);
    const ack = this.ack;
    if (!readAckSubject(buf, replyStart, replyEnd, ack)) return; // not a JetStream delivery
    const seq = ack[0];
    this.window.delivered(lane);
    if (this.electing) this.leaderFound();
    if (this.draining) return void this.send(repliesWith(pubAck(buf, replyStart, replyEnd), '-NAK'));
    this.pins.noteDelivery(lane, buf, headerStart, dataStart);
    lane.pending = ack[2];
    if (this.options.warnShared && !lane.group) this.sharing.note(ack[1], this.socket?.lastHeard ?? 0);
    if (!this.batches.hold(seq)) return;
    if (lane.held) return lane.held.add(buf, subjectStart, subjectEnd, replyStart, replyEnd, dataStart, dataEnd, seq);
    const now = this.socket?.lastHeard ?? Date.now();
    this.batches.add(lane, buf, subjectStart, subjectEnd, replyStart, replyEnd, dataStart, dataEnd, seq, now);
    this.topUp();
  };

  /**
   * A status instead of a message: 100 heartbeat; 404/408 the request ended (with what it still owed); 409 a conflict;
   * 423 another engine holds the partition's pin; 400 a pull the consumer refuses; 503 no consumer leader.
   */
  private onStatus(lane: Lane, buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const { code, description, pending } = readStatus(buf, start, end);
    if ((code === 409 && /consumer deleted|consumer is push based/i.test(description)) || code === 400) {
      this.interrupt?.(new NatsServerError(`consumer ${lane.consumer}: ${description}`));
      return;
    }
    if (code === 423) {
      // Pinned elsewhere: pull again without the stale pin, and wait in line.
      this.window.ended(lane, 0);
      this.pins.lose(lane, true);
      this.topUp();
      return;
    }
    if (code === 503) {
      this.window.forgetAll();
      if (!this.electing) {
        this.electing = true;
        this.setState(
          'reconnecting',
          `${this.socket?.server}: consumer ${this.options.nats.consumer} has no leader (the cluster is electing one); pulling again every second`,
        );
      }
      return;
    }
    if (this.electing && code === 100) this.leaderFound();
    if (code === 404 || code === 408 || code === 409) {
      this.window.ended(lane, pending);
      this.topUp();
    }
  }

  private leaderFound(): void {
    this.electing = false;
    this.setState('running', this.runningDetail());
  }

  private runningDetail(): string {
    const { nats } = this.options;
    const { partitions } = this.options;
    const consumers = partitions ? `${partitions.count} partitions (consumers ${partitions.consumer(0)}…${partitions.count - 1})` : `consumer ${nats.consumer}`;
    const where = `${this.socket?.server} · stream ${nats.stream} · ${consumers}`;
    if (!this.shared) return where;
    return `${where} · another client pulls from consumer ${nats.consumer} too: with the embedded fence engine each engine sees only part of a device's track (share a consumer only with Tile38 deciding fences)`;
  }

  /** Counts deliveries that skipped consumer sequences, and says in the state when they keep coming. */
  private noteShared(now: number): void {
    if (!this.options.warnShared) return;
    const shared = this.sharing.shared(now);
    if (shared === this.shared) return;
    this.shared = shared;
    if (this.state?.state === 'running') this.setState('running', this.runningDetail());
  }

  /** The pulls due (pull-window.ts); while the consumer has no leader, once a heartbeat. */
  private topUp(): void {
    const socket = this.socket;
    if (!socket || !this.inbox || this.stopped || this.draining) return;
    const now = Date.now();
    if (this.electing) {
      if (now - this.lastPull < HEARTBEAT_MS) return;
      this.lastPull = now;
    }
    for (const pull of this.window.pulls(this.inbox, now, this.batches.full)) socket.write(pull);
  }
}

/** The ack line of one delivery (an empty PUB to its reply subject). */
function pubAck(buf: Buffer, replyStart: number, replyEnd: number): Buffer {
  return Buffer.concat([Buffer.from('PUB '), buf.subarray(replyStart, replyEnd), Buffer.from(' 0\r\n\r\n')]);
}
