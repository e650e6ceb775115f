/**
 * A real S3-compatible store on loopback for the S3 tests: SeaweedFS's `weed server -s3` (master, volume,
 * filer and S3 gateway in one process, every port a free one, its data in a temp dir), with one identity
 * whose key and secret the test knows. `npm test` provisions `weed` into .cache/bin (scripts/provision.mjs).
 */
import { accessSync, constants, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, repoRoot } from './paths';
import { startProcess, waitFor, WaitAborted } from './process';
import { freePort } from './servers';

export const S3_TEST_KEY = { accessKeyId: 'HEXWATCHTESTKEY', secretAccessKey: 'hexwatch-test-secret' };

/** weed: HEXWATCH_WEED (set by npm test), else .cache/bin/weed. */
export function weedPath(): string | undefined {
  for (const p of [process.env.HEXWATCH_WEED, join(repoRoot, '.cache', 'bin', 'weed')]) {
    if (!p) continue;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export interface S3Store {
  /** http://127.0.0.1:PORT, the endpoint path-style requests go to. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Store(options: { timeoutMs?: number } = {}): Promise<S3Store> {
  const weed = weedPath();
  if (!weed) throw new Error('hexwatch tests need SeaweedFS (weed): npm test provisions it into .cache/bin');
  const dir = await makeTempDir('hexwatch-s3-');
  const config = join(dir.path, 's3.json');
  writeFileSync(
    config,
    JSON.stringify({
      identities: [
        {
          name: 'hexwatch',
          credentials: [{ accessKey: S3_TEST_KEY.accessKeyId, secretKey: S3_TEST_KEY.secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List'],
        },
      ],
    }),
  );
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3, s3Grpc] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
  const proc = startProcess('weed server', weed, [
    'server',
    `-dir=${dir.path}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    '-master.volumeSizeLimitMB=64',
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    '-volume.max=8',
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    '-s3',
    `-s3.port=${s3}`,
    `-s3.port.grpc=${s3Grpc}`,
    '-s3.port.iceberg=0',
    '-s3.port.lance=0',
    `-s3.config=${config}`,
  ]);
  const endpoint = `http://127.0.0.1:${s3}`;
  // Its data is thrown away: no graceful shutdown to wait for (weed takes its time over SIGTERM).
  const stop = async () => {
    proc.child.kill('SIGKILL');
    await proc.exited;
    await dir.remove();
  };
  try {
    // Ready when the gateway answers (an anonymous request is refused in S3's XML) and a volume can take writes.
    await waitFor(
      async () => {
        if (proc.hasExited()) throw new WaitAborted('weed exited');
        const s3Up = await fetch(`${endpoint}/`).then(
          (r) => r.status === 403,
          () => false,
        );
        const status =
          s3Up &&
          (await fetch(`http://127.0.0.1:${master}/dir/status`).then(
            (r) => r.text(),
            () => '',
          ));
        return Boolean(status && /"DataNodes"\s*:\s*\[\s*\{/.test(status));
      },
      { timeoutMs: options.timeoutMs ?? 60_000, what: `SeaweedFS S3 on ${endpoint}`, detail: () => proc.tail() },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, stop };
}
