import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Fence, FenceInput } from '../../shared/fence';
import { RpcError } from '../../shared/rpc';
import type { Config } from '../config';
import { natsConnectionOptions } from '../nats';
import { editedMeanwhile, featuresOf, fenceOfFeature, FenceValidationError, parseFence, type FenceRecord, type FenceRegistry } from './fence-registry';
import type { FenceWrites, ImportResult } from './fence-writes';

export const FENCES_BUCKET = 'hexwatch-fences';
/** Made once by the first engine to use the bucket: it seeds the bucket with its own fences, every later engine adopts the bucket's. */
const SEEDED_KEY = '_seeded';
/** Versions kept per fence (JetStream's most): the versions list of each fence shows these. */
const HISTORY = 64;
/** Compare-and-set tries of a write without an expected version, when other engines keep writing the same fence. */
const TRIES = 8;
const RETRY_OPEN_MS = 5000;

/** A fence's key: `f.` and its id, with `.`, `:` and `=` (allowed in ids, not inside a key's token) written `=2E`, `=3A`, `=3D`. */
export const keyOfFence = (id: string) => `f.${id.replace(/[.:=]/g, (c) => `=${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;

export interface FenceBucketOptions {
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  engineId: string;
  /** This engine's fences.sqlite: a cache of the bucket, which every change seen is applied to. */
  cache: FenceRegistry;
  clock?: () => number;
  log?: (line: string) => void;
}

export type BucketState = 'connecting' | 'watching' | 'error';

/**
 * The fleet's fences in one JetStream key-value bucket, `hexwatch-fences`: a key per fence holding its latest version
 * (a deletion is a version too, so numbers never repeat), its last 64 versions in the key's history. Every write is a
 * compare-and-set on the key's revision, so an edit made meanwhile on another engine is refused like one made here;
 * every engine watches the bucket and applies what changes to its cache, whose listeners deploy and tell clients.
 */
export class FenceBucket implements FenceWrites {
  private nc?: NatsConnection;
  private kv?: KV;
  private watcher?: Awaited<ReturnType<KV['watch']>>;
  private watching?: Promise<void>;
  private retry?: NodeJS.Timeout;
  private stopped = false;
  private pending: FenceRecord[] = [];
  private readonly warned = new Set<string>();
  private readonly opened: Promise<KV>;
  private resolveOpened!: (kv: KV) => void;
  state: BucketState = 'connecting';
  error?: string;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: FenceBucketOptions) {
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => {});
    this.opened = new Promise((resolve) => (this.resolveOpened = resolve));
  }

  /** The bucket once open (the deploy lease lives in it too). */
  whenOpen(): Promise<KV> {
    return this.opened;
  }

  /** Opens the bucket and fills the cache from it; when NATS cannot be reached the cache serves reads and it tries again. */
  async start(): Promise<void> {
    try {
      await this.open();
    } catch (err) {
      this.state = 'error';
      this.error = (err as Error).message;
      this.log(`fences: the fleet's registry (${FENCES_BUCKET}) cannot be opened: ${this.error}; fences.sqlite serves meanwhile, retrying`);
      await this.nc?.close().catch(() => undefined);
      this.nc = undefined;
      if (!this.stopped) this.retry = setTimeout(() => void this.start(), RETRY_OPEN_MS);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.watcher?.stop();
    await this.watching;
    await this.nc?.drain().catch(() => undefined);
  }

  private async open(): Promise<void> {
    const [{ connect }, { Kvm, KvWatchInclude }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/kv')]);
    const { nats, env, engineId, cache } = this.options;
    this.nc = await connect(natsConnectionOptions(nats, env));
    const kv = await new Kvm(this.nc).create(FENCES_BUCKET, { history: HISTORY, replicas: nats.streamReplicas });
    let seeder = false;
    try {
      await kv.create(SEEDED_KEY, JSON.stringify({ engine: engineId, at: this.clock() }));
      seeder = true;
    } catch (err) {
      if (!wrongSequence(err)) throw err;
    }
    if (seeder) {
      const versions = cache.allVersions();
      for (const r of versions) await kv.put(keyOfFence(r.id), JSON.stringify(r));
      this.log(`fences: seeded the fleet's registry (${FENCES_BUCKET}) with ${cache.list().length} fences from this engine's fences.sqlite`);
    }
    const records: FenceRecord[] = [];
    let last = 0;
    for await (const e of await kv.history({ key: 'f.*' })) {
      last = Math.max(last, e.revision);
      const r = this.recordOf(e);
      if (r) records.push(r);
    }
    const had = new Set(cache.list().map((f) => f.id));
    cache.replaceAll(records);
    const dropped = [...had].filter((id) => !cache.get(id));
    if (dropped.length && !seeder)
      this.log(
        `fences: ${dropped.length} fences of this engine's fences.sqlite are not in the fleet's registry and left its cache (${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? '…' : ''})`,
      );
    // From the revision after the history read: one written meanwhile comes again and changes nothing.
    this.watcher = await kv.watch({ key: 'f.*', include: KvWatchInclude.AllHistory, ...(last ? { resumeFromRevision: last + 1 } : {}) });
    this.watching = (async () => {
      for await (const e of this.watcher!) {
        const r = this.recordOf(e);
        if (r) this.later(r);
      }
    })().catch((err: Error) => this.log(`fences: watching the fleet's registry stopped: ${err.message}`));
    this.kv = kv;
    this.state = 'watching';
    this.error = undefined;
    this.followConnection(this.nc);
    this.resolveOpened(kv);
  }

  /** A dropped connection shows in the status while the client reconnects by itself (the watch resumes with it). */
  private followConnection(nc: NatsConnection): void {
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          this.state = 'error';
          this.error = `NATS ${s.server} dropped the connection; reconnecting`;
        } else if (s.type === 'reconnect') {
          this.state = 'watching';
          this.error = undefined;
        }
      }
    })().catch(() => undefined);
  }

  /** Changes seen in one turn reach the cache (and Tile38, and clients) together: an import of 500 fences deploys once. */
  private later(r: FenceRecord): void {
    if (this.pending.push(r) > 1) return;
    setImmediate(() => {
      const batch = this.pending;
      this.pending = [];
      try {
        this.options.cache.applyRecords(batch);
      } catch (err) {
        this.log(`fences: could not apply ${batch.length} changes from the fleet's registry to fences.sqlite: ${(err as Error).message}`);
      }
    });
  }

  /** A bucket entry as a fence's version; one that is not (written by hand, another program) is skipped, said once per key. */
  private recordOf(e: KvEntry): FenceRecord | undefined {
    if (e.operation !== 'PUT') return undefined;
    try {
      const raw = e.json<{ id?: unknown; version?: unknown; at?: unknown; fence?: unknown }>();
      if (typeof raw.id !== 'string' || keyOfFence(raw.id) !== e.key) throw new Error(`its id does not match its key`);
      if (!Number.isInteger(raw.version) || (raw.version as number) < 1) throw new Error('no version');
      const version = raw.version as number;
      const at = typeof raw.at === 'number' ? raw.at : e.created.getTime();
      return { id: raw.id, version, at, fence: raw.fence === null ? null : { ...parseFence(raw.fence), version } };
    } catch (err) {
      if (!this.warned.has(e.key)) {
        this.warned.add(e.key);
        this.log(`fences: skipped ${e.key} in ${FENCES_BUCKET} at revision ${e.revision}: not a fence version (${(err as Error).message})`);
      }
      return undefined;
    }
  }

  private need(): KV {
    if (this.kv) return this.kv;
    throw new RpcError({
      code: 'unavailable',
      message: `the fleet's fence registry (NATS bucket ${FENCES_BUCKET}) is not open${this.error ? `: ${this.error}` : ' yet'}; fences can be read, not changed`,
    });
  }

  /**
   * Writes a fence's next version by compare-and-set on its key: `next` sees the current version (undefined when none, or
   * deleted) and returns the one to write, or throws to refuse; another engine's write meanwhile makes it look again.
   */
  private async write(id: string, next: (current: FenceRecord | undefined) => FenceRecord | undefined): Promise<FenceRecord | undefined> {
    const key = keyOfFence(id);
    for (let attempt = 1; ; attempt++) {
      const kv = this.need();
      const entry = await kv.get(key);
      const record = next(entry ? this.recordOf(entry) : undefined);
      if (!record) return undefined;
      try {
        const value = JSON.stringify(record);
        if (entry) await kv.update(key, value, entry.revision);
        else await kv.create(key, value);
        this.options.cache.applyRecords([record]);
        return record;
      } catch (err) {
        if (!wrongSequence(err) || attempt >= TRIES) throw err;
      }
    }
  }

  async save(input: FenceInput, expectedVersion?: number): Promise<Fence> {
    const parsed = parseFence(input);
    const record = await this.write(parsed.id, (current) => {
      const live = current?.fence ? current.version : 0;
      if (expectedVersion !== undefined && live !== expectedVersion) throw editedMeanwhile(parsed.id, live, expectedVersion);
      const version = (current?.version ?? 0) + 1;
      return { id: parsed.id, version, at: this.clock(), fence: { ...parsed, version } };
    });
    return record!.fence!;
  }

  async setEnabled(id: string, enabled: boolean): Promise<Fence> {
    const record = await this.write(id, (current) => {
      if (!current?.fence) throw new FenceValidationError(id, [{ path: 'id', message: 'no such fence' }]);
      const version = current.version + 1;
      return { id, version, at: this.clock(), fence: { ...current.fence, enabled, version } };
    });
    return record!.fence!;
  }

  async remove(id: string): Promise<boolean> {
    const record = await this.write(id, (current) => (current?.fence ? { id, version: current.version + 1, at: this.clock(), fence: null } : undefined));
    return record !== undefined;
  }

  async importCollection(collection: unknown): Promise<ImportResult> {
    const saved: string[] = [];
    const errors: ImportResult['errors'] = [];
    for (const [index, feature] of featuresOf(collection).entries()) {
      try {
        saved.push((await this.save(fenceOfFeature(feature as Parameters<typeof fenceOfFeature>[0], index))).id);
      } catch (err) {
        if (!(err instanceof FenceValidationError)) throw err;
        errors.push({ index, ...(err.fenceId ? { id: err.fenceId } : {}), message: err.message });
      }
    }
    return { saved, errors };
  }
}

/** JetStream's refusal of a compare-and-set: the key moved on (or exists, for a create). */
function wrongSequence(err: unknown): boolean {
  return err instanceof Error && /wrong last sequence/i.test(err.message);
}
