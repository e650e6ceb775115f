import { SECRET_ENV, type ConnectionsHost, type SecretName, type SecretStore } from './connections';
import { startEngine, type Engine, type EngineClient, type EngineOptions, type EventListener } from './engine';

export interface EngineHostOptions extends Omit<EngineOptions, 'connections'> {
  /** Where the Connections screen's secrets are kept (the keychain, or this run). */
  connectionSecrets: SecretStore;
}

/**
 * An engine that can start over with new settings while its clients (a window, a browser tab) stay
 * connected: the Connections screen's Save and connect. Everything committed stays in the data dir's
 * files; each client is attached to the new engine, its heatmap view sent again, and calls made
 * meanwhile wait for it. A start that fails puts the engine back as it was and says why.
 */
export async function startEngineHost(options: EngineHostOptions): Promise<Engine> {
  const baseEnv = options.env ?? process.env;
  const { connectionSecrets: secrets, ...engineOptions } = options;
  const clients = new Set<HostedClient>();
  let restarting: Promise<void> | undefined;
  const envWithSecrets = () => {
    const env = { ...baseEnv };
    for (const [name, variable] of Object.entries(SECRET_ENV) as [SecretName, string][]) if (!env[variable]) env[variable] = secrets.load(name);
    return env;
  };
  const host: ConnectionsHost = { secrets, baseEnv, restart: (undo) => (restarting ??= restart(undo).finally(() => (restarting = undefined))) };
  const start = () => startEngine({ ...engineOptions, env: envWithSecrets(), connections: host });
  let current = await start();

  async function restart(undo: () => void): Promise<void> {
    for (const c of clients) c.detach();
    await current.stop();
    try {
      current = await start();
    } catch (err) {
      // Settings that do not start (a file that cannot be read, a refused combination): back as it was, and why.
      engineOptions.log?.(`connections: the new settings did not start: ${(err as Error).message}`);
      undo();
      current = await start();
      throw err;
    } finally {
      for (const c of clients) c.attach(current);
    }
  }

  return {
    get config() {
      return current.config;
    },
    get dataDir() {
      return current.dataDir;
    },
    get settingsPath() {
      return current.settingsPath;
    },
    status: () => current.status(),
    connect(): EngineClient {
      const client = new HostedClient(
        () => restarting,
        () => clients.delete(client),
      );
      client.attach(current);
      clients.add(client);
      return client;
    },
    async stop() {
      await restarting?.catch(() => undefined);
      for (const c of clients) c.detach();
      await current.stop();
    },
  };
}

/** One client of the hosted engine: the same object to its transport across restarts. */
class HostedClient implements EngineClient {
  private inner?: EngineClient;
  private readonly listeners = new Set<EventListener>();
  /** The view the heatmap asked for last, sent again to a new engine. */
  private viewport: unknown;

  constructor(
    private readonly restarting: () => Promise<void> | undefined,
    private readonly gone: () => void,
  ) {}

  attach(engine: Engine): void {
    this.inner = engine.connect();
    this.inner.onEvent((channel, payload) => {
      for (const l of this.listeners) l(channel, payload);
    });
    if (this.viewport !== undefined) void this.inner.call('heatmap.viewport', this.viewport).catch(() => undefined);
  }

  detach(): void {
    this.inner?.close();
    this.inner = undefined;
  }

  async call(method: string, params: unknown): Promise<unknown> {
    if (method === 'heatmap.viewport') this.viewport = params;
    // A call made while the engine starts over waits for the new one (a call that started the restart does not).
    if (!this.inner) await this.restarting()?.catch(() => undefined);
    return this.inner!.call(method, params);
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.detach();
    this.listeners.clear();
    this.gone();
  }
}
