import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { PositionBatch } from '../history';
import { MessageDecoder } from '../ingest';
import type { Fix } from './fence-engine';

/**
 * A partition consumer's marks: the ack floor (every message up to it acked — the reader acks batches in
 * commit order, so the old owner's effects and events reach this far) and the last sequence delivered
 * (above the floor: delivered to an owner, not acked, so its events may never have been sent).
 */
export async function consumerMarks(jsm: JetStreamManager, stream: string, consumer: string): Promise<{ floor: number; delivered: number }> {
  const info = await jsm.consumers.info(stream, consumer);
  return { floor: info.ack_floor.stream_seq, delivered: info.delivered.stream_seq };
}

/**
 * A partition's positions with stream sequences in [from, to], read by an ordered consumer on its subject
 * and decoded as ingest decodes them (what ingest quarantined is left out here too), each with its sequence; the last sequence read.
 */
export async function readPartition(
  js: JetStreamClient,
  options: { stream: string; subject: string; from: number; to: number; maxMessageBytes: number },
): Promise<{ fixes: Fix[]; seqs: number[]; last: number }> {
  const { stream, subject, from, to, maxMessageBytes } = options;
  if (from > to) return { fixes: [], seqs: [], last: to };
  const consumer = await js.consumers.get(stream, { filter_subjects: [subject], deliver_policy: 'by_start_sequence', opt_start_seq: from });
  const decoder = new MessageDecoder(maxMessageBytes);
  const rows = new PositionBatch(1024);
  let last = from - 1;
  try {
    for (;;) {
      let got = 0;
      let done = false;
      const batch = await consumer.fetch({ max_messages: 2000, expires: 2000 });
      for await (const m of batch) {
        got++;
        if (m.seq > to) {
          done = true;
          break;
        }
        last = m.seq;
        decoder.decodeInto(rows, m.seq, m.data, 0, m.data.length);
        if (m.seq === to || m.info.pending === 0) {
          done = true;
          break;
        }
      }
      // Nothing more to read: the range's tail was deleted (limits) or never stored.
      if (done || got === 0) break;
    }
  } finally {
    await consumer.delete().catch(() => {});
  }
  const fixes: Fix[] = new Array(rows.length);
  const seqs: number[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    fixes[i] = { id: rows.id[i], ts: rows.ts[i], lat: rows.lat[i], lon: rows.lon[i] };
    seqs[i] = rows.seq[i];
  }
  return { fixes, seqs, last };
}
