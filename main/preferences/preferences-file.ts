import { existsSync, readFileSync, renameSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PREFERENCES_MAX_BYTES } from '../../shared/rpc/preferences';
import { durableRename } from '../archive';

/**
 * `<dataDir>/preferences.json`: what the analyst chose, a value per name. Written whole under a temporary
 * name and renamed, at most once per `delayMs` however often it changes; a file that cannot be read is
 * set aside as `preferences.json.bad` (kept for inspection) and the workstation starts from its defaults.
 */
export class PreferencesFile {
  readonly path: string;
  private values: Record<string, unknown> = {};
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
    private readonly delayMs = 250,
  ) {
    this.path = join(dataDir, 'preferences.json');
    if (!existsSync(this.path)) return;
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object of name → value');
      this.values = parsed as Record<string, unknown>;
    } catch (err) {
      renameSync(this.path, `${this.path}.bad`);
      log(`preferences: ${this.path} could not be read (${(err as Error).message}); kept as preferences.json.bad, starting from the defaults`);
    }
  }

  all(): Record<string, unknown> {
    return { ...this.values };
  }

  /** Sets (or, with null, removes) one preference; refused when the file would grow past its limit. */
  set(key: string, value: unknown): void {
    const next = { ...this.values };
    if (value === null) delete next[key];
    else next[key] = value;
    const bytes = Buffer.byteLength(JSON.stringify(next));
    if (bytes > PREFERENCES_MAX_BYTES) throw new RangeError(`preferences would take ${bytes} bytes, more than ${PREFERENCES_MAX_BYTES}: ${key} not saved`);
    this.values = next;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }, this.delayMs);
  }

  /** Writes what is pending now (the engine stops). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.writing = this.writing.then(() => this.write());
    }
    await this.writing;
  }

  private async write(): Promise<void> {
    const tmp = `${this.path}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(this.values, null, 2)}\n`);
      await durableRename(tmp, this.path);
    } catch (err) {
      this.log(`preferences: could not write ${this.path}: ${(err as Error).message}`);
    }
  }
}
