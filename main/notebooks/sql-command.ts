import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBInstance, StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { sqlString, UTC_SESSION } from '../archive';
import { FenceRegistry } from '../fences';
import { Session, writeHistorySnapshot } from '../history';
import { EventLog } from '../deliveries';
import type { S3Access } from '../s3';
import { writeGeoJson } from './geojson-export';
import { wkbToGeoJson } from '../../shared/wkb';
import { wktOf } from '../../shared/wkt';
import { isGisFormat, writeGis, type GisFormat } from './gis-export';
import { inLonLat, namesAndTypes, resultColumns } from './result-columns';
import { registerH3 } from './h3-functions';
import { openSandbox } from './sandbox';
import { checkQuery, explainMissing, runChecked, type GuardContext } from './sql-guard';
import { splitStatements } from './sql-statements';
import { takeSnapshot, type SnapshotInputs } from './snapshot';
import { viewStatements } from './views';

export type SqlFormat = 'table' | 'csv' | 'json' | 'parquet' | 'geojson' | GisFormat;

export interface SqlCommandOptions {
  dataDir: string;
  /** The folders SQL may read (notebooks.roots, as the notebooks have them), besides the archive. */
  roots: string[];
  /** URL prefixes SQL may read (notebooks.buckets). */
  buckets?: string[];
  /** How `s3://` is reached (keys, region, endpoint). */
  s3?: S3Access;
  /** The fleet's one archive (archive.sharedDir or archive.s3Url), and the shared folder SQL may read. */
  fleet?: SnapshotInputs['fleet'];
  archiveRoots?: string[];
  /** notebooks.extensionsOnline */
  extensionsOnline?: boolean;
  sql: string;
  format: SqlFormat;
  /** Where the result goes (required for parquet and the GIS files); stdout otherwise. */
  out?: string;
  write: (text: string) => void;
  warn: (line: string) => void;
}

/**
 * `hexwatch sql`: the notebooks' views and H3 functions from the command line, in this process, in the
 * notebooks' sandbox (reads inside the roots and the archive, writes nowhere but `--out`). With the
 * engine stopped it reads everything; with the engine running its history is locked, so positions are
 * the archive only (said on stderr) — queue log and fences are SQLite and read alongside it.
 */
export async function sqlCommand(o: SqlCommandOptions): Promise<number> {
  const scratch = mkdtempSync(join(tmpdir(), 'hexwatch-sql-'));
  const closers: (() => void)[] = [];
  try {
    const {
      instance,
      admin: c,
      extensions,
    } = await openSandbox({
      read: [...o.roots, join(o.dataDir, 'archive'), ...(o.archiveRoots ?? []), scratch],
      buckets: o.buckets ?? [],
      ...(o.s3 ? { s3: o.s3 } : {}),
      tempDir: join(scratch, 'spill'),
      extensions: { online: o.extensionsOnline ?? false, onlineDir: join(o.dataDir, 'duckdb-extensions') },
    });
    closers.push(() => {
      c.closeSync();
      instance.closeSync();
    });
    await registerH3(c);
    const inputs: SnapshotInputs = { dataDir: o.dataDir, ...(o.fleet ? { fleet: o.fleet } : {}), log: o.warn };
    const history = await openHistory(join(o.dataDir, 'history.duckdb'), o.warn);
    if (history) {
      closers.push(() => history.close());
      inputs.history = { snapshot: (dir) => writeHistorySnapshot(new Session(history.connection), join(o.dataDir, 'archive'), dir) };
    }
    const queueFile = join(o.dataDir, 'queue.sqlite');
    if (existsSync(queueFile)) {
      const db = new Database(queueFile, { readonly: true, fileMustExist: true, timeout: 5000 });
      closers.push(() => db.close());
      inputs.events = new EventLog(db);
    }
    const fenceFile = join(o.dataDir, 'fences.sqlite');
    if (existsSync(fenceFile)) {
      const registry = FenceRegistry.open(fenceFile, { busyTimeoutMs: 5000 });
      closers.push(() => registry.close());
      inputs.fences = () => registry.exportCollection().features;
    }
    for (const sql of viewStatements(
      await takeSnapshot(inputs, scratch),
      extensions.some((e) => e.name === 'spatial' && e.loaded),
    ))
      await c.run(sql);
    const guard = { extensions };
    try {
      return await output(
        c,
        o,
        scratch,
        guard,
        extensions.some((e) => e.name === 'spatial' && e.loaded),
      );
    } catch (err) {
      throw new Error(explainMissing((err as Error).message, guard));
    }
  } finally {
    for (const close of closers.reverse()) close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** history.duckdb read-only; undefined (and why, on stderr) when there is none or the engine holds it. */
async function openHistory(file: string, warn: (line: string) => void): Promise<{ connection: DuckDBConnection; close(): void } | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const connection = await instance.connect();
    await connection.run(UTC_SESSION);
    return {
      connection,
      close: () => {
        connection.closeSync();
        instance.closeSync();
      },
    };
  } catch (err) {
    warn(
      `hexwatch sql: the history is in use (${(err as Error).message.split('\n')[0]}): positions not yet archived are left out, the Parquet archive is read`,
    );
    return undefined;
  }
}

async function output(c: DuckDBConnection, o: SqlCommandOptions, scratch: string, guard: GuardContext, spatial: boolean): Promise<number> {
  // A script's statements run in order, each checked by the sandbox; the last one's result is the answer.
  const statements = splitStatements(o.sql);
  const sql = statements.pop();
  if (!sql) throw new Error('no SQL statement to run');
  for (const s of statements) await runChecked(c, s, guard);
  if (o.format === 'geojson') {
    await checkQuery(c, sql, guard, '--format geojson');
    const file = o.out ?? join(scratch, 'result.geojson');
    const rows = await writeGeoJson(await c.stream(sql), file);
    if (!o.out) o.write(readFileSync(file, 'utf8'));
    return rows;
  }
  if (isGisFormat(o.format)) {
    if (!o.out) throw new Error(`--format ${o.format} needs --out FILE`);
    await checkQuery(c, sql, guard, '--out');
    // Written in the scratch folder the sandbox allows, then copied to --out.
    const file = join(scratch, `result.${o.format}`);
    // The layer is named after the file (zones.gpkg → zones), as GIS tools list it.
    const layer = basename(o.out)
      .split('.')[0]!
      .replace(/\W+/g, '_')
      .replace(/^(?=\d)|^$/, 'layer_');
    const rows = await writeGis(c, sql, o.format, file, { spatial, layer });
    copyFileSync(file, o.out);
    return rows;
  }
  if (o.out) {
    // DuckDB writes nowhere but its scratch folder; the file is copied to --out from there.
    await checkQuery(c, sql, guard, '--out');
    const format = { table: 'csv', csv: 'csv', json: 'json', parquet: 'parquet' }[o.format as 'table' | 'csv' | 'json' | 'parquet'];
    const file = join(scratch, `result.${format}`);
    const r = await c.run(`COPY (\n${sql}\n) TO ${sqlString(file)} (FORMAT ${format}${format === 'json' ? ', ARRAY true' : ''})`);
    copyFileSync(file, o.out);
    return Number(r.rowsChanged);
  }
  if (o.format === 'parquet') throw new Error('--format parquet needs --out FILE');
  let prepared = (await runChecked(c, sql, guard, true))!;
  // Geometries print in lon/lat, as the notebook grid shows them (GeoJSON is lon/lat by definition).
  const wrapped = prepared.statementType === StatementType.SELECT ? inLonLat(...namesAndTypes(prepared), sql) : undefined;
  if (wrapped) {
    prepared.destroySync();
    prepared = await c.prepare(wrapped);
  }
  const reader = await prepared.runAndReadAll();
  prepared.destroySync();
  const names = reader.columnNames();
  // Geometries (GEOMETRY and WKB columns) read as WKT in a table or CSV, as GeoJSON geometries in JSON.
  const shapes = resultColumns(names, reader.columnTypes()).map((c) => c.kind === 'geometry');
  const shape = (v: unknown) => {
    const g = v instanceof Uint8Array ? wkbToGeoJson(v) : null;
    return g && o.format !== 'json' ? wktOf(g) : g;
  };
  const rows = (reader.getRowsJS() as unknown[][]).map((r) => r.map((v, i) => (shapes[i] && v !== null ? shape(v) : plain(v))));
  if (o.format === 'json') o.write(`${JSON.stringify(rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]]))))}\n`);
  else if (o.format === 'csv') o.write([names, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n');
  else o.write(table(names, rows));
  return rows.length;
}

/** A value as JSON writes it: integers as numbers where exact (else text), instants in ISO, nested values as they are. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const csvCell = (v: unknown) => {
  const s = text(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Columns padded to their widest value, numbers to the right; NULL shown as such. */
function table(names: string[], rows: unknown[][]): string {
  const cells = rows.map((r) => r.map((v) => (v === null ? 'NULL' : text(v))));
  const widths = names.map((n, i) => Math.max(n.length, ...cells.map((r) => r[i]!.length)));
  const numeric = names.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number' || /^-?\d+(\.\d+)?$/.test(text(r[i]))));
  const line = (r: string[]) =>
    r
      .map((s, i) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return (
    [line(names), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n') + '\n'
  );
}
