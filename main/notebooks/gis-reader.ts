import { basename, dirname, extname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GisPreview } from '../../shared/rpc';
import { defaultNameColumn } from '../../shared/gis-fences';
import { sqlString } from '../archive';
import { SourceError } from './sources';

export interface GisReadOptions {
  /** A GeoPackage's layer (the first when not given). */
  layer?: string;
  /** The CRS to read coordinates in when the file says none (or says it wrongly), e.g. EPSG:27700. */
  crs?: string;
  /** Features kept for a preview; past it the preview says it is truncated. */
  maxFeatures: number;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
const isParquet = (path: string) => /\.(geo)?parquet$/i.test(path);

/** The CRS DuckDB 1.5 carries in a geometry column's type (`GEOMETRY('EPSG:27700')`), or null. */
export function crsOfType(type: string): string | null {
  const m = /^GEOMETRY\('((?:[^']|'')*)'\)$/i.exec(type.trim());
  return m ? m[1]!.replace(/''/g, "'") : null;
}

/** A property's value as the preview carries it: scalars as they are, anything else as its JSON text. */
function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The table function that reads `path`, and its layers: GDAL's (ST_Read_Meta) or a GeoParquet file's one. */
export async function layersOf(c: DuckDBConnection, path: string, layer?: string): Promise<{ from: string; layers: GisPreview['layers']; layer: string }> {
  const p = sqlString(path);
  if (isParquet(path)) {
    const name = basename(path, extname(path));
    return { from: `read_parquet(${p})`, layers: [{ name, features: 0, crs: null }], layer: name };
  }
  // ST_Read first: on a file GDAL cannot open it fails with a message, where ST_Read_Meta crashes DuckDB 1.5.5.
  await c.run(`SELECT 1 FROM ST_Read(${p}) LIMIT 0`);
  const meta = (await c.runAndReadAll(`SELECT layers FROM ST_Read_Meta(${p})`)).getRowObjectsJS()[0]?.layers as
    | { name: string; feature_count: bigint | number; geometry_fields: { crs: { auth_name?: string; auth_code?: string; name?: string } | null }[] }[]
    | undefined;
  const layers = (meta ?? []).map((l) => {
    const crs = l.geometry_fields[0]?.crs;
    return {
      name: l.name,
      features: Number(l.feature_count),
      crs: crs ? (crs.auth_name && crs.auth_code ? `${crs.auth_name}:${crs.auth_code}` : (crs.name ?? null)) : null,
    };
  });
  if (!layers.length) throw new SourceError(`${basename(path)} has no layers`);
  // A layer that is not there crashes ST_Read: it is checked against the file's own list first.
  const chosen = layer ?? layers[0]!.name;
  if (!layers.some((l) => l.name === chosen))
    throw new SourceError(`${basename(path)} has no layer "${chosen}" (it has ${layers.map((l) => l.name).join(', ')})`);
  return { from: `ST_Read(${p}, layer := ${sqlString(chosen)})`, layers, layer: chosen };
}

/**
 * A GIS file's features for a fence import, read with DuckDB spatial on a sandboxed connection: the
 * chosen layer's geometry reprojected from its CRS to WGS84 lon/lat (`ST_Transform(…, always_xy := true)`)
 * as GeoJSON, whether it is empty and its type, and its other columns as properties. A file without a CRS
 * (a Shapefile without its .prj) gives features without geometry and `crs: null` unless `crs` is given.
 */
export async function readGisFile(c: DuckDBConnection, path: string, o: GisReadOptions): Promise<GisPreview> {
  const { from, layers, layer } = await layersOf(c, path, o.layer);
  const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`))
    .getRowObjectsJS()
    .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const geometry = described.find((d) => /^GEOMETRY\b/i.test(d.type));
  if (!geometry) throw new SourceError(`${basename(path)}: layer ${layer} has no geometry column`);
  // GeoParquet without a crs is OGC:CRS84 by its specification; GDAL's formats say theirs or nothing.
  const own = crsOfType(geometry.type) ?? (isParquet(path) ? 'OGC:CRS84' : null);
  const crs = o.crs ?? own;
  const columns = described.filter((d) => d !== geometry && !/^(GEOMETRY|BLOB|WKB_BLOB)\b/i.test(d.type)).map((d) => d.name);
  const g = `${quote(geometry.name)}::GEOMETRY`;
  const json = crs ? `ST_AsGeoJSON(ST_Transform(${g}, ${sqlString(crs)}, 'EPSG:4326', always_xy := true))` : 'NULL::VARCHAR';
  const sql = `SELECT ${columns.map(quote).join(', ')}${columns.length ? ', ' : ''}
      ST_IsEmpty(${g}) AS __hexwatch_empty, ST_GeometryType(${g})::VARCHAR AS __hexwatch_type, ${json} AS __hexwatch_json
    FROM ${from} LIMIT ${o.maxFeatures + 1}`;
  let rows;
  try {
    rows = (await c.runAndReadAll(sql)).getRowObjectsJson();
  } catch (err) {
    throw new SourceError(`${basename(path)}: cannot read it in ${crs ?? 'its CRS'}: ${(err as Error).message.split('\n')[0]}`);
  }
  const features = rows.slice(0, o.maxFeatures).map((r) => ({
    properties: Object.fromEntries(columns.map((name) => [name, plain(r[name])])),
    geometry: typeof r.__hexwatch_json === 'string' ? (JSON.parse(r.__hexwatch_json) as { type: string; coordinates: unknown }) : null,
    type: typeof r.__hexwatch_type === 'string' ? r.__hexwatch_type : null,
    empty: r.__hexwatch_empty === true,
  }));
  if (isParquet(path)) layers[0] = { ...layers[0]!, features: rows.length, crs: own };
  const inside = basename(dirname(path)).endsWith('.d') ? `${basename(dirname(path)).slice(0, -2)}/${basename(path)}` : basename(path);
  return { file: inside, layers, layer, crs, columns, nameColumn: defaultNameColumn(columns), features, truncated: rows.length > o.maxFeatures };
}
