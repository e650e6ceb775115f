/**
 * A pure reader of WKB (well-known binary) into GeoJSON geometries: what DuckDB's GEOMETRY values and
 * WKB blobs become before they cross to the renderer. 2D only (Z and M are read and dropped), both byte
 * orders, ISO (1000/2000/3000) and EWKB (flag bits, SRID skipped) type codes. Bad bytes give null.
 */

export type Position = [number, number] | [];
export type GeoJsonGeometry =
  | { type: 'Point'; coordinates: Position }
  | { type: 'LineString' | 'MultiPoint'; coordinates: Position[] }
  | { type: 'Polygon' | 'MultiLineString'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }
  | { type: 'GeometryCollection'; geometries: GeoJsonGeometry[] };

const NAMES = ['', 'Point', 'LineString', 'Polygon', 'MultiPoint', 'MultiLineString', 'MultiPolygon', 'GeometryCollection'] as const;
/** Nesting deeper than this is no real geometry: refused rather than recursed into. */
const MAX_DEPTH = 32;

class WkbError extends Error {}

class Reader {
  private at = 0;
  private readonly view: DataView;
  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): void {
    if (this.at + n > this.view.byteLength) throw new WkbError('truncated');
  }
  byte(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }
  uint32(little: boolean): number {
    this.need(4);
    const v = this.view.getUint32(this.at, little);
    this.at += 4;
    return v;
  }
  double(little: boolean): number {
    this.need(8);
    const v = this.view.getFloat64(this.at, little);
    this.at += 8;
    return v;
  }
  /** A count that the bytes left could hold at `size` bytes each (a lying count must not allocate). */
  count(little: boolean, size: number): number {
    const n = this.uint32(little);
    if (n * size > this.view.byteLength - this.at) throw new WkbError('count past the end');
    return n;
  }
  get done(): boolean {
    return this.at === this.view.byteLength;
  }
}

function geometry(r: Reader, depth: number): GeoJsonGeometry {
  if (depth > MAX_DEPTH) throw new WkbError('nested too deep');
  const order = r.byte();
  if (order > 1) throw new WkbError('byte order');
  const little = order === 1;
  const code = r.uint32(little);
  // EWKB: flags in the high bits, an SRID after the type when its flag is set.
  let hasZ = (code & 0x80000000) !== 0;
  let hasM = (code & 0x40000000) !== 0;
  if (code & 0x20000000) r.uint32(little);
  const iso = code & 0x0fffffff;
  const base = iso % 1000;
  const dims = Math.floor(iso / 1000);
  if (dims > 3 || base < 1 || base > 7) throw new WkbError('type');
  hasZ ||= dims === 1 || dims === 3;
  hasM ||= dims === 2 || dims === 3;
  const size = 16 + (hasZ ? 8 : 0) + (hasM ? 8 : 0);
  const point = (): Position => {
    const x = r.double(little);
    const y = r.double(little);
    if (hasZ) r.double(little);
    if (hasM) r.double(little);
    // WKB writes an empty point as NaN coordinates.
    return Number.isNaN(x) && Number.isNaN(y) ? [] : [x, y];
  };
  const points = () => Array.from({ length: r.count(little, size) }, point);
  const rings = () => Array.from({ length: r.count(little, 4) }, points);
  const parts = <T extends GeoJsonGeometry>(type: T['type']) =>
    Array.from({ length: r.count(little, 5) }, () => {
      const g = geometry(r, depth + 1);
      if (g.type !== type) throw new WkbError('a part of another type');
      return g as T;
    });
  switch (NAMES[base]) {
    case 'Point':
      return { type: 'Point', coordinates: point() };
    case 'LineString':
      return { type: 'LineString', coordinates: points() };
    case 'Polygon':
      return { type: 'Polygon', coordinates: rings() };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: parts<{ type: 'Point'; coordinates: Position }>('Point').map((p) => p.coordinates) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: parts<{ type: 'LineString'; coordinates: Position[] }>('LineString').map((p) => p.coordinates) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: parts<{ type: 'Polygon'; coordinates: Position[][] }>('Polygon').map((p) => p.coordinates) };
    default:
      return { type: 'GeometryCollection', geometries: Array.from({ length: r.count(little, 5) }, () => geometry(r, depth + 1)) };
  }
}

/** The GeoJSON geometry of WKB bytes, or null when they are not one whole geometry. */
export function wkbToGeoJson(bytes: Uint8Array): GeoJsonGeometry | null {
  try {
    const r = new Reader(bytes);
    const g = geometry(r, 0);
    return r.done ? g : null;
  } catch (err) {
    if (err instanceof WkbError) return null;
    throw err;
  }
}
