// Files the OS hands the app — on its command line (a double-click, "Open with", a second launch) or, on
// macOS, through open-file — and what becomes of them: a notebook, or a data file opened as a view in Notebooks.
import { basename, extname, resolve } from 'node:path';
import type { OpenFileRequest } from '../shared/bridge';

export type OpenAction = { kind: 'notebook' | 'open'; path: string };

/** What each extension opens as. */
const OPENS_AS: Record<string, OpenAction['kind']> = { '.sql': 'notebook', '.parquet': 'open', '.geojson': 'open', '.csv': 'open' };

/** A notebook larger than this is not a notebook: it is refused rather than put into the page. */
export const MAX_NOTEBOOK_BYTES = 5 * 1024 * 1024;

/**
 * Splits a launch's arguments into the engine's settings flags (`--section.key value`, `--key=value`, the
 * aliases, `--data-dir`) and the files to open. Chromium's and the launcher's own switches (`--no-sandbox`
 * from an AppImage, `--enable-features=…`) and anything else are left out: the engine would refuse them.
 */
export function splitLaunchArgs(args: readonly string[], aliases: Readonly<Record<string, string>>): { engine: string[]; files: string[] } {
  const engine: string[] = [];
  const files: string[] = [];
  const isEngineFlag = (name: string) => name.includes('.') || name === 'data-dir' || name in aliases;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (!isEngineFlag(arg.slice(2, eq > 0 ? eq : undefined))) continue;
      engine.push(arg);
      // As the engine reads them (main/config/load.ts): a value without `=` is the next argument.
      if (eq < 0 && i + 1 < args.length && !args[i + 1]!.startsWith('--')) engine.push(args[++i]!);
    } else if (!arg.startsWith('-') && extname(arg).toLowerCase() in OPENS_AS) files.push(arg);
  }
  return { engine, files };
}

/** Each file as what it opens as; a relative path is taken from the directory the launch was made in. */
export function openActions(files: readonly string[], cwd: string): OpenAction[] {
  return files.flatMap((file) => {
    const kind = OPENS_AS[extname(file).toLowerCase()];
    return kind ? [{ kind, path: resolve(cwd, file) }] : [];
  });
}

/**
 * What the page is sent: a notebook with its text (the page cannot read a path; the engine opens data files
 * itself, inside notebooks.roots). A notebook that cannot be read is reported, not sent.
 */
export async function openRequests(
  actions: readonly OpenAction[],
  readText: (path: string, maxBytes: number) => Promise<string>,
): Promise<{ requests: OpenFileRequest[]; failures: string[] }> {
  const requests: OpenFileRequest[] = [];
  const failures: string[] = [];
  for (const action of actions) {
    if (action.kind === 'open') {
      requests.push({ kind: 'open', path: action.path });
      continue;
    }
    try {
      requests.push({ kind: 'notebook', path: action.path, name: basename(action.path), text: await readText(action.path, MAX_NOTEBOOK_BYTES) });
    } catch (err) {
      failures.push(`${action.path}: ${(err as Error).message}`);
    }
  }
  return { requests, failures };
}

/**
 * Holds files until the page says it listens (it loads after the first launch's files are known), then
 * hands them over as they come; a page that reloads listens again.
 */
export class OpenFilesInbox<T> {
  private waiting: T[] = [];
  private deliver?: (items: T[]) => void;

  push(items: readonly T[]): void {
    if (items.length === 0) return;
    if (this.deliver) this.deliver([...items]);
    else this.waiting.push(...items);
  }

  /** The page listens: what waited goes now, the rest as it comes. */
  ready(deliver: (items: T[]) => void): void {
    this.deliver = deliver;
    const waiting = this.waiting.splice(0);
    if (waiting.length) deliver(waiting);
  }

  /** The page went (reloaded, closed): hold files again until it listens. */
  unready(): void {
    this.deliver = undefined;
  }
}
