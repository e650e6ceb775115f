/**
 * H3 cells as two unsigned 32-bit halves, and the bit operations the pipeline needs without h3-js.
 * Layout of a cell index (H3 spec): bit 63 reserved, 59–62 mode (1 = cell), 52–55 resolution,
 * 45–51 base cell, then fifteen 3-bit digits; digits finer than the resolution are all 7.
 */

export const MAX_RESOLUTION = 15;
const RES_SHIFT = 20; // resolution bits 52–55 sit at bits 20–23 of the high half
const RES_MASK = 0xf << RES_SHIFT;
const TWO_32 = 4294967296;

export function cellResolution(hi: number): number {
  return (hi & RES_MASK) >>> RES_SHIFT;
}

/** The parent of (hi, lo) at resolution `res` (≤ the cell's own), written into out[0..1]. */
export function cellParent(hi: number, lo: number, res: number, out: Uint32Array | number[]): void {
  const unused = (MAX_RESOLUTION - res) * 3; // bits of digits finer than res, all set to 1
  let h = (hi & ~RES_MASK) | (res << RES_SHIFT);
  let l = lo;
  if (unused >= 32) {
    l = 0xffffffff;
    h |= (1 << (unused - 32)) - 1;
  } else if (unused > 0) {
    l |= (2 ** unused - 1) >>> 0;
  }
  out[0] = h >>> 0;
  out[1] = l >>> 0;
}

/**
 * A cell as one safe integer, exact within one resolution: base cell and all 45 digit bits are 52 bits,
 * below 2^53. Map keys stay numbers, which is several times faster than string keys.
 */
export function cellKey(hi: number, lo: number): number {
  return (hi & 0xfffff) * TWO_32 + (lo >>> 0);
}

/** Inverse of cellKey for a cell of resolution `res`. */
export function keyToCell(key: number, res: number, out: Uint32Array | number[]): void {
  const high = Math.floor(key / TWO_32);
  out[0] = ((1 << 27) | (res << RES_SHIFT) | high) >>> 0; // mode 1 = cell
  out[1] = key - high * TWO_32;
}

export function cellToHex(hi: number, lo: number): string {
  return hi.toString(16) + lo.toString(16).padStart(8, '0');
}

export function hexToCell(hex: string, out: Uint32Array | number[]): void {
  out[0] = parseInt(hex.slice(0, -8), 16) >>> 0;
  out[1] = parseInt(hex.slice(-8), 16) >>> 0;
}

/** The cell as an unsigned 64-bit integer (the Parquet archive's `h3 UBIGINT`). */
export function cellToBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Average hexagon edge length in km per resolution (H3 tables), for viewport padding and legends. */
export const EDGE_KM = [1281.256, 483.057, 182.513, 68.979, 26.072, 9.854, 3.725, 1.406, 0.531, 0.201, 0.076, 0.0287, 0.0108, 0.0041, 0.0015, 0.00058] as const;
