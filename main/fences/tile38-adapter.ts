import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';
import type { Fence } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import { eventOfMessage, fenceQuery, hookName, setCommand } from './tile38-commands';

export interface Tile38Settings {
  host: string;
  port: number;
  password?: string;
  tls: boolean;
  /** The collection positions are SET into. */
  key: string;
  /** Seconds after which a silent device ages out of Tile38 (0: never). */
  expireS: number;
  /** `channel`: SETCHAN + SUBSCRIBE; `hook`: SETHOOK to NATS, events read from JetStream. */
  mode: 'channel' | 'hook';
  /** For `hook`: where Tile38 publishes, e.g. nats://127.0.0.1:4222 (the subject is events.<fence>). */
  natsEndpoint?: string;
  /** Marks our hooks in a Tile38 that others use too. */
  prefix: string;
  /** Read-only followers: reads that change nothing go to the first (the leader keeps writes and fires the hooks). */
  followers?: { host: string; port: number }[];
}

export type FenceDeployState = { state: 'deployed' | 'pending' | 'error'; message?: string; version: number };
export type Tile38State = 'connecting' | 'connected' | 'reconnecting' | 'error';

export interface Tile38AdapterOptions {
  onEvent: (e: FenceEvent) => void;
  log?: (line: string) => void;
  /**
   * Whether this engine deploys (writes hooks or channels, deletes strangers, subscribes to channels); false in a fleet
   * until it holds the deploy lease (deploy-lease.ts). Default true: one engine, its own Tile38 fences.
   */
  deployer?: boolean;
}

/** While another engine deploys, how often this one looks at what Tile38 holds (its fences' deploy state). */
const OBSERVE_MS = 2000;

/**
 * Keeps Tile38's hooks equal to the enabled fences (on every connect, so a restarted Tile38 gets them
 * back), SETs positions into it, and turns its fence messages into FenceEvents.
 */
export class Tile38Adapter {
  private readonly cmd: IORedis.Redis;
  private readonly sub?: IORedis.Redis;
  /** Reads that change nothing: a follower's connection when one is configured, else the leader's. */
  private readonly read: IORedis.Redis;
  private deployer: boolean;
  private observer?: NodeJS.Timeout;
  private desired = new Map<string, Fence>();
  private readonly deploy = new Map<string, FenceDeployState>();
  private connection: Tile38State = 'connecting';
  private lastError = '';
  private reconciling?: Promise<void>;
  private serverVersion?: string;
  private readonly log: (line: string) => void;

  constructor(
    readonly settings: Tile38Settings,
    private readonly options: Tile38AdapterOptions,
  ) {
    this.log = options.log ?? (() => {});
    this.deployer = options.deployer ?? true;
    const base = {
      host: settings.host,
      port: settings.port,
      ...(settings.password ? { password: settings.password } : {}),
      ...(settings.tls ? { tls: {} } : {}),
      enableReadyCheck: false,
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(200 * 2 ** Math.min(times, 5), 5000),
    };
    // ioredis is loaded in Tile38 mode only: 30–45 ms of start-up for everyone else.
    const { Redis } = createRequire(import.meta.url)('ioredis') as typeof IORedis;
    this.cmd = new Redis(base);
    const follower = settings.followers?.[0];
    this.read = follower ? new Redis({ ...base, host: follower.host, port: follower.port }) : this.cmd;
    if (follower) this.read.on('error', (err: Error) => this.log(`tile38: follower ${follower.host}:${follower.port}: ${err.message}`));
    this.cmd.on('ready', () => {
      this.connection = 'connected';
      this.reconciling = this.reconcile();
      void this.readServerVersion();
    });
    this.cmd.on('reconnecting', () => {
      this.connection = 'reconnecting';
      for (const [id, s] of this.deploy) this.deploy.set(id, { ...s, state: 'pending', message: 'waiting for Tile38' });
    });
    this.cmd.on('error', (err: Error) => {
      this.lastError = err.message;
      if (this.connection !== 'connected') this.connection = this.connection === 'connecting' ? 'error' : this.connection;
    });
    if (settings.mode === 'channel') {
      this.sub = new Redis(base);
      this.sub.on('error', () => {}); // the command connection reports the same trouble
      this.sub.on('message', (_channel: string, message: string) => {
        const e = eventOfMessage(message, settings.prefix);
        if (e) this.options.onEvent(e);
      });
    }
  }

  async start(): Promise<void> {
    this.observer = setInterval(() => {
      if (!this.deployer && this.connection === 'connected') this.reconciling = this.reconcile();
    }, OBSERVE_MS);
    await Promise.all([this.cmd.connect(), this.sub?.connect(), this.read !== this.cmd && this.read.connect()].filter(Boolean)).catch((err: Error) => {
      this.lastError = err.message;
      this.log(`tile38: ${this.where()} unreachable (${err.message}); retrying`);
    });
    await this.reconciling;
  }

  async stop(): Promise<void> {
    clearInterval(this.observer);
    this.cmd.disconnect();
    this.sub?.disconnect();
    if (this.read !== this.cmd) this.read.disconnect();
  }

  /** Where reads that change nothing go. */
  get readsFrom(): string {
    const f = this.settings.followers?.[0];
    return f ? `${f.host}:${f.port}` : this.where();
  }

  get isDeployer(): boolean {
    return this.deployer;
  }

  /**
   * Becomes the fleet's deployer (deploys every fence, deletes strangers, subscribes to the channels) or stops being one
   * (unsubscribes at once, so each channel event enters one engine's queue). Resolves once done, when connected.
   */
  async setDeployer(on: boolean): Promise<void> {
    if (on === this.deployer) return;
    this.deployer = on;
    this.log(`tile38: this engine ${on ? 'now deploys the fleet’s fences' : 'no longer deploys fences (another engine does)'}`);
    if (!on) await this.sub?.unsubscribe().catch((err: Error) => this.log(`tile38: unsubscribing: ${err.message}`));
    if (this.connection === 'connected') await (this.reconciling = this.reconcile());
  }

  get state(): { connection: Tile38State; error?: string; fences: Record<string, FenceDeployState>; serverVersion?: string } {
    return {
      connection: this.connection,
      ...(this.lastError && this.connection !== 'connected' ? { error: this.lastError } : {}),
      fences: Object.fromEntries(this.deploy),
      ...(this.serverVersion ? { serverVersion: this.serverVersion } : {}),
    };
  }

  /** Tile38's SERVER answers its statistics as key, value, key, value… over RESP; `version` is its release. */
  private async readServerVersion(): Promise<void> {
    try {
      const reply = (await this.read.call('SERVER')) as unknown;
      const pairs = Array.isArray(reply) ? (reply as unknown[]) : [];
      const at = pairs.indexOf('version');
      if (at >= 0 && typeof pairs[at + 1] === 'string') this.serverVersion = pairs[at + 1] as string;
    } catch (err) {
      // Only the About box reads it: the connection's own trouble is reported by its state.
      this.log(`tile38: cannot read its version: ${(err as Error).message}`);
    }
  }

  /** The fences Tile38 should have (disabled ones are undeployed). Resolves once applied, when connected. */
  async setFences(fences: readonly Fence[]): Promise<void> {
    this.desired = new Map(fences.filter((f) => f.enabled).map((f) => [f.id, f]));
    for (const id of this.deploy.keys()) if (!this.desired.has(id)) this.deploy.delete(id);
    for (const f of this.desired.values()) {
      const s = this.deploy.get(f.id);
      if (!s || s.version !== f.version || s.state !== 'deployed') this.deploy.set(f.id, { state: 'pending', version: f.version });
    }
    if (this.connection === 'connected') await (this.reconciling = this.reconcile());
  }

  /** One raw command (administration, tests). */
  command(name: string, ...args: string[]): Promise<unknown> {
    return this.cmd.call(name, ...args);
  }

  /** SETs fixes, pipelined and in order; resolves when Tile38 has applied them (and fired its hooks). */
  async publish(fixes: readonly { id: string; lat: number; lon: number; ts: number }[]): Promise<void> {
    if (fixes.length === 0) return;
    const p = this.cmd.pipeline();
    for (const f of fixes) {
      const [name, ...args] = setCommand(this.settings.key, f, this.settings.expireS);
      p.call(name, ...args);
    }
    const results = await p.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw new Error(`tile38: SET failed: ${(failed[0] as Error).message}`);
  }

  /** Makes Tile38's hooks with our prefix exactly the desired ones; an engine that does not deploy only looks at them. */
  private async reconcile(): Promise<void> {
    const { prefix, mode } = this.settings;
    const list = mode === 'channel' ? 'CHANS' : 'HOOKS';
    const del = mode === 'channel' ? 'DELCHAN' : 'DELHOOK';
    if (!this.deployer) return this.observe(list);
    try {
      const existing = ((await this.cmd.call(list, `${prefix}*`)) as unknown[][]).map((h) => String(h[0]));
      for (const name of existing) if (!this.desired.has(name.slice(prefix.length))) await this.cmd.call(del, name);
      for (const f of this.desired.values()) {
        const name = hookName(prefix, f.id);
        try {
          const query = fenceQuery(f, this.settings.key);
          if (mode === 'channel') await this.cmd.call('SETCHAN', name, ...query);
          // Acked JetStream publishes: Tile38 retries until the stream has the event.
          else await this.cmd.call('SETHOOK', name, `${this.settings.natsEndpoint}/events.${f.id}?jetstream=true`, ...query);
          this.deploy.set(f.id, { state: 'deployed', version: f.version });
        } catch (err) {
          this.deploy.set(f.id, { state: 'error', message: (err as Error).message, version: f.version });
          this.log(`tile38: fence ${f.id} refused: ${(err as Error).message}`);
        }
      }
      if (this.sub) {
        const names = [...this.desired.keys()].map((id) => hookName(prefix, id));
        if (names.length) await this.sub.subscribe(...names);
      }
    } catch (err) {
      this.lastError = (err as Error).message;
      this.log(`tile38: reconciling fences failed: ${(err as Error).message}`);
    }
  }

  /** Another engine deploys: each fence is deployed when Tile38 holds its hook (read from a follower when there is one). */
  private async observe(list: string): Promise<void> {
    try {
      const existing = new Set(((await this.read.call(list, `${this.settings.prefix}*`)) as unknown[][]).map((h) => String(h[0])));
      for (const f of this.desired.values())
        this.deploy.set(
          f.id,
          existing.has(hookName(this.settings.prefix, f.id))
            ? { state: 'deployed', version: f.version }
            : { state: 'pending', message: 'waiting for the engine that deploys the fleet’s fences', version: f.version },
        );
    } catch (err) {
      this.lastError = (err as Error).message;
    }
  }

  private where(): string {
    return `${this.settings.host}:${this.settings.port}`;
  }
}
