import type { PartitionLayout } from '../config';
import type { BatchBuilder } from './batch-builder';

/** A partition as this engine sees it: whether the server pins it here, and its consumer's backlog (-1: unknown). */
export interface PartitionState {
  partition: number;
  owned: boolean;
  pending: number;
}

/**
 * One durable consumer the reader pulls from over the shared connection: a partition's (pinned to one
 * engine by its priority group) or, with partitions off, the only one. Its pulls reply to its own inbox.
 */
export class Lane {
  /** The pin the server gave this engine (Nats-Pin-Id), sent with each pull; empty: none. */
  pin = '';
  /** Its deliveries come to this engine under its pin. */
  owned = false;
  /** Messages asked for and not yet delivered. */
  outstanding = 0;
  pending = -1;
  /** Its consumer's ack floor (stream sequence) as last surveyed; -1: not known yet. */
  ackFloor = -1;
  /** Counts gains: a go-ahead for an earlier gain releases nothing. */
  epoch = 0;
  /** Deliveries of a partition just gained, held until the engine has taken it over (fence state loaded). */
  held: HeldMessages | undefined;
  /** Its messages gathered or being committed (not acked yet). */
  unsettled = 0;
  /** Being given to another engine: no more pulls; unpinned once its messages are settled. */
  yielding = false;
  /** Pulls of other engines waiting on it, as its consumer last said. */
  othersWaiting = 0;
  /** Pinned to another engine, as its consumer last said or as this engine last lost it. */
  pinnedElsewhere = false;
  /** When it was last pulled from (Date.now). */
  pulledAt = 0;

  constructor(
    readonly partition: number,
    readonly consumer: string,
    /** CONSUMER.MSG.NEXT for this consumer. */
    readonly next: string,
    /** The priority group, when pinned. */
    readonly group?: string,
  ) {}

  /** This lane's pull: `batch` messages, expiring, with heartbeats, in its group with its pin. */
  pullRequest(batch: number, expiresMs: number, heartbeatMs: number): string {
    return JSON.stringify({
      batch,
      expires: expiresMs * 1_000_000,
      idle_heartbeat: heartbeatMs * 1_000_000,
      ...(this.group ? { group: this.group } : {}),
      ...(this.group && this.pin ? { id: this.pin } : {}),
    });
  }

  /** The server pinned this lane (a delivery carried `pin`): true when that is a gain (the deliveries that follow are held). */
  pinned(pin: string): boolean {
    if (this.owned && pin === this.pin) return false;
    this.pin = pin;
    this.owned = true;
    this.epoch++;
    this.held = new HeldMessages();
    return true;
  }

  /** The pin is gone (423, another pin, the connection): what was held is handed back (its nak lines). True when it was owned. */
  lost(dropPin: boolean): { was: boolean; naks: Buffer | undefined; seqs: number[] } {
    const was = this.owned;
    this.owned = false;
    // Lost to another engine, or given to one: not to be waited on again until a survey finds it unpinned.
    this.pinnedElsewhere = true;
    this.yielding = false;
    if (dropPin) this.pin = '';
    const naks = this.held?.naks();
    const seqs = this.held?.seqs() ?? [];
    this.held = undefined;
    return { was, naks, seqs };
  }

  state(): PartitionState {
    return { partition: this.partition, owned: this.owned, pending: this.pending };
  }
}

/** The lanes for a layout: one per partition, or (partitions off) one for `nats.consumer`. */
export function lanesFor(stream: string, consumer: string, layout: PartitionLayout | undefined): Lane[] {
  const next = (name: string) => `$JS.API.CONSUMER.MSG.NEXT.${stream}.${name}`;
  if (!layout) return [new Lane(0, consumer, next(consumer))];
  return Array.from({ length: layout.count }, (_, p) => new Lane(p, layout.consumer(p), next(layout.consumer(p)), layout.group));
}

/** The number a subject ends with (a lane's inbox), or -1. */
export function lastTokenNumber(buf: Uint8Array, start: number, end: number): number {
  let v = 0;
  let i = end - 1;
  let scale = 1;
  for (; i >= start && buf[i] !== 0x2e; i--, scale *= 10) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9 || scale > 1e6) return -1;
    v += d * scale;
  }
  return i < end - 1 && (i < start || buf[i] === 0x2e) ? v : -1;
}

/** The number that is token `index` of a subject (a stored position's partition: 1 in `pos.<p>.<id>`), or -1. */
export function tokenNumber(buf: Uint8Array, start: number, end: number, index: number): number {
  let i = start;
  for (let t = 0; t < index; t++) {
    while (i < end && buf[i] !== 0x2e) i++;
    if (i++ >= end) return -1;
  }
  let v = 0;
  const from = i;
  for (; i < end && buf[i] !== 0x2e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9 || i - from > 6) return -1;
    v = v * 10 + d;
  }
  return i > from ? v : -1;
}

/** The partition of a stored subject (token `index`: 1 in `pos.<p>.<id>`), or -1. */
export function partitionOfSubject(subject: string, index: number): number {
  return tokenNumber(Buffer.from(subject, 'latin1'), 0, subject.length, index);
}

/** The Nats-Pin-Id header among a message's headers in buf[start, end), or ''. */
export function pinIdOf(buf: Buffer, start: number, end: number): string {
  if (end <= start) return '';
  const m = /\r\nNats-Pin-Id:[ \t]*([^\r\n]+)/i.exec(buf.toString('latin1', start, end));
  return m ? m[1].trim() : '';
}

const NAK = Buffer.from(' 4\r\n-NAK\r\n');

/** Copies of deliveries kept aside (their bytes outlive the socket's buffer), to gather later or hand back. */
export class HeldMessages {
  private readonly items: { buf: Buffer; subjectEnd: number; replyEnd: number; seq: number }[] = [];

  get count(): number {
    return this.items.length;
  }

  add(buf: Buffer, subjectStart: number, subjectEnd: number, replyStart: number, replyEnd: number, dataStart: number, dataEnd: number, seq: number): void {
    const subject = subjectEnd - subjectStart;
    const reply = replyEnd - replyStart;
    const copy = Buffer.allocUnsafe(subject + reply + dataEnd - dataStart);
    buf.copy(copy, 0, subjectStart, subjectEnd);
    buf.copy(copy, subject, replyStart, replyEnd);
    buf.copy(copy, subject + reply, dataStart, dataEnd);
    this.items.push({ buf: copy, subjectEnd: subject, replyEnd: subject + reply, seq });
  }

  /** Gathers them into the next batch, in the order they came. */
  gatherInto(pending: BatchBuilder): void {
    for (const m of this.items) pending.add(m.buf, 0, m.subjectEnd, m.subjectEnd, m.replyEnd, m.replyEnd, m.buf.length, m.seq);
  }

  seqs(): number[] {
    return this.items.map((m) => m.seq);
  }

  /** A nak to each, so the partition's next owner gets them at once. */
  naks(): Buffer | undefined {
    if (this.items.length === 0) return undefined;
    return Buffer.concat(this.items.flatMap((m) => [Buffer.from('PUB '), m.buf.subarray(m.subjectEnd, m.replyEnd), NAK]));
  }
}
