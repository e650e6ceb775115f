/**
 * The live heatmap frame on the wire: a 48-byte header, then four Uint32 columns of `count` entries
 * (cell high half, cell low half, positions, unique devices) — 16 bytes per cell, no JSON, no strings.
 *
 * A delta (flag bit 0) holds only the cells that changed or appeared since the frame `baseId`, and the
 * cells that vanished (positions = VANISHED); applied to that frame it gives frame `id`, `cells` long.
 */

export const FRAME_MAGIC = 0x32465848; // "HXF2" little-endian
export const FRAME_HEADER_BYTES = 48;
/** In a delta's positions column: this cell is no longer in the frame. */
export const VANISHED = 0xffffffff;
const DELTA_FLAG = 1;

export interface HeatmapFrame {
  resolution: number;
  /** What the columns count: 0 the live window (positions, devices), 1 the market (supply, demand). */
  layer: number;
  /** End of the sliding window, epoch ms. */
  windowEnd: number;
  windowMs: number;
  /** Entries in the columns: every cell of a full frame, the changes of a delta. */
  count: number;
  maxPositions: number;
  maxDevices: number;
  /** This frame's number in the engine's frames (0: not one of them, e.g. playback). */
  id: number;
  /** Whether the columns hold changes to the frame `baseId` rather than every cell. */
  delta: boolean;
  baseId: number;
  /** Cells in the whole frame (a delta applied to its base). */
  cells: number;
  cellHi: Uint32Array;
  cellLo: Uint32Array;
  positions: Uint32Array;
  devices: Uint32Array;
}

export function frameBytes(count: number): number {
  return FRAME_HEADER_BYTES + count * 16;
}

/** Allocates a frame whose columns are views over one buffer, ready to fill and send. */
export function allocateFrame(count: number): { buffer: ArrayBuffer; frame: HeatmapFrame } {
  const buffer = new ArrayBuffer(frameBytes(count));
  return { buffer, frame: viewFrame(buffer, count) };
}

function viewFrame(buffer: ArrayBuffer, count: number, byteOffset = 0): HeatmapFrame {
  const at = (i: number) => new Uint32Array(buffer, byteOffset + FRAME_HEADER_BYTES + i * count * 4, count);
  return {
    resolution: 0,
    layer: 0,
    windowEnd: 0,
    windowMs: 0,
    count,
    maxPositions: 0,
    maxDevices: 0,
    id: 0,
    delta: false,
    baseId: 0,
    cells: count,
    cellHi: at(0),
    cellLo: at(1),
    positions: at(2),
    devices: at(3),
  };
}

/** Writes the header fields of `frame` into its buffer (columns are already in place). */
export function sealFrame(buffer: ArrayBuffer, frame: HeatmapFrame): ArrayBuffer {
  const v = new DataView(buffer);
  v.setUint32(0, FRAME_MAGIC, true);
  v.setUint32(4, frame.count, true);
  v.setUint8(8, frame.resolution);
  v.setUint8(9, frame.layer);
  v.setUint8(10, frame.delta ? DELTA_FLAG : 0);
  v.setUint8(11, 0);
  v.setUint32(12, frame.windowMs, true);
  v.setFloat64(16, frame.windowEnd, true);
  v.setUint32(24, frame.maxPositions, true);
  v.setUint32(28, frame.maxDevices, true);
  v.setUint32(32, frame.id, true);
  v.setUint32(36, frame.delta ? frame.baseId : 0, true);
  v.setUint32(40, frame.delta ? frame.cells : frame.count, true);
  v.setUint32(44, 0, true);
  return buffer;
}

/** Numbers a sealed full frame as the engine's frame `id` (its columns untouched). */
export function stampFrame(buffer: ArrayBuffer, id: number): ArrayBuffer {
  new DataView(buffer).setUint32(32, id, true);
  return buffer;
}

/** Reads a frame without copying; throws on anything that is not a whole frame. */
export function decodeFrame(buffer: ArrayBuffer, byteOffset = 0, byteLength = buffer.byteLength - byteOffset): HeatmapFrame {
  if (byteLength < FRAME_HEADER_BYTES) throw new Error(`heatmap frame too short: ${byteLength} bytes`);
  const v = new DataView(buffer, byteOffset, byteLength);
  if (v.getUint32(0, true) !== FRAME_MAGIC) throw new Error('not a heatmap frame (bad magic)');
  const count = v.getUint32(4, true);
  if (byteLength !== frameBytes(count)) {
    throw new Error(`heatmap frame of ${count} cells must be ${frameBytes(count)} bytes, got ${byteLength}`);
  }
  if (byteOffset % 4 !== 0) {
    return decodeFrame(buffer.slice(byteOffset, byteOffset + byteLength)); // Uint32 views need alignment
  }
  const frame = viewFrame(buffer, count, byteOffset);
  frame.resolution = v.getUint8(8);
  frame.layer = v.getUint8(9);
  frame.delta = (v.getUint8(10) & DELTA_FLAG) !== 0;
  frame.windowMs = v.getUint32(12, true);
  frame.windowEnd = v.getFloat64(16, true);
  frame.maxPositions = v.getUint32(24, true);
  frame.maxDevices = v.getUint32(28, true);
  frame.id = v.getUint32(32, true);
  frame.baseId = v.getUint32(36, true);
  frame.cells = v.getUint32(40, true);
  if (!frame.delta && frame.cells !== count) throw new Error(`heatmap frame says ${frame.cells} cells but holds ${count}`);
  return frame;
}

export const MARKET_LAYER = 1;
