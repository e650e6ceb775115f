import { cellToLatLng } from 'h3-js';
import type { Bounds } from '../../shared/rpc';
import { allocateFrame, MARKET_LAYER, sealFrame } from '../../shared/heatmap-frame';
import { MAX_RESOLUTION, cellToHex, keyToCell } from '../../shared/h3-cell';
import { viewTest } from '../heatmap';
import type { MarketState } from './market-state';

/**
 * The market as a heatmap frame, in the live frames' codec so the map draws it as it draws them: each
 * cell's supply in the positions column and its demand in the devices column (whole numbers both). At
 * a resolution coarser than the market's, cells are summed into their parents (and their surge is that
 * of the sums); finer, the market's own cells are sent.
 */
export class MarketFrames {
  /** Cell centres by key, found once per cell (h3-js costs a microsecond a cell; frames come twice a second). */
  private readonly centres = new Map<number, [number, number]>();

  constructor(
    private readonly state: MarketState,
    readonly resolution: number,
  ) {}

  build(bounds: Bounds, wanted: number, now: number, windowMs: number, maxCells: number): ArrayBuffer {
    const res = Math.min(wanted, this.resolution);
    const mask = 2 ** ((MAX_RESOLUTION - res) * 3);
    const inView = viewTest(bounds, res);
    const rows = new Map<number, [number, number]>();
    this.state.forEach((key, supply, demand) => {
      const [lat, lon] = this.centre(key);
      if (!inView(lat, lon)) return;
      const k = res === this.resolution ? key : key - (key % mask) + (mask - 1);
      const row = rows.get(k);
      if (row) {
        row[0] += supply;
        row[1] += demand;
      } else rows.set(k, [supply, demand]);
    });
    let entries = [...rows];
    // Too many cells for one frame: the busiest are kept.
    if (entries.length > maxCells) entries = entries.sort((a, b) => b[1][0] + b[1][1] - (a[1][0] + a[1][1])).slice(0, maxCells);
    const { buffer, frame } = allocateFrame(entries.length);
    const cell = new Uint32Array(2);
    entries.forEach(([key, [supply, demand]], i) => {
      keyToCell(key, res, cell);
      frame.cellHi[i] = cell[0];
      frame.cellLo[i] = cell[1];
      frame.positions[i] = supply;
      frame.devices[i] = demand;
      if (supply > frame.maxPositions) frame.maxPositions = supply;
      if (demand > frame.maxDevices) frame.maxDevices = demand;
    });
    frame.resolution = res;
    frame.layer = MARKET_LAYER;
    frame.windowEnd = now;
    frame.windowMs = windowMs;
    if (this.centres.size > 4 * Math.max(1024, this.state.size)) this.centres.clear();
    return sealFrame(buffer, frame);
  }

  /** A market cell's centre as [lat, lon]. */
  centre(key: number): [number, number] {
    let c = this.centres.get(key);
    if (!c) {
      const cell = new Uint32Array(2);
      keyToCell(key, this.resolution, cell);
      this.centres.set(key, (c = cellToLatLng(cellToHex(cell[0], cell[1]))));
    }
    return c;
  }
}
