import type { Bounds } from '../../shared/rpc';
import { allocateFrame, sealFrame } from '../../shared/heatmap-frame';
import { EDGE_KM, MAX_RESOLUTION, cellKey, keyToCell } from '../../shared/h3-cell';

export interface AggregatorOptions {
  windowMs: number;
  bucketMs: number;
  /** The finest resolution kept; every coarser one is derived when a frame is built. */
  resolution: number;
}

/** Cells one device visited inside the window, at the kept resolution; most recent last. */
interface Track {
  keys: number[];
  seen: number[];
}

interface CellPlace {
  lat: number;
  lon: number;
  seen: number;
}

export interface FrameRequest {
  resolution: number;
  bounds: Bounds;
  now: number;
  maxCells: number;
}

/**
 * Live H3 aggregation over a sliding window: positions per cell (time buckets, so old counts fall
 * out whole) and unique devices per cell (each device's recent cells). Cells are kept at one fine
 * resolution as numeric keys; a frame at any coarser resolution is a parent bit-trick away.
 */
export class LiveAggregator {
  private readonly slots: { epoch: number; counts: Map<number, number> }[];
  private readonly tracks = new Map<string, Track>();
  private readonly places = new Map<number, CellPlace>();
  private readonly parentMask: number;
  private latest = 0;
  private lastEvictEpoch = -1;
  /** Fixes older than the window when they arrived; counted, not aggregated. */
  late = 0;

  constructor(readonly options: AggregatorOptions) {
    const n = Math.ceil(options.windowMs / options.bucketMs) + 1;
    this.slots = Array.from({ length: n }, () => ({ epoch: -1, counts: new Map() }));
    this.parentMask = 2 ** ((MAX_RESOLUTION - options.resolution) * 3);
  }

  /** One fix: device id, time (epoch ms), position and its resolution-15 cell as hi/lo halves. */
  add(id: string, ts: number, lat: number, lon: number, hi: number, lo: number): void {
    const { windowMs, bucketMs } = this.options;
    if (ts > this.latest) this.latest = ts;
    if (ts < this.latest - windowMs) {
      this.late++;
      return;
    }
    const epoch = Math.floor(ts / bucketMs);
    const slot = this.slots[epoch % this.slots.length];
    if (slot.epoch !== epoch) {
      if (slot.epoch > epoch) {
        this.late++;
        return;
      }
      slot.epoch = epoch;
      slot.counts.clear();
    }
    const key15 = cellKey(hi, lo);
    const key = key15 - (key15 % this.parentMask) + (this.parentMask - 1);
    slot.counts.set(key, (slot.counts.get(key) ?? 0) + 1);

    const place = this.places.get(key);
    if (place === undefined) this.places.set(key, { lat, lon, seen: ts });
    else if (ts > place.seen) place.seen = ts;

    let track = this.tracks.get(id);
    if (track === undefined) {
      track = { keys: [key], seen: [ts] };
      this.tracks.set(id, track);
      return;
    }
    const last = track.keys.length - 1;
    if (track.keys[last] === key) {
      if (ts > track.seen[last]) track.seen[last] = ts;
      return;
    }
    const at = track.keys.indexOf(key);
    if (at >= 0) {
      track.keys.splice(at, 1);
      track.seen.splice(at, 1);
    }
    track.keys.push(key);
    track.seen.push(ts);
    if (track.keys.length > 32) pruneTrack(track, ts - windowMs, 32);
  }

  /** Drops devices and cells not seen inside the window; cheap enough to run once per bucket. */
  evict(now: number): void {
    const epoch = Math.floor(now / this.options.bucketMs);
    if (epoch === this.lastEvictEpoch) return;
    this.lastEvictEpoch = epoch;
    const cutoff = now - this.options.windowMs;
    for (const [id, track] of this.tracks) {
      pruneTrack(track, cutoff, Infinity);
      if (track.keys.length === 0) this.tracks.delete(id);
    }
    for (const [key, place] of this.places) if (place.seen < cutoff) this.places.delete(key);
  }

  /** Devices and kept-resolution cells seen inside the window (as of the last eviction). */
  stats(): { devices: number; cells: number } {
    return { devices: this.tracks.size, cells: this.places.size };
  }

  /** Builds the binary frame (shared/heatmap-frame.ts) of one resolution inside the bounds. */
  buildFrame({ resolution, bounds, now, maxCells }: FrameRequest): ArrayBuffer {
    const res = Math.min(resolution, this.options.resolution);
    const { windowMs, bucketMs } = this.options;
    const cutoff = now - windowMs;
    const mask = 2 ** ((MAX_RESOLUTION - res) * 3);
    const inView = viewTest(bounds, res);
    const acc = new Accumulator();
    const slotOf = (parent: number, child: number): number => {
      let slot = acc.index.get(parent);
      if (slot === undefined) {
        const place = this.places.get(child);
        if (place === undefined) return -1; // evicted a moment ago; a sibling may still place the parent
        slot = inView(place.lat, place.lon) ? acc.push(parent) : -1;
        acc.index.set(parent, slot);
      }
      return slot;
    };

    for (const s of this.slots) {
      if (s.epoch < 0 || (s.epoch + 1) * bucketMs <= cutoff || s.epoch * bucketMs > now) continue;
      for (const [key, count] of s.counts) {
        const slot = slotOf(key - (key % mask) + (mask - 1), key);
        if (slot >= 0) acc.positions[slot] += count;
      }
    }
    const parents: number[] = [];
    for (const track of this.tracks.values()) {
      parents.length = 0;
      for (let i = 0; i < track.keys.length; i++) {
        if (track.seen[i] < cutoff || track.seen[i] > now) continue;
        const key = track.keys[i];
        const parent = key - (key % mask) + (mask - 1);
        if (parents.includes(parent)) continue;
        parents.push(parent);
        const slot = slotOf(parent, key);
        if (slot >= 0) acc.devices[slot]++;
      }
    }
    return acc.toFrame(res, now, windowMs, maxCells);
  }
}

function pruneTrack(track: Track, cutoff: number, keep: number): void {
  let drop = 0;
  while (drop < track.seen.length && (track.seen[drop] < cutoff || track.keys.length - drop > keep)) drop++;
  if (drop > 0) {
    track.keys.splice(0, drop);
    track.seen.splice(0, drop);
  }
}

/** Growable columns of the cells a frame holds. */
class Accumulator {
  readonly index = new Map<number, number>();
  keys = new Float64Array(1024);
  positions = new Uint32Array(1024);
  devices = new Uint32Array(1024);
  count = 0;

  push(key: number): number {
    if (this.count === this.keys.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.keys = grow(this.keys);
      this.positions = grow(this.positions);
      this.devices = grow(this.devices);
    }
    this.keys[this.count] = key;
    return this.count++;
  }

  toFrame(resolution: number, now: number, windowMs: number, maxCells: number): ArrayBuffer {
    let order: ArrayLike<number> | undefined;
    let count = this.count;
    if (count > maxCells) {
      // Over the cap, the busiest cells are the ones worth drawing.
      const idx = Uint32Array.from({ length: count }, (_, i) => i);
      const d = this.devices;
      const p = this.positions;
      idx.sort((a, b) => d[b] - d[a] || p[b] - p[a]);
      order = idx.subarray(0, maxCells);
      count = maxCells;
    }
    const { buffer, frame } = allocateFrame(count);
    const cell = [0, 0];
    let maxP = 0;
    let maxD = 0;
    for (let i = 0; i < count; i++) {
      const j = order ? order[i] : i;
      keyToCell(this.keys[j], resolution, cell);
      frame.cellHi[i] = cell[0];
      frame.cellLo[i] = cell[1];
      const p = (frame.positions[i] = this.positions[j]);
      const d = (frame.devices[i] = this.devices[j]);
      if (p > maxP) maxP = p;
      if (d > maxD) maxD = d;
    }
    frame.resolution = resolution;
    frame.windowEnd = now;
    frame.windowMs = windowMs;
    frame.maxPositions = maxP;
    frame.maxDevices = maxD;
    return sealFrame(buffer, frame);
  }
}

/**
 * Whether a cell, known by one of its fixes, may show inside the bounds. Padded by two edge lengths
 * of the frame's resolution, so a cell whose centre is just outside but whose area is inside still draws.
 */
function viewTest(b: Bounds, res: number): (lat: number, lon: number) => boolean {
  const padLat = (EDGE_KM[res] * 2) / 111;
  const south = b.south - padLat;
  const north = b.north + padLat;
  const maxAbsLat = Math.min(89, Math.max(Math.abs(south), Math.abs(north)));
  const padLon = padLat / Math.max(0.01, Math.cos((maxAbsLat * Math.PI) / 180));
  const span = b.east - b.west + 2 * padLon;
  if (span >= 360) return (lat) => lat >= south && lat <= north;
  const west = b.west - padLon;
  return (lat, lon) => {
    if (lat < south || lat > north) return false;
    const rel = (((lon - west) % 360) + 360) % 360; // map views may wrap the antimeridian
    return rel <= span;
  };
}
