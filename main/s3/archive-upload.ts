import { join } from 'node:path';
import { listFinishedParts, retentionBound } from '../archive';
import { objectStorageOf, parseS3Url, type S3Access } from './s3-access';
import { deleteObject, listObjects, putFile } from './s3-client';
import { engineIdOf } from './engine-id';
import { PeriodicPass } from './periodic-pass';
import { UploadJournal } from './upload-journal';

export interface ArchiveUploadOptions {
  dataDir: string;
  /** archive.s3Url: s3://bucket/prefix/ */
  url: string;
  access: S3Access;
  /** Names this engine's parts apart from another's in the same bucket (`engine=<id>/`). */
  engineId: string;
  intervalMs: number;
  /** history.retentionDays: a part gone because its hour expired stays in the bucket. */
  retentionDays: number;
  clock: () => number;
  log: (line: string) => void;
}

/** What the status bar says of the copies. */
export interface ArchiveUploadStatus {
  target: string;
  copied: number;
  pending: number;
  lastCopyAt?: number;
  error?: string;
}

const HOUR = /(?:^|\/)date=(\d{4}-\d{2}-\d{2})\/hour=(\d{2})\//;

/** Where a local part goes: its own path under the prefix, in a folder of this engine inside its hour (`…/hour=HH/engine=<id>/part-….parquet`). */
export function remoteKey(prefix: string, engineId: string, rel: string): string {
  const slash = rel.lastIndexOf('/');
  return `${prefix}${rel.slice(0, slash + 1)}engine=${engineId}/${rel.slice(slash + 1)}`;
}

/**
 * Whether the copy of a part gone from the disk stays in the bucket: yes when its hour expired under the
 * retention (or its path names no hour); no when the hour is still kept — compaction or a rewrite replaced it.
 */
export function copyOutlives(rel: string, expiredBefore: number): boolean {
  const m = HOUR.exec(rel);
  return !m || Date.parse(`${m[1]}T${m[2]}:00:00Z`) <= expiredBefore;
}

/**
 * Copies the archive's finished parts (every table: positions, fence events, market) to a bucket as they
 * appear: a scan of `<dataDir>/archive` each interval uploads what the journal has not (parts are renamed
 * into place whole, so a `*.parquet` there is finished). A part that was copied and is gone locally was
 * either expired by retention — it stays in the bucket — or replaced by compaction — its copy is deleted,
 * so the bucket never counts a row twice. Failures are retried with backoff and shown in the status;
 * nothing here stops the engine.
 */
export class ArchiveUploader {
  private readonly journal: UploadJournal;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly passes: PeriodicPass;
  private pending = 0;
  private lastCopyAt?: number;
  /** Whether the store has taken these keys since the start: checked once with a listing when there is nothing to copy. */
  private verified = false;

  constructor(private readonly o: ArchiveUploadOptions) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Url(o.url));
    this.journal = new UploadJournal(join(o.dataDir, 's3-uploads.json'), `${o.url} ${o.engineId}`);
    this.passes = new PeriodicPass({
      intervalMs: o.intervalMs,
      pass: () => this.sync(),
      describe: (err) => `copying the archive to ${o.url}: ${err.message}`,
      log: (line) => o.log(`archive: ${line}`),
    });
  }

  start(): void {
    this.passes.start();
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  status(): ArchiveUploadStatus {
    return {
      target: this.o.url,
      copied: this.journal.size,
      pending: this.pending,
      ...(this.lastCopyAt ? { lastCopyAt: this.lastCopyAt } : {}),
      ...(this.passes.error ? { error: this.passes.error } : {}),
    };
  }

  /** Whether a local part (relative to the archive) has its copy in the bucket as it is now. */
  copied(rel: string): boolean {
    return this.journal.get(rel) !== undefined;
  }

  /** One pass now (the timer's, or a test's), after any pass under way. */
  syncNow(): Promise<void> {
    return this.passes.now(() => this.sync());
  }

  private async sync(): Promise<void> {
    const root = join(this.o.dataDir, 'archive');
    const local = await listFinishedParts(this.o.dataDir);
    const todo = this.journal.outdated(local);
    const expiredBefore = retentionBound(this.o.clock(), this.o.retentionDays);
    const gone = this.journal.paths().filter((rel) => !local.has(rel));
    this.pending = todo.length;
    // Nothing to copy yet: a listing says now, not at the next part, whether the store takes these keys.
    if (!todo.length && !this.verified) await listObjects(this.o.access, this.bucket, this.prefix, 1);
    this.verified = true;
    for (const [rel, part] of todo) {
      if (this.passes.isStopped) return;
      try {
        await putFile(this.o.access, this.bucket, remoteKey(this.prefix, this.o.engineId, rel), join(root, rel));
      } catch (err) {
        // Compacted or expired away since the listing: the next pass sees it gone.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      await this.journal.set(rel, part);
      this.pending--;
      this.lastCopyAt = this.o.clock();
    }
    for (const rel of gone) {
      if (this.passes.isStopped) return;
      if (!copyOutlives(rel, expiredBefore)) await deleteObject(this.o.access, this.bucket, remoteKey(this.prefix, this.o.engineId, rel));
      await this.journal.forget(rel);
    }
    if (todo.length) this.o.log(`archive: copied ${todo.length} part${todo.length === 1 ? '' : 's'} to ${this.o.url}`);
  }
}

/** The archive's copier when archive.s3Url is set, started; undefined otherwise. */
export function startArchiveCopy(
  config: { archive: { s3Url: string; s3IntervalS: number; engineId: string }; history: { retentionDays: number } },
  o: { dataDir: string; access: S3Access; clock: () => number; log: (line: string) => void },
): ArchiveUploader | undefined {
  if (!config.archive.s3Url) return undefined;
  const uploader = new ArchiveUploader({
    ...o,
    url: config.archive.s3Url,
    engineId: engineIdOf(o.dataDir, config.archive.engineId),
    intervalMs: config.archive.s3IntervalS * 1000,
    retentionDays: config.history.retentionDays,
  });
  uploader.start();
  return uploader;
}

/** The engine's object storage: how buckets are reached, which SQL may read, and the archive's copier when archive.s3Url is set. */
export function openObjectStorage(
  config: Parameters<typeof objectStorageOf>[0] & Parameters<typeof startArchiveCopy>[0],
  o: { env: Readonly<Record<string, string | undefined>>; dataDir: string; clock: () => number; log: (line: string) => void },
): { access: S3Access; buckets: string[]; archiveCopy?: ArchiveUploader } {
  const { access, buckets } = objectStorageOf(config, o.env);
  const archiveCopy = startArchiveCopy(config, { dataDir: o.dataDir, access, clock: o.clock, log: o.log });
  return { access, buckets, ...(archiveCopy ? { archiveCopy } : {}) };
}
