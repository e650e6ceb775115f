/**
 * Reads an engine's history as an outside tool would: a separate Node process with its own DuckDB,
 * the Parquet archive through read_parquet(hive_partitioning) and the hot table attached read-only.
 */
import { spawnSync } from 'node:child_process';
import { repoRoot } from './paths';

export interface HistoryRow {
  device_id: string;
  ts: number;
  lat: number;
  lon: number;
  seq: number;
}

const SCRIPT = `
  import { DuckDBInstance } from '@duckdb/node-api';
  const dataDir = process.argv[process.argv.length - 1];
  const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const c = await db.connect();
  // A reader on the other side of the world: instants must not move with its time zone.
  await c.run("SET TimeZone = 'Asia/Tokyo'");
  await c.run("ATTACH '" + dataDir + "/history.duckdb' AS h (READ_ONLY)");
  const glob = dataDir + '/archive/positions/**/*.parquet';
  const files = Number((await c.runAndReadAll("SELECT count(*) FROM glob('" + glob + "')")).getRows()[0][0]);
  const tsTypes = files ? (await c.runAndReadAll("SELECT DISTINCT logical_type FROM parquet_schema('" + glob + "') WHERE name = 'ts'")).getRows().map((r) => String(r[0])) : [];
  const cols = 'device_id, epoch_ms(ts)::BIGINT AS ts, lat, lon, seq::BIGINT AS seq';
  const parquet = "read_parquet('" + glob + "', hive_partitioning = true)";
  const archived = files ? Number((await c.runAndReadAll('SELECT count(*) FROM ' + parquet)).getRows()[0][0]) : 0;
  const rows = await c.runAndReadAll((files ? 'SELECT ' + cols + ' FROM ' + parquet + ' UNION ALL ' : '') + 'SELECT ' + cols + ' FROM h.positions_hot ORDER BY seq');
  process.stdout.write(JSON.stringify({ archived, tsTypes, rows: rows.getRowObjectsJson() }));
`;

/** The hot table and archive as another process reads them; `tsTypes` are the archive's Parquet types of ts. */
export function readHistoryElsewhere(dataDir: string): { rows: HistoryRow[]; archived: number; tsTypes: string[] } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT, dataDir], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`the separate DuckDB reader failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { archived: number; tsTypes: string[]; rows: Record<string, string | number>[] };
  return {
    archived: out.archived,
    tsTypes: out.tsTypes,
    rows: out.rows.map((x) => ({ device_id: String(x.device_id), ts: Number(x.ts), lat: Number(x.lat), lon: Number(x.lon), seq: Number(x.seq) })),
  };
}
