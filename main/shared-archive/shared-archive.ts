import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { listFinishedParts, retentionBound, rollCutoff } from '../archive';
import { copyOutlives, PeriodicPass, UploadJournal, type ArchiveUploadStatus } from '../s3';
import type { ArchivePlace } from './archive-place';
import { compactParts, splitByPartition } from './part-split';
import { compactedName, groupOf, parseLocalPart, parseSharedKey, sharedKeyOf, type SharedKey } from './shared-layout';

/** A replaced part's copy stays this long: a notebook that listed it a moment ago (on a busy machine, seconds) still reads it. */
const COPY_GRACE_MS = 20_000;
/** Named steps of the owner's compaction; a test hook that throws at one simulates a crash there. */
export type SharedFaultPoint = 'shared-compact:put' | 'shared-compact:removed-one';

export interface SharedArchiveOptions {
  dataDir: string;
  place: ArchivePlace;
  /** This engine's name in the place (`engine=<id>/`). */
  engineId: string;
  /** cluster.partitions: positions split by device into this many partition folders; 0: not split, never compacted here. */
  partitions: number;
  /** Whether this engine owns a partition now (its JetStream pin): only an owner compacts a partition's hours. */
  owns: (partition: number) => boolean;
  intervalMs: number;
  /** An hour is compacted once it ended this long ago: every engine has rolled and published it by then. */
  graceMs: number;
  /** history.retentionDays: a part gone locally because its hour expired stays in the place. */
  retentionDays: number;
  clock: () => number;
  log: (line: string) => void;
  fault?: (point: SharedFaultPoint) => void;
}

export interface CompactionResult {
  /** Hours and partitions compacted in this pass. */
  groups: number;
  /** Parts removed in this pass: the inputs of the last pass's compactions. */
  partsRemoved: number;
  /** Rows dropped as a second copy of a stream sequence. */
  duplicates: number;
}

const TABLES = ['positions', 'fence_events', 'market'];

/**
 * This engine's share of the fleet's one archive: each finished local part (positions, fence events,
 * market) is put in the shared place under this engine's name — positions split by partition when the
 * stream is partitioned — and the hours of the partitions this engine owns are compacted there (every
 * engine's parts of an hour and partition → one, each sequence once, the inputs removed at the next pass).
 * The compacted part is put before any input goes, so a reader sees both or one; readers dedupe by sequence
 * wherever an hour and partition holds more than one part (notebooks/views.ts). Nothing here stops the engine.
 */
export class SharedArchive {
  private readonly journal: UploadJournal;
  private readonly passes: PeriodicPass;
  private pending = 0;
  private lastCopyAt?: number;
  /** Inputs of the last pass's compactions: removed at the next pass, so a query that listed them a moment ago still reads them. */
  private retiring: string[] = [];
  /** Copies of local parts replaced or expired, and when that was seen: removed once a query that listed them has read them. */
  private retiringCopies: { key: string; at: number }[] = [];

  constructor(private readonly o: SharedArchiveOptions) {
    // Not keyed by the partition count: after a change, parts already there stay as they were split, never put twice.
    this.journal = new UploadJournal(join(o.dataDir, 'shared-archive.json'), `${o.place.url} ${o.engineId}`);
    this.passes = new PeriodicPass({
      intervalMs: o.intervalMs,
      pass: async () => {
        await this.publish();
        await this.compact();
      },
      describe: (err) => `the shared archive ${o.place.url}: ${err.message}`,
      log: (line) => o.log(`archive: ${line}`),
    });
  }

  start(): void {
    this.passes.start();
  }

  stop(): Promise<void> {
    return this.passes.stop();
  }

  /** Whether a local part (relative to `<dataDir>/archive`) is in the place as it is now. */
  published(rel: string): boolean {
    return this.journal.get(rel) !== undefined;
  }

  status(): ArchiveUploadStatus {
    return {
      target: this.o.place.url,
      copied: this.journal.size,
      pending: this.pending,
      ...(this.lastCopyAt ? { lastCopyAt: this.lastCopyAt } : {}),
      ...(this.passes.error ? { error: this.passes.error } : {}),
    };
  }

  /** One pass now (publish, then compact what this engine owns), after any pass under way. */
  syncNow(): Promise<CompactionResult> {
    return this.passes.now(async () => {
      await this.publish();
      return this.compact();
    });
  }

  /** Puts every local part not in the place yet; forgets (and, unsplit, removes) the copies of parts gone locally. */
  private async publish(): Promise<void> {
    const due = this.o.clock() - COPY_GRACE_MS;
    for (const { key } of this.retiringCopies.filter((r) => r.at <= due)) await this.o.place.remove(key);
    this.retiringCopies = this.retiringCopies.filter((r) => r.at > due);
    const root = join(this.o.dataDir, 'archive');
    const local = await listFinishedParts(this.o.dataDir, TABLES);
    // Only parts hexwatch named: their hour and name make the shared key.
    for (const rel of local.keys()) if (!parseLocalPart(rel)) local.delete(rel);
    const todo = this.journal.outdated(local);
    this.pending = todo.length;
    for (const [rel, part] of todo) {
      if (this.passes.isStopped) return;
      try {
        await this.put(rel, join(root, rel));
      } catch (err) {
        // Compacted or expired away since the listing: the next pass sees it gone.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      await this.journal.set(rel, part);
      this.pending--;
      this.lastCopyAt = this.o.clock();
    }
    const expiredBefore = retentionBound(this.o.clock(), this.o.retentionDays);
    for (const rel of this.journal.paths().filter((r) => !local.has(r))) {
      if (this.passes.isStopped) return;
      // A split part's copies may already be in an owner's compacted part: they stay, and the owner's dedupe drops the repeat.
      const split = this.o.partitions > 0 && rel.startsWith('positions/');
      if (!split && !copyOutlives(rel, expiredBefore)) this.retiringCopies.push({ key: this.keyOf(rel), at: this.o.clock() });
      await this.journal.forget(rel);
    }
    if (todo.length) this.o.log(`archive: put ${todo.length} part${todo.length === 1 ? '' : 's'} in the shared archive ${this.o.place.url}`);
  }

  private keyOf(rel: string, partition?: number): string {
    const p = parseLocalPart(rel)!;
    return sharedKeyOf({ table: p.table, hour: p.hour, engine: this.o.engineId, file: p.file, ...(partition !== undefined ? { partition } : {}) });
  }

  private async put(rel: string, file: string): Promise<void> {
    if (!(this.o.partitions > 0 && rel.startsWith('positions/'))) return this.o.place.put(this.keyOf(rel), file);
    const scratch = await this.scratch();
    try {
      // Each piece keeps the local part's name: put again after a crash, it replaces itself.
      const pieces = await splitByPartition(file, this.o.partitions, scratch, parseLocalPart(rel)!.file);
      for (const [p, piece] of pieces) await this.o.place.put(this.keyOf(rel, p), piece);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private async scratch(): Promise<string> {
    const dir = join(this.o.dataDir, 'shared-archive-scratch');
    await mkdir(dir, { recursive: true });
    return mkdtemp(join(dir, 'work-'));
  }

  /**
   * Every ended hour of a partition this engine owns that holds more than one part → one part under this
   * engine, each sequence once; then the inputs go. Partitions it does not own are left as they are.
   */
  async compact(): Promise<CompactionResult> {
    const result: CompactionResult = { groups: 0, partsRemoved: 0, duplicates: 0 };
    if (!(this.o.partitions > 0)) return result;
    // Until they go, their hour and partition holds the compacted part too: readers dedupe it.
    for (const [i, k] of this.retiring.entries()) {
      await this.o.place.remove(k);
      if (i === 0) this.o.fault?.('shared-compact:removed-one');
    }
    result.partsRemoved = this.retiring.length;
    this.retiring = [];
    const cutoff = rollCutoff(this.o.clock(), this.o.graceMs);
    const groups = new Map<string, { key: SharedKey; keys: string[] }>();
    for (const key of await this.o.place.list('positions')) {
      const k = parseSharedKey(key);
      if (!k || k.partition === undefined || k.hour >= cutoff || !this.o.owns(k.partition)) continue;
      const g = groups.get(groupOf(k)) ?? { key: k, keys: [] };
      g.keys.push(key);
      groups.set(groupOf(k), g);
    }
    for (const { key, keys } of groups.values()) {
      if (keys.length < 2 || this.passes.isStopped) continue;
      const scratch = await this.scratch();
      try {
        const inputs: string[] = [];
        for (const k of keys) inputs.push(await this.o.place.fetch(k, scratch));
        const out = join(scratch, 'compacted.parquet');
        const { read, written } = await compactParts(inputs, out);
        await this.o.place.put(sharedKeyOf({ ...key, engine: this.o.engineId, file: compactedName(randomUUID()) }), out);
        this.o.fault?.('shared-compact:put');
        this.retiring.push(...keys);
        result.groups++;
        result.duplicates += read - written;
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    }
    if (result.groups)
      this.o.log(
        `archive: compacted ${result.groups} hour-partitions of the shared archive (${result.partsRemoved} parts, ${result.duplicates} repeated positions dropped)`,
      );
    return result;
  }
}
