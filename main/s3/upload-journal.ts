import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { PartStamp } from '../archive';

/** One archive part as it was when it was copied: a part rewritten since (same name, new bytes) is copied again. */
export type UploadedPart = PartStamp;

interface JournalFile {
  /** The bucket and prefix copied to: another target starts a new journal. */
  target: string;
  parts: Record<string, UploadedPart>;
}

/**
 * What has been copied to the bucket (`<dataDir>/s3-uploads.json`, replaced atomically after each copy),
 * so an engine that stopped mid-way copies at its next start only what is missing.
 */
export class UploadJournal {
  private parts: Map<string, UploadedPart>;

  constructor(
    private readonly file: string,
    private readonly target: string,
  ) {
    let read: JournalFile | undefined;
    try {
      read = JSON.parse(readFileSync(file, 'utf8')) as JournalFile;
    } catch {
      // none yet, or unreadable: the next scan copies everything again (a PUT of the same part overwrites it)
    }
    this.parts = new Map(read?.target === target ? Object.entries(read.parts) : []);
  }

  get(path: string): UploadedPart | undefined {
    return this.parts.get(path);
  }

  /** The parts of a listing whose copy is missing or was made of other bytes: what to copy now. */
  outdated(parts: ReadonlyMap<string, UploadedPart>): [string, UploadedPart][] {
    return [...parts].filter(([path, now]) => {
      const was = this.parts.get(path);
      return !was || was.size !== now.size || was.mtimeMs !== now.mtimeMs;
    });
  }

  paths(): string[] {
    return [...this.parts.keys()];
  }

  get size(): number {
    return this.parts.size;
  }

  async set(path: string, part: UploadedPart): Promise<void> {
    this.parts.set(path, part);
    await this.save();
  }

  async forget(path: string): Promise<void> {
    this.parts.delete(path);
    await this.save();
  }

  private async save(): Promise<void> {
    const body: JournalFile = { target: this.target, parts: Object.fromEntries(this.parts) };
    const tmp = `${this.file}.tmp`;
    await writeFile(tmp, `${JSON.stringify(body)}\n`);
    await rename(tmp, this.file);
  }
}
