/**
 * The embedded geofence engine: Tile38's events for the same fences and positions (which fences a fix
 * is tested against, and what each test yields), plus what Tile38 lacks — `dwell` after `dwell_s`
 * inside, and a synthetic `exit` when a fence goes away from under a device. Plain state, no I/O.
 */
import Flatbush from 'flatbush';
import type { FenceEvent } from '../../shared/fence-event';
import type { Detect, Fence } from '../../shared/fence';
import { detectEvents } from './detect';
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
  /** The geometry as text: an edit that leaves it unchanged keeps the devices' state. */
  key: string;
}

interface DeviceState {
  x: number;
  y: number;
  ts: number;
  /** Fences (by id) the device is inside, with when it entered and whether its dwell fired. */
  inside: Map<string, { since: number; dwelt: boolean }>;
}

export class FenceEngine {
  private fences: Compiled[] = [];
  private index?: Flatbush;
  /** Fences tested on every fix: those detecting `outside` (Tile38's hooksOut). */
  private always: number[] = [];
  /** Fences detecting `cross` (Tile38's hookCross), by the box of the segment between fixes. */
  private crossIndex?: Flatbush;
  private crossIds: number[] = [];
  private readonly devices = new Map<string, DeviceState>();
  private seen = new Uint8Array(0);

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
      .map((fence) => ({ fence, shape: compileShape(fence.geometry), detect: new Set(fence.detect), key: JSON.stringify(fence.geometry) }));
    const byId = new Map(next.map((c) => [c.fence.id, c]));
    const before = new Map(this.fences.map((c) => [c.fence.id, c]));
    const events: FenceEvent[] = [];
    for (const [deviceId, d] of this.devices) {
      for (const fenceId of [...d.inside.keys()]) {
        const old = before.get(fenceId)!;
        const replacement = byId.get(fenceId);
        if (replacement && (replacement.key === old.key || replacement.shape.contains(d.x, d.y))) continue;
        d.inside.delete(fenceId);
        if (old.detect.has('exit')) events.push(event('exit', fenceId, deviceId, d.x, d.y, now));
      }
    }
    this.fences = next;
    this.always = next.flatMap((c, i) => (c.detect.has('outside') ? [i] : []));
    this.crossIds = next.flatMap((c, i) => (c.detect.has('cross') ? [i] : []));
    this.index = buildIndex(next.map((c) => c.shape));
    this.crossIndex = buildIndex(this.crossIds.map((i) => next[i].shape));
    this.seen = new Uint8Array(next.length);
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
    const dwelling = this.fences.filter((c) => c.detect.has('dwell') && c.fence.dwell_s !== undefined);
    if (dwelling.length === 0) return out;
    const byId = new Map(dwelling.map((c) => [c.fence.id, c]));
    for (const [deviceId, d] of this.devices) {
      for (const [fenceId, stay] of d.inside) {
        const c = byId.get(fenceId);
        if (c) this.checkDwell(c, deviceId, d, stay, now, out);
      }
    }
    return out;
  }

  /**
   * Where devices were when the engine last stopped (no events): their next fix is then judged against
   * these, as Tile38, which keeps its positions, would judge it.
   */
  seed(fixes: readonly Fix[]): void {
    for (const f of fixes) {
      const inside = new Map<string, { since: number; dwelt: boolean }>();
      for (const c of this.fences) if (c.shape.contains(f.lon, f.lat)) inside.set(c.fence.id, { since: f.ts, dwelt: false });
      this.devices.set(f.id, { x: f.lon, y: f.lat, ts: f.ts, inside });
    }
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
      } else this.devices.set(f.id, { x, y, ts: f.ts, inside: new Map() });
      return;
    }
    const hadOld = d !== undefined;
    const candidates = this.candidates(d, x, y);
    if (!d) {
      d = { x, y, ts: f.ts, inside: new Map() };
      this.devices.set(f.id, d);
    }
    const ox = d.x;
    const oy = d.y;
    for (const i of candidates) {
      const c = this.fences[i];
      const id = c.fence.id;
      // Like Tile38, "was inside" is the fence tested against the previous fix, not remembered state.
      const was = hadOld ? c.shape.contains(ox, oy) : undefined;
      const now = c.shape.contains(x, y);
      const kinds = detectEvents(was, now, () => c.shape.crossedBy(ox, oy, x, y), c.detect);
      for (const k of kinds) out.push(event(k, id, f.id, x, y, f.ts));
      if (now && !d.inside.has(id)) d.inside.set(id, { since: f.ts, dwelt: false });
      else if (!now) d.inside.delete(id);
    }
    d.x = x;
    d.y = y;
    d.ts = f.ts;
    for (const i of candidates) {
      const c = this.fences[i];
      const stay = d.inside.get(c.fence.id);
      if (stay) this.checkDwell(c, f.id, d, stay, f.ts, out);
    }
  }

  private checkDwell(c: Compiled, deviceId: string, d: DeviceState, stay: { since: number; dwelt: boolean }, now: number, out: FenceEvent[]): void {
    if (stay.dwelt || !c.detect.has('dwell') || c.fence.dwell_s === undefined) return;
    const at = stay.since + c.fence.dwell_s * 1000;
    if (now < at) return;
    stay.dwelt = true;
    out.push(event('dwell', c.fence.id, deviceId, d.x, d.y, at));
  }

  /** Tile38's candidate hooks: outside-detecting fences, fences whose box holds the old or new fix, cross fences near the move. In fence order. */
  private candidates(old: DeviceState | undefined, x: number, y: number): number[] {
    const seen = this.seen;
    const found: number[] = [];
    const take = (i: number) => {
      if (seen[i]) return;
      seen[i] = 1;
      found.push(i);
    };
    for (const i of this.always) take(i);
    if (this.index) {
      for (const i of this.index.search(x, y, x, y)) take(i);
      if (old) for (const i of this.index.search(old.x, old.y, old.x, old.y)) take(i);
    }
    if (old && this.crossIndex) {
      for (const j of this.crossIndex.search(Math.min(old.x, x), Math.min(old.y, y), Math.max(old.x, x), Math.max(old.y, y))) take(this.crossIds[j]);
    }
    for (const i of found) seen[i] = 0;
    return found.sort((a, b) => a - b);
  }
}

function buildIndex(shapes: readonly Shape[]): Flatbush | undefined {
  if (shapes.length === 0) return undefined;
  const index = new Flatbush(shapes.length);
  for (const s of shapes) index.add(s.minX, s.minY, s.maxX, s.maxY);
  index.finish();
  return index;
}

function event(type: FenceEvent['event_type'], fenceId: string, deviceId: string, x: number, y: number, ts: number): FenceEvent {
  return { event_type: type, fence_id: fenceId, device_id: deviceId, position: { lat: y, lon: x }, timestamp: ts, source: 'embedded' };
}
