// The About box's text: the shell's versions and the engine's (its databases, the NATS and Tile38 servers it
// talks to), so a support request says exactly what ran.
import type { About, ResultOf } from '../shared/rpc';

export interface ShellVersions {
  hexwatch: string;
  electron: string;
  chrome: string;
  node: string;
}

type FenceStatus = Pick<ResultOf<'fences.status'>, 'engine' | 'connection' | 'serverVersion'>;

/** What the engine answered, or why it could not. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

function natsLine(about: About): string {
  if (about.source === 'simulator') return 'NATS: not used (the built-in simulator)';
  return about.nats ? `NATS server ${about.nats.version} (${about.nats.url})` : 'NATS: not connected yet';
}

function tile38Line(fences: Answer<FenceStatus>): string {
  if (!fences.ok) return `Tile38: unknown (${fences.error})`;
  const f = fences.value;
  if (f.engine === 'embedded') return 'Tile38: not used (the embedded fence engine)';
  return f.serverVersion ? `Tile38 ${f.serverVersion}` : `Tile38: not connected (${f.connection ?? 'connecting'})`;
}

/** The box's title line and its detail lines. */
export function aboutText(shell: ShellVersions, about: Answer<About>, fences: Answer<FenceStatus>): { message: string; detail: string } {
  const engine = about.ok
    ? [`DuckDB ${about.value.duckdb}`, `SQLite ${about.value.sqlite}`, natsLine(about.value), tile38Line(fences)]
    : [`The engine did not answer: ${about.error}`];
  return {
    message: `hexwatch ${shell.hexwatch}`,
    detail: [`Electron ${shell.electron}`, `Chromium ${shell.chrome}`, `Node ${shell.node}`, ...engine].join('\n'),
  };
}
