// The NATS client protocol as ingest needs it (https://docs.nats.io/reference/reference-protocols/nats-protocol):
// server lines parsed straight from socket bytes, with no string or object per message.

const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;
const MAX_CONTROL_LINE = 1 << 20; // INFO lists a cluster's URLs; nothing near this long

/**
 * A MSG or HMSG as ranges of `buf`, which hold only during the call. No reply subject: replyStart ===
 * replyEnd. Headers (HMSG only) are [headerStart, dataStart); a MSG has headerStart === dataStart.
 */
export type MessageRanges = (
  buf: Buffer,
  subjectStart: number,
  subjectEnd: number,
  replyStart: number,
  replyEnd: number,
  headerStart: number,
  dataStart: number,
  dataEnd: number,
) => void;

/** What the parser finds. */
export interface WireHandler {
  /** A message for subscription `sid`. */
  message(sid: number, ...ranges: Parameters<MessageRanges>): void;
  /** Every other server line: INFO, PING, PONG, +OK, -ERR, with the rest of its line. */
  control(op: 'INFO' | 'PING' | 'PONG' | '+OK' | '-ERR', arg: string): void;
}

export class WireProtocolError extends Error {}

/** Splits the server's byte stream into protocol lines and messages; feed it every chunk in order. */
export class WireParser {
  private rest: Buffer | undefined;
  // Token bounds of the MSG/HMSG line being read: [start, end) pairs.
  private readonly tokens = new Int32Array(12);

  constructor(private readonly handler: WireHandler) {}

  push(chunk: Buffer): void {
    const buf = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = undefined;
    const n = buf.length;
    let i = 0;
    while (i < n) {
      const c = buf[i] | 0x20; // ASCII lower case
      const next = c === 0x6d /* m */ || c === 0x68 /* h */ ? this.readMessage(buf, i, n) : this.readControl(buf, i, n);
      if (next < 0) break;
      i = next;
    }
    // What is left is the start of a line or message; it waits for the next chunk.
    if (i < n) this.rest = buf.subarray(i);
  }

  /** Index after the MSG/HMSG at i, or -1 when it is not all here yet. */
  private readMessage(buf: Buffer, i: number, n: number): number {
    const t = this.tokens;
    const headers = (buf[i] | 0x20) === 0x68;
    let k = 0; // tokens found, the op included
    let j = i;
    let inToken = false;
    for (; j < n; j++) {
      const b = buf[j];
      if (b === CR) break;
      if (b === SPACE || b === TAB) {
        if (inToken) {
          t[2 * k - 1] = j;
          inToken = false;
        }
      } else if (!inToken) {
        if (k === 6) throw new WireProtocolError(`too many fields in ${quote(buf, i, j)}`);
        t[2 * k++] = j;
        inToken = true;
      }
    }
    if (j + 1 >= n) return -1;
    if (buf[j + 1] !== LF) throw new WireProtocolError(`a line without CRLF: ${quote(buf, i, j)}`);
    if (inToken) t[2 * k - 1] = j;
    const withReply = k === (headers ? 6 : 5);
    if (!withReply && k !== (headers ? 5 : 4)) throw new WireProtocolError(`cannot read ${quote(buf, i, j)}`);
    const total = digits(buf, t[2 * (k - 1)], t[2 * k - 1]);
    const headerBytes = headers ? digits(buf, t[2 * (k - 2)], t[2 * (k - 2) + 1]) : 0;
    if (total < 0 || headerBytes < 0 || headerBytes > total) throw new WireProtocolError(`bad sizes in ${quote(buf, i, j)}`);
    const start = j + 2;
    const end = start + total;
    if (end + 2 > n) return -1;
    if (buf[end] !== CR || buf[end + 1] !== LF) throw new WireProtocolError(`a message without its CRLF after ${total} bytes: ${quote(buf, i, j)}`);
    const replyStart = withReply ? t[6] : 0;
    const replyEnd = withReply ? t[7] : 0;
    this.handler.message(digits(buf, t[4], t[5]), buf, t[2], t[3], replyStart, replyEnd, start, start + headerBytes, end);
    return end + 2;
  }

  private readControl(buf: Buffer, i: number, n: number): number {
    const eol = buf.indexOf(LF, i);
    if (eol < 0) {
      if (n - i > MAX_CONTROL_LINE) throw new WireProtocolError(`a server line longer than ${MAX_CONTROL_LINE} bytes: ${quote(buf, i, n)}`);
      return -1;
    }
    const line = buf.toString('latin1', i, buf[eol - 1] === CR ? eol - 1 : eol);
    const space = line.search(/[ \t]/);
    const op = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const arg = space < 0 ? '' : line.slice(space + 1).trim();
    if (op !== 'INFO' && op !== 'PING' && op !== 'PONG' && op !== '+OK' && op !== '-ERR')
      throw new WireProtocolError(`unknown server line ${JSON.stringify(line.slice(0, 80))}`);
    this.handler.control(op, arg);
    return eol + 1;
  }
}

/** The decimal number in buf[s, e), or -1. */
function digits(buf: Uint8Array, s: number, e: number): number {
  if (s >= e || e - s > 15) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function quote(buf: Buffer, s: number, e: number): string {
  return JSON.stringify(buf.toString('latin1', s, Math.min(e, s + 120)));
}

/**
 * The numbers of a JetStream ack subject in buf[s, e), read in one pass (the reader reads them for every delivery):
 * $JS.ACK[.<domain>.<account hash>].<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts>.<pending>[.<token>].
 * Into `out`: [0] the stream sequence, [1] the consumer sequence (one per delivery, to any client of the consumer),
 * [2] the consumer's messages not yet delivered (its backlog); -1 for a field that is not a number. False when the
 * subject is not an ack subject or has no stream sequence.
 */
export function readAckSubject(buf: Uint8Array, s: number, e: number, out: Float64Array): boolean {
  const dots = DOTS;
  let n = 0;
  for (let i = s; i < e; i++) {
    if (buf[i] !== 0x2e) continue;
    if (n === dots.length) return false;
    dots[n++] = i;
  }
  // 9 tokens is the old form, 11 or more the form with domain and account: the stream sequence is token 5 or 7.
  const first = n >= 10 ? 6 : n === 8 ? 4 : -1;
  if (first < 0) return false;
  out[0] = digits(buf, dots[first] + 1, dots[first + 1]);
  out[1] = digits(buf, dots[first + 1] + 1, dots[first + 2]);
  out[2] = digits(buf, dots[first + 3] + 1, first + 4 < n ? dots[first + 4] : e);
  return out[0] >= 0;
}

const DOTS = new Int32Array(16);
const ACK = new Float64Array(3);

/** The consumer sequence (one per delivery, to any client of the consumer) from an ack subject, or -1. */
export function ackDeliverySequence(buf: Uint8Array, s: number, e: number): number {
  return readAckSubject(buf, s, e, ACK) ? ACK[1] : -1;
}

/** Messages of the consumer not yet delivered, as of this delivery (its backlog), from an ack subject, or -1. */
export function ackPending(buf: Uint8Array, s: number, e: number): number {
  return readAckSubject(buf, s, e, ACK) ? ACK[2] : -1;
}

/** A JetStream status message (HMSG without reply): its code, description and pending-messages header. */
export function readStatus(buf: Buffer, s: number, e: number): { code: number; description: string; pending: number } {
  const text = buf.toString('latin1', s, e);
  const first = /^NATS\/1\.0(?:[ \t]+(\d{3}))?[ \t]*([^\r\n]*)/.exec(text);
  const pending = /\r\nNats-Pending-Messages:[ \t]*(\d+)/i.exec(text);
  return { code: first?.[1] ? Number(first[1]) : 0, description: first?.[2]?.trim() ?? '', pending: pending ? Number(pending[1]) : 0 };
}

const encoder = new TextEncoder();

/** PUB subject [reply] #bytes␍␊payload␍␊ */
export function pubCommand(subject: string, payload: string | Uint8Array, reply?: string): Buffer {
  const body = typeof payload === 'string' ? encoder.encode(payload) : payload;
  const head = `PUB ${subject}${reply ? ` ${reply}` : ''} ${body.length}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body, CRLF]);
}

const CRLF = Buffer.from('\r\n');

/** Empty-bodied PUB lines ("PUB <reply> 0␍␊␍␊", a batch's acks) rewritten to carry `body` instead: a nak or a progress note to the same replies. */
export function repliesWith(acks: Buffer, body: string): Buffer {
  const size = Buffer.byteLength(body);
  let out = '';
  for (const line of acks.toString('latin1').split('\r\n\r\n')) {
    if (line) out += `${line.slice(0, -2)} ${size}\r\n${body}\r\n`;
  }
  return Buffer.from(out, 'latin1');
}
