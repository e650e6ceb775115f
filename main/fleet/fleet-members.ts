import type { FleetEngine, FleetPartition, Heartbeat } from '../../shared/rpc';

/** An engine unheard for this many of its own heartbeats is gone. */
export const GONE_AFTER_BEATS = 3;
/** A gone or left engine stays on the list this long, then is dropped. */
export const DROP_AFTER_MS = 60_000;

interface Sighting {
  beat: Heartbeat;
  /** When this engine last heard from it (its own clock, never the other's). */
  heardAt: number;
  /** When its key was deleted: it stopped on purpose. */
  leftAt?: number;
}

export type EngineState = FleetEngine['state'] | 'dropped';

/** Whether an engine is live, gone (unheard for 3 of its heartbeats), left (its key deleted), or past a minute of either (dropped). */
export function engineState(s: Sighting, now: number): EngineState {
  if (s.leftAt !== undefined) return now - s.leftAt >= DROP_AFTER_MS ? 'dropped' : 'left';
  const goneAt = s.heardAt + GONE_AFTER_BEATS * s.beat.heartbeatS * 1000;
  if (now < goneAt) return 'live';
  return now - goneAt >= DROP_AFTER_MS ? 'dropped' : 'gone';
}

/**
 * The partitions table from the live engines' heartbeats: every partition any live engine pulls from, the
 * engines holding its pin (two only in the overlap ADR-42 allows), its backlog (the owner's figure first,
 * else any live engine's: they all read the same consumer), and since when nobody owns it.
 */
export function partitionsTable(engines: readonly FleetEngine[], unownedSince: ReadonlyMap<number, number>): FleetPartition[] {
  const live = engines.filter((e) => e.state === 'live');
  const count = Math.max(0, ...live.flatMap((e) => e.partitions.map((p) => p.partition + 1)));
  return Array.from({ length: count }, (_, partition) => {
    const states = live.flatMap((e) => e.partitions.filter((p) => p.partition === partition).map((p) => ({ id: e.id, ...p })));
    const owners = states.filter((s) => s.owned);
    const known = (owners.length ? owners : states).map((s) => s.pending).filter((n) => n >= 0);
    const since = unownedSince.get(partition);
    return {
      partition,
      owners: owners.map((s) => s.id).sort(),
      pending: known.length ? Math.max(...known) : -1,
      ...(owners.length === 0 && since !== undefined ? { unownedSince: since } : {}),
    };
  });
}

/**
 * The engines one engine knows of from the bucket: each key's last heartbeat and when it came, a deleted
 * key as left; the answer with gone and left judged at `now` and those past a minute dropped. What makes a
 * change worth telling clients (who is in, their state, who owns which partition) is its `signature`.
 */
export class FleetMembers {
  private readonly seen = new Map<string, Sighting>();
  private readonly unowned = new Map<number, number>();

  /** A heartbeat put under its key, heard at `heardAt`. */
  put(beat: Heartbeat, heardAt: number): void {
    this.seen.set(beat.id, { beat, heardAt });
  }

  /** A key deleted or purged: the engine stopped and said so. */
  remove(id: string, now: number): void {
    const s = this.seen.get(id);
    if (s && s.leftAt === undefined) s.leftAt = now;
  }

  /** The fleet at `now`, this engine's own heartbeat (when it puts one) first and always live. */
  view(now: number, self?: Heartbeat): { engines: FleetEngine[]; partitions: FleetPartition[] } {
    const engines: FleetEngine[] = self ? [{ ...self, state: 'live', heardAt: now, self: true }] : [];
    for (const [id, s] of this.seen) {
      const state = engineState(s, now);
      if (state === 'dropped') this.seen.delete(id);
      else if (id !== self?.id) engines.push({ ...s.beat, state, heardAt: s.heardAt, self: false });
    }
    engines.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    const partitions = partitionsTable(engines, this.unowned);
    for (const p of partitions) {
      if (p.owners.length > 0) this.unowned.delete(p.partition);
      else if (!this.unowned.has(p.partition)) this.unowned.set(p.partition, now);
    }
    for (const key of this.unowned.keys()) if (key >= partitions.length) this.unowned.delete(key);
    return { engines, partitions: partitionsTable(engines, this.unowned) };
  }
}

/** What a client must hear about at once: who is in and in what state, and who owns which partition (not the figures, which change every beat). */
export function fleetSignature(view: { engines: readonly FleetEngine[]; partitions: readonly FleetPartition[] }): string {
  const engines = view.engines.map((e) => `${e.id}:${e.state}`).join(',');
  const partitions = view.partitions.map((p) => `${p.partition}:${p.owners.join('+')}`).join(',');
  return `${engines}|${partitions}`;
}
