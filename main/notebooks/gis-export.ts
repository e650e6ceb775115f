import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBTypeId, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import { GIS_FORMATS, type GisFormat } from '../../shared/export-formats';
import { mapSpecOf } from '../../shared/result-geometry';
import { sqlString } from '../archive';
import { howToGet } from './extensions';
import { lonLatSql as lonLat, namesAndTypes, resultColumns } from './result-columns';
import { zipOf } from './zip-writer';

export type { GisFormat };
export const isGisFormat = (f: string): f is GisFormat => (GIS_FORMATS as readonly string[]).includes(f);

/** GDAL's driver of each format GDAL writes. */
const DRIVERS = { gpkg: 'GPKG', shp: 'ESRI Shapefile', fgb: 'FlatGeobuf' } as const;

export const NOTHING_SPATIAL =
  'nothing spatial in this result: GeoParquet, GeoPackage, Shapefile and FlatGeobuf need a GEOMETRY or WKB column, an h3 or cell column, lat and lon columns, or a geometry column of GeoJSON text';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Values GDAL's drivers take as they are; the rest leave as text (nested ones as JSON, 128-bit integers whole). */
const GDAL_AS_IS = new Set<DuckDBTypeId>([
  DuckDBTypeId.BOOLEAN,
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
  DuckDBTypeId.VARCHAR,
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.BLOB,
]);
const NESTED = new Set<DuckDBTypeId>([DuckDBTypeId.LIST, DuckDBTypeId.STRUCT, DuckDBTypeId.MAP, DuckDBTypeId.ARRAY, DuckDBTypeId.UNION]);

/**
 * The SELECT list that gives `sql`'s rows their geometry: the first GEOMETRY/WKB column, or one built from
 * an h3 cell, lat/lon or GeoJSON text (`mapSpecOf`, the map's rule) as `geom`. GeoParquet keeps every
 * geometry (in EPSG:4326, so its `geo` metadata names the CRS); GDAL's formats hold one, so the others
 * leave as WKT, and what GDAL cannot hold as text.
 */
export function gisSelect(names: readonly string[], types: readonly DuckDBType[], format: GisFormat): string {
  const columns = resultColumns(names, types);
  const parquet = format === 'geoparquet';
  const crs = (expr: string) => (parquet ? `ST_SetCRS(${expr}, 'EPSG:4326')` : expr);
  const primary = columns.findIndex((c) => c.kind === 'geometry');
  let built: string | undefined;
  if (primary < 0) {
    const spec = mapSpecOf(columns);
    if (!spec) throw new Error(NOTHING_SPATIAL);
    const col = (i: number) => quote(names[i]!);
    built =
      spec.kind === 'h3'
        ? `ST_GeomFromGeoJSON(h3_boundary(${columns[spec.cell]!.kind === 'text' ? `TRY_CAST('0x' || ${col(spec.cell)} AS UBIGINT)` : `${col(spec.cell)}::UBIGINT`}))`
        : spec.kind === 'points'
          ? `ST_Point(${col(spec.lon)}, ${col(spec.lat)})`
          : `TRY(ST_GeomFromGeoJSON(${col(spec.column)}))`;
  }
  const list = columns.map((c, i) => {
    const type = types[i]!;
    const name = quote(c.name);
    if (c.kind === 'geometry') return i === primary || parquet ? `${crs(lonLat(c.name, type))} AS ${name}` : `ST_AsText(${lonLat(c.name, type)}) AS ${name}`;
    if (parquet || GDAL_AS_IS.has(type.typeId)) return name;
    if (NESTED.has(type.typeId)) return `to_json(${name})::VARCHAR AS ${name}`;
    // A cell keeps its H3 name; other 64-bit unsigned and 128-bit integers stay exact as text.
    if (type.typeId === DuckDBTypeId.UBIGINT && /^(h3|h3_?cell|cell|hex|h3_?index)$/i.test(c.name)) return `lower(to_hex(${name})) AS ${name}`;
    return `${name}::VARCHAR AS ${name}`;
  });
  if (built) {
    let geom = 'geom';
    for (let n = 1; names.includes(geom); n++) geom = `geom_${n}`;
    list.push(`${crs(built)} AS ${quote(geom)}`);
  }
  return list.join(', ');
}

/**
 * Writes the result of the checked query `sql` to `file` as GeoParquet, GeoPackage, a zipped Shapefile or
 * FlatGeobuf, by DuckDB (spatial's GDAL) into the sandbox's scratch folder `file` lies in. Returns the rows.
 */
export async function writeGis(c: DuckDBConnection, sql: string, format: GisFormat, file: string, o: { spatial: boolean; layer?: string }): Promise<number> {
  if (!o.spatial) throw new Error(`${format} needs the spatial extension: ${howToGet('spatial')}`);
  const prepared = await c.prepare(sql);
  const [names, types] = namesAndTypes(prepared);
  prepared.destroySync();
  const select = `SELECT ${gisSelect(names, types, format)} FROM (\n${sql}\n)`;
  const layer = o.layer ?? 'result';
  if (format === 'geoparquet') return Number((await c.run(`COPY (${select}) TO ${sqlString(file)} (FORMAT parquet)`)).rowsChanged);
  if (format !== 'shp') {
    const options = `FORMAT GDAL, DRIVER '${DRIVERS[format]}', SRS 'EPSG:4326', LAYER_NAME ${sqlString(layer)}`;
    try {
      return Number((await c.run(`COPY (${select}) TO ${sqlString(file)} (${options})`)).rowsChanged);
    } catch (err) {
      // FlatGeobuf's spatial index wants a shape on every row; without the index DuckDB cannot read the file back.
      const message = (err as Error).message;
      throw /NULL geometry not supported/.test(message)
        ? new Error('FlatGeobuf needs a geometry on every row, and some rows have none: keep those that do (WHERE geom IS NOT NULL), or export as GeoPackage')
        : err;
    }
  }
  // A Shapefile is several files: written beside, then zipped into `file`.
  const dir = `${file}.parts`;
  mkdirSync(dir, { recursive: true });
  try {
    const r = await c.run(
      `COPY (${select}) TO ${sqlString(join(dir, `${layer}.shp`))} (FORMAT GDAL, DRIVER 'ESRI Shapefile', SRS 'EPSG:4326', LAYER_CREATION_OPTIONS 'ENCODING=UTF-8')`,
    );
    writeFileSync(file, zipOf(readdirSync(dir).map((name) => ({ name, data: readFileSync(join(dir, name)) }))));
    return Number(r.rowsChanged);
  } catch (err) {
    const message = (err as Error).message;
    throw /Attempt to write non-/.test(message)
      ? new Error(
          `${message.split('\n')[0]} — a Shapefile holds one kind of geometry: export as GeoPackage or FlatGeobuf, or keep one kind (WHERE ST_GeometryType(geom) = 'POLYGON')`,
        )
      : err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
