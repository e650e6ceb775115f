/**
 * The fence handover's decisions about one partition, as plain functions of what this engine knows of it;
 * fence-handover.ts acts on them.
 *
 * ADR-42 allows two engines to believe for a moment that they hold one partition's pin (a NATS node lost,
 * a consumer leader moved). Each then applies what the server delivers to it, from its own state, and
 * delivers the events: an event both compute has one delivery id (fence, device, type, time, target), so a
 * receiver drops the repeat. The bucket names one owner at a time: the engine whose checkpoint write finds
 * another engine's newer one while ingest still holds the pin takes the partition over again (that newer
 * checkpoint, the stream replayed from it) as soon as the server delivers it a position of the partition,
 * the proof that the pin is really its own; the one whose pin is gone lets its state go when ingest tells it
 * (a 423, or its survey finding the other pin). So two engines that both believe they hold a pin do not
 * claim it in turn: only the one still fed takes it back.
 */

/** What this engine knows of a partition when a checkpoint write finds it written by another engine. */
export interface TakenState {
  /** Ingest holds the partition's pin: its gain was told, and no loss since. */
  pinned: boolean;
  /** The engine is stopping: its last checkpoints, then nothing. */
  stopping: boolean;
  /** A takeover of it is queued or under way here, or waits for the next delivery. */
  retaking: boolean;
}

/**
 * Take the partition over again with the next position the server delivers here (it still pins it here), let
 * its state go, or leave it to the takeover already coming. Its state is kept meanwhile: dropping the state of a
 * partition still delivered here would send its positions to history alone, their events lost.
 */
export type TakenAction = 'take-over-again-when-delivered' | 'let-go' | 'nothing';

export function whenTaken(s: TakenState): TakenAction {
  if (s.stopping || !s.pinned) return 'let-go';
  return s.retaking ? 'nothing' : 'take-over-again-when-delivered';
}

/** A partition's marks when a takeover read them: the checkpoint's sequence, the consumer's ack floor and its last delivered. */
export interface TakeoverMarks {
  from: number;
  floor: number;
  delivered: number;
}

/**
 * Where a sequence stands in a takeover: in the checkpoint loaded; acked by whoever held the pin, so its
 * events were sent (replayed without them); delivered but never acked (applied with its events: a repeat is
 * dropped by its delivery id); or delivered after the marks were read (applied here meanwhile, during a
 * takeover again, with its events: put through the new state silently).
 */
export type TakeoverPart = 'checkpoint' | 'replay' | 'tail' | 'newer';

export function takeoverPart(seq: number, m: TakeoverMarks): TakeoverPart {
  if (seq <= m.from) return 'checkpoint';
  if (seq <= m.floor) return 'replay';
  return seq <= m.delivered ? 'tail' : 'newer';
}

/** What this engine knows of a partition when a committed position of it reaches the fences. */
export interface RouteState {
  /** This engine's state of the partition's devices is the one that counts. */
  owned: boolean;
  /** Sequences up to here are in that state already (a takeover applied them, or a checkpoint loaded holds them). */
  appliedUpTo: number;
}

/** Through the fences, or to history only (another engine decides it, or it is a redelivery of what the state holds). */
export function routeOf(s: RouteState, seq: number): 'fences' | 'history-only' {
  return s.owned && seq > s.appliedUpTo ? 'fences' : 'history-only';
}
