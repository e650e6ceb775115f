import type { FleetEngine, FleetList } from '../../../../shared/rpc';

/**
 * One colour per engine, told apart in both themes (Tableau 10 without its yellow and grey, which read as the
 * unowned partitions' warning and as no owner); the partitions grid paints each partition its owner's.
 */
const ENGINE_COLOURS = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#ff9da7', '#9c755f', '#e15759'];

/**
 * Each engine's colour: the one its id hashes to, so every desktop paints an engine alike, else (taken by an
 * engine of a smaller id) the next free one, so no two engines in view share a colour while there are enough.
 */
export function engineColours(engines: readonly Pick<FleetEngine, 'id'>[]): Map<string, string> {
  const taken = new Set<number>();
  const colours = new Map<string, string>();
  for (const id of engines.map((e) => e.id).sort()) {
    let i = hashOf(id) % ENGINE_COLOURS.length;
    for (let tries = 0; taken.has(i) && tries < ENGINE_COLOURS.length; tries++) i = (i + 1) % ENGINE_COLOURS.length;
    taken.add(i);
    colours.set(id, ENGINE_COLOURS[i]!);
  }
  return colours;
}

/** FNV-1a over the id's UTF-16 units: a small, stable spread. */
function hashOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The fleet falls behind (the pill and the panel turn amber) when a live engine's last committed position was this old when committed. */
export const FLEET_BEHIND_MS = 30_000;

export interface FleetSummary {
  /** "fleet 3 engines · 8/8" (partitions owned of all), "fleet 1 engine"; "· 9 min behind" while it falls behind. */
  words: string;
  /** warn: a partition unowned or claimed by two, an engine gone, the bucket unreadable, or the fleet behind. */
  tone: 'ok' | 'warn';
  /** What is wrong, in a sentence each (the pill's tooltip). */
  problems: string[];
  /** The fleet's backlog (messages no engine has committed yet; -1: unknown) and how far behind its slowest live engine is (ms; null: no position yet). */
  backlog: number;
  behindMs: number | null;
}

/** An engine's row: what it holds now (live) or last held (gone, left), and how long since it was heard. */
export interface EngineRow {
  engine: FleetEngine;
  colour: string;
  /** "0–3", "none", "—" (partitions off); a gone or left engine's as "last held 0–3". */
  partitions: string;
  /** "now" for this engine, else "4.2 s ago" against the ticking clock. */
  heard: string;
}

/** owned: one live engine holds its pin; contested: two live engines say they do; unowned: nobody, after an owner stopped or with a backlog; idle: nobody, and nothing waits (no positions yet). */
export type TileKind = 'owned' | 'contested' | 'unowned' | 'idle';

export interface PartitionTile {
  partition: number;
  kind: TileKind;
  /** The live engines that hold it (their names), or none. */
  owners: string[];
  /** Its owner's colour (the first owner's when contested). */
  colour?: string;
  /** The first line: its owner(s), "unowned", "idle". */
  words: string;
  /** The second line: "for 12 s · last held by vm-1", "1,204 backlog", "no positions yet". */
  detail: string;
  /** The screen reader's sentence, in the same words. */
  label: string;
}

/** The Fleet view and the fleet pill, computed once from one fleet answer at one moment: both show these, so they cannot disagree. */
export interface FleetFigures {
  summary: FleetSummary;
  engines: EngineRow[];
  tiles: PartitionTile[];
  /** The tile kinds on screen now (the legend explains just these). */
  kinds: TileKind[];
}

const plural = (n: number, one: string) => `${n.toLocaleString()} ${one}${n === 1 ? '' : 's'}`;
const ownedBy = (e: FleetEngine, partition: number) => e.partitions.some((p) => p.partition === partition && p.owned);

/**
 * The fleet at `now` (the engine's clock, ticking in the view between answers): who holds each partition from
 * the freshest word (a live engine's claim beats a gone or left engine's last one; two live claims are
 * contested, not settled by guess), idle told apart from unowned, and the pill's words and tone.
 */
export function fleetFigures(list: FleetList, now: number): FleetFigures {
  const colours = engineColours(list.engines);
  const live = list.engines.filter((e) => e.state === 'live');
  const stopped = list.engines.filter((e) => e.state !== 'live').sort((a, b) => b.heardAt - a.heardAt);
  const tiles = list.partitions.map((p): PartitionTile => {
    const holders = live.filter((e) => ownedBy(e, p.partition));
    const owners = holders.map((e) => e.name);
    const backlog = p.pending < 0 ? '' : `${count(p.pending)} backlog`;
    if (holders.length > 0) {
      const kind = holders.length > 1 ? 'contested' : 'owned';
      const words = owners.join(' + ');
      const detail = [kind === 'contested' ? 'contested' : '', backlog || 'backlog unknown'].filter(Boolean).join(' · ');
      return {
        partition: p.partition,
        kind,
        owners,
        colour: colours.get(holders[0]!.id),
        words,
        detail,
        label: `Partition ${p.partition}: ${kind === 'contested' ? `contested by ${words}` : words}, ${detail}`,
      };
    }
    const lastHolder = stopped.find((e) => ownedBy(e, p.partition));
    if (!lastHolder && p.pending <= 0) {
      return {
        partition: p.partition,
        kind: 'idle',
        owners,
        words: 'idle',
        detail: 'no positions yet',
        label: `Partition ${p.partition}: idle, no positions yet`,
      };
    }
    const since = p.unownedSince !== undefined ? `for ${shortDuration(now - p.unownedSince)}` : '';
    const detail = [since, lastHolder ? `last held by ${lastHolder.name}` : '', backlog].filter(Boolean).join(' · ');
    return { partition: p.partition, kind: 'unowned', owners, words: 'unowned', detail, label: `Partition ${p.partition}: unowned, ${detail}` };
  });

  const engines = list.engines.map((e): EngineRow => {
    const held = ownedRanges(e);
    const partitions = e.state === 'live' || held === 'none' || held === '—' ? held : `last held ${held}`;
    return { engine: e, colour: colours.get(e.id)!, partitions, heard: e.self ? 'now' : `${shortDuration(now - e.heardAt)} ago` };
  });

  const tilesOf = (kind: TileKind) => tiles.filter((t) => t.kind === kind).length;
  const owned = tilesOf('owned') + tilesOf('contested');
  const gone = list.engines.filter((e) => e.state === 'gone');
  const known = list.partitions.map((p) => p.pending).filter((n) => n >= 0);
  // Without partitions every engine reads the one consumer: its backlog is any of theirs.
  const liveBacklogs = live.map((e) => e.lag.pending).filter((n) => n >= 0);
  const backlog = list.partitions.length > 0 ? (known.length ? known.reduce((a, b) => a + b, 0) : -1) : liveBacklogs.length ? Math.max(...liveBacklogs) : -1;
  const ages = live.map((e) => e.lag.lastPositionAgeMs).filter((n): n is number => n !== null);
  const behindMs = ages.length ? Math.max(...ages) : null;
  const behind = behindMs !== null && behindMs >= FLEET_BEHIND_MS;
  const problems = [
    ...(tilesOf('unowned') > 0 ? [`${plural(tilesOf('unowned'), 'partition')} nobody owns`] : []),
    ...(tilesOf('contested') > 0 ? [`${plural(tilesOf('contested'), 'partition')} claimed by two engines`] : []),
    ...(gone.length > 0 ? [`${gone.map((e) => e.name).join(', ')} gone (no heartbeat for 3 of its periods)`] : []),
    ...(behind ? [`the fleet is ${shortDuration(behindMs)} behind, ${count(backlog)} messages in its backlog`] : []),
    ...(list.error ? [list.error] : []),
  ];
  const counted = list.partitions.length > 0 ? `${plural(live.length, 'engine')} · ${owned}/${list.partitions.length}` : plural(live.length, 'engine');
  // An engine that stopped and said so is no problem, but a fleet that just lost one should not look like a fleet of one.
  const left = list.engines.filter((e) => e.state === 'left').length;
  const words = `${list.self.watchOnly ? 'watching · ' : ''}fleet ${counted}${left ? ` · ${left} left` : ''}${behind ? ` · ${shortDuration(behindMs)} behind` : ''}`;
  const kinds = (['owned', 'contested', 'unowned', 'idle'] as const).filter((k) => tilesOf(k) > 0);
  return { summary: { words, tone: problems.length > 0 ? 'warn' : 'ok', problems, backlog, behindMs }, engines, tiles, kinds };
}

/** A duration short enough for a table cell: "0.4 s", "12 s", "3 min", "2 h". */
export function shortDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

/** A count for a table cell; -1 (unknown) as a dash. */
export function count(n: number): string {
  return n < 0 ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: 0 });
}

/** A count of messages: "1 msg", "1,204 msgs"; unknown as a dash. */
export const msgs = (n: number): string => (n < 0 ? '—' : `${count(n)} msg${n === 1 ? '' : 's'}`);

/** The partitions an engine owns, as a short list: "0–3, 6". */
export function ownedRanges(engine: Pick<FleetEngine, 'partitions'>): string {
  const owned = engine.partitions.filter((p) => p.owned).map((p) => p.partition);
  if (owned.length === 0) return engine.partitions.length ? 'none' : '—';
  const ranges: string[] = [];
  for (let i = 0; i < owned.length;) {
    let j = i;
    while (j + 1 < owned.length && owned[j + 1] === owned[j]! + 1) j++;
    ranges.push(j === i ? `${owned[i]}` : `${owned[i]}–${owned[j]}`);
    i = j + 1;
  }
  return ranges.join(', ');
}

/** Whether the fleet is only this engine with partitions off: the view says how to share the work instead. */
export const isFleetOfOne = (list: FleetList): boolean => list.engines.length <= 1 && list.partitions.length === 0;
