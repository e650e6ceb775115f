import type { KV } from '@nats-io/kv';

/** The key in the fleet's registry bucket naming the engine that deploys fences to Tile38. */
export const DEPLOYER_KEY = '_deployer';

export interface DeployLeaseOptions {
  engineId: string;
  /** A holder that has not refreshed the key for this long has lapsed: another engine takes over. */
  leaseMs: number;
  /** Told when this engine gains (true) or loses (false) the lease. */
  onChange: (holding: boolean) => void;
  clock?: () => number;
  log?: (line: string) => void;
}

/**
 * One deployer for a fleet, without a clock shared between engines: the holder rewrites `_deployer` (compare-and-set on
 * its revision) every third of the lease; the others note when they last saw its revision move, and when it has not
 * moved for a whole lease, one takes it over by a compare-and-set on the revision it saw — only one such write can win.
 * A holder whose refresh is refused (taken over) or has failed for a whole lease stops deploying at once; a stopping
 * holder deletes the key so another takes over without waiting.
 */
export class DeployLease {
  private holding = false;
  private revision = 0;
  private refreshedAt = 0;
  private seenRevision = 0;
  private seenAt = 0;
  private timer?: NodeJS.Timeout;
  private ticking: Promise<void> = Promise.resolve();
  private troubled = false;
  /** The engine holding the lease, as last seen. */
  holder?: string;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;

  constructor(
    private readonly kv: KV,
    private readonly options: DeployLeaseOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.log = options.log ?? (() => {});
  }

  get isHolder(): boolean {
    return this.holding;
  }

  /** Looks at once (a free lease is taken straight away), then every third of the lease. */
  async start(): Promise<void> {
    await (this.ticking = this.tick());
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick());
    }, this.options.leaseMs / 3);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.ticking;
    if (!this.holding) return;
    await this.kv.delete(DEPLOYER_KEY, { previousSeq: this.revision }).catch(() => undefined);
    this.set(false);
  }

  private value(): string {
    return JSON.stringify({ engine: this.options.engineId, at: this.clock() });
  }

  private async tick(): Promise<void> {
    const now = this.clock();
    try {
      if (this.holding) {
        this.revision = await this.kv.update(DEPLOYER_KEY, this.value(), this.revision);
        this.refreshedAt = now;
      } else {
        const entry = await this.kv.get(DEPLOYER_KEY);
        const holder = entry?.operation === 'PUT' ? engineOf(entry.string()) : undefined;
        this.holder = holder;
        if (!entry || entry.operation !== 'PUT') this.revision = await this.kv.create(DEPLOYER_KEY, this.value());
        else if (holder === this.options.engineId)
          // Its own lease from before a restart: nobody else deploys meanwhile, so it takes it back at once.
          this.revision = await this.kv.update(DEPLOYER_KEY, this.value(), entry.revision);
        else if (entry.revision !== this.seenRevision) {
          this.seenRevision = entry.revision;
          this.seenAt = now;
          return;
        } else if (now - this.seenAt < this.options.leaseMs) return;
        else {
          this.revision = await this.kv.update(DEPLOYER_KEY, this.value(), entry.revision);
          this.log(`fences: ${holder ?? 'the deployer'} has not renewed the Tile38 deploy lease for ${Math.round((now - this.seenAt) / 1000)} s: taken over`);
        }
        this.refreshedAt = now;
        this.holder = this.options.engineId;
        this.set(true);
      }
      this.troubled = false;
    } catch (err) {
      if (/wrong last sequence/i.test((err as Error).message)) {
        // Another engine wrote the key first: it holds the lease.
        if (this.holding) this.log('fences: another engine took the Tile38 deploy lease: this engine stops deploying');
        this.set(false);
        return;
      }
      if (!this.troubled) this.log(`fences: the Tile38 deploy lease cannot be read or renewed: ${(err as Error).message}`);
      this.troubled = true;
      // Unrenewed for a whole lease: the others may have taken over already.
      if (this.holding && now - this.refreshedAt >= this.options.leaseMs) this.set(false);
    }
  }

  private set(holding: boolean): void {
    if (holding === this.holding) return;
    this.holding = holding;
    if (!holding) this.seenRevision = 0;
    this.options.onChange(holding);
  }
}

function engineOf(value: string): string | undefined {
  try {
    const engine = (JSON.parse(value) as { engine?: unknown }).engine;
    return typeof engine === 'string' ? engine : undefined;
  } catch {
    return undefined;
  }
}
