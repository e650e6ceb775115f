import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import {
  ackDeliverySequence,
  ackPending,
  ackSequence,
  natsAuth,
  NatsServerError,
  NatsSocket,
  pubCommand,
  readStatus,
  redactUrl,
  repliesWith,
  ServerPool,
  type MessageRanges,
  type ServerInfo,
} from '../nats';
import { BatchBuilder, type RawBatch } from './batch-builder';
import { Electing, ensureStreamAndConsumer } from './jetstream-setup';
import { SharedConsumerWatch } from './shared-consumer';

export type IngestState = 'starting' | 'running' | 'reconnecting' | 'error' | 'stopped';

/** A NATS server reached: its URL as the settings name it (no credentials) and its release. */
export interface NatsServer {
  url: string;
  version: string;
}

export interface NatsReaderOptions {
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  onState: (state: IngestState, detail: string) => void;
  onBatch: (batch: RawBatch) => void;
  /** The server a connection reached and its release, on each connection. */
  onServer?: (server: NatsServer) => void;
  /** Batches handed out and not yet settled, at most. */
  maxInFlight?: number;
  /**
   * Say so in the state when another client pulls from the same consumer: with the embedded fence
   * engine each engine would see only part of a device's track (Tile38 holds every device's state).
   */
  warnShared?: boolean;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const PULL_EXPIRES_MS = 10_000;
/** The server says it is alive this often while a pull waits; two missed, and a PING asks why. */
const HEARTBEAT_MS = 1_000;
/** A connection that ran this long was good: when it is lost, the other servers are tried at once. */
const GOOD_CONNECTION_MS = 5_000;
const NAK_LATER = '-NAK {"delay": 5000000000}';
const IN_PROGRESS = '+WPI';

/** The server is shutting down gracefully: another is taken at once. */
class LameDuck extends Error {}

/** A batch handed on and not settled yet. */
interface InFlight {
  acks: Buffer;
  seqs: Float64Array;
  /** When the server last heard that its messages are still being worked on (or first delivered them). */
  progressAt: number;
}

/**
 * The NATS side of ingest over a NatsSocket: the stream and durable pull consumer (created when
 * missing), then messages pulled and packed into batches. A batch is handed on when full or when its
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
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  /** Every sequence pending or in flight. */
  private readonly held = new Set<number>();
  /** Acks and naks settled while no connection was up: they go out on the next one. */
  private unsent: Buffer[] = [];
  private readonly pending = new BatchBuilder();
  /** When the oldest pending message arrived, and when the server last heard it is in progress. */
  private pendingSince = 0;
  private pendingProgressAt = 0;
  private ageTimer: NodeJS.Timeout | undefined;
  /** Messages asked for on this connection and not yet delivered. */
  private outstanding = 0;
  /** Pulls answer "no responders": the consumer has no leader yet. Pulled again every heartbeat. */
  private electing = false;
  private lastPull = 0;
  /** Ends the current consume(): with an error, a lost connection; without, a stop. */
  private interrupt: ((err?: Error) => void) | undefined;
  private readonly pool: ServerPool;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly maxDelayMs: number;
  private readonly progressEveryMs: number;
  private readonly next: string;
  /** Where this connection's pulls deliver; empty while not consuming. */
  private inbox = '';
  private state: { state: IngestState; detail: string } | undefined;
  private readonly sharing = new SharedConsumerWatch();
  private shared = false;

  constructor(private readonly options: NatsReaderOptions) {
    const { nats } = options;
    this.batchSize = nats.batch;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.maxDelayMs = nats.maxBatchDelayMs;
    // Three notes per ack wait: a held message is never redelivered for taking long.
    this.progressEveryMs = Math.max(1000, (nats.ackWaitS * 1000) / 3);
    this.next = `$JS.API.CONSUMER.MSG.NEXT.${nats.stream}.${nats.consumer}`;
    this.pool = new ServerPool(nats.servers, nats.noRandomize);
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.ageTimer);
    this.interrupt?.();
    this.socket?.close();
    await this.running;
  }

  settle(id: number, committed: boolean): void {
    const batch = this.inFlight.get(id);
    if (!batch) return;
    this.inFlight.delete(id);
    for (const seq of batch.seqs) this.held.delete(seq);
    this.send(committed ? batch.acks : repliesWith(batch.acks, NAK_LATER));
    this.flushIfDue(Date.now());
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
        await ensureStreamAndConsumer(socket, nats);
        this.setState('running', this.runningDetail());
        ran = true;
        failures = 0;
        since = Date.now();
        await this.consume(socket);
      } catch (err) {
        if (this.stopped) break;
        const server = socket?.server;
        let wait: number;
        if (err instanceof Electing) {
          wait = 1000;
          this.setState('reconnecting', `${server}: the cluster is electing a JetStream leader (${err.message}); retrying in 1 s`);
        } else if (err instanceof LameDuck || (since > 0 && Date.now() - since >= GOOD_CONNECTION_MS && !(err instanceof NatsServerError))) {
          // A good connection lost: the other servers first, at once (this one went to the back of the pool).
          wait = 0;
          this.setState(
            'reconnecting',
            `lost the connection to ${server}: ${describe(err)}; trying ${this.pool.order().length > 1 ? 'the other servers' : 'again'}`,
          );
        } else {
          wait = BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)];
          const retry = `retrying in ${Math.round(wait / 1000)} s`;
          if (since > 0 && !(err instanceof NatsServerError)) this.setState('reconnecting', `lost the connection to ${server}: ${describe(err)} (${retry})`);
          else this.setState('error', `${server && !describe(err).startsWith(server) ? `${server}: ` : ''}${describe(err)} (${retry})`);
        }
        if (socket && since > 0) this.pool.demote(socket.url);
        if (wait > 0) await this.pause(wait);
      } finally {
        // What was received goes on to be committed; its acks go out on the next connection.
        if (this.pending.count > 0 && !this.stopped) this.flush();
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

  /** The first server of the pool that takes the connection; the ones that fail go to its back. */
  private async connect(): Promise<NatsSocket> {
    const { nats, env } = this.options;
    const auth = natsAuth(nats, env);
    let refused: Error | undefined;
    let last: Error | undefined;
    for (const server of [...this.pool.order()]) {
      if (this.stopped) break;
      try {
        const socket = await NatsSocket.open(server, {
          auth,
          onMessage: this.onMessage,
          onInfo: this.onInfo,
          pingIntervalMs: nats.pingIntervalS * 1000,
          maxPingsOut: nats.maxPingsOut,
        });
        this.pool.learn(socket.info.connect_urls);
        return socket;
      } catch (err) {
        this.pool.demote(server.url);
        if (err instanceof NatsServerError) refused ??= err;
        last = err as Error;
      }
    }
    // A server that refused the credentials says more than one that could not be reached.
    throw refused ?? last ?? new Error('stopped');
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
    this.outstanding = 0;
    this.electing = false;
    // Pulls of a lost connection may still take deliveries until they expire.
    this.sharing.reset(Date.now(), PULL_EXPIRES_MS + 2000);
    socket.subscribe(this.inbox);
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
        this.flushIfDue(now);
        this.noteProgress(socket, now);
        this.noteShared(now);
        if (now - socket.lastHeard >= 2 * HEARTBEAT_MS && now - pinged >= HEARTBEAT_MS) {
          pinged = now;
          this.outstanding = 0;
          if (!socket.ping()) return; // the server is hung: the socket ends, and finish() with it
        }
        this.topUp();
      }, 50);
      this.topUp();
    });
  }

  private readonly onMessage: MessageRanges = (buf, subjectStart, subjectEnd, replyStart, replyEnd, headerStart, dataStart, dataEnd) => {
    if (replyStart === replyEnd) return this.onStatus(buf, headerStart, dataStart);
    const seq = ackSequence(buf, replyStart, replyEnd);
    if (seq < 0) return; // not a JetStream delivery
    if (this.outstanding > 0) this.outstanding--;
    if (this.electing) this.leaderFound();
    if (this.options.warnShared) this.sharing.note(ackDeliverySequence(buf, replyStart, replyEnd), this.socket?.lastHeard ?? 0);
    if (this.held.has(seq)) return; // a redelivery of a message pending or being committed: that copy's ack covers it
    this.held.add(seq);
    const now = this.socket?.lastHeard ?? Date.now();
    if (this.pending.count === 0) this.startPending(now);
    this.pending.add(buf, subjectStart, subjectEnd, replyStart, replyEnd, dataStart, dataEnd, seq);
    // The consumer's backlog, for a figure to show: read off every 512th ack subject, not each (it is a scan of the subject).
    if ((this.pending.count & 511) === 1) this.pending.pendingAfter = ackPending(buf, replyStart, replyEnd);
    this.flushIfDue(now);
    this.topUp();
  };

  /** A status instead of a message: 100 heartbeat; 404/408 the request ended (with what it still owed); 409 a conflict; 503 no consumer leader. */
  private onStatus(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const { code, description, pending } = readStatus(buf, start, end);
    if (code === 409 && /consumer deleted|consumer is push based/i.test(description)) {
      this.interrupt?.(new Error(`consumer ${this.options.nats.consumer}: ${description}`));
      return;
    }
    if (code === 503) {
      this.outstanding = 0;
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
      this.outstanding = pending > 0 ? Math.max(0, this.outstanding - pending) : 0;
      this.topUp();
    }
  }

  private leaderFound(): void {
    this.electing = false;
    this.setState('running', this.runningDetail());
  }

  private runningDetail(): string {
    const { nats } = this.options;
    const where = `${this.socket?.server} · stream ${nats.stream} · consumer ${nats.consumer}`;
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

  private topUp(): void {
    const socket = this.socket;
    if (!socket || !this.inbox || this.stopped || this.inFlight.size >= this.maxInFlight || this.outstanding > this.batchSize) return;
    if (this.electing) {
      const now = Date.now();
      if (now - this.lastPull < HEARTBEAT_MS) return;
      this.lastPull = now;
    }
    const n = 2 * this.batchSize - this.outstanding;
    this.outstanding += n;
    socket.write(
      pubCommand(this.next, JSON.stringify({ batch: n, expires: PULL_EXPIRES_MS * 1_000_000, idle_heartbeat: HEARTBEAT_MS * 1_000_000 }), this.inbox),
    );
  }

  private startPending(now: number): void {
    this.pendingSince = this.pendingProgressAt = now;
    clearTimeout(this.ageTimer);
    this.ageTimer = setTimeout(() => this.flushIfDue(Date.now()), this.maxDelayMs);
  }

  /** Hands the pending messages on when they fill a batch or the oldest has waited long enough, and there is room. */
  private flushIfDue(now: number): void {
    if (this.pending.count === 0 || this.inFlight.size >= this.maxInFlight || this.stopped) return;
    if (this.pending.count >= this.batchSize || now - this.pendingSince >= this.maxDelayMs) this.flush();
  }

  private flush(): void {
    clearTimeout(this.ageTimer);
    const id = this.nextId++;
    const { batch, acks } = this.pending.take(id);
    this.inFlight.set(id, { acks, seqs: batch.seqs.slice(), progressAt: this.pendingProgressAt });
    this.options.onBatch(batch);
  }

  /** Tells the server that messages held for a while (a slow commit, a full pipeline) are still being worked on. */
  private noteProgress(socket: NatsSocket, now: number): void {
    for (const batch of this.inFlight.values()) {
      if (now - batch.progressAt < this.progressEveryMs) continue;
      socket.write(repliesWith(batch.acks, IN_PROGRESS));
      batch.progressAt = now;
    }
    if (this.pending.count > 0 && now - this.pendingProgressAt >= this.progressEveryMs) {
      socket.write(repliesWith(this.pending.acksSoFar(), IN_PROGRESS));
      this.pendingProgressAt = now;
    }
  }
}

function describe(err: unknown): string {
  const e = err as Error & { code?: string };
  const msg = e?.message ?? String(err);
  return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
