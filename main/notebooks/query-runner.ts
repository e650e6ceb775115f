import { StatementType, type DuckDBConnection, type DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { sqlString } from '../archive';
import { writeGeoJson } from './geojson-export';
import { isGisFormat, writeGis, type GisFormat } from './gis-export';
import { arrowPage, convertColumns, inLonLat, namesAndTypes, resultColumns, type ResultColumn } from './result-columns';
import { checkQuery, explainMissing, runChecked, SandboxRefusal, type GuardContext } from './sql-guard';
import { splitStatementsAt } from './sql-statements';

/** A query's state as it runs: rows read so far, and DuckDB's estimate of how far it is (0–100, when it knows). */
export interface QueryProgress {
  queryId: string;
  rows: number;
  percent?: number;
  /** Sent once, as soon as DuckDB knows them: the first rows can be shown while the rest arrive. */
  columns?: ResultColumn[];
}

export interface QuerySummary {
  columns: ResultColumn[];
  /** Rows kept (at most the cap). */
  rows: number;
  /** More rows followed past the cap; an export reads them all. */
  truncated: boolean;
  /** Nulls per column among the rows kept. */
  nulls: number[];
  ms: number;
}

/** A query refused or failed: DuckDB's message, and where in the SQL it points when it says (line and column, from 1). */
export class QueryError extends Error {
  override name = 'QueryError';
  constructor(
    message: string,
    readonly at?: { line: number; column: number },
    readonly cancelled = false,
  ) {
    super(message);
  }
}

interface Result {
  /** Opened once the query is known: a cancel may come before. */
  connection?: DuckDBConnection;
  columns: ResultColumn[];
  data: unknown[][];
  nulls: number[];
  rows: number;
  done: boolean;
  cancelled: boolean;
  wake: (() => void)[];
}

const PROGRESS_MS = 200;

export type ExportFormat = 'csv' | 'parquet' | 'json' | 'geojson' | GisFormat;

/**
 * Runs notebook queries on a DuckDB of their own, each on its own connection (so one can be
 * interrupted), keeping up to `cap` rows of each result for the renderer to page through as Arrow.
 */
export class QueryRunner {
  private readonly results = new Map<string, Result>();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly cap: number,
    /** The sandbox the SQL is checked against (sql-guard.ts). */
    private readonly guard: GuardContext,
  ) {}

  /**
   * Runs `sql`, keeping its first rows. With `name`, its last statement also becomes a view of that name,
   * so later cells can query this cell's result by name.
   */
  async run(queryId: string, sql: string, onProgress: (p: QueryProgress) => void, name?: string): Promise<QuerySummary> {
    this.drop(queryId);
    const started = performance.now();
    // Known before its connection opens, so a cancel that comes meanwhile is not lost.
    const r: Result = { columns: [], data: [], nulls: [], rows: 0, done: false, cancelled: false, wake: [] };
    this.results.set(queryId, r);
    const connection = (r.connection = await this.instance.connect());
    // Dropped while it connected: drop() had no connection to close.
    if (this.results.get(queryId) !== r) connection.closeSync();
    let timer: ReturnType<typeof setInterval> | undefined;
    let truncated = false;
    let shift = { lines: 0, columns: 0 };
    let ran = sql;
    let prepared: DuckDBPreparedStatement | undefined;
    // A cancel between statements finds none to interrupt: asked before each.
    const stopIfCancelled = () => {
      if (r.cancelled) throw new QueryError('query cancelled', undefined, true);
    };
    try {
      stopIfCancelled();
      // The sandbox's lock keeps DuckDB's progress bar off: rows read are what progress shows.
      timer = setInterval(() => {
        // DuckDB forgets an interrupt when its next statement starts: one that fell between two is asked again.
        if (r.cancelled) connection.interrupt();
        const { percentage } = connection.progress;
        onProgress({ queryId, rows: r.rows, ...(percentage >= 0 ? { percent: Math.min(100, percentage) } : {}) });
      }, PROGRESS_MS);
      const statements = splitStatementsAt(sql);
      const last = statements.pop();
      if (!last) throw new QueryError('nothing to run: the cell has no statement');
      // Each statement is checked and run on its own; DuckDB's positions count from its start.
      for (const s of statements) {
        stopIfCancelled();
        shift = shiftTo(sql, s.at);
        ran = s.text;
        await runChecked(connection, s.text, this.guard);
      }
      stopIfCancelled();
      shift = shiftTo(sql, last.at);
      ran = last.text;
      if (name) {
        await checkQuery(connection, last.text, this.guard, 'a named cell');
        const view = `CREATE OR REPLACE VIEW "${name}" AS `;
        // DuckDB points into the CREATE VIEW statement: its positions are moved back onto the cell's text.
        shift = { ...shift, columns: shift.columns - view.length };
        ran = `${view}${last.text}`;
        await connection.run(ran);
        shift = { lines: 0, columns: 0 };
        ran = `SELECT * FROM "${name}"`;
        prepared = await connection.prepare(ran);
      } else {
        prepared = (await runChecked(connection, last.text, this.guard, true))!;
      }
      // Geometries in another CRS are shown in lon/lat: the query is wrapped, DuckDB transforms them.
      const [names, before] = namesAndTypes(prepared);
      const wrapped = prepared.statementType === StatementType.SELECT ? inLonLat(names, before, ran) : undefined;
      if (wrapped) {
        prepared.destroySync();
        prepared = await connection.prepare(wrapped);
      }
      const stream = await prepared.stream();
      r.columns = resultColumns(stream.columnNames(), stream.columnTypes(), wrapped ? before : undefined);
      r.data = r.columns.map(() => []);
      r.nulls = r.columns.map(() => 0);
      onProgress({ queryId, rows: 0, columns: r.columns });
      for (;;) {
        const chunk = await stream.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const room = this.cap - r.rows;
        const columns = convertColumns(r.columns, chunk.getColumns());
        columns.forEach((values, i) => {
          const into = r.data[i]!;
          let nulls = 0;
          for (let j = 0; j < Math.min(room, values.length); j++) {
            into.push(values[j]);
            if (values[j] === null) nulls++;
          }
          r.nulls[i]! += nulls;
        });
        r.rows += Math.min(room, chunk.rowCount);
        this.notify(r);
        if (chunk.rowCount > room || (r.rows === this.cap && (await stream.fetchChunk())?.rowCount)) {
          truncated = true;
          break;
        }
      }
      // An interrupt may end a stream as if it were done: a cancelled query is never a short result.
      stopIfCancelled();
      return { columns: r.columns, rows: r.rows, nulls: r.nulls, truncated, ms: Math.round(performance.now() - started) };
    } catch (err) {
      if (err instanceof QueryError) throw err;
      const message = explainMissing((err as Error).message, this.guard);
      if (r.cancelled) throw new QueryError('query cancelled', undefined, true);
      // A refusal points at the statement refused.
      const at = err instanceof SandboxRefusal ? { line: 1, column: 1 } : positionOf(message, ran);
      throw new QueryError(message, at && { line: at.line + shift.lines, column: at.line === 1 ? Math.max(1, at.column + shift.columns) : at.column });
    } finally {
      clearInterval(timer);
      r.done = true;
      this.notify(r);
      // A capped result stops here: its connection goes, DuckDB stops producing the rest.
      if (truncated) connection.interrupt();
      prepared?.destroySync();
    }
  }

  /**
   * The whole result of `sql` (its last statement, after the others ran) written to `file` by DuckDB
   * (GeoJSON by geojson-export.ts, GIS files by gis-export.ts, in `layer`); returns the rows.
   */
  async export(sql: string, format: ExportFormat, file: string, layer?: string): Promise<number> {
    const statements = splitStatementsAt(sql).map((s) => s.text);
    const last = statements.pop();
    if (!last) throw new QueryError('nothing to export: the cell has no statement');
    const connection = await this.instance.connect();
    try {
      for (const s of statements) await runChecked(connection, s, this.guard);
      // Only a query is wrapped in the COPY, on lines of its own: a trailing comment cannot swallow the rest.
      await checkQuery(connection, last, this.guard, 'Export');
      if (format === 'geojson') return await writeGeoJson(await connection.stream(last), file);
      if (isGisFormat(format))
        return await writeGis(connection, last, format, file, { spatial: this.guard.extensions.some((e) => e.name === 'spatial' && e.loaded), layer });
      const r = await connection.run(`COPY (\n${last}\n) TO ${sqlString(file)} (FORMAT ${format}${format === 'json' ? ', ARRAY true' : ''})`);
      return Number(r.rowsChanged);
    } catch (err) {
      const message = explainMissing((err as Error).message, this.guard);
      throw new QueryError(message, err instanceof SandboxRefusal ? undefined : positionOf(message, last));
    } finally {
      connection.closeSync();
    }
  }

  /** Rows [offset, offset + limit) of a result as Arrow IPC, once they have all arrived (or the result has ended short of them). */
  async page(queryId: string, offset: number, limit: number): Promise<Uint8Array> {
    const r = this.results.get(queryId);
    if (!r) throw new QueryError(`no result "${queryId}": run the query first`);
    // A page is whole or the last: a renderer caches pages, so half of one would stay half.
    while (!r.done && r.rows < offset + limit) await new Promise<void>((resolve) => r.wake.push(resolve));
    const end = Math.min(r.rows, offset + limit);
    return arrowPage(
      r.columns,
      r.data.map((values) => values.slice(Math.min(offset, end), end)),
    );
  }

  /** Interrupts a running query (its run then fails with "query cancelled"). */
  cancel(queryId: string): boolean {
    const r = this.results.get(queryId);
    if (!r || r.done) return false;
    r.cancelled = true;
    r.connection?.interrupt();
    return true;
  }

  /** Lets a result go. */
  drop(queryId: string): void {
    const r = this.results.get(queryId);
    if (!r) return;
    this.results.delete(queryId);
    if (!r.done) this.cancel(queryId);
    r.connection?.closeSync();
  }

  close(): void {
    for (const id of [...this.results.keys()]) this.drop(id);
  }

  private notify(r: Result): void {
    for (const wake of r.wake.splice(0)) wake();
  }
}

/** How far `at` in `sql` is from its start: lines before it, and its column on its line. */
function shiftTo(sql: string, at: number): { lines: number; columns: number } {
  const before = sql.slice(0, at).split('\n');
  return { lines: before.length - 1, columns: before.at(-1)!.length };
}

/**
 * Where DuckDB points in its message: `LINE n: <the line>` and a caret under the place on the next
 * line. DuckDB shows a window of a long line ("..." around it): found in `text` (what was run), the
 * column is the real one.
 */
export function positionOf(message: string, text?: string): { line: number; column: number } | undefined {
  const lines = message.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(LINE (\d+): )(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const line = Number(m[2]);
    const caret = (lines[i + 1]?.indexOf('^') ?? -1) - m[1]!.length;
    const shown = m[3]!;
    const lead = shown.startsWith('...') ? 3 : 0;
    const core = shown.slice(lead).replace(/\.\.\.$/, '');
    const source = text?.split('\n')[line - 1];
    const from = source !== undefined && core ? source.indexOf(core) : lead ? -1 : 0;
    return { line, column: caret >= 0 && from >= 0 ? from + caret - lead + 1 : 1 };
  }
  return undefined;
}
