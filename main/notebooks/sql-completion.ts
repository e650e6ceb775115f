import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../archive';

export interface Completion {
  label: string;
  type: 'table' | 'column' | 'function' | 'keyword';
}

const TYPES: Record<string, Completion['type']> = {
  table: 'table',
  column: 'column',
  scalar_function: 'function',
  table_function: 'function',
  keyword: 'keyword',
};

/**
 * DuckDB's own completion (`sql_auto_complete`) of the text before the cursor: it knows the views and
 * files opened, the columns of the tables in FROM, every function and keyword. Operators DuckDB lists
 * as functions (`"%"`, `"!__postfix"`) are left out. `from` is where the word being completed starts.
 */
export async function completeSql(connection: DuckDBConnection, before: string, limit = 40): Promise<{ from: number; options: Completion[] }> {
  const rows = (await connection.runAndReadAll(`SELECT suggestion, suggestion_start, suggestion_type FROM sql_auto_complete(${sqlString(before)})`))
    .getRowObjectsJS()
    .map((r) => ({ label: String(r.suggestion).trimEnd(), start: Number(r.suggestion_start), type: TYPES[String(r.suggestion_type)] }));
  const from = rows[0]?.start ?? before.length;
  const seen = new Set<string>();
  const options: Completion[] = [];
  for (const r of rows) {
    if (!r.type || r.start !== from || !/^("?)[A-Za-z_][A-Za-z0-9_]*\1$/.test(r.label) || seen.has(r.label)) continue;
    seen.add(r.label);
    options.push({ label: r.label, type: r.type });
    if (options.length === limit) break;
  }
  return { from, options };
}
