import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { sqlString } from '../archive';

/** GIS files, read through DuckDB spatial's ST_Read (GDAL) or read_parquet, their geometry as `geom` in WGS84. */
export type GisKind = 'geopackage' | 'shapefile' | 'kml' | 'flatgeobuf' | 'geoparquet';
export type SourceKind = 'parquet' | 'csv' | 'tsv' | 'ndjson' | 'json' | 'geojson' | GisKind;

/** A file, folder or glob opened in a notebook: the view it becomes and how DuckDB reads it. */
export interface OpenedSource {
  view: string;
  path: string;
  kind: SourceKind;
  /** Empty for a GIS file: its layers and CRS are read by the notebook process first (gis-view.ts). */
  sql: string;
  /** A GIS file's real path (a .zip or .kmz to unpack first). */
  file?: string;
  /** A GIS file's layer, the layers it has, the CRS its geometry came from (null: not reprojected). */
  layer?: string;
  layers?: { name: string; features: number; crs: string | null }[];
  crs?: string | null;
  /** What the analyst should know about the view (a geometry left in its own coordinates). */
  note?: string;
}

/** A GIS file's kind by its extension (an archive by what it usually holds; what it does hold decides, gisKindOfFile). */
export function gisKindOf(path: string): GisKind | undefined {
  const ext = extname(path).toLowerCase();
  return (
    {
      '.gpkg': 'geopackage',
      '.shp': 'shapefile',
      '.zip': 'shapefile',
      '.kml': 'kml',
      '.kmz': 'kml',
      '.fgb': 'flatgeobuf',
      '.geoparquet': 'geoparquet',
    } as const
  )[ext as '.gpkg'];
}

/** Why a path cannot be opened: said to the analyst as it is. */
export class SourceError extends Error {
  override name = 'SourceError';
}

const isGlob = (p: string) => /[*?[]/.test(p);

function kindOf(path: string): Exclude<SourceKind, GisKind> | undefined {
  const ext = extname(path.replace(/\*+$/, '')).toLowerCase();
  return ({ '.parquet': 'parquet', '.csv': 'csv', '.tsv': 'tsv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.json': 'json', '.geojson': 'geojson' } as const)[
    ext as '.parquet'
  ];
}

/** DuckDB's reserved words (duckdb_keywords()): a view named so would have to be quoted in every query. */
const RESERVED = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create default deferrable desc describe distinct do else end except false fetch for foreign from group having in initially intersect into lambda lateral leading limit not null offset on only or order pivot pivot_longer pivot_wider placing primary qualify references returning select show some summarize symmetric table then to trailing true union unique unpivot using variadic when where window with'.split(
    ' ',
  ),
);

/** A view name from a file name: letters, digits and _ only, not starting with a digit, no reserved word, not one already taken. */
export function viewNameOf(path: string, taken: ReadonlySet<string>): string {
  const stem = basename(path.replace(/[/\\]\*\*.*$/, ''))
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const base = !/^[a-z_]/.test(stem) ? `t_${stem || 'file'}` : RESERVED.has(stem) ? `${stem}_file` : stem;
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return name;
}

/**
 * How DuckDB reads a path: a Parquet file, a folder of Parquet (hive partitions read as columns), a
 * glob, CSV/TSV (types detected), NDJSON or JSON, or a GeoJSON FeatureCollection (one row per feature,
 * its geometry as GeoJSON text, its properties as columns; the whole collection is one JSON object, so
 * DuckDB is told how big it may be: `bytes`, the file's size).
 */
export function sourceSql(path: string, kind: Exclude<SourceKind, GisKind>, folder: boolean, bytes = 0): string {
  const p = sqlString(folder ? join(path, '**', '*.parquet') : path);
  switch (kind) {
    case 'parquet':
      return `SELECT * FROM read_parquet(${p}, hive_partitioning = true, union_by_name = true)`;
    case 'csv':
      return `SELECT * FROM read_csv(${p}, auto_detect = true)`;
    case 'tsv':
      return `SELECT * FROM read_csv(${p}, auto_detect = true, delim = '\t')`;
    case 'ndjson':
      return `SELECT * FROM read_json(${p}, format = 'newline_delimited')`;
    case 'json':
      return `SELECT * FROM read_json(${p}, format = 'auto')`;
    case 'geojson':
      return `SELECT to_json(f.geometry)::VARCHAR AS geometry, unnest(f.properties) FROM (SELECT unnest(features) AS f FROM read_json(${p}, format = 'auto', maximum_object_size = ${Math.max(16 << 20, bytes + 1024)}))`;
  }
}

/**
 * Checks a path an analyst typed (or picked) and says how to read it. Only paths inside one of
 * `roots` are opened: web mode is reachable from a browser, so it must not read the whole disk.
 */
export function resolveSource(path: string, roots: readonly string[], taken: ReadonlySet<string>): OpenedSource {
  if (!isAbsolute(path)) throw new SourceError(`give the whole path (it starts with /): "${path}" is relative`);
  const base = isGlob(path) ? path.slice(0, path.search(/[*?[]/)).replace(/[^/\\]*$/, '') : path;
  if (!existsSync(base)) throw new SourceError(`no such file or folder: ${base}`);
  const real = realpathSync(base);
  const inside = roots.some((r) => {
    if (!existsSync(r)) return false;
    const rel = relative(realpathSync(r), real);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
  if (!inside) throw new SourceError(`${path} is outside the folders notebooks may open (notebooks.roots: ${roots.join(', ')})`);
  const stat = isGlob(path) ? undefined : statSync(real);
  const folder = stat?.isDirectory() ?? false;
  const gis = folder || isGlob(path) ? undefined : gisKindOf(path);
  if (gis) return { view: viewNameOf(path, taken), path, kind: gis, sql: '', file: real };
  const kind = folder ? 'parquet' : kindOf(path);
  if (!kind)
    throw new SourceError(
      `${basename(path)}: open Parquet, CSV, TSV, NDJSON, JSON or GeoJSON, a GeoPackage, Shapefile (.shp or .zip), KML/KMZ, FlatGeobuf or GeoParquet (by its extension), or a folder of Parquet`,
    );
  const target = isGlob(path) ? resolve(real, path.slice(base.length)) : real;
  return { view: viewNameOf(path, taken), path, kind, sql: sourceSql(target, kind, folder, stat?.size) };
}
