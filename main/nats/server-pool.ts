import { isIP } from 'node:net';
import { hostOf, serverUrl } from './options';

/** One server to try: its URL and, for a server a cluster advertised, the name its TLS certificate is checked against. */
export interface PoolServer {
  url: string;
  /** TLS name for a discovered server given as an IP: the seed's host name (as the official clients do). */
  tlsName?: string;
  discovered: boolean;
}

/**
 * The servers ingest may connect to, in the order to try them: the configured seeds plus the ones a
 * cluster advertises (`connect_urls` in INFO), so one seed URL is enough to fail over. Like the
 * official clients, the order is random (unless `noRandomize`), and a server just lost goes last.
 */
export class ServerPool {
  private servers: PoolServer[];
  private readonly seed: URL;

  constructor(
    seeds: readonly string[],
    private readonly noRandomize: boolean,
    private readonly random: () => number = Math.random,
  ) {
    if (seeds.length === 0) throw new Error('no NATS server is set');
    this.servers = seeds.map((url) => ({ url, discovered: false }));
    this.seed = serverUrl(seeds[0]);
    if (!noRandomize) this.shuffle();
  }

  /** The servers in the order to try them now. */
  order(): readonly PoolServer[] {
    return this.servers;
  }

  /** Adds what a server advertises ("host:port" entries); returns how many are new. */
  learn(connectUrls: readonly string[] | undefined): number {
    let added = 0;
    for (const hostPort of connectUrls ?? []) {
      const url = this.discoveredUrl(hostPort);
      if (!url || this.servers.some((s) => sameServer(s.url, url))) continue;
      const host = hostOf(serverUrl(url));
      const seedHost = hostOf(this.seed);
      const tlsName = isIP(host) && !isIP(seedHost) ? seedHost : undefined;
      // A new server goes somewhere random in the list (or last), so engines spread over a cluster.
      const at = this.noRandomize ? this.servers.length : Math.floor(this.random() * (this.servers.length + 1));
      this.servers.splice(at, 0, { url, discovered: true, ...(tlsName ? { tlsName } : {}) });
      added++;
    }
    return added;
  }

  /** The server `url` failed or was lost: try the others first next time. */
  demote(url: string): void {
    const i = this.servers.findIndex((s) => sameServer(s.url, url));
    if (i >= 0) this.servers.push(...this.servers.splice(i, 1));
  }

  /** The first server, in the order to try them, that `open` reaches; those that fail go last. A refusal (`refused`) is thrown over a server not reached. */
  async firstTaking<T>(open: (server: PoolServer) => Promise<T>, refused: (err: unknown) => boolean, stopped: () => boolean): Promise<T> {
    let refusal: unknown;
    let last: unknown;
    for (const server of [...this.servers]) {
      if (stopped()) break;
      try {
        return await open(server);
      } catch (err) {
        this.demote(server.url);
        if (refused(err)) refusal ??= err;
        last = err;
      }
    }
    throw refusal ?? last ?? new Error('stopped');
  }

  /** A discovered server inherits the seed's scheme and credentials (the official clients do the same). */
  private discoveredUrl(hostPort: string): string | undefined {
    if (!/^[^\s/@]+:\d+$|^\[[0-9a-fA-F:.]+\]:\d+$/.test(hostPort)) return undefined;
    const auth = this.seed.username ? `${this.seed.username}${this.seed.password ? `:${this.seed.password}` : ''}@` : '';
    return `${this.seed.protocol}//${auth}${hostPort}`;
  }

  private shuffle(): void {
    const s = this.servers;
    for (let i = s.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [s[i], s[j]] = [s[j], s[i]];
    }
  }
}

/** Same host and port (scheme and credentials aside). */
function sameServer(a: string, b: string): boolean {
  const x = serverUrl(a);
  const y = serverUrl(b);
  return hostOf(x) === hostOf(y) && (x.port || '4222') === (y.port || '4222');
}
