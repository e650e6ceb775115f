/**
 * Web mode as a child process: `node bin/hexwatch.js serve --port 0 --data-dir <tmp> ...`, ready when it
 * prints `hexwatch: serving http://127.0.0.1:PORT/?token=TOKEN`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { engineEnv, hexwatchBin, makeTempDir, repoRoot, type TempDir } from './paths';
import { startProcess, waitFor, WaitAborted, type ManagedProcess } from './process';
import { callOf, connectRpc } from './rpc-client';
import type { Call } from './typed-call';

export interface WebMode {
  /** The URL the engine printed, token included. */
  readonly url: string;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  readonly proc: ManagedProcess;
  /** Stops the engine (SIGTERM, then SIGKILL) and removes a data dir it created. */
  stop(): Promise<void>;
}

export interface WebModeOptions {
  /** Use this data dir (kept); by default a temp dir is made and removed on stop. */
  dataDir?: string;
  /** More CLI arguments, e.g. ['--simulator.devices', '200']. */
  args?: string[];
  /** More environment (HEXWATCH_* of the test's own environment never reaches the engine). */
  env?: Record<string, string>;
  /** Node options for the engine process (a bench's --cpu-prof). */
  nodeArgs?: string[];
  /**
   * Start as `npm start` does on a new data dir, with the demo history and fences. Off by default: a test
   * starts from an empty history and no fences but its own (`--simulator.backfillH 0`, which its own args may override).
   */
  demo?: boolean;
  /** Greet the analyst on a first start (the welcome) as `npm start` does; off by default (`--welcome false`), so a test's page opens on the workbench. */
  welcome?: boolean;
  timeoutMs?: number;
}

const SERVING = 'hexwatch: serving ';
/** What a test's engine starts with unless it asks for the demo: no demo history, no demo fences. */
export const NO_DEMO = ['--simulator.backfillH', '0'];
/** What a test's engine starts with unless it asks for the welcome. */
export const NO_WELCOME = ['--welcome', 'false'];

export function assertBuilt(): void {
  for (const rel of ['out/main/cli.js', 'out/renderer/index.html']) {
    if (!existsSync(join(repoRoot, rel))) {
      throw new Error(`${rel} is missing: the e2e tests need the build (npm test builds; or run npm run build)`);
    }
  }
}

export async function startWebMode(options: WebModeOptions = {}): Promise<WebMode> {
  assertBuilt();
  let temp: TempDir | undefined;
  const dataDir = options.dataDir ?? (temp = await makeTempDir('hexwatch-web-')).path;
  const proc = startProcess(
    'hexwatch serve',
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      hexwatchBin,
      'serve',
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...(options.demo ? [] : NO_DEMO),
      ...(options.welcome ? [] : NO_WELCOME),
      ...(options.args ?? []),
    ],
    { cwd: repoRoot, env: engineEnv(options.env) },
  );
  let servingLine: string | undefined;
  proc.onStdoutLine((line) => {
    if (line.startsWith(SERVING)) servingLine ??= line;
  });
  const cleanup = async () => {
    await proc.stop();
    await temp?.remove();
  };
  try {
    await waitFor(
      () => {
        if (servingLine) return true;
        if (proc.hasExited()) throw new WaitAborted('it exited before serving');
        return false;
      },
      { timeoutMs: options.timeoutMs ?? 30_000, what: `"${SERVING}…" on stdout`, detail: () => proc.tail() },
    );
  } catch (err) {
    await cleanup();
    throw new Error(`hexwatch serve did not start: ${(err as Error).message}`);
  }
  const url = new URL(servingLine!.slice(SERVING.length).trim());
  const token = url.searchParams.get('token');
  if (url.protocol !== 'http:' || !token || !url.port) {
    await cleanup();
    throw new Error(`unexpected serving line: ${servingLine}`);
  }
  return {
    url: url.href,
    origin: url.origin,
    host: url.hostname,
    port: Number(url.port),
    token,
    dataDir,
    proc,
    stop: cleanup,
  };
}

export interface EngineRpc {
  /** Calls a method and resolves with its result; an error reply rejects with its message. */
  call: Call;
  close(): Promise<void>;
}

/** An RPC client of a web-mode engine over its WebSocket, token included. */
export async function engineRpc(web: WebMode): Promise<EngineRpc> {
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(`cannot reach the engine's RPC: ${c.error}`);
  return {
    call: callOf(c.client),
    close: () => c.client.close(),
  };
}
