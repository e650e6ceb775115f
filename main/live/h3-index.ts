import { latLngToCell } from 'h3-js';
import { hexToCell } from '../../shared/h3-cell';

/** The resolution-15 cell of a position as hi/lo halves in out[0..1]; coarser cells derive from it by bit operations. */
export function indexPosition(lat: number, lon: number, out: Uint32Array | number[]): void {
  hexToCell(latLngToCell(lat, lon, 15), out);
}
