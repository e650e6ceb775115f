import { closeSync, openSync, writeSync } from 'node:fs';
import type { DuckDBResult } from '@duckdb/node-api';
import { cellToBoundary } from 'h3-js';
import { h3Of, mapSpecOf, type MapSpec } from '../../shared/result-geometry';
import { convertColumns, resultColumns, type ResultColumn } from './result-columns';

/** A row's geometry: its cell's hexagon, its point, or its GeoJSON text parsed — null (a feature without geometry) when it has none. */
export function geometryOf(spec: MapSpec, row: readonly unknown[]): unknown {
  if (spec.kind === 'h3') {
    const hex = h3Of(row[spec.cell]);
    return hex ? { type: 'Polygon', coordinates: [cellToBoundary(hex, true)] } : null;
  }
  if (spec.kind === 'points') {
    const [lat, lon] = [row[spec.lat], row[spec.lon]];
    return typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon)
      ? { type: 'Point', coordinates: [lon, lat] }
      : null;
  }
  try {
    const g = JSON.parse(String(row[spec.column])) as { type?: unknown } | null;
    return g && typeof g.type === 'string' ? g : null;
  } catch {
    return null;
  }
}

/** A value as a GeoJSON property: 64-bit integers as numbers while exact (else text), instants as ISO text, H3 cells as their hex name. */
function propertyOf(column: ResultColumn, v: unknown, isCell: boolean): unknown {
  if (v === null || v === undefined) return null;
  if (isCell) return h3Of(v) ?? v;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (column.kind === 'time') return new Date(v as number).toISOString();
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/**
 * Writes a whole result to `file` as a GeoJSON FeatureCollection, a feature per row placed by its H3
 * cell, lat/lon or GeoJSON text column (mapSpecOf), the other columns as properties. Returns the rows.
 */
export async function writeGeoJson(result: DuckDBResult, file: string): Promise<number> {
  const columns = resultColumns(result.columnNames(), result.columnTypes());
  const spec = mapSpecOf(columns);
  if (!spec)
    throw new Error('nothing places this result on a map: GeoJSON needs an h3 or cell column, lat and lon columns, or a geometry column of GeoJSON text');
  const fd = openSync(file, 'w');
  let rows = 0;
  try {
    writeSync(fd, '{"type":"FeatureCollection","features":[\n');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const values = convertColumns(columns, chunk.getColumns());
      const lines: string[] = [];
      for (let r = 0; r < chunk.rowCount; r++) {
        const row = values.map((v) => v[r]);
        const properties: Record<string, unknown> = {};
        columns.forEach((c, i) => {
          if (spec.kind !== 'geojson' || i !== spec.column) properties[c.name] = propertyOf(c, row[i], spec.kind === 'h3' && i === spec.cell);
        });
        lines.push(`${rows + r > 0 ? ',' : ''}${JSON.stringify({ type: 'Feature', geometry: geometryOf(spec, row), properties })}`);
      }
      rows += chunk.rowCount;
      writeSync(fd, `${lines.join('\n')}\n`);
    }
    writeSync(fd, ']}\n');
  } finally {
    closeSync(fd);
  }
  return rows;
}
