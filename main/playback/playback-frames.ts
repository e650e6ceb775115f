import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { playbackFrame, type PlaybackFrameRequest } from './playback-frame';

/** A frame stopped by a cancel: playback asked for a newer one, left, or its client went. */
export class FrameCancelledError extends Error {
  override name = 'FrameCancelledError';
  readonly cancelled = true;
  constructor() {
    super('playback frame cancelled');
  }
}

interface Building {
  /** Opened once the frame is known: a cancel may come before. */
  connection?: DuckDBConnection;
  cancelled: boolean;
}

/**
 * Playback's frames in the notebook process, each on a connection of its own: a cancel interrupts that
 * frame's GROUP BY and nothing else (another client's frame, a notebook query).
 */
export class PlaybackFrames {
  private readonly building = new Map<string, Building>();

  constructor(private readonly instance: DuckDBInstance) {}

  /** The frame of `request`, named `frameId` so that `cancel(frameId)` can stop it. */
  async build(frameId: string, request: PlaybackFrameRequest): Promise<ArrayBuffer> {
    // Known before its connection opens, so a cancel that comes meanwhile is not lost.
    const b: Building = { cancelled: false };
    this.building.set(frameId, b);
    try {
      const connection = (b.connection = await this.instance.connect());
      try {
        if (b.cancelled) throw new FrameCancelledError();
        return await playbackFrame(connection, request);
      } catch (err) {
        if (b.cancelled) throw new FrameCancelledError();
        throw err;
      } finally {
        connection.closeSync();
      }
    } finally {
      if (this.building.get(frameId) === b) this.building.delete(frameId);
    }
  }

  /** Interrupts the frame being built under `frameId`; false when none is. */
  cancel(frameId: string): boolean {
    const b = this.building.get(frameId);
    if (!b) return false;
    b.cancelled = true;
    b.connection?.interrupt();
    return true;
  }
}
