import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { HistoryStore } from './history-store';
import { archiveFiles, tempDir } from '../../tests/helpers/history-fixtures';

const WORKER = fileURLToPath(new URL('../../tests/workers/history-kill-worker.ts', import.meta.url));
const TOTAL = 40_000;

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

/** Runs the worker; kills it with SIGKILL `killAfterMs` after its first commit, or lets it finish. */
function runWorker(killAfterMs?: number): Promise<{ killed: boolean; last: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dir, String(TOTAL)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = 0;
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      for (const m of s.matchAll(/committed (\d+)/g)) last = Number(m[1]);
      if (killAfterMs !== undefined && !timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve({ killed: true, last });
      else if (code === 0) resolve({ killed: false, last });
      else reject(new Error(`worker exited with ${code}: ${err}`));
    });
  });
}

it('SIGKILL at random moments of commit, roll and compaction: every seq lands exactly once', async () => {
  let kills = 0;
  for (let i = 0; i < 6; i++) {
    const r = await runWorker(50 + Math.floor(Math.random() * 400));
    if (r.killed) kills++;
    if (!r.killed) break;
  }
  expect(kills).toBeGreaterThanOrEqual(5);
  const final = await runWorker();
  expect(final.last).toBe(TOTAL);

  const s = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
  await s.roll(Date.UTC(2024, 1, 1));
  expect(await s.counts()).toEqual({ hot: 0, archived: TOTAL, quarantined: 0 });
  expect(await s.highWater('S')).toBe(BigInt(TOTAL));
  await s.close();

  const files = await archiveFiles(join(dir, 'archive'));
  expect(files.filter((f) => !/^positions\/date=2024-01-01\/hour=\d\d\/part-[-0-9a-f]{36}\.parquet$/.test(f))).toEqual([]);
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const c = await instance.connect();
  const glob = join(dir, 'archive', 'positions', '**', '*.parquet');
  const [r] = (
    await c.runAndReadAll(
      `SELECT count(*) AS n, count(DISTINCT seq) AS d, min(seq) AS lo, max(seq) AS hi FROM read_parquet('${glob}', hive_partitioning = true)`,
    )
  ).getRowObjectsJS();
  c.closeSync();
  instance.closeSync();
  expect([Number(r.n), Number(r.d), Number(r.lo), Number(r.hi)]).toEqual([TOTAL, TOTAL, 1, TOTAL]);
}, 120_000);
