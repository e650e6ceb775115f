/**
 * SQL split into its statements at the semicolons that end them — not those inside 'strings',
 * "identifiers", $$dollar quotes$$, -- line or /* block *\/ comments. Empty statements are dropped.
 * (An export wraps the last statement in COPY; DuckDB's own extraction does not give the text back.)
 */
export function splitStatements(sql: string): string[] {
  return splitStatementsAt(sql).map((s) => s.text);
}

/** The statements of `sql` with where each starts in it (for DuckDB's positions, which count from a statement's start). */
export function splitStatementsAt(sql: string): { text: string; at: number }[] {
  const out: { text: string; at: number }[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = sql.slice(start, end);
    const s = raw.trim();
    if (s && !/^(--[^\n]*\n?|\/\*[\s\S]*?\*\/|\s)*$/.test(s)) out.push({ text: s, at: start + raw.indexOf(s) });
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"') {
      i = sql.indexOf(c, i + 1);
      // A doubled quote inside is still inside: the loop finds the next one.
      if (i < 0) break;
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
      continue;
    }
    if (c === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end < 0 ? sql.length : end + tag.length;
        continue;
      }
    }
    if (c === ';') {
      push(i);
      start = i + 1;
    }
    i++;
  }
  push(sql.length);
  return out;
}
