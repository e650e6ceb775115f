import { DuckDBTypeId, type DuckDBPreparedStatement, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { wkbToGeoJson } from '../../shared/wkb';
import { Bool, Float64, Int32, Int64, Table, tableToIPC, TimestampMillisecond, Uint64, Utf8, vectorFromArray, type DataType, type Vector } from 'apache-arrow';

/**
 * How a result column crosses to the renderer in Arrow: numbers stay numbers, 64-bit ints (H3 cells) stay
 * exact, instants become epoch ms, geometries GeoJSON text, the rest text.
 */
type Kind = 'bool' | 'int32' | 'int64' | 'uint64' | 'float' | 'time' | 'text' | 'geometry';

/** BLOB columns of these names hold WKB (GeoParquet written without the spatial extension, ST_AsWKB). */
export const WKB_COLUMN = /^(geom|geometry|wkb|shape|the_geom)$/i;

export interface ResultColumn {
  name: string;
  /** DuckDB's name of its type, e.g. `TIMESTAMP WITH TIME ZONE`, `STRUCT(a INTEGER)`. */
  type: string;
  kind: Kind;
}

function kindOf(t: DuckDBType, name: string): Kind {
  switch (t.typeId) {
    case DuckDBTypeId.GEOMETRY:
      return 'geometry';
    case DuckDBTypeId.BLOB:
      return WKB_COLUMN.test(name) ? 'geometry' : 'text';
    case DuckDBTypeId.BOOLEAN:
      return 'bool';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return 'int32';
    case DuckDBTypeId.BIGINT:
      return 'int64';
    case DuckDBTypeId.UBIGINT:
      return 'uint64';
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return 'float';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'time';
    default:
      return 'text';
  }
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** GEOMETRY types in lon/lat already: untyped (hexwatch's views, ST_ functions) or WGS 84. */
const LON_LAT = /^GEOMETRY(\('(EPSG:4326|OGC:CRS84)'\))?$/i;

/** A prepared statement's column names and types, known before it runs. */
export function namesAndTypes(p: DuckDBPreparedStatement): [string[], DuckDBType[]] {
  const names: string[] = [];
  const types: DuckDBType[] = [];
  for (let i = 0; i < p.columnCount; i++) {
    names.push(p.columnName(i));
    types.push(p.columnType(i));
  }
  return [names, types];
}

/** A geometry column in lon/lat: WKB blobs parsed, another CRS transformed to WGS 84 (lon/lat order). */
export function lonLatSql(name: string, type: DuckDBType): string {
  if (type.typeId === DuckDBTypeId.BLOB) return `TRY(ST_GeomFromWKB(${quote(name)}))`;
  return LON_LAT.test(type.toString()) ? quote(name) : `ST_Transform(${quote(name)}, 'EPSG:4326', always_xy := true)`;
}

/**
 * `sql` wrapped so that its GEOMETRY columns in another CRS (a national grid's file read by ST_Read) come
 * in lon/lat, as the grid and the map read them; undefined when they all are already. A geometry that
 * cannot be transformed is NULL rather than the query's failure.
 */
export function inLonLat(names: readonly string[], types: readonly DuckDBType[], sql: string): string | undefined {
  const foreign = names.filter((_, i) => types[i]!.typeId === DuckDBTypeId.GEOMETRY && !LON_LAT.test(types[i]!.toString()));
  if (!foreign.length) return undefined;
  return `SELECT * REPLACE (${foreign.map((n) => `TRY(ST_Transform(${quote(n)}, 'EPSG:4326', always_xy := true)) AS ${quote(n)}`).join(', ')}) FROM (\n${sql}\n)`;
}

/**
 * The result's columns; `before` are the types the query gave before inLonLat wrapped it, so a geometry
 * shown in lon/lat says the CRS its values have in SQL (`GEOMETRY('EPSG:2263') shown in lon/lat`).
 */
export function resultColumns(names: readonly string[], types: readonly DuckDBType[], before?: readonly DuckDBType[]): ResultColumn[] {
  return names.map((name, i) => {
    const was = before?.[i];
    const moved = was && was.typeId === DuckDBTypeId.GEOMETRY && !LON_LAT.test(was.toString());
    return { name, type: moved ? `${was.toString()} shown in lon/lat` : types[i]!.toString(), kind: kindOf(types[i]!, name) };
  });
}

/** One DuckDB value as its column's kind holds it (null stays null). */
function convert(kind: Kind, v: DuckDBValue): unknown {
  if (v === null) return null;
  switch (kind) {
    case 'bool':
    case 'int32':
    case 'int64':
    case 'uint64':
      return v;
    case 'float':
      return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : (v as { toDouble(): number }).toDouble();
    case 'time': {
      const t = v as { micros?: bigint; millis?: bigint; seconds?: bigint; nanos?: bigint };
      if (t.millis !== undefined) return Number(t.millis);
      if (t.micros !== undefined) return Number(t.micros / 1000n);
      if (t.seconds !== undefined) return Number(t.seconds) * 1000;
      return Number((t.nanos ?? 0n) / 1_000_000n);
    }
    case 'text':
      return typeof v === 'string' ? v : String(v);
    case 'geometry': {
      // A GEOMETRY value holds its WKB in `bytes`; a BLOB is its bytes.
      const bytes = (v as { bytes?: Uint8Array }).bytes ?? v;
      const g = bytes instanceof Uint8Array ? wkbToGeoJson(bytes) : null;
      return g ? JSON.stringify(g) : null;
    }
  }
}

/** A chunk's columns converted once, as they arrive: pages are then slices. */
export function convertColumns(columns: readonly ResultColumn[], values: DuckDBValue[][]): unknown[][] {
  return columns.map((c, i) => values[i]!.map((v) => convert(c.kind, v)));
}

const arrowType = (kind: Kind): DataType => {
  switch (kind) {
    case 'bool':
      return new Bool();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'uint64':
      return new Uint64();
    case 'float':
      return new Float64();
    case 'time':
      return new TimestampMillisecond();
    case 'text':
    case 'geometry':
      return new Utf8();
  }
};

/** Rows of a result as an Arrow IPC stream (one record batch): what the renderer's grid, charts and map read. */
export function arrowPage(columns: readonly ResultColumn[], data: readonly unknown[][]): Uint8Array {
  const vectors: Record<string, Vector> = {};
  columns.forEach((c, i) => {
    // Two columns may share a name (SELECT a, a): Arrow keys them by name, so the later ones get a suffix.
    let name = c.name;
    for (let n = 2; name in vectors; n++) name = `${c.name}_${n}`;
    vectors[name] = vectorFromArray(data[i] ?? [], arrowType(c.kind) as never) as Vector;
  });
  return tableToIPC(new Table(vectors), 'stream');
}
