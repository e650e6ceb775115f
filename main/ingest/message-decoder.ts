import type { PositionBatch } from '../history';
import { indexPosition, prepareIndex } from '../heatmap';
import { decodePosition, type QuarantineReason } from './decode';
import { newScannedPosition, scanPosition } from './position-scan';

/** Why a message was refused. */
export interface Refusal {
  reason: QuarantineReason;
  detail: string;
}

/**
 * One message's way into the rows every accepted position comes in, whoever sent it (NATS ingest, the
 * simulator's malformed ones): the fast path, then the reference decoder for anything it does not take
 * (props, escapes, every invalid message), indexed at resolution 15. A refusal says why.
 */
export class MessageDecoder {
  private readonly scanned = newScannedPosition();
  private readonly cell = new Uint32Array(2);

  constructor(private readonly maxMessageBytes: number) {
    // At start-up, not inside the first batch: a stream already flowing would wait for it.
    prepareIndex();
  }

  /** Adds the message `bytes[start, end)` to `rows` as stream sequence `seq`, or says why it cannot. */
  decodeInto(rows: PositionBatch, seq: number, bytes: Uint8Array, start: number, end: number): Refusal | undefined {
    const { scanned: s, cell } = this;
    try {
      if (scanPosition(bytes, start, end, this.maxMessageBytes, s)) {
        indexPosition(s.lat, s.lon, cell);
        rows.add(seq, s.id, s.ts, s.lat, s.lon, cell[0], cell[1], s.speed, s.heading, s.accuracy, s.kind);
        return undefined;
      }
      const d = decodePosition(bytes.subarray(start, end), this.maxMessageBytes);
      if (!d.ok) return { reason: d.reason, detail: d.detail };
      const p = d.position;
      indexPosition(p.lat, p.lon, cell);
      const props = p.props === undefined ? null : JSON.stringify(p.props);
      rows.add(seq, p.id, p.ts, p.lat, p.lon, cell[0], cell[1], p.speed, p.heading, p.accuracy, p.kind ?? null, props);
      return undefined;
    } catch (err) {
      // Whatever one message does to a decoder, it is that message's problem, never the engine's.
      return { reason: 'undecodable', detail: `decoding failed: ${(err as Error).message}` };
    }
  }
}
