import { sqlString } from '../archive';

/**
 * What the notebook's views read, as files: one consistent picture of the engine's data taken at
 * `takenAt` (history snapshot, event log past the archive's mark, the fences).
 */
export interface NotebookSources {
  takenAt: number;
  /**
   * Archived position parts (absolute paths or bucket URLs) and the hot rows that are in none of them;
   * over a fleet's archive, `dedupe` holds the parts read with each stream sequence once, together with the hot rows.
   */
  positions: { parts: string[]; hot?: string; dedupe?: string[] };
  quarantine?: string;
  /** Archived fence-event parts, whose events up to `mark` count; the log's events after it (NDJSON); other engines' parts (`fleet`), read whole. */
  fenceEvents: { parts: string[]; mark: number; log?: string; fleet?: string[] };
  /** The fences now (NDJSON, geometry as GeoJSON text). */
  fences?: string;
  /** The market's minute snapshots (Parquet parts). */
  market?: string[];
}

const list = (files: readonly string[]) => `[${files.map(sqlString).join(', ')}]`;

const POSITION_COLUMNS =
  'device_id::VARCHAR AS device_id, ts::TIMESTAMPTZ AS ts, lat::DOUBLE AS lat, lon::DOUBLE AS lon, h3::UBIGINT AS h3, speed::DOUBLE AS speed, heading::DOUBLE AS heading, accuracy::DOUBLE AS accuracy, kind::VARCHAR AS kind, props::JSON AS props, seq::UBIGINT AS seq';
const EMPTY_POSITIONS =
  'SELECT NULL::VARCHAR AS device_id, NULL::TIMESTAMPTZ AS ts, NULL::DOUBLE AS lat, NULL::DOUBLE AS lon, NULL::UBIGINT AS h3, NULL::DOUBLE AS speed, NULL::DOUBLE AS heading, NULL::DOUBLE AS accuracy, NULL::VARCHAR AS kind, NULL::JSON AS props, NULL::UBIGINT AS seq WHERE false';
const EVENT_COLUMNS =
  'id::UBIGINT AS id, event_type::VARCHAR AS event_type, fence_id::VARCHAR AS fence_id, device_id::VARCHAR AS device_id, ts::TIMESTAMPTZ AS ts, lat::DOUBLE AS lat, lon::DOUBLE AS lon, "group"::VARCHAR AS "group", source::VARCHAR AS source';
const EMPTY_EVENTS =
  'SELECT NULL::UBIGINT AS id, NULL::VARCHAR AS event_type, NULL::VARCHAR AS fence_id, NULL::VARCHAR AS device_id, NULL::TIMESTAMPTZ AS ts, NULL::DOUBLE AS lat, NULL::DOUBLE AS lon, NULL::VARCHAR AS "group", NULL::VARCHAR AS source WHERE false';
const EVENT_JSON = `{id: 'UBIGINT', event_type: 'VARCHAR', fence_id: 'VARCHAR', device_id: 'VARCHAR', ts: 'BIGINT', lat: 'DOUBLE', lon: 'DOUBLE', "group": 'VARCHAR', source: 'VARCHAR'}`;
const EMPTY_QUARANTINE =
  'SELECT NULL::UBIGINT AS seq, NULL::VARCHAR AS stream, NULL::VARCHAR AS subject, NULL::VARCHAR AS reason, NULL::VARCHAR AS detail, NULL::TIMESTAMPTZ AS received, NULL::BIGINT AS bytes, NULL::BLOB AS raw WHERE false';
const MARKET_COLUMNS =
  'ts::TIMESTAMPTZ AS ts, cell::UBIGINT AS cell, resolution::UTINYINT AS resolution, kind::VARCHAR AS kind, supply::DOUBLE AS supply, demand::DOUBLE AS demand, surge::DOUBLE AS surge, ratio::DOUBLE AS ratio';
const EMPTY_MARKET =
  'SELECT NULL::TIMESTAMPTZ AS ts, NULL::UBIGINT AS cell, NULL::UTINYINT AS resolution, NULL::VARCHAR AS kind, NULL::DOUBLE AS supply, NULL::DOUBLE AS demand, NULL::DOUBLE AS surge, NULL::DOUBLE AS ratio WHERE false';
const FENCE_JSON = `{id: 'VARCHAR', name: 'VARCHAR', geometry: 'VARCHAR', radius_m: 'DOUBLE', detect: 'VARCHAR[]', dwell_s: 'INTEGER', targets: 'VARCHAR[]', enabled: 'BOOLEAN', version: 'INTEGER', updated_at: 'BIGINT'}`;
const EMPTY_FENCES =
  'SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS name, NULL::VARCHAR AS geometry, NULL::DOUBLE AS radius_m, NULL::VARCHAR[] AS detect, NULL::INTEGER AS dwell_s, NULL::VARCHAR[] AS targets, NULL::BOOLEAN AS enabled, NULL::INTEGER AS version, NULL::TIMESTAMPTZ AS updated_at WHERE false';

/** Tile38's Earth (shared/fence-rings.ts): a circle fence's ring is where the engine decides inside. */
const SPHERE = '+R=6371000 +units=m +no_defs';
/**
 * `geodesic_circle(lon, lat, radius_m)`: a 64-point polygon whose vertices lie `radius_m` from the centre on
 * Tile38's sphere — buffered in an azimuthal equidistant projection about the centre (distances from it are
 * true there), never in degrees.
 */
const CIRCLE_MACRO = `CREATE OR REPLACE MACRO geodesic_circle(lon, lat, radius_m) AS ST_Transform(
  ST_Buffer(ST_Transform(ST_Point(lon, lat), 'EPSG:4326', '+proj=aeqd +lat_0=' || lat || ' +lon_0=' || lon || ' ${SPHERE}', always_xy := true), radius_m, 16),
  '+proj=aeqd +lat_0=' || lat || ' +lon_0=' || lon || ' ${SPHERE}', 'EPSG:4326', always_xy := true)`;

/** A view's rows with a `geom` point computed from lon/lat: a column not selected is never computed. */
const withPoint = (sql: string) => `SELECT *, ST_Point(lon, lat) AS geom FROM (${sql})`;

/**
 * The fences with \`geom\` (a circle as its geodesic polygon) and, for circles, \`centre\` beside the radius.
 * The GeoJSON was validated when the fence was saved.
 */
const withFenceShape = (sql: string) =>
  `SELECT * EXCLUDE (g), CASE WHEN radius_m IS NULL THEN g ELSE geodesic_circle(ST_X(g), ST_Y(g), radius_m) END AS geom, CASE WHEN radius_m IS NULL THEN NULL ELSE g END AS centre FROM (SELECT *, ST_GeomFromGeoJSON(geometry) AS g FROM (${sql}))`;

/**
 * The views every notebook and `hexwatch sql` query sees: `positions` (archive and hot rows as one, no
 * gap and no duplicate at the seam), `fence_events` (archive and queue log), `quarantine`, `fences`,
 * `market` (a row per cell and minute, and per kind: supply, demand, surge, ratio). With the `spatial`
 * extension loaded, `positions` and `fence_events` gain a `geom` point and `fences` its `geom` shape and a
 * circle's `centre`; without it they are as they were, and ST_ functions say what is missing.
 */
export function viewStatements(s: NotebookSources, spatial = false): string[] {
  const { parts, hot, dedupe } = s.positions;
  // Hive columns off: a fleet's parts (…/partition=P/engine=…/) and this engine's (…/hour=HH/) are read as one.
  const parquet = (files: readonly string[]) => `SELECT ${POSITION_COLUMNS} FROM read_parquet(${list(files)}, union_by_name = true, hive_partitioning = false)`;
  const hotRows = hot ? [`SELECT ${POSITION_COLUMNS} FROM read_parquet(${sqlString(hot)})`] : [];
  const once = [...(dedupe?.length ? [parquet(dedupe)] : []), ...hotRows];
  const positions = [
    ...(parts.length ? [parquet(parts)] : []),
    ...(!dedupe
      ? hotRows
      : once.length
        ? // A position two engines committed (one died before its ack) is the same stream sequence: counted once.
          [`SELECT * FROM (${once.join(' UNION ALL ')}) QUALIFY seq = 0 OR row_number() OVER (PARTITION BY seq) = 1`]
        : []),
  ];
  const events = [
    ...(s.fenceEvents.parts.length
      ? [`SELECT ${EVENT_COLUMNS} FROM read_parquet(${list(s.fenceEvents.parts)}) WHERE id <= ${Math.trunc(s.fenceEvents.mark)}`]
      : []),
    ...(s.fenceEvents.fleet?.length ? [`SELECT ${EVENT_COLUMNS} FROM read_parquet(${list(s.fenceEvents.fleet)}, hive_partitioning = false)`] : []),
    ...(s.fenceEvents.log
      ? [
          `SELECT id, event_type, fence_id, device_id, make_timestamptz(ts * 1000) AS ts, lat, lon, "group", source FROM read_json(${sqlString(s.fenceEvents.log)}, format = 'newline_delimited', columns = ${EVENT_JSON})`,
        ]
      : []),
  ];
  const point = spatial ? withPoint : (sql: string) => sql;
  const fences = s.fences
    ? `SELECT * EXCLUDE (updated_at), make_timestamptz(updated_at * 1000) AS updated_at FROM read_json(${sqlString(s.fences)}, format = 'newline_delimited', columns = ${FENCE_JSON})`
    : EMPTY_FENCES;
  return [
    ...(spatial ? [CIRCLE_MACRO] : []),
    `CREATE OR REPLACE VIEW positions AS ${point(positions.length ? positions.join(' UNION ALL ') : EMPTY_POSITIONS)}`,
    `CREATE OR REPLACE VIEW fence_events AS ${point(events.length ? events.join(' UNION ALL ') : EMPTY_EVENTS)}`,
    `CREATE OR REPLACE VIEW quarantine AS ${s.quarantine ? `SELECT * FROM read_parquet(${sqlString(s.quarantine)})` : EMPTY_QUARANTINE}`,
    `CREATE OR REPLACE VIEW fences AS ${spatial ? withFenceShape(fences) : fences}`,
    `CREATE OR REPLACE VIEW market AS ${s.market?.length ? `SELECT ${MARKET_COLUMNS} FROM read_parquet(${list(s.market)}, hive_partitioning = false)` : EMPTY_MARKET}`,
  ];
}
