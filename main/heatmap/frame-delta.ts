import { CellKeyTable } from '../../shared/cell-key-table';
import { cellKey } from '../../shared/h3-cell';
import { allocateFrame, frameBytes, sealFrame, VANISHED, type HeatmapFrame } from '../../shared/heatmap-frame';

/**
 * The delta from `base` to `next`, two full frames of one view (shared/heatmap-frame.ts): the cells that
 * vanished first, then those that changed or appeared. Undefined when it says nothing smaller than `next`
 * itself, or when the frames cannot be compared (another resolution or layer). `table` is kept between
 * calls so a view's frames reuse its memory.
 */
export function frameDelta(base: HeatmapFrame, next: HeatmapFrame, table = new CellKeyTable(base.count)): ArrayBuffer | undefined {
  if (base.delta || next.delta || base.resolution !== next.resolution || base.layer !== next.layer) return undefined;
  // A buffer handed to another thread is detached: its views read nothing.
  if (base.cellHi.length !== base.count) return undefined;
  table.clear();
  for (let i = 0; i < base.count; i++) table.getOrSet(cellKey(base.cellHi[i], base.cellLo[i]), i);
  const seen = new Uint8Array(base.count);
  const changed = new Uint32Array(next.count);
  let nChanged = 0;
  let nSeen = 0;
  for (let i = 0; i < next.count; i++) {
    const j = table.get(cellKey(next.cellHi[i], next.cellLo[i]));
    if (j >= 0 && seen[j] === 0) {
      seen[j] = 1;
      nSeen++;
      if (base.positions[j] === next.positions[i] && base.devices[j] === next.devices[i]) continue;
    }
    changed[nChanged++] = i;
  }
  const nVanished = base.count - nSeen;
  if (frameBytes(nVanished + nChanged) >= frameBytes(next.count)) return undefined;

  const { buffer, frame } = allocateFrame(nVanished + nChanged);
  let k = 0;
  for (let j = 0; j < base.count; j++) {
    if (seen[j] === 1) continue;
    frame.cellHi[k] = base.cellHi[j];
    frame.cellLo[k] = base.cellLo[j];
    frame.positions[k] = VANISHED;
    frame.devices[k++] = 0;
  }
  for (let c = 0; c < nChanged; c++, k++) {
    const i = changed[c];
    frame.cellHi[k] = next.cellHi[i];
    frame.cellLo[k] = next.cellLo[i];
    // A real count never reaches the marker: 2^32 - 1 fixes in one cell's window.
    frame.positions[k] = Math.min(next.positions[i], VANISHED - 1);
    frame.devices[k] = next.devices[i];
  }
  Object.assign(frame, {
    resolution: next.resolution,
    layer: next.layer,
    windowEnd: next.windowEnd,
    windowMs: next.windowMs,
    maxPositions: next.maxPositions,
    maxDevices: next.maxDevices,
    id: next.id,
    delta: true,
    baseId: base.id,
    cells: next.count,
  });
  return sealFrame(buffer, frame);
}
