import { basename } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { GisPreview } from '../../shared/rpc';
import { sqlString } from '../archive';
import type { ExtensionState } from './extensions';
import { howToGet } from './extensions';
import { crsOfType, layersOf } from './gis-reader';

/** How a notebook reads a GIS file's layer as a view: its SQL, and what the analyst is told about it. */
export interface GisViewSource {
  /** The file's layers (a GeoPackage may hold several), with their feature counts and CRS. */
  layers: GisPreview['layers'];
  layer: string;
  /** The CRS the geometry was reprojected from, or null when the file says none (left as it is). */
  crs: string | null;
  sql: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The view over one layer of a GIS file (GeoPackage, Shapefile, KML, FlatGeobuf, GeoJSON through GDAL, or
 * GeoParquet): its columns as they are and its geometry as `geom`, reprojected from the file's CRS to WGS84
 * lon/lat (`always_xy`); a file that says no CRS keeps its coordinates. The layer is checked against the
 * file's own list first (gis-reader.ts): DuckDB 1.5.5's spatial crashes on a missing one.
 */
export async function gisViewSource(c: DuckDBConnection, path: string, layer?: string): Promise<GisViewSource> {
  const { from, layers, layer: chosen } = await layersOf(c, path, layer);
  const described = (await c.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`))
    .getRowObjectsJS()
    .map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const geometry = described.find((d) => /^GEOMETRY\b/i.test(d.type));
  if (!geometry) return { layers, layer: chosen, crs: null, sql: `SELECT * FROM ${from}` };
  // GeoParquet without a crs is OGC:CRS84 by its specification; GDAL's formats say theirs or nothing.
  const crs = crsOfType(geometry.type) ?? (/\.(geo)?parquet$/i.test(path) ? 'OGC:CRS84' : null);
  const g = `${quote(geometry.name)}::GEOMETRY`;
  const geom = crs ? `ST_Transform(${g}, ${sqlString(crs)}, 'EPSG:4326', always_xy := true)` : g;
  const others = described.filter((d) => d !== geometry && d.name.toLowerCase() !== 'geom').map((d) => quote(d.name));
  if (/\.(geo)?parquet$/i.test(path)) layers[0] = { ...layers[0]!, crs };
  return { layers, layer: chosen, crs, sql: `SELECT ${[...others, `${geom} AS geom`].join(', ')} FROM ${from}` };
}

/** Why a GIS file cannot be opened when DuckDB's spatial extension is not loaded, in one line; undefined when it is. */
export function spatialRefusal(extensions: readonly ExtensionState[], file: string): string | undefined {
  const spatial = extensions.find((e) => e.name === 'spatial');
  if (spatial?.loaded) return undefined;
  return `${basename(file)} is read with DuckDB's spatial extension, which is not loaded: ${spatial?.missing ?? howToGet('spatial')}`;
}
