import { describe, expect, it } from 'vitest';
import { ackStallOf, RangeAcks } from './range-acks';

/** A batch's ack lines as the batch builder writes them, one per sequence (the reply subject names it). */
function batch(...seqs: number[]): [Buffer, Float64Array] {
  return redelivered(0, ...seqs);
}
/** Deliveries numbered from `delivery` (a redelivery comes with a later delivery number than newer messages had). */
function redelivered(delivery: number, ...seqs: number[]): [Buffer, Float64Array] {
  const acks = Buffer.from(seqs.map((s, i) => `PUB $JS.ACK.DEMAND.d.1.${s}.${delivery ? delivery + i : s}.0.0 0\r\n\r\n`).join(''));
  return [acks, Float64Array.from(seqs)];
}
const subjectOf = (line: Buffer | undefined) => line?.toString().split(' ')[1];

describe('acks in ranges (ack policy "all")', () => {
  it('acks a committed batch in one line: its last sequence within reach', () => {
    const acks = new RangeAcks();
    expect(subjectOf(acks.committed(...batch(1, 2, 3), 3))).toBe('$JS.ACK.DEMAND.d.1.3.3.0.0');
    expect(subjectOf(acks.committed(...batch(4, 5, 6), 6))).toBe('$JS.ACK.DEMAND.d.1.6.6.0.0');
    expect(acks.keptCount).toBe(0);
  });

  it('never reaches past a sequence not committed: a later batch waits for the gap and is covered by the ack that closes it', () => {
    const acks = new RangeAcks();
    // 1–3 committed; 4–6 failed (redelivered later); 7–9 committed: the counted run still ends at 3.
    expect(subjectOf(acks.committed(...batch(1, 2, 3), 3))).toBe('$JS.ACK.DEMAND.d.1.3.3.0.0');
    expect(acks.committed(...batch(7, 8, 9), 3)).toBeUndefined();
    expect(acks.keptCount).toBe(1);
    // 4–6 come again and count: one ack now covers everything through 9.
    expect(subjectOf(acks.committed(...batch(5, 4, 6), 9))).toBe('$JS.ACK.DEMAND.d.1.9.9.0.0');
    expect(acks.keptCount).toBe(0);
  });

  it('after an ack on a redelivery, acks only with deliveries made after it (the server ignores earlier ones)', () => {
    const acks = new RangeAcks();
    expect(subjectOf(acks.committed(...batch(1, 2, 3), 3))).toBe('$JS.ACK.DEMAND.d.1.3.3.0.0');
    // 7–9 (deliveries 7–9) wait for 4–6, which come again as deliveries 20–22, one of them first.
    expect(acks.committed(...batch(7, 8, 9), 3)).toBeUndefined();
    expect(subjectOf(acks.committed(...redelivered(20, 4), 4))).toBe('$JS.ACK.DEMAND.d.1.4.20.0.0');
    // 5–6 close the gap: 9's delivery (9) is older than 20, so the ack is 6's (delivery 21), and 7–9 wait for a later one.
    expect(subjectOf(acks.committed(...redelivered(21, 5, 6), 9))).toBe('$JS.ACK.DEMAND.d.1.6.22.0.0');
    expect(subjectOf(acks.committed(...redelivered(30, 10), 10))).toBe('$JS.ACK.DEMAND.d.1.10.30.0.0');
    expect(acks.keptCount).toBe(0);
  });

  it('sends nothing for what the consumer’s ack floor already covers', () => {
    const acks = new RangeAcks();
    acks.floor(100, 100);
    expect(acks.committed(...batch(99, 100), 100)).toBeUndefined();
    expect(subjectOf(acks.committed(...batch(101, 102), 101))).toBe('$JS.ACK.DEMAND.d.1.101.101.0.0');
    expect(acks.keptCount).toBe(1);
  });

  it('asks where the consumer stands only once acks have waited behind a hole, and again only as long as they wait', () => {
    const acks = new RangeAcks();
    expect(acks.dueToAsk(0, 500)).toBe(false); // nothing kept
    acks.committed(...batch(1, 2, 3), 3);
    acks.committed(...batch(7, 8, 9), 3); // 4–6 missing: 7–9 kept
    expect(acks.dueToAsk(1000, 500)).toBe(false); // starts waiting
    expect(acks.dueToAsk(1400, 500)).toBe(false);
    expect(acks.dueToAsk(1500, 500)).toBe(true);
    expect(acks.dueToAsk(1600, 500)).toBe(false); // asked 100 ms ago
    expect(acks.dueToAsk(2000, 500)).toBe(true);
    // The hole proved empty: the ack reaches 9 and nothing is kept, so nothing is asked.
    expect(subjectOf(acks.committed(Buffer.alloc(0), new Float64Array(0), 9))).toBe('$JS.ACK.DEMAND.d.1.9.9.0.0');
    expect(acks.dueToAsk(3000, 500)).toBe(false);
    // A new wait starts its own clock.
    acks.committed(...batch(12), 9);
    expect(acks.dueToAsk(3100, 500)).toBe(false);
    expect(acks.dueToAsk(3500, 500)).toBe(false);
    expect(acks.dueToAsk(3600, 500)).toBe(true);
  });

  it('reads the floor, the last delivered sequence and the pending acks from a consumer’s info, and nothing from an error', () => {
    const info = { ack_floor: { stream_seq: 39, consumer_seq: 39 }, delivered: { stream_seq: 300, consumer_seq: 297 }, num_ack_pending: 258 };
    expect(ackStallOf(Buffer.from(JSON.stringify(info)))).toEqual({ floor: 39, delivered: 300, ackPending: 258 });
    expect(ackStallOf(Buffer.from('{"error":{"code":404,"description":"consumer not found"}}'))).toBeUndefined();
  });
});
