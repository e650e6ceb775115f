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

/** nats-server: HEXWATCH_NATS_SERVER (set by npm test), else PATH (Debian puts it in /usr/sbin). */
export function natsServerPath(): string | undefined {
  const fromEnv = process.env.HEXWATCH_NATS_SERVER;
  return executable(fromEnv) ? fromEnv : onPath('nats-server', ['/usr/sbin', '/usr/bin']);
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
export function startNats(options: { timeoutMs?: number; args?: string[] } = {}): Promise<RunningServer> {
  return startServer(
    'nats-server',
    natsServerPath(),
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
