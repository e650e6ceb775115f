// A notebook cell that crashes DuckDB (the spatial extension segfaults in ST_Read_Meta on a file GDAL
// cannot open) takes down only the notebooks' own process: the cell is refused saying so, the engine
// keeps ingesting and answering, the next cell runs on a fresh process with the opened files still
// there, and stopping the engine leaves no notebook process behind.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineRpc, startWebMode, waitFor, type EngineRpc, type WebMode } from '../helpers';

let web: WebMode;
let rpc: EngineRpc;

/** The engine's child processes running the notebook worker, read from /proc. */
function notebookProcesses(parent: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === parent && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('notebook-worker') ? [Number(d)] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  web = await startWebMode({ args: ['--notebooks.snapshotMaxAgeS', '0'] });
  rpc = await engineRpc(web);
  // Random bytes named as a GeoPackage, and a CSV to open as a view; both inside the data dir (a root).
  writeFileSync(join(web.dataDir, 'garbage.gpkg'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
  writeFileSync(join(web.dataDir, 'zones.csv'), 'zone,km\na,1.5\nb,2.5\n');
});

afterAll(async () => {
  await rpc?.close();
  await web?.stop();
});

it('refuses the crashing cell, keeps the engine going, and runs the next cell on a fresh process', async () => {
  const { call } = rpc;
  expect((await call('notebooks.open', { path: join(web.dataDir, 'zones.csv') })).view).toBe('zones');
  expect((await call('notebooks.run', { queryId: 'before', sql: 'SELECT sum(km) AS km FROM zones' })).rows).toBe(1);
  const [first] = notebookProcesses(web.proc.pid!);
  expect(first).toBeGreaterThan(0);

  const crash = call('notebooks.run', { queryId: 'crash', sql: `SELECT * FROM ST_Read_Meta('${join(web.dataDir, 'garbage.gpkg')}')` });
  await expect(crash).rejects.toThrow(
    /the notebooks' DuckDB stopped \(signal SIGSEGV\) while running "SELECT \* FROM ST_Read_Meta\(.*garbage\.gpkg'\)": the engine is unharmed; run again to restart it/,
  );
  await waitFor(() => !alive(first!), { timeoutMs: 10_000, what: 'the crashed notebook process gone' });

  // The engine still ingests and answers.
  const total = (await call('status.get', {})).positionsTotal;
  await waitFor(async () => (await call('status.get', {})).positionsTotal > total, { timeoutMs: 30_000, what: 'ingest going on after the crash' });
  expect((await call('history.counts', {})).hot).toBeGreaterThan(0);

  // The next cell starts a fresh process, with the opened file made a view again.
  const again = await call('notebooks.run', { queryId: 'after', sql: 'SELECT sum(km) AS km, (SELECT count(*) FROM positions) > 0 AS fixes FROM zones' });
  expect(again.rows).toBe(1);
  const [second] = notebookProcesses(web.proc.pid!);
  expect(second).toBeGreaterThan(0);
  expect(second).not.toBe(first);
  expect((await call('notebooks.sources', {})).map((s) => s.view)).toEqual(['zones']);
  expect(web.proc.stderr()).toContain('notebooks: starting a fresh DuckDB process (the last one stopped)');

  // Stopping the engine stops its notebook process.
  await rpc.close();
  await web.proc.stop();
  await waitFor(() => !alive(second!), { timeoutMs: 10_000, what: 'the notebook process gone with the engine' });
});

it('leaves no notebook process behind when the engine is killed outright', async () => {
  const killed = await startWebMode();
  try {
    const { call, close } = await engineRpc(killed);
    await call('notebooks.run', { queryId: 'q', sql: 'SELECT 1 AS one' });
    const [child] = notebookProcesses(killed.proc.pid!);
    expect(child).toBeGreaterThan(0);
    await close();
    process.kill(killed.proc.pid!, 'SIGKILL');
    await killed.proc.exited;
    // Its channel to the engine closed, the child exits on its own.
    await waitFor(() => !alive(child!), { timeoutMs: 10_000, what: 'the orphaned notebook process gone' });
  } finally {
    await killed.stop();
  }
});
