import { relative } from 'node:path';
import { hourStart } from '../archive';
import type { ArchivePlace } from './archive-place';
import { groupOf, parseLocalPart, parseSharedKey } from './shared-layout';

/** What this engine reads locally, from its notebook snapshot. */
export interface LocalShare {
  /** Its archived position parts (absolute paths). */
  positionParts: string[];
  /** The hours its hot rows (not yet rolled) fall in, epoch ms. */
  hotHours: number[];
  fenceEventParts: string[];
  market: string[];
}

/** What a notebook's views read over the fleet's archive. */
export interface FleetShare {
  /** Position files read as they are: an hour and partition holding one part, no local rows of its hour. */
  positions: string[];
  /** Position files read with each stream sequence once (with the hot rows): parts not compacted yet, this engine's hours not yet in the place. */
  dedupe: string[];
  /** Other engines' fence-event parts (this engine's own are read locally, up to its queue's mark). */
  fenceEvents: string[];
  /** Every engine's market parts (this engine's own read locally). */
  market: string[];
}

/**
 * The fleet's archive as a notebook reads it: the shared place, plus this engine's parts and hot rows
 * not in it yet. Which local parts are in it comes from the publisher's journal, read before the place is
 * listed, so a part is in the listing or read locally — never neither. Whatever may be read twice (an
 * hour and partition with several parts, an hour this engine still has locally) is read with each stream
 * sequence once.
 */
export class FleetReader {
  constructor(
    private readonly place: ArchivePlace,
    private readonly engineId: string,
    private readonly archiveDir: string,
    /** Whether a local part (relative to the archive) is in the place. */
    private readonly published: (rel: string) => boolean,
  ) {}

  /** The place the fleet's archive is read from. */
  get url(): string {
    return this.place.url;
  }

  async share(local: LocalShare): Promise<FleetShare> {
    const unpublished = local.positionParts.filter((abs) => !this.published(relative(this.archiveDir, abs)));
    const localHours = new Set([...local.hotHours.map(hourStart), ...unpublished.map((abs) => parseLocalPart(relative(this.archiveDir, abs))?.hour ?? NaN)]);
    const [positions, events, market] = await Promise.all(['positions', 'fence_events', 'market'].map((t) => this.place.list(t)));
    const groups = new Map<string, string[]>();
    const hours = new Map<string, number>();
    for (const key of positions!) {
      const k = parseSharedKey(key);
      if (!k) continue;
      groups.set(groupOf(k), [...(groups.get(groupOf(k)) ?? []), key]);
      hours.set(groupOf(k), k.hour);
    }
    const plain: string[] = [];
    const dedupe = unpublished.slice();
    for (const [g, keys] of groups) {
      const into = keys.length > 1 || localHours.has(hours.get(g)!) ? dedupe : plain;
      into.push(...keys.map((k) => this.place.locate(k)));
    }
    const others = (keys: string[]) => keys.filter((key) => parseSharedKey(key)?.engine !== this.engineId).map((k) => this.place.locate(k));
    return { positions: plain.sort(), dedupe: dedupe.sort(), fenceEvents: others(events!).sort(), market: [...local.market, ...others(market!)].sort() };
  }
}
