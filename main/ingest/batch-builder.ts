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
  /** The consumer's messages not yet delivered, as of the batch's last message (-1: not said). */
  pending: number;
}

const ACK_HEAD = [...Buffer.from('PUB ')];
const ACK_TAIL = [...Buffer.from(' 0\r\n\r\n')];

/**
 * Messages gathered for the next batch: bodies packed into one buffer, and beside them the protocol
 * lines that ack them (an empty PUB to each reply subject), ready to write in one go.
 */
export class BatchBuilder {
  count = 0;
  /** The consumer's backlog as the last message gathered said it. */
  pendingAfter = -1;
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
    at = putBytes(this.acks, at, ACK_HEAD);
    at += buf.copy(this.acks, at, replyStart, replyEnd);
    at = putBytes(this.acks, at, ACK_TAIL);
    this.acksLength = at;
    this.count = n + 1;
  }

  /** The ack lines of the messages gathered so far (valid until the next add or take). */
  acksSoFar(): Buffer {
    return this.acks.subarray(0, this.acksLength);
  }

  /** The gathered messages as a batch (its buffers are handed over) and their ack lines; the builder starts afresh. */
  take(id: number): { batch: RawBatch; acks: Buffer } {
    const n = this.count;
    const offsets = new Uint32Array(n + 1);
    offsets.set(this.starts.subarray(0, n));
    offsets[n] = this.dataLength;
    const batch: RawBatch = {
      id,
      seqs: this.seqs.slice(0, n),
      subjects: this.subjects,
      subjectOf: this.subjectOf.slice(0, n),
      offsets,
      data: this.data.buffer as ArrayBuffer,
      pending: this.pendingAfter,
    };
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

/** A few constant bytes stored one by one: Buffer.copy's checks cost more than the copy below ~32 bytes (twice per message here). */
function putBytes(to: Buffer, at: number, bytes: readonly number[]): number {
  for (let k = 0; k < bytes.length; k++) to[at++] = bytes[k];
  return at;
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
