import type { IngestMark } from '../fences';
import type { PositionBatch } from '../history';

/** A room's share of accepted positions: the rows (with their resolution-15 cells), and the stream mark they complete when NATS brought them. */
export type PositionSink = (rows: PositionBatch, mark?: IngestMark) => void;

/**
 * The one fan-out of accepted positions, whichever the source (the simulator, or NATS after the commit
 * and before the ack): each room that wants them registers its sink, and each batch visits them in the
 * order they were added. One sink that throws does not keep the batch from the others: the first error
 * is thrown once every sink has had the batch (the source decides what a failed batch means).
 */
export class PositionSinks {
  private readonly sinks: PositionSink[] = [];

  add(sink: PositionSink): void {
    this.sinks.push(sink);
  }

  /** Bound, so a source can be handed `accept` itself. */
  readonly accept: PositionSink = (rows, mark) => {
    let failed: { error: unknown } | undefined;
    for (const sink of this.sinks)
      try {
        sink(rows, mark);
      } catch (error) {
        failed ??= { error };
      }
    if (failed) throw failed.error;
  };
}
