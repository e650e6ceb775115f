import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { StatementType } from '@duckdb/node-api';
import { howToGet, type ExtensionState } from './extensions';

/** A statement the notebook sandbox refuses before it runs: one line saying why and what to use instead. */
export class SandboxRefusal extends Error {
  override name = 'SandboxRefusal';
  constructor(why: string) {
    super(`refused by the notebook sandbox: ${why}`);
  }
}

const EXPORT_INSTEAD = "results leave through Export (a cell's Export, or hexwatch sql --out FILE)";

/** Functions that write files, change what is logged, or run SQL from a string the guard cannot see. */
const REFUSED_FUNCTIONS = new Map<string, string>([
  ['enable_logging', 'it writes log files'],
  ['enable_profiling', 'it writes profiles'],
  ['enable_profile', 'it writes profiles'],
  ['import_database', 'it runs the SQL files of a folder'],
  ['copy_database', 'it writes a database'],
  ['query', 'it runs SQL from a string, which the sandbox cannot check: write the SQL itself'],
  ['json_execute_serialized_sql', 'it runs SQL the sandbox cannot check: write the SQL itself'],
  ['ducklake_add_data_files', 'it changes a DuckLake'],
  ['ducklake_cleanup_old_files', 'it deletes files'],
  ['ducklake_delete_orphaned_files', 'it deletes files'],
  ['ducklake_expire_snapshots', 'it changes a DuckLake'],
  ['ducklake_flush_inlined_data', 'it writes files'],
  ['ducklake_merge_adjacent_files', 'it writes files'],
  ['ducklake_rewrite_data_files', 'it writes files'],
  ['ducklake_set_option', 'it changes a DuckLake'],
  ['ducklake_set_commit_message', 'it changes a DuckLake'],
  ['ducklake_commit', 'it changes a DuckLake'],
]);

/** Statement kinds that only read, or change the in-memory session (tables, views, macros of its own). */
const ALLOWED_TYPES = new Set<StatementType>([
  StatementType.SELECT,
  StatementType.INSERT,
  StatementType.UPDATE,
  StatementType.DELETE,
  StatementType.MERGE_INTO,
  StatementType.CREATE,
  StatementType.CREATE_FUNC,
  StatementType.ALTER,
  StatementType.DROP,
  StatementType.TRANSACTION,
  StatementType.ANALYZE,
  StatementType.VACUUM,
  StatementType.CALL,
  StatementType.PRAGMA,
  StatementType.DETACH,
  StatementType.VARIABLE_SET,
]);

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'punct';
  /** Words upper-cased, quoted identifiers and strings unquoted. */
  text: string;
  at: number;
}

/** SQL's tokens, without comments: words, "identifiers", 'strings' (E'', $$dollar$$ too) and single characters. */
export function tokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '-' && sql[i + 1] === '-') i = sql.includes('\n', i) ? sql.indexOf('\n', i) + 1 : sql.length;
    else if (c === '/' && sql[i + 1] === '*') {
      // DuckDB nests block comments.
      let depth = 0;
      do {
        if (sql.startsWith('/*', i)) {
          depth++;
          i += 2;
        } else if (sql.startsWith('*/', i)) {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0 && i < sql.length);
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      for (; j < sql.length; j++) {
        if (sql[j] === c && sql[j + 1] === c) {
          text += c;
          j++;
        } else if (sql[j] === c) break;
        else text += sql[j];
      }
      out.push({ kind: c === '"' ? 'quoted' : 'string', text, at: i });
      i = j + 1;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))![0];
      const end = sql.indexOf(tag, i + tag.length);
      out.push({ kind: 'string', text: sql.slice(i + tag.length, end < 0 ? sql.length : end), at: i });
      i = end < 0 ? sql.length : end + tag.length;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      const m = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/.exec(sql.slice(i))!;
      out.push({ kind: 'word', text: m[0].toUpperCase(), at: i });
      i += m[0].length;
    } else {
      out.push({ kind: 'punct', text: c, at: i });
      i++;
    }
  }
  return out;
}

const word = (t: Token | undefined, ...words: string[]) => t?.kind === 'word' && words.includes(t.text);

/** The session the guard checks against: what is loaded, what is missing and why. */
export interface GuardContext {
  extensions: readonly ExtensionState[];
}

/**
 * A statement's text checked before it is prepared: what writes or widens the sandbox is refused here,
 * with a line saying why. Returns the statement to run instead, when there is one (INSTALL of a loaded one).
 */
function checkText(sql: string, ctx: GuardContext): string | undefined {
  const t = tokens(sql);
  for (const tok of t) {
    const why = (tok.kind === 'word' || tok.kind === 'quoted') && REFUSED_FUNCTIONS.get(tok.text.toLowerCase());
    if (why) throw new SandboxRefusal(`${tok.text.toLowerCase()}() is not available in notebooks: ${why}`);
  }
  const first = t[0];
  if (word(first, 'COPY'))
    throw new SandboxRefusal(
      `COPY writes files (or reads into tables through a path DuckDB cannot check here): ${EXPORT_INSTEAD}; read a file with read_csv, read_parquet or read_json`,
    );
  if (word(first, 'EXPORT')) throw new SandboxRefusal(`EXPORT DATABASE writes files: ${EXPORT_INSTEAD}`);
  if (word(first, 'IMPORT'))
    throw new SandboxRefusal('IMPORT DATABASE runs the SQL files of a folder, which the sandbox cannot check: open the files with Open file instead');
  if (word(first, 'PREPARE', 'EXECUTE', 'DEALLOCATE'))
    throw new SandboxRefusal('PREPARE and EXECUTE are not available in notebooks (the sandbox checks each statement as written): write the statement itself');
  if (word(first, 'SET', 'RESET')) {
    if (word(t[1], 'VARIABLE')) return undefined;
    throw new SandboxRefusal(
      "DuckDB's settings are locked in notebooks (reads only inside notebooks.roots, no writes, UTC): change notebooks.* settings instead; SET VARIABLE still works",
    );
  }
  if (word(first, 'PRAGMA') && t.some((x) => x.kind === 'punct' && x.text === '='))
    throw new SandboxRefusal(
      "DuckDB's settings are locked in notebooks (reads only inside notebooks.roots, no writes, UTC): change notebooks.* settings instead",
    );
  if (word(first, 'CREATE')) {
    let i = 1;
    while (word(t[i], 'OR', 'REPLACE', 'PERSISTENT', 'TEMPORARY', 'TEMP')) i++;
    if (word(t[i], 'SECRET'))
      throw new SandboxRefusal('CREATE SECRET is not available in notebooks: buckets are read with the credentials the engine is given');
  }
  if (word(first, 'INSTALL', 'LOAD', 'FORCE', 'UPDATE') && (word(first, 'INSTALL', 'LOAD', 'FORCE') || word(t[1], 'EXTENSIONS'))) return checkExtension(t, ctx);
  if (word(first, 'ATTACH')) return checkAttach(t);
  return undefined;
}

/** What EXPLAIN ANALYZE runs (it runs what it explains), or undefined for any other statement. */
function analyzed(sql: string): string | undefined {
  const t = tokens(sql);
  return word(t[0], 'EXPLAIN') && word(t[1], 'ANALYZE', 'ANALYSE') && t[2] ? sql.slice(t[2].at) : undefined;
}

function checkExtension(t: Token[], ctx: GuardContext): string | undefined {
  const approved = ctx.extensions.map((e) => e.name);
  const only = `only DuckDB's own ${approved.join(', ')} may be loaded in notebooks`;
  const verb = word(t[0], 'FORCE') ? t[1] : t[0];
  const name = t[word(t[0], 'FORCE') ? 2 : 1];
  if (!word(verb, 'INSTALL', 'LOAD') || !name || name.kind === 'punct' || t.length > (word(t[0], 'FORCE') ? 3 : 2))
    throw new SandboxRefusal(`${only}, by name (INSTALL spatial; LOAD spatial)`);
  const wanted = name.text.toLowerCase();
  const state = ctx.extensions.find((e) => e.name === wanted);
  if (!state) throw new SandboxRefusal(`${only}: "${name.text}" is not one of them`);
  if (!state.loaded) throw new SandboxRefusal(state.missing ?? howToGet(wanted));
  // Loaded when the sandbox opened: INSTALL has nothing left to do, LOAD is DuckDB's no-op.
  return `LOAD ${wanted}`;
}

function checkAttach(t: Token[]): undefined {
  const close = t.length - 1;
  let open = -1;
  if (t[close]?.text === ')') {
    for (let i = close, depth = 0; i >= 0; i--) {
      if (t[i]!.kind === 'punct' && t[i]!.text === ')') depth++;
      if (t[i]!.kind === 'punct' && t[i]!.text === '(' && --depth === 0) {
        open = i;
        break;
      }
    }
  }
  const options = open < 0 ? [] : t.slice(open + 1, close).map((x) => x.text.toUpperCase());
  const readOnly = options.includes('READ_ONLY') && !options.some((o) => ['FALSE', '0', 'READ_WRITE', 'AUTOMATIC', 'OFF'].includes(o));
  if (!readOnly) throw new SandboxRefusal("ATTACH may open a database read-only only: ATTACH 'file.duckdb' (READ_ONLY)");
  return undefined;
}

/** Why DuckDB's own type of a prepared statement is refused, when it is. */
function typeRefusal(type: StatementType): string | undefined {
  if (ALLOWED_TYPES.has(type)) return undefined;
  if (type === StatementType.COPY || type === StatementType.EXPORT || type === StatementType.COPY_DATABASE) return `it writes files: ${EXPORT_INSTEAD}`;
  return `DuckDB's statement type ${StatementType[type] ?? type} is not available in notebooks`;
}

/**
 * Runs `sql` (one or more statements) on `connection`, each checked first by its text and by DuckDB's
 * own reading of it (its prepared statement's type), so what runs is what was checked. With `keepLast`,
 * the last statement is returned prepared and not run (the caller streams it).
 */
export async function runChecked(connection: DuckDBConnection, sql: string, ctx: GuardContext, keepLast = false): Promise<DuckDBPreparedStatement | undefined> {
  const instead = checkText(sql, ctx);
  const inner = analyzed(sql);
  if (inner !== undefined) await checkQuery(connection, inner, ctx, 'EXPLAIN ANALYZE');
  const extracted = await connection.extractStatements(instead ?? sql);
  // The text checks read one statement: DuckDB must see the same one (the splitter and DuckDB agree).
  if (extracted.count > 1 && hasTextChecks(sql)) throw new SandboxRefusal('end each statement with ; so each can be checked on its own');
  let last: DuckDBPreparedStatement | undefined;
  for (let i = 0; i < extracted.count; i++) {
    const prepared = await extracted.prepare(i);
    const refusal = typeRefusal(prepared.statementType);
    if (refusal && !(instead && prepared.statementType === StatementType.LOAD) && !allowedByText(sql, prepared.statementType)) {
      prepared.destroySync();
      throw new SandboxRefusal(refusal);
    }
    if (keepLast && i === extracted.count - 1 && prepared.statementType !== StatementType.ATTACH) last = prepared;
    else {
      const before = prepared.statementType === StatementType.ATTACH ? await databases(connection) : undefined;
      try {
        await prepared.run();
      } finally {
        prepared.destroySync();
      }
      if (before) {
        const attached = await checkAttached(connection, before);
        // A cell ending in ATTACH shows what it attached.
        if (keepLast && i === extracted.count - 1)
          last = await connection.prepare(
            `SELECT database_name AS attached, path, readonly FROM duckdb_databases() WHERE database_name IN (${attached.map(sqlLiteral).join(', ') || 'NULL'})`,
          );
      }
    }
  }
  return last;
}

const sqlLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function databases(connection: DuckDBConnection): Promise<Set<string>> {
  const rows = (await connection.runAndReadAll('SELECT database_name FROM duckdb_databases()')).getRows();
  return new Set(rows.map((r) => String(r[0])));
}

/** A database file's views and macros run when read: one that calls a refused function is detached again. */
async function checkAttached(connection: DuckDBConnection, before: Set<string>): Promise<string[]> {
  const attached = [...(await databases(connection))].filter((name) => !before.has(name));
  for (const name of attached) {
    const quoted = sqlLiteral(name);
    const bodies = (
      await connection.runAndReadAll(
        `SELECT sql FROM duckdb_views() WHERE database_name = ${quoted} UNION ALL SELECT macro_definition FROM duckdb_functions() WHERE database_name = ${quoted} AND macro_definition IS NOT NULL`,
      )
    ).getRows();
    const refused = bodies.map((r) => String(r[0])).flatMap((body) => tokens(body).filter((t) => REFUSED_FUNCTIONS.has(t.text.toLowerCase())));
    if (refused.length) {
      await connection.run(`DETACH "${name.replace(/"/g, '""')}"`);
      throw new SandboxRefusal(
        `${name} was detached again: its views or macros call ${refused[0]!.text.toLowerCase()}(), which ${REFUSED_FUNCTIONS.get(refused[0]!.text.toLowerCase())!.replace(/^it /, '')}`,
      );
    }
  }
  return attached;
}

/** Checks that `sql` is one query (a SELECT, as DuckDB reads it) to wrap in COPY or a view; refuses anything else. */
export async function checkQuery(connection: DuckDBConnection, sql: string, ctx: GuardContext, what: string): Promise<void> {
  checkText(sql, ctx);
  const extracted = await connection.extractStatements(sql);
  if (extracted.count !== 1) throw new SandboxRefusal(`${what} takes one query: end the statements before it with ;`);
  const prepared = await extracted.prepare(0);
  const type = prepared.statementType;
  prepared.destroySync();
  if (type !== StatementType.SELECT)
    throw new SandboxRefusal(`${what} takes a query (SELECT, FROM, WITH …, PRAGMA show_tables …), not ${StatementType[type] ?? type}`);
}

/** Statement kinds whose text decides (ATTACH read-only, EXPLAIN, SET VARIABLE): they run only as one statement of their own. */
function hasTextChecks(sql: string): boolean {
  return tokens(sql).some((t) => word(t, 'ATTACH', 'EXPLAIN', 'SET', 'RESET', 'INSTALL', 'LOAD', 'CREATE'));
}

/** A kind refused by type that its checked text allows: a read-only ATTACH, an EXPLAIN (ANALYZE of a checked statement), SET VARIABLE. */
function allowedByText(sql: string, type: StatementType): boolean {
  const first = tokens(sql);
  if (type === StatementType.ATTACH) return word(first[0], 'ATTACH');
  if (type === StatementType.EXPLAIN) return word(first[0], 'EXPLAIN');
  if (type === StatementType.SET) return word(first[0], 'SET', 'RESET') && word(first[1], 'VARIABLE');
  return false;
}

/** DuckDB's message with what to do: how to get a missing extension ("exists in the spatial extension"), or how to open a file or bucket the sandbox kept it from. */
export function explainMissing(message: string, ctx: GuardContext): string {
  const name = /exists in the (\w+) extension/.exec(message)?.[1];
  const state = ctx.extensions.find((e) => e.name === name);
  if (state && !state.loaded) return `${message}\n${state.missing ?? howToGet(state.name)}`;
  const hint = placeHint(message);
  if (!hint) return message;
  // The hint goes under DuckDB's first line, before its LINE/caret context.
  const cut = message.indexOf('\n');
  return cut < 0 ? `${message}\n${hint}` : `${message.slice(0, cut)}\n${hint}${message.slice(cut)}`;
}

/** What to do when the sandbox kept DuckDB (or GDAL inside it) from a file or a bucket. */
function placeHint(message: string): string | undefined {
  const denied = /Cannot access (?:file|directory) "([^"]+)" - file system operations are disabled by configuration/.exec(message)?.[1];
  if (denied && /^[a-z0-9]+:\/\//i.test(denied))
    return `${denied} is not in a bucket notebooks may read: add its prefix (e.g. ${/^[a-z0-9]+:\/\/[^/]+\//i.exec(denied)?.[0] ?? denied}) to notebooks.buckets in the settings and restart the engine`;
  if (denied)
    return `${denied} is outside the folders notebooks may read: add its folder to notebooks.roots in the settings and restart the engine, or move the file into one`;
  if (/Could not open GDAL dataset/.test(message))
    return 'GDAL could not open it: the file is missing, is not a format GDAL reads, or is outside the folders notebooks may read (notebooks.roots)';
  return undefined;
}
