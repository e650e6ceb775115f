/**
 * A notebook as a plain `.sql` file, so it diffs in git and `duckdb` runs it as a script: cells are
 * separated by `-- %%` lines (`-- %% md` for Markdown, whose lines are `-- ` comments); right after the
 * separator, a `-- name: busy` line names a cell's result (later cells query it by that name) and a
 * `-- view: {json}` line holds its view settings.
 */
export interface Cell {
  id: string;
  kind: 'sql' | 'markdown';
  source: string;
  /** Its result as a view of this name, for later cells. */
  name?: string;
  /** How its result is shown (grid, chart, map…), as saved with it. */
  view?: Record<string, unknown>;
}

const SEPARATOR = /^-- %%( md)?\s*$/;
const VIEW = /^-- view: (.*)$/;
const NAME = /^-- name: ([A-Za-z_][A-Za-z0-9_]*)\s*$/;

let counter = 0;
export const newCellId = () => `c${Date.now().toString(36)}${(counter++).toString(36)}`;

export function serializeNotebook(cells: readonly Cell[]): string {
  return (
    cells
      .map((c) => {
        const head = [
          c.kind === 'markdown' ? '-- %% md' : '-- %%',
          ...(c.name ? [`-- name: ${c.name}`] : []),
          ...(c.view ? [`-- view: ${JSON.stringify(c.view)}`] : []),
        ];
        const body = c.kind === 'markdown' ? c.source.split('\n').map((l) => (l ? `-- ${l}` : '--')) : [c.source.trimEnd()];
        return [...head, ...body].join('\n');
      })
      .join('\n\n') + '\n'
  );
}

/** Reads a notebook file; a plain SQL script without separators is one SQL cell. */
export function parseNotebook(text: string): Cell[] {
  const cells: Cell[] = [];
  let current: Cell | undefined;
  let lines: string[] = [];
  const close = () => {
    if (!current) {
      // What comes before the first separator is a cell only if it holds something.
      if (lines.join('\n').trim()) cells.push({ id: newCellId(), kind: 'sql', source: lines.join('\n').trim() });
    } else {
      const body = current.kind === 'markdown' ? lines.map((l) => l.replace(/^--( |$)/, '')) : lines;
      cells.push({ ...current, source: body.join('\n').trim() });
    }
    lines = [];
  };
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const sep = SEPARATOR.exec(line);
    if (sep) {
      close();
      current = { id: newCellId(), kind: sep[1] ? 'markdown' : 'sql', source: '' };
      continue;
    }
    const name = NAME.exec(line);
    if (current && lines.length === 0 && name && !current.view) {
      current.name = name[1];
      continue;
    }
    const view = VIEW.exec(line);
    if (current && lines.length === 0 && view) {
      try {
        current.view = JSON.parse(view[1]!) as Record<string, unknown>;
        continue;
      } catch {
        // Not ours: the line stays in the cell.
      }
    }
    lines.push(line);
  }
  close();
  return cells;
}
