import type { Bounds } from '../../shared/rpc';
import { allocateFrame, sealFrame } from '../../shared/heatmap-frame';
import { EDGE_KM, MAX_RESOLUTION, cellKey, cellResolution, keyToCell } from '../../shared/h3-cell';
import { CellColumns, grown } from './cell-columns';
import { RingCache, smoothCells } from './smoothing';

export interface AggregatorOptions {
  windowMs: number;
  bucketMs: number;
  /** The finest resolution kept; every coarser one is derived when a frame is built. */
  resolution: number;
}

/** Cells one device visited inside the window (their slots in the columns); most recent last. */
interface Track {
  cells: number[];
  seen: number[];
  /** Its latest fix. */
  lat: number;
  lon: number;
  ts: number;
}

export interface FrameRequest {
  resolution: number;
  bounds: Bounds;
  now: number;
  maxCells: number;
  /** k-ring smoothing (0: none): each cell shows the total of its k-ring. */
  smoothing?: number;
}

/**
 * Live H3 aggregation over a sliding window: positions per cell (in time buckets, so old counts fall
 * out whole) and unique devices per cell (each device's recent cells). Cells are kept at one fine
 * resolution as numeric keys; a frame at any coarser resolution is a parent bit-trick away. Cells are
 * slots of columns (cell-columns.ts) holding their bucket counters, and tracks point at slots, so
 * building a frame costs one map lookup per kept cell at most — none at the kept resolution itself.
 */
export class LiveAggregator {
  private readonly epochs: number[];
  private readonly cells: CellColumns;
  private readonly tracks = new Map<string, Track>();
  /** The digit bits finer than the kept resolution, in the high and low halves: set to 1 in its cells' keys. */
  private readonly fineHi: number;
  private readonly fineLo: number;
  private latest = 0;
  private lastEvictEpoch = -1;
  private frameId = 0;
  private readonly rings = new RingCache();
  /** Fixes older than the window when they arrived; counted, not aggregated. */
  late = 0;

  constructor(readonly options: AggregatorOptions) {
    this.epochs = new Array(Math.ceil(options.windowMs / options.bucketMs) + 1).fill(-1);
    this.cells = new CellColumns(this.epochs.length);
    const fine = (MAX_RESOLUTION - options.resolution) * 3;
    this.fineLo = fine >= 32 ? 0xffffffff : (2 ** fine - 1) >>> 0;
    this.fineHi = fine > 32 ? 2 ** (fine - 32) - 1 : 0;
  }

  /** One fix: device id, time (epoch ms), position and its resolution-15 cell as hi/lo halves. */
  add(id: string, ts: number, lat: number, lon: number, hi: number, lo: number): void {
    const { windowMs, bucketMs } = this.options;
    if (ts > this.latest) this.latest = ts;
    const epoch = Math.floor(ts / bucketMs);
    const slot = epoch % this.epochs.length;
    if (ts < this.latest - windowMs || this.epochs[slot] > epoch) {
      this.late++;
      return;
    }
    if (this.epochs[slot] !== epoch) {
      this.epochs[slot] = epoch; // the bucket starts over: its old counts are out of the window
      this.cells.clearBucket(slot);
    }
    const key = cellKey(hi | this.fineHi, (lo | this.fineLo) >>> 0);
    const track = this.tracks.get(id);
    const cells = this.cells;
    // Most fixes stay in the device's last cell: no lookup then (a track's cells are always kept, see evict).
    const recent = track === undefined ? -1 : track.cells[track.cells.length - 1];
    let cell = recent >= 0 && cells.keys[recent] === key ? recent : cells.slotOf(key);
    if (cell === undefined) cell = cells.open(key, lat, lon, ts);
    else if (ts > cells.seen[cell]) cells.seen[cell] = ts;
    cells.counts[cell * cells.buckets + slot]++;

    if (track === undefined) {
      this.tracks.set(id, { cells: [cell], seen: [ts], lat, lon, ts });
      return;
    }
    if (ts >= track.ts) {
      track.lat = lat;
      track.lon = lon;
      track.ts = ts;
    }
    const last = track.cells.length - 1;
    if (track.cells[last] === cell) {
      if (ts > track.seen[last]) track.seen[last] = ts;
      return;
    }
    const at = track.cells.indexOf(cell);
    if (at >= 0) {
      track.cells.splice(at, 1);
      track.seen.splice(at, 1);
    }
    track.cells.push(cell);
    track.seen.push(ts);
    if (track.cells.length > 32) pruneTrack(track, ts - windowMs, 32);
  }

  /** Drops devices and cells not seen inside the window; cheap enough to run once per bucket. */
  evict(now: number): void {
    const epoch = Math.floor(now / this.options.bucketMs);
    if (epoch === this.lastEvictEpoch) return;
    this.lastEvictEpoch = epoch;
    const cutoff = now - this.options.windowMs;
    for (const [id, track] of this.tracks) {
      dropBefore(track, cutoff);
      if (track.cells.length === 0) this.tracks.delete(id);
    }
    const cells = this.cells;
    for (let c = 0; c < cells.end; c++) if (cells.used(c) && cells.seen[c] < cutoff) cells.close(c);
  }

  /**
   * Where the live data is: the box [west, south, east, north] of every kept cell with fixes inside the
   * window, padded by a cell's size so the cells themselves fit (undefined when there is none).
   */
  extent(now: number): [number, number, number, number] | undefined {
    const cutoff = now - this.options.windowMs;
    let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
    const { lat, lon, seen } = this.cells;
    for (let c = 0; c < this.cells.end; c++) {
      if (!this.cells.used(c) || seen[c] < cutoff || seen[c] > now) continue;
      if (lon[c] < w) w = lon[c];
      if (lon[c] > e) e = lon[c];
      if (lat[c] < s) s = lat[c];
      if (lat[c] > n) n = lat[c];
    }
    if (w > e) return undefined;
    const padLat = (EDGE_KM[this.options.resolution] * 2) / 111;
    const padLon = padLat / Math.max(0.01, Math.cos((Math.min(89, Math.max(Math.abs(s), Math.abs(n))) * Math.PI) / 180));
    return [Math.max(-180, w - padLon), Math.max(-90, s - padLat), Math.min(180, e + padLon), Math.min(90, n + padLat)];
  }

  /**
   * One cell over the window (at its own resolution, or the kept one when finer): fixes per time bucket,
   * oldest first, and the unique devices in it now.
   */
  cellSeries(hi: number, lo: number, now: number): { resolution: number; bucketMs: number; start: number; positions: number[]; devices: number } {
    const { windowMs, bucketMs } = this.options;
    const res = Math.min(cellResolution(hi), this.options.resolution);
    const mask = 2 ** ((MAX_RESOLUTION - res) * 3);
    const target = cellKey(hi, lo) - (cellKey(hi, lo) % mask) + (mask - 1);
    const cutoff = now - windowMs;
    const first = Math.floor(cutoff / bucketMs) + 1;
    const last = Math.floor(now / bucketMs);
    const positions = new Array<number>(Math.max(0, last - first + 1)).fill(0);
    const { keys, counts, buckets } = this.cells;
    const inTarget = (cell: number) => keys[cell] - (keys[cell] % mask) + (mask - 1) === target;
    for (let cell = 0; cell < this.cells.end; cell++) {
      if (!this.cells.used(cell) || !inTarget(cell)) continue;
      this.epochs.forEach((epoch, slot) => {
        if (epoch >= first && epoch <= last) positions[epoch - first] += counts[cell * buckets + slot];
      });
    }
    let devices = 0;
    for (const track of this.tracks.values()) {
      if (track.cells.some((cell, i) => track.seen[i] >= cutoff && inTarget(cell))) devices++;
    }
    return { resolution: res, bucketMs, start: first * bucketMs, positions, devices };
  }

  /** Where a device went inside the window: the cells it visited (a point of each), then its latest fix; oldest first. */
  track(id: string, now: number): { ts: number; lat: number; lon: number }[] | undefined {
    const track = this.tracks.get(id);
    if (!track) return undefined;
    const cutoff = now - this.options.windowMs;
    const { lat, lon } = this.cells;
    const points = track.cells.map((cell, i) => ({ ts: track.seen[i], lat: lat[cell], lon: lon[cell] })).filter((p) => p.ts >= cutoff);
    points.push({ ts: track.ts, lat: track.lat, lon: track.lon });
    return points;
  }

  /** Ids of devices seen inside the window that start with `prefix` (any case), sorted, at most `limit`. */
  devices(prefix: string, limit: number): string[] {
    const p = prefix.toLowerCase();
    const out: string[] = [];
    for (const id of this.tracks.keys()) if (id.toLowerCase().startsWith(p)) out.push(id);
    return out.sort().slice(0, limit);
  }

  /** Devices and kept-resolution cells seen inside the window (as of the last eviction). */
  stats(): { devices: number; cells: number } {
    return { devices: this.tracks.size, cells: this.cells.size };
  }

  /** Builds the binary frame (shared/heatmap-frame.ts) of one resolution inside the bounds. */
  buildFrame({ resolution, bounds, now, maxCells, smoothing = 0 }: FrameRequest): ArrayBuffer {
    const res = Math.min(resolution, this.options.resolution);
    const { windowMs, bucketMs } = this.options;
    const cutoff = now - windowMs;
    const mask = 2 ** ((MAX_RESOLUTION - res) * 3);
    const inView = viewTest(bounds, res);
    const frameId = ++this.frameId;
    const live: number[] = []; // slots whose bucket overlaps the window
    this.epochs.forEach((e, i) => {
      if (e >= 0 && (e + 1) * bucketMs > cutoff && e * bucketMs <= now) live.push(i);
    });

    const acc = new Accumulator();
    const parents = res === this.options.resolution ? undefined : new Map<number, number>();
    const { keys, lat, lon, counts, buckets, frameIds, rows: cellRows } = this.cells;
    for (let cell = 0; cell < this.cells.end; cell++) {
      if (!this.cells.used(cell)) continue;
      frameIds[cell] = frameId;
      let n = 0;
      for (const i of live) n += counts[cell * buckets + i];
      if (n === 0) {
        cellRows[cell] = -1; // nothing inside the window (not yet evicted)
        continue;
      }
      let row: number | undefined;
      const key = keys[cell];
      if (parents === undefined) row = inView(lat[cell], lon[cell]) ? acc.push(key) : -1;
      else {
        const parent = key - (key % mask) + (mask - 1);
        row = parents.get(parent);
        if (row === undefined) {
          row = inView(lat[cell], lon[cell]) ? acc.push(parent) : -1;
          parents.set(parent, row);
        }
      }
      cellRows[cell] = row;
      if (row >= 0) acc.positions[row] += n;
    }
    const rows: number[] = [];
    for (const track of this.tracks.values()) {
      rows.length = 0;
      for (let i = 0; i < track.cells.length; i++) {
        const cell = track.cells[i];
        if (track.seen[i] < cutoff || track.seen[i] > now || frameIds[cell] !== frameId || cellRows[cell] < 0) continue;
        if (rows.includes(cellRows[cell])) continue; // a device counts once per cell of this resolution
        rows.push(cellRows[cell]);
        acc.devices[cellRows[cell]]++;
      }
    }
    if (smoothing > 0) Object.assign(acc, smoothCells(acc, res, smoothing, this.rings));
    return acc.toFrame(res, now, windowMs, maxCells);
  }
}

/**
 * Every visit before the cutoff, wherever it stands (a late fix's visit may follow newer ones): the cells
 * evicted next are then in no track, so their slots are free to reuse.
 */
function dropBefore(track: Track, cutoff: number): void {
  const { cells, seen } = track;
  let kept = 0;
  for (let i = 0; i < seen.length; i++) {
    if (seen[i] < cutoff) continue;
    cells[kept] = cells[i];
    seen[kept++] = seen[i];
  }
  cells.length = seen.length = kept;
}

function pruneTrack(track: Track, cutoff: number, keep: number): void {
  let drop = 0;
  while (drop < track.seen.length && (track.seen[drop] < cutoff || track.cells.length - drop > keep)) drop++;
  if (drop > 0) {
    track.cells.splice(0, drop);
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
      this.keys = grown(this.keys, this.keys.length * 2);
      this.positions = grown(this.positions, this.positions.length * 2);
      this.devices = grown(this.devices, this.devices.length * 2);
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
export function viewTest(b: Bounds, res: number): (lat: number, lon: number) => boolean {
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
