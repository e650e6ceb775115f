import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { natsAuth, redactUrl } from './nats-options';
import { NatsServerError, NatsSocket } from './nats-socket';
import { ackSequence, pubCommand, readStatus, type MessageRanges } from './nats-wire';

export type IngestState = 'starting' | 'running' | 'reconnecting' | 'error' | 'stopped';

/** A batch of raw messages: bodies packed into one buffer, so it crosses to another thread without copies. */
export interface RawBatch {
  id: number;
  seqs: Float64Array;
  /** Message i's subject is subjects[subjectOf[i]]: a fleet publishes on a few subjects, so each crosses once. */
  subjects: string[];
  subjectOf: Uint32Array;
  /** Body i is data[offsets[i], offsets[i + 1]). */
  offsets: Uint32Array;
  data: ArrayBuffer;
}

export interface NatsReaderOptions {
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  onState: (state: IngestState, detail: string) => void;
  onBatch: (batch: RawBatch) => void;
  /** Batches handed out and not yet settled, at most. */
  maxInFlight?: number;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
const PULL_EXPIRES_MS = 10_000;
const PULL_HEARTBEAT_MS = 2_000;

/**
 * The NATS side of ingest over a NatsSocket: the stream and durable pull consumer (created when
 * missing), then messages pulled and packed into batches, with a new connection after backoff when
 * one is lost. A batch's messages are acked only when `settle(id, true)` says its effects are
 * committed; `settle(id, false)` naks them for redelivery. Runs in a worker thread (nats-worker.ts),
 * so consuming and acking share no core with decoding and committing.
 */
export class NatsReader {
  private socket: NatsSocket | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  private nextId = 1;
  /** The ack lines of each batch handed out and not yet settled. */
  private readonly inFlight = new Map<number, Buffer>();
  /** Acks and naks settled while no connection was up: they go out on the next one. */
  private unsent: (Buffer | string)[] = [];
  private readonly pending = new BatchBuilder();
  /** Messages asked for on this connection and not yet delivered. */
  private outstanding = 0;
  private lastArrival = 0;
  /** Ends the current consume(): with an error, a lost connection; without, a stop. */
  private interrupt: ((err?: Error) => void) | undefined;
  private readonly batchSize: number;
  private readonly maxInFlight: number;
  private readonly next: string;
  /** Where this connection's pulls deliver; empty while not consuming. */
  private inbox = '';

  constructor(private readonly options: NatsReaderOptions) {
    this.batchSize = options.nats.batch;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.next = `$JS.API.CONSUMER.MSG.NEXT.${options.nats.stream}.${options.nats.consumer}`;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interrupt?.();
    this.socket?.close();
    await this.running;
  }

  settle(id: number, committed: boolean): void {
    const acks = this.inFlight.get(id);
    if (!acks) return;
    this.inFlight.delete(id);
    const lines = committed ? acks : nakLines(acks);
    if (this.socket) this.socket.write(lines);
    else this.unsent.push(lines);
    this.flushIfDue();
    this.topUp();
  }

  private async run(): Promise<void> {
    const { nats, onState } = this.options;
    const where = nats.servers.map(redactUrl).join(', ');
    for (let attempt = 0; !this.stopped; attempt++) {
      let server = '';
      try {
        onState(attempt === 0 ? 'starting' : 'reconnecting', `connecting to ${where}`);
        const socket = await NatsSocket.open(nats.servers, { auth: natsAuth(nats, this.options.env), onMessage: this.onMessage });
        this.socket = socket; // closed by the finally below, and by stop()
        if (this.stopped) break;
        await this.prepare(socket);
        server = socket.server;
        onState('running', `${server} · stream ${nats.stream} · consumer ${nats.consumer}`);
        attempt = 0;
        await this.consume(socket);
      } catch (err) {
        if (this.stopped) break;
        const wait = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
        const retry = `retrying in ${Math.round(wait / 1000)} s`;
        if (server && !(err instanceof NatsServerError)) onState('reconnecting', `lost the connection to ${server}: ${describe(err)} (${retry})`);
        else onState('error', `${server ? `${server}: ` : ''}${describe(err)} (${retry})`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.interrupt = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      } finally {
        this.socket?.close();
        this.socket = undefined;
      }
    }
    onState('stopped', 'stopped');
  }

  /** The stream and the durable consumer, created when missing, through the JetStream API. */
  private async prepare(socket: NatsSocket): Promise<void> {
    const { nats } = this.options;
    const api = async (what: string, subject: string, body = ''): Promise<{ error?: { code: number; description: string } }> => {
      const reply = JSON.parse((await socket.request(`$JS.API.${subject}`, body)).toString('utf8')) as { error?: { code: number; description: string } };
      if (reply.error && reply.error.code !== 404) throw new Error(`${what}: ${reply.error.description}`);
      return reply;
    };
    const stream = `stream ${nats.stream}`;
    if ((await api(stream, `STREAM.INFO.${nats.stream}`)).error) {
      if (!nats.createStream) throw new Error(`${stream} does not exist (nats.createStream is off)`);
      const created = await api(`creating ${stream}`, `STREAM.CREATE.${nats.stream}`, JSON.stringify({ name: nats.stream, subjects: nats.subjects }));
      if (created.error) throw new Error(`creating ${stream}: ${created.error.description}`);
    }
    const consumer = `consumer ${nats.consumer} of ${stream}`;
    if ((await api(consumer, `CONSUMER.INFO.${nats.stream}.${nats.consumer}`)).error) {
      const config = {
        durable_name: nats.consumer,
        ack_policy: 'explicit',
        deliver_policy: 'all',
        ack_wait: nats.ackWaitS * 1_000_000_000,
        // The reader holds up to 4 batches in flight and 2 being pulled: below that the server stalls it.
        max_ack_pending: Math.max(10_000, nats.batch * 8),
      };
      const created = await api(`creating ${consumer}`, `CONSUMER.DURABLE.CREATE.${nats.stream}.${nats.consumer}`, JSON.stringify({ stream_name: nats.stream, config }));
      if (created.error) throw new Error(`creating ${consumer}: ${created.error.description}`);
    }
  }

  /**
   * Pulls with the JetStream protocol (CONSUMER.MSG.NEXT on an inbox, an ack to each message's reply
   * subject) until the connection is lost (rejects) or the reader stops (resolves). Pull requests
   * expire and carry heartbeats; a silent connection is pulled again, then pinged, then given up.
   */
  private consume(socket: NatsSocket): Promise<void> {
    this.inbox = `_INBOX.${randomBytes(12).toString('hex')}`;
    this.outstanding = 0;
    socket.subscribe(this.inbox);
    if (this.unsent.length > 0) for (const lines of this.unsent.splice(0)) socket.write(lines);
    let repulled = Date.now();
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
      // A trickle of fixes is handed on within ~25 ms instead of waiting for a full batch.
      const timer = setInterval(() => {
        const now = Date.now();
        if (this.pending.count > 0 && now - this.lastArrival >= 20 && this.inFlight.size < this.maxInFlight) this.flush();
        const silent = now - socket.lastHeard;
        if (silent > 3 * PULL_HEARTBEAT_MS && now - repulled > 3 * PULL_HEARTBEAT_MS) {
          // No heartbeat: the pull requests are gone (a restarted server) or the connection is dead.
          repulled = now;
          this.outstanding = 0;
          socket.write('PING\r\n');
        }
        if (silent > 6 * PULL_HEARTBEAT_MS) {
          socket.close();
          finish(new Error(`no word from the server in ${Math.round(silent / 1000)} s`));
          return;
        }
        this.topUp();
      }, 25);
      this.topUp();
    });
  }

  private readonly onMessage: MessageRanges = (buf, subjectStart, subjectEnd, replyStart, replyEnd, headerStart, dataStart, dataEnd) => {
    if (replyStart === replyEnd) return this.onStatus(buf, headerStart, dataStart);
    const seq = ackSequence(buf, replyStart, replyEnd);
    if (seq < 0) return; // not a JetStream delivery
    if (this.outstanding > 0) this.outstanding--;
    this.pending.add(buf, subjectStart, subjectEnd, replyStart, replyEnd, dataStart, dataEnd, seq);
    this.lastArrival = this.socket?.lastHeard ?? 0;
    this.flushIfDue();
    this.topUp();
  };

  /** A status instead of a message: 100 heartbeat; 404/408 the request ended (with what it still owed); 409 a conflict. */
  private onStatus(buf: Buffer, start: number, end: number): void {
    if (end <= start) return;
    const { code, description, pending } = readStatus(buf, start, end);
    if (code === 409 && /consumer deleted|consumer is push based/i.test(description)) {
      this.interrupt?.(new Error(`consumer ${this.options.nats.consumer}: ${description}`));
      return;
    }
    if (code === 404 || code === 408 || code === 409) {
      this.outstanding = pending > 0 ? Math.max(0, this.outstanding - pending) : 0;
      this.topUp();
    }
  }

  private topUp(): void {
    const socket = this.socket;
    if (!socket || !this.inbox || this.stopped || this.inFlight.size >= this.maxInFlight || this.outstanding > this.batchSize) return;
    const n = 2 * this.batchSize - this.outstanding;
    this.outstanding += n;
    socket.write(pubCommand(this.next, JSON.stringify({ batch: n, expires: PULL_EXPIRES_MS * 1_000_000, idle_heartbeat: PULL_HEARTBEAT_MS * 1_000_000 }), this.inbox));
  }

  private flushIfDue(): void {
    if (this.pending.count >= this.batchSize && this.inFlight.size < this.maxInFlight) this.flush();
  }

  private flush(): void {
    const id = this.nextId++;
    const { batch, acks } = this.pending.take(id);
    this.inFlight.set(id, acks);
    this.options.onBatch(batch);
  }
}

const NAK_LATER = '-NAK {"delay": 5000000000}';

/** Ack lines ("PUB <reply> 0␍␊␍␊") turned into naks that ask for redelivery in 5 s. */
export function nakLines(acks: Buffer): string {
  let out = '';
  for (const line of acks.toString('latin1').split('\r\n\r\n')) {
    if (line) out += `${line.slice(0, -2)} ${NAK_LATER.length}\r\n${NAK_LATER}\r\n`;
  }
  return out;
}

const ACK_HEAD = Buffer.from('PUB ');
const ACK_TAIL = Buffer.from(' 0\r\n\r\n');

/**
 * Messages gathered for the next batch: bodies packed into one buffer, and beside them the protocol
 * lines that ack them (an empty PUB to each reply subject), ready to write in one go.
 */
class BatchBuilder {
  count = 0;
  private seqs = new Float64Array(1024);
  private starts = new Uint32Array(1024);
  private subjectOf = new Uint32Array(1024);
  private data: Buffer = Buffer.allocUnsafeSlow(256 * 1024);
  private dataLength = 0;
  private acks: Buffer = Buffer.allocUnsafeSlow(128 * 1024);
  private acksLength = 0;
  private subjects: string[] = [];
  private readonly known = new Map<string, number>();
  private lastSubject: Buffer = Buffer.alloc(0);
  private lastSubjectIndex = -1;

  add(buf: Buffer, subjectStart: number, subjectEnd: number, replyStart: number, replyEnd: number, dataStart: number, dataEnd: number, seq: number): void {
    const n = this.count;
    if (n === this.seqs.length) {
      this.seqs = grown(this.seqs, n);
      this.starts = grown(this.starts, n);
      this.subjectOf = grown(this.subjectOf, n);
    }
    const size = dataEnd - dataStart;
    if (this.dataLength + size > this.data.length) this.data = grownBuffer(this.data, this.dataLength, this.dataLength + size);
    buf.copy(this.data, this.dataLength, dataStart, dataEnd);
    this.starts[n] = this.dataLength;
    this.dataLength += size;
    this.seqs[n] = seq;
    this.subjectOf[n] = this.subjectIndex(buf, subjectStart, subjectEnd);
    const ackSize = ACK_HEAD.length + replyEnd - replyStart + ACK_TAIL.length;
    if (this.acksLength + ackSize > this.acks.length) this.acks = grownBuffer(this.acks, this.acksLength, this.acksLength + ackSize);
    let at = this.acksLength;
    at += ACK_HEAD.copy(this.acks, at);
    at += buf.copy(this.acks, at, replyStart, replyEnd);
    at += ACK_TAIL.copy(this.acks, at);
    this.acksLength = at;
    this.count = n + 1;
  }

  /** The gathered messages as a batch (its buffers are handed over) and their ack lines; the builder starts afresh. */
  take(id: number): { batch: RawBatch; acks: Buffer } {
    const n = this.count;
    const offsets = new Uint32Array(n + 1);
    offsets.set(this.starts.subarray(0, n));
    offsets[n] = this.dataLength;
    const batch: RawBatch = { id, seqs: this.seqs.slice(0, n), subjects: this.subjects, subjectOf: this.subjectOf.slice(0, n), offsets, data: this.data.buffer as ArrayBuffer };
    const acks = this.acks.subarray(0, this.acksLength);
    // The next batch is likely about as big as this one.
    this.data = Buffer.allocUnsafeSlow(Math.max(64 * 1024, Math.ceil(this.dataLength * 1.25)));
    this.acks = Buffer.allocUnsafeSlow(Math.max(32 * 1024, Math.ceil(this.acksLength * 1.25)));
    this.dataLength = this.acksLength = this.count = 0;
    this.subjects = [];
    this.known.clear();
    this.lastSubjectIndex = -1;
    return { batch, acks };
  }

  /** Most messages share the previous one's subject: that is checked byte for byte before any string is made. */
  private subjectIndex(buf: Buffer, start: number, end: number): number {
    const last = this.lastSubject;
    const length = end - start;
    if (this.lastSubjectIndex >= 0 && last.length === length) {
      let k = 0;
      while (k < length && last[k] === buf[start + k]) k++;
      if (k === length) return this.lastSubjectIndex;
    }
    const subject = buf.toString('utf8', start, end);
    let index = this.known.get(subject);
    if (index === undefined) this.known.set(subject, (index = this.subjects.push(subject) - 1));
    this.lastSubject = Buffer.from(buf.subarray(start, end));
    this.lastSubjectIndex = index;
    return index;
  }
}

function grown<T extends Float64Array | Uint32Array>(array: T, used: number): T {
  const next = new (array.constructor as new (n: number) => T)(array.length * 2);
  next.set(array.subarray(0, used));
  return next;
}

function grownBuffer(buf: Buffer, used: number, needed: number): Buffer {
  const next = Buffer.allocUnsafeSlow(Math.max(needed, buf.length * 2));
  buf.copy(next, 0, 0, used);
  return next;
}

function describe(err: unknown): string {
  const e = err as Error & { code?: string };
  const msg = e?.message ?? String(err);
  return e?.code && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
