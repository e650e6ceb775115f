import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingLogOptions {
  dir: string;
  /** The file written now; older ones are `<name>.1` (the latest) to `<name>.<keep>`. */
  name?: string;
  /** The file is rotated before a line would take it past this size. */
  maxBytes?: number;
  /** Rotated files kept; older ones are deleted. */
  keep?: number;
  clock?: () => number;
}

/**
 * The engine's log as files under the data dir (the desktop app has no terminal to write to): one line per
 * entry with its UTC time, rotated at a size with a few kept, so a long-running app never fills the disk.
 * Written synchronously, so the last lines before a crash are on disk; readable by the user only.
 */
export class RotatingLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly clock: () => number;
  private fd: number;
  private size: number;

  constructor(private readonly options: RotatingLogOptions) {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.path = join(options.dir, options.name ?? 'hexwatch.log');
    this.maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    this.clock = options.clock ?? Date.now;
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** The engine's `log` option: `log: (line) => file.write(line)`. */
  readonly write = (line: string): void => {
    const bytes = Buffer.from(`${new Date(this.clock()).toISOString()} ${line}\n`);
    if (this.size > 0 && this.size + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
    this.size += bytes.length;
  };

  close(): void {
    closeSync(this.fd);
  }

  /** `<name>` becomes `<name>.1`, each `.n` becomes `.n+1`, and the one past `keep` goes. */
  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let n = this.keep - 1; n >= 1; n--) {
      try {
        renameSync(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    if (this.keep > 0) renameSync(this.path, `${this.path}.1`);
    else rmSync(this.path, { force: true });
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }
}
