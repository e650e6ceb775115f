import { CellKeyTable } from '../../shared/cell-key-table';
import { decodeFrame, stampFrame, type HeatmapFrame } from '../../shared/heatmap-frame';
import { frameDelta } from './frame-delta';

/** A client following a view with deltas still gets a whole frame this often (a frame lost on the way heals by then at worst). */
export const FULL_FRAME_EVERY_MS = 10_000;

/** What a client was sent last: which view's frames, the frame's number, when its last whole frame went. */
export interface HeldFrame {
  view: string;
  id: number;
  fullAt: number;
}

/** One view's frame of this tick: whole, and as a delta from the view's frame of the tick before when that is smaller. */
export interface ViewTick {
  view: string;
  id: number;
  full: ArrayBuffer;
  delta?: ArrayBuffer;
  baseId: number;
}

/**
 * Frames as a stream per view: each frame numbered, each view's last frame kept so the next goes as a
 * delta to the clients that hold it. A client that holds anything else — a new view, a snapshot, a
 * frame lost or refused — gets the whole frame, and so does one whose last whole frame is old.
 */
export class FrameStreams {
  private lastId = 0;
  private readonly views = new Map<string, { frame: HeatmapFrame; table: CellKeyTable }>();

  constructor(private readonly fullEveryMs = FULL_FRAME_EVERY_MS) {}

  /** Numbers a frame outside the streams (a snapshot); its client holds nothing a delta applies to. */
  number(buffer: ArrayBuffer): ArrayBuffer {
    return stampFrame(buffer, this.nextId());
  }

  /** This tick's frame of `view` (a sealed full frame), numbered, with its delta from the view's last frame. */
  next(view: string, buffer: ArrayBuffer): ViewTick {
    const id = this.nextId();
    const frame = decodeFrame(stampFrame(buffer, id));
    const before = this.views.get(view);
    const table = before?.table ?? new CellKeyTable(frame.count);
    const delta = before ? frameDelta(before.frame, frame, table) : undefined;
    this.views.set(view, { frame, table });
    return { view, id, full: buffer, delta, baseId: before?.frame.id ?? 0 };
  }

  /** What `held` (a client's last frame) is sent of this tick; `held` is updated to it. */
  choose(tick: ViewTick, held: HeldFrame | undefined, now: number): { buffer: ArrayBuffer; held: HeldFrame } {
    if (tick.delta && held && held.view === tick.view && held.id === tick.baseId && now - held.fullAt < this.fullEveryMs) {
      return { buffer: tick.delta, held: { view: tick.view, id: tick.id, fullAt: held.fullAt } };
    }
    return { buffer: tick.full, held: { view: tick.view, id: tick.id, fullAt: now } };
  }

  /** Forgets the views nobody looked at this tick. */
  keepOnly(views: Set<string>): void {
    for (const view of this.views.keys()) if (!views.has(view)) this.views.delete(view);
  }

  private nextId(): number {
    this.lastId = this.lastId >= 0xffffffff ? 1 : this.lastId + 1; // 0 is "not one of the engine's frames"
    return this.lastId;
  }
}
