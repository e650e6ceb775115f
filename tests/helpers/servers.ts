/**
 * Real servers for integration tests, each on a free loopback port with its data in a temp dir:
 * nats-server with JetStream and tile38-server. Readiness is polled (bounded), never slept for.
 */
import { accessSync, constants } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { makeTempDir, repoRoot } from './paths';
import { startProcess, waitFor, WaitAborted, type ManagedProcess } from './process';

const LOOPBACK = '127.0.0.1';

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Opens a TCP connection, optionally writes `send`, and resolves with what the server sent until
 * `until` matches (or rejects on error/timeout). The socket is closed either way.
 */
export function tcpExchange(port: number, options: { send?: string; until: RegExp; timeoutMs?: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    let settled = false;
    const socket: Socket = connect({ host: LOOPBACK, port });
    const done = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(received);
    };
    const timer = setTimeout(() => done(new Error(`no answer matching ${options.until} within ${options.timeoutMs ?? 2000} ms`)), options.timeoutMs ?? 2000);
    socket.setEncoding('utf8');
    socket.once('connect', () => {
      if (options.send) socket.write(options.send);
    });
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (options.until.test(received)) done();
    });
    socket.once('error', done);
    socket.once('close', () => done(new Error(`connection closed; got ${JSON.stringify(received.slice(0, 200))}`)));
  });
}

function executable(path: string | undefined): path is string {
  if (!path) return false;
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, extra: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extra].filter(Boolean);
  return dirs.map((d) => join(d, name)).find(executable);
}

/** nats-server: HEXWATCH_NATS_SERVER (npm test sets it to a current release), else PATH (Debian puts it in /usr/sbin). */
export function natsServerPath(): string | undefined {
  const fromEnv = process.env.HEXWATCH_NATS_SERVER;
  return executable(fromEnv) ? fromEnv : onPath('nats-server', ['/usr/sbin', '/usr/bin']);
}

/** The oldest nats-server hexwatch supports (Debian's 2.9): HEXWATCH_NATS_SERVER_OLDEST (set by npm test), else Debian's. */
export function oldestNatsServerPath(): string | undefined {
  const fromEnv = process.env.HEXWATCH_NATS_SERVER_OLDEST;
  return executable(fromEnv) ? fromEnv : ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find(executable);
}

/** tile38-server: HEXWATCH_TILE38_SERVER (set by npm test), else .cache/bin, else PATH. */
export function tile38ServerPath(): string | undefined {
  const fromEnv = process.env.HEXWATCH_TILE38_SERVER;
  if (executable(fromEnv)) return fromEnv;
  const cached = join(repoRoot, '.cache', 'bin', 'tile38-server');
  return executable(cached) ? cached : onPath('tile38-server');
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** nats://127.0.0.1:PORT or redis://127.0.0.1:PORT */
  readonly url: string;
  readonly dataDir: string;
  readonly proc: ManagedProcess;
  /** Stops the server and removes its data dir. */
  stop(): Promise<void>;
}

async function startServer(
  kind: string,
  binary: string | undefined,
  install: string,
  args: (port: number, dir: string) => string[],
  ready: (port: number) => Promise<boolean>,
  scheme: string,
  timeoutMs: number,
  fixedPort?: number,
): Promise<RunningServer> {
  if (!binary) throw new Error(`hexwatch tests need ${kind}: ${install}`);
  const dir = await makeTempDir(`hexwatch-${kind}-`);
  // A port taken between freePort() and the server's bind is retried with another one.
  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort());
    const proc = startProcess(kind, binary, args(port, dir.path));
    const stop = async () => {
      await proc.stop();
      await dir.remove();
    };
    try {
      await waitFor(
        async () => {
          if (proc.hasExited()) throw new WaitAborted(`${kind} exited`);
          return ready(port);
        },
        { timeoutMs, what: `${kind} on ${LOOPBACK}:${port}`, detail: () => proc.tail() },
      );
      return { host: LOOPBACK, port, url: `${scheme}://${LOOPBACK}:${port}`, dataDir: dir.path, proc, stop };
    } catch (err) {
      const exited = proc.hasExited();
      await proc.stop();
      if (exited && attempt < 3 && /address already in use/i.test(proc.stderr() + proc.stdout())) continue;
      await dir.remove();
      throw new Error(`${kind} did not start: ${(err as Error).message}`);
    }
  }
}

/** nats-server with JetStream (`-js -sd <tmp> -a 127.0.0.1 -p <free port>`), ready when its INFO says jetstream. */
export function startNats(options: { timeoutMs?: number; args?: string[]; binary?: string } = {}): Promise<RunningServer> {
  return startServer(
    'nats-server',
    options.binary ?? natsServerPath(),
    'install Debian\'s "nats-server" package (apt-get install nats-server)',
    (port, dir) => ['-js', '-sd', dir, '-a', LOOPBACK, '-p', String(port), ...(options.args ?? [])],
    async (port) => {
      const info = await tcpExchange(port, { until: /^INFO .*\r\n/ });
      const json = JSON.parse(info.slice(5, info.indexOf('\r\n'))) as { jetstream?: boolean };
      return json.jetstream === true;
    },
    'nats',
    options.timeoutMs ?? 20_000,
  );
}

/**
 * tile38-server (`-h 127.0.0.1 -p <free port> -d <tmp>`), ready when it answers PING with PONG. `port`
 * restarts one where a stopped one listened (with a fresh, empty data folder).
 */
export function startTile38(options: { timeoutMs?: number; args?: string[]; port?: number } = {}): Promise<RunningServer> {
  return startServer(
    'tile38-server',
    tile38ServerPath(),
    'npm test builds it with go install into .cache/bin; or put tile38-server on PATH or set HEXWATCH_TILE38_SERVER',
    (port, dir) => ['-h', LOOPBACK, '-p', String(port), '-d', dir, ...(options.args ?? [])],
    async (port) => /PONG/.test(await tcpExchange(port, { send: 'PING\r\n', until: /PONG|\r\n/ })),
    'redis',
    options.timeoutMs ?? 20_000,
    options.port,
  );
}

export interface NatsNode {
  readonly name: string;
  readonly port: number;
  readonly url: string;
  proc: ManagedProcess;
  /** Starts the node again (same ports and store) after it was stopped or killed. */
  restart(): Promise<void>;
}

export interface NatsCluster {
  readonly nodes: NatsNode[];
  /** Every node's URL, for a client that may use any of them. */
  readonly urls: string[];
  stop(): Promise<void>;
}

/**
 * A JetStream cluster of `size` nats-server nodes on loopback ports (each its own store in a temp dir),
 * ready when every node answers the JetStream API (a meta leader is elected).
 */
export async function startNatsCluster(options: { size?: number; binary?: string; timeoutMs?: number } = {}): Promise<NatsCluster> {
  const size = options.size ?? 3;
  const binary = options.binary ?? natsServerPath();
  if (!binary) throw new Error('hexwatch tests need nats-server: npm test provisions it');
  const dir = await makeTempDir('hexwatch-nats-cluster-');
  const ports = await Promise.all(Array.from({ length: size }, () => freePort()));
  const routes = await Promise.all(Array.from({ length: size }, () => freePort()));
  const args = (i: number) => [
    '-js',
    '-sd',
    join(dir.path, `n${i}`),
    '-a',
    LOOPBACK,
    '-p',
    String(ports[i]),
    '--server_name',
    `n${i}`,
    '--cluster_name',
    'hexwatch-test',
    '--cluster',
    `nats://${LOOPBACK}:${routes[i]}`,
    '--routes',
    routes
      .filter((_, j) => j !== i)
      .map((p) => `nats://${LOOPBACK}:${p}`)
      .join(','),
  ];
  const nodes: NatsNode[] = ports.map((port, i) => {
    const node: NatsNode = {
      name: `n${i}`,
      port,
      url: `nats://${LOOPBACK}:${port}`,
      proc: startProcess(`nats-server n${i}`, binary, args(i)),
      async restart() {
        node.proc = startProcess(`nats-server n${i}`, binary, args(i));
        await waitFor(() => jetStreamAnswers(port), { timeoutMs: 30_000, what: `nats-server n${i} back with JetStream`, detail: () => node.proc.tail() });
      },
    };
    return node;
  });
  // Its data is thrown away: no graceful shutdown to wait for (a node in lame duck mode takes its time).
  const stop = async () => {
    for (const n of nodes) n.proc.child.kill('SIGKILL');
    await Promise.all(nodes.map((n) => n.proc.exited));
    await dir.remove();
  };
  try {
    for (const n of nodes) {
      await waitFor(() => jetStreamAnswers(n.port), { timeoutMs: options.timeoutMs ?? 30_000, what: `JetStream on ${n.name}`, detail: () => n.proc.tail() });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, urls: nodes.map((n) => n.url), stop };
}

/** True when the server at `port` answers a JetStream API request with account info (not an error). */
async function jetStreamAnswers(port: number): Promise<boolean> {
  const reply = await tcpExchange(port, {
    send: 'CONNECT {"verbose":false,"headers":true,"no_responders":true}\r\nSUB _INBOX.ready 1\r\nPUB $JS.API.INFO _INBOX.ready 0\r\n\r\n',
    until: /MSG _INBOX\.ready 1 \d+\r\n.*\r\n|HMSG _INBOX\.ready/,
    timeoutMs: 3000,
  }).catch(() => '');
  return /"memory"/.test(reply) && !/"error"/.test(reply);
}

export interface RestartableNats {
  readonly url: string;
  readonly port: number;
  /** The running server (after start), to stop or kill. */
  proc: ManagedProcess;
  /** Starts nats-server again on the same port with the same store (an outage ends). */
  start(): Promise<void>;
  /** Stops it if it runs, and removes its store. */
  remove(): Promise<void>;
}

/** A nats-server that can go down and come back on the same port with its JetStream store: for outage tests. */
export async function startRestartableNats(): Promise<RestartableNats> {
  const binary = natsServerPath();
  if (!binary) throw new Error('hexwatch tests need nats-server: npm test provisions it');
  const store = await makeTempDir('hexwatch-nats-store-');
  const port = await freePort();
  const nats: RestartableNats = {
    url: `nats://${LOOPBACK}:${port}`,
    port,
    proc: undefined as unknown as ManagedProcess,
    async start() {
      nats.proc = startProcess('nats-server', binary, ['-js', '-sd', store.path, '-a', LOOPBACK, '-p', String(port)]);
      await waitFor(async () => /jetstream/.test(await tcpExchange(port, { until: /^INFO .*\r\n/ }).catch(() => '')), {
        timeoutMs: 20_000,
        what: 'nats-server up',
        detail: () => nats.proc.tail(),
      });
    },
    async remove() {
      await nats.proc?.stop();
      await store.remove();
    },
  };
  await nats.start();
  return nats;
}
