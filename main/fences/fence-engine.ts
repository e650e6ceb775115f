/**
 * The embedded geofence engine: Tile38's events for the same fences and positions (which fences a fix
 * is tested against, and what each test yields), plus what Tile38 lacks — `dwell` after `dwell_s`
 * inside, and a synthetic `exit` when a fence goes away from under a device. Plain state, no I/O.
 */
import Flatbush from 'flatbush';
import type { FenceEvent } from '../../shared/fence-event';
import type { Detect, Fence } from '../../shared/fence';
import { BoxGrid } from './box-grid';
import { detectEvents, detectTable, type Tile38Detect } from './detect';
import { sortRun, stayAt, type Stay } from './device-stays';
import { compileShape, type Shape } from './geometry';

export interface Fix {
  id: string;
  lat: number;
  lon: number;
  ts: number;
}

interface Compiled {
  fence: Fence;
  shape: Shape;
  detect: ReadonlySet<Detect>;
  /** Whether a fix outside it, after one outside it, can yield an event (it detects `outside` or `cross`). */
  loud: boolean;
  /** The geometry as text: an edit that leaves it unchanged keeps the devices' state. */
  key: string;
  /** detectEvents' answer by 2·(was: 0 none, 1 false, 2 true) + now, shared arrays; null where it asks `crossed`. */
  kinds: (readonly Tile38Detect[] | null)[];
}

/** One device's state as a checkpoint holds it: its last fix and the fences it is inside. */
export interface DeviceCheckpoint {
  id: string;
  lat: number;
  lon: number;
  ts: number;
  inside: { fence: string; since: number; dwelt: boolean }[];
}

interface DeviceState {
  x: number;
  y: number;
  ts: number;
  /**
   * The fences the device is inside, in the order it entered them (what a checkpoint lists): a device is
   * inside a few fences at most, so a short array scanned beats a Map per device (memory, GC).
   */
  stays: Stay[];
  /**
   * The fence set (FenceEngine.epoch) under which `stays` says, for every fence whose box holds (x, y),
   * whether its shape holds (x, y); other values (a seed, a checkpoint's load, before any fix) promise nothing.
   */
  epoch: number;
}

export class FenceEngine {
  private fences: Compiled[] = [];
  private index?: BoxGrid;
  /** Counts fence sets: a device's `inside` answers for the set it was computed under only. */
  private epoch = 0;
  private dwelling = 0;
  /** Circle fences: one may hold a fix its box misses, so the old fix's boxes are all looked up. */
  private circles = 0;
  /** Fences tested on every fix: those detecting `outside` (Tile38's hooksOut). */
  private always: number[] = [];
  /** Fences detecting `cross` (Tile38's hookCross), by the box of the segment between fixes. */
  private crossIndex?: Flatbush;
  private crossIds: number[] = [];
  private readonly devices = new Map<string, DeviceState>();
  /** Scratch lists of `candidates` (one fix at a time). */
  private readonly hits: number[] = [];
  private readonly found: number[] = [];
  /** Per fence, flat: its box (minX, minY, maxX, maxY), whether it detects outside or cross, whether its shape lies within its box. */
  private boxes = new Float64Array(0);
  private loud = new Uint8Array(0);
  private boxed = new Uint8Array(0);
  /** Per fence, for the fix being applied: 1 + the grid cell's answer (0: its box does not hold the fix). */
  private answers = new Uint8Array(0);

  constructor(fences: readonly Fence[] = []) {
    this.setFences(fences, 0);
  }

  get fenceCount(): number {
    return this.fences.length;
  }

  get deviceCount(): number {
    return this.devices.size;
  }

  /**
   * Replaces the fence set (disabled fences are left out). A device inside a fence that is gone, or
   * whose new shape no longer holds its last fix, gets a synthetic `exit` stamped `now`.
   */
  setFences(fences: readonly Fence[], now: number): FenceEvent[] {
    const next = fences
      .filter((f) => f.enabled)
      .map((fence) => ({
        fence,
        shape: compileShape(fence.geometry),
        detect: new Set(fence.detect),
        loud: fence.detect.includes('outside') || fence.detect.includes('cross'),
        key: JSON.stringify(fence.geometry),
        kinds: detectTable(new Set(fence.detect)),
      }));
    const byId = new Map(next.map((c, i) => [c.fence.id, i]));
    const events: FenceEvent[] = [];
    for (const [deviceId, d] of this.devices) {
      // Stays name fences by index: renumbered for the new set, in the same order.
      let kept = 0;
      for (const stay of d.stays) {
        const old = this.fences[stay.fence];
        const j = byId.get(old.fence.id);
        const replacement = j === undefined ? undefined : next[j];
        if (j !== undefined && replacement && (replacement.key === old.key || replacement.shape.contains(d.x, d.y))) {
          stay.fence = j;
          d.stays[kept++] = stay;
        } else if (old.detect.has('exit')) events.push(event('exit', old.fence.id, deviceId, d.x, d.y, now));
      }
      d.stays.length = kept;
    }
    this.fences = next;
    this.epoch++;
    this.dwelling = next.filter((c) => c.detect.has('dwell') && c.fence.dwell_s !== undefined).length;
    this.always = next.flatMap((c, i) => (c.detect.has('outside') ? [i] : []));
    this.crossIds = next.flatMap((c, i) => (c.detect.has('cross') ? [i] : []));
    this.index =
      next.length > 0
        ? new BoxGrid(
            next.map((c) => c.shape),
            (i, cell) => next[i].shape.answerOver(cell),
            (i, cell, n) => next[i].shape.answersOver(cell, n),
          )
        : undefined;
    this.boxes = new Float64Array(next.flatMap((c) => [c.shape.minX, c.shape.minY, c.shape.maxX, c.shape.maxY]));
    this.loud = Uint8Array.from(next, (c) => (c.loud ? 1 : 0));
    this.boxed = Uint8Array.from(next, (c) => (c.fence.geometry.type === 'Circle' ? 0 : 1));
    this.circles = next.length - this.boxed.reduce((a, b) => a + b, 0);
    this.answers = new Uint8Array(next.length);
    this.crossIndex = buildCrossIndex(this.crossIds.map((i) => next[i].shape));
    return events;
  }

  /** Applies fixes in order; returns their events (per fix, per fence: exit, outside, enter, inside). */
  update(fixes: readonly Fix[]): FenceEvent[] {
    const out: FenceEvent[] = [];
    for (const f of fixes) this.apply(f, out);
    return out;
  }

  /** `dwell` for every device inside a dwell fence for `dwell_s` by `now` (also checked on each fix). */
  tick(now: number): FenceEvent[] {
    const out: FenceEvent[] = [];
    // Every second over every device: only worth it when some fence detects dwell.
    if (this.dwelling === 0) return out;
    for (const [deviceId, d] of this.devices) {
      for (const stay of d.stays) this.checkDwell(this.fences[stay.fence], deviceId, d, stay, now, out);
    }
    return out;
  }

  /**
   * Where devices were when the engine last stopped (no events): their next fix is then judged against
   * these, as Tile38, which keeps its positions, would judge it.
   */
  seed(fixes: readonly Fix[]): void {
    for (const f of fixes) {
      const stays: Stay[] = [];
      this.fences.forEach((c, i) => {
        if (c.shape.contains(f.lon, f.lat)) stays.push({ fence: i, since: f.ts, dwelt: false });
      });
      this.devices.set(f.id, { x: f.lon, y: f.lat, ts: f.ts, stays, epoch: this.epoch });
    }
  }

  /** The enabled fences' versions: what a checkpoint's state was computed under. */
  fenceVersions(): Record<string, number> {
    return Object.fromEntries(this.fences.map((c) => [c.fence.id, c.fence.version]));
  }

  /** The state of the devices `pick` chooses (a partition's), as plain data. */
  exportDevices(pick: (deviceId: string) => boolean): DeviceCheckpoint[] {
    const out: DeviceCheckpoint[] = [];
    for (const [id, d] of this.devices) {
      if (!pick(id)) continue;
      const inside = d.stays.map((s) => ({ fence: this.fences[s.fence].fence.id, since: s.since, dwelt: s.dwelt }));
      out.push({ id, lat: d.y, lon: d.x, ts: d.ts, inside });
    }
    return out;
  }

  /**
   * Takes devices' state from a checkpoint computed under fences at `versions`. A stay in a fence edited
   * since is kept while the new shape holds the last fix; in one gone or no longer holding it the device
   * gets a synthetic `exit` stamped `now` — what `setFences` did here when the fences changed.
   */
  loadDevices(devices: readonly DeviceCheckpoint[], versions: Readonly<Record<string, number>>, now: number): FenceEvent[] {
    const byId = new Map(this.fences.map((c, i) => [c.fence.id, i]));
    const events: FenceEvent[] = [];
    for (const dev of devices) {
      const stays: Stay[] = [];
      for (const stay of dev.inside) {
        const i = byId.get(stay.fence);
        const c = i === undefined ? undefined : this.fences[i];
        if (i !== undefined && c && (c.fence.version === versions[stay.fence] || c.shape.contains(dev.lon, dev.lat))) {
          // A fence listed twice keeps its first place and its last values, as a Map's set would.
          const twice = stays.find((s) => s.fence === i);
          if (twice) Object.assign(twice, { since: stay.since, dwelt: stay.dwelt });
          else stays.push({ fence: i, since: stay.since, dwelt: stay.dwelt });
        }
        // A fence deleted since: its exit reaches the feed (it names no targets any more), as setFences' does.
        else if (!c || c.detect.has('exit')) events.push(event('exit', stay.fence, dev.id, dev.lon, dev.lat, now));
      }
      // Rebuilt at the device's next fix: its previous one is then tested against the shapes again.
      this.devices.set(dev.id, { x: dev.lon, y: dev.lat, ts: dev.ts, stays, epoch: -1 });
    }
    return events;
  }

  /** Forgets the devices `pick` chooses (a partition lost to another engine): no events, no dwell from here. */
  dropDevices(pick: (deviceId: string) => boolean): number {
    let dropped = 0;
    for (const id of this.devices.keys()) if (pick(id) && this.devices.delete(id)) dropped++;
    return dropped;
  }

  /** Forgets a device (its state only: no events). */
  forget(deviceId: string): void {
    this.devices.delete(deviceId);
  }

  private apply(f: Fix, out: FenceEvent[]): void {
    const x = f.lon;
    const y = f.lat;
    let d = this.devices.get(f.id);
    if (this.fences.length === 0) {
      // Nothing to detect: only where the device is, for the fences deployed later.
      if (d) {
        d.x = x;
        d.y = y;
        d.ts = f.ts;
      } else this.devices.set(f.id, { x, y, ts: f.ts, stays: [], epoch: -1 });
      return;
    }
    const hadOld = d !== undefined;
    const exact = d !== undefined && d.epoch === this.epoch;
    const candidates = this.candidates(d, exact, x, y);
    if (!d) {
      d = { x, y, ts: f.ts, stays: [], epoch: -1 };
      this.devices.set(f.id, d);
    }
    const ox = d.x;
    const oy = d.y;
    const boxes = this.boxes;
    const answers = this.answers;
    const stays = d.stays;
    // Flat arrays first: most candidates are settled without touching their fence (outside then and now).
    for (const i of candidates) {
      const answer = answers[i];
      answers[i] = 0;
      // The grid's answer for the fix's cell; a fence whose box misses the fix holds it only if a circle.
      const now = answer === 2 ? false : answer === 3 ? true : answer === 0 && this.boxed[i] === 1 ? false : this.fences[i].shape.contains(x, y);
      // Like Tile38, "was inside" is the fence tested against the previous fix: when its box held that
      // fix, the last fix's test is still in `stays` (same fences); otherwise it is tested again.
      const o = 4 * i;
      const oldIn = ox >= boxes[o] && oy >= boxes[o + 1] && ox <= boxes[o + 2] && oy <= boxes[o + 3];
      const cached = exact && oldIn;
      if (cached && !now && stays.length === 0 && this.loud[i] === 0) continue;
      const at = stayAt(stays, i);
      const c = this.fences[i];
      // A polygon whose box misses a point does not hold it (ringContains' first test).
      const was = cached ? at >= 0 : !hadOld ? undefined : !oldIn && this.boxed[i] === 1 ? false : c.shape.contains(ox, oy);
      // Outside before and now yields nothing for a fence that detects neither `outside` nor `cross`.
      if (was || now || c.loud) {
        const kinds =
          c.kinds[2 * (was === undefined ? 0 : was ? 2 : 1) + (now ? 1 : 0)] ?? detectEvents(was, now, () => c.shape.crossedBy(ox, oy, x, y), c.detect);
        for (const k of kinds) out.push(event(k, c.fence.id, f.id, x, y, f.ts));
      }
      if (now) {
        if (at < 0) stays.push({ fence: i, since: f.ts, dwelt: false });
      } else if (at >= 0) {
        // In place, keeping the order (splice would allocate the removed part).
        for (let k = at; k + 1 < stays.length; k++) stays[k] = stays[k + 1];
        stays.pop();
      }
    }
    d.x = x;
    d.y = y;
    d.ts = f.ts;
    d.epoch = this.epoch;
    if (this.dwelling === 0 || stays.length === 0) return;
    for (const i of candidates) {
      const at = stayAt(stays, i);
      if (at >= 0) this.checkDwell(this.fences[i], f.id, d, stays[at], f.ts, out);
    }
  }

  private checkDwell(c: Compiled, deviceId: string, d: DeviceState, stay: Stay, now: number, out: FenceEvent[]): void {
    if (stay.dwelt || !c.detect.has('dwell') || c.fence.dwell_s === undefined) return;
    const at = stay.since + c.fence.dwell_s * 1000;
    if (now < at) return;
    stay.dwelt = true;
    out.push(event('dwell', c.fence.id, deviceId, d.x, d.y, at));
  }

  /**
   * Tile38's candidate hooks: outside-detecting fences, fences whose box holds the old or new fix, cross
   * fences near the move. In fence order. With the last fix's answers current (`exact`) and no circle
   * fence, the old fix's boxes that matter are the stays' (the others were outside then and are outside
   * now unless the new fix's boxes hold them too, which the grid finds): no second grid look-up.
   */
  private candidates(old: DeviceState | undefined, exact: boolean, x: number, y: number): number[] {
    const hits = this.hits;
    const found = this.found;
    hits.length = 0;
    found.length = 0;
    // Each grid answer is ascending: one alone needs no sort.
    const n = this.index ? this.index.hits(x, y, hits, this.answers) : 0;
    let m = 0;
    if (this.index && old) {
      if (exact && this.circles === 0) {
        const b = this.boxes;
        for (const s of old.stays) {
          const o = 4 * s.fence;
          if (old.x >= b[o] && old.y >= b[o + 1] && old.x <= b[o + 2] && old.y <= b[o + 3]) {
            hits.push(s.fence);
            m++;
          }
        }
      } else m = this.index.hits(old.x, old.y, hits);
    }
    for (const i of this.always) hits.push(i);
    if (old && this.crossIndex) {
      for (const j of this.crossIndex.search(Math.min(old.x, x), Math.min(old.y, y), Math.max(old.x, x), Math.max(old.y, y))) hits.push(this.crossIds[j]);
    }
    if (hits.length > n + m) {
      hits.sort(ascending);
      for (const i of hits) if (found.length === 0 || found[found.length - 1] !== i) found.push(i);
      return found;
    }
    // Two ascending runs (stays are in the order entered: a few, sorted here), merged without a sort.
    if (exact && m > 1) sortRun(hits, n, n + m);
    let a = 0;
    let b = n;
    while (a < n || b < n + m) {
      const i = b >= n + m || (a < n && hits[a] <= hits[b]) ? hits[a++] : hits[b++];
      if (found.length === 0 || found[found.length - 1] !== i) found.push(i);
    }
    return found;
  }
}

const ascending = (a: number, b: number) => a - b;

function buildCrossIndex(shapes: readonly Shape[]): Flatbush | undefined {
  if (shapes.length === 0) return undefined;
  const index = new Flatbush(shapes.length);
  for (const s of shapes) index.add(s.minX, s.minY, s.maxX, s.maxY);
  index.finish();
  return index;
}

function event(type: FenceEvent['event_type'], fenceId: string, deviceId: string, x: number, y: number, ts: number): FenceEvent {
  return { event_type: type, fence_id: fenceId, device_id: deviceId, position: { lat: y, lon: x }, timestamp: ts, source: 'embedded' };
}
