import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { PositionRow } from '../../main/history';

/** Helpers shared by the history tests: temp folders, synthetic rows, and an outside reader of the archive. */

export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'hexwatch-history-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** `n` fixes of `devices` devices, one per device per `stepMs`, from `startTs`, with seq from `firstSeq`. */
export function makeRows(n: number, opts: { startTs: number; firstSeq?: number; devices?: number; stepMs?: number }): PositionRow[] {
  const devices = opts.devices ?? 7;
  const step = opts.stepMs ?? 1000;
  const first = opts.firstSeq ?? 1;
  const rows: PositionRow[] = [];
  for (let i = 0; i < n; i++) {
    const d = i % devices;
    const ts = opts.startTs + Math.floor(i / devices) * step + d; // distinct times per device
    rows.push({
      seq: BigInt(first + i),
      device_id: `dev-${String((d * 37) % devices).padStart(3, '0')}`, // arrival order differs from sort order
      ts,
      lat: 40 + d * 0.001 + i * 1e-7,
      lon: -73 - d * 0.001 - i * 1e-7,
      h3: 0x8f2a100d2c6c0ffn + BigInt(i % 5),
      speed: i % 3 === 0 ? undefined : 5 + (i % 7),
      heading: i % 4 === 0 ? undefined : (i * 13) % 360,
      accuracy: i % 2 ? 4.5 : undefined,
      kind: i % 2 ? 'supply' : 'demand',
      props: i % 10 === 0 ? JSON.stringify({ n: i, tag: "o'k" }) : undefined,
    });
  }
  return rows;
}

/** Every .parquet and .tmp file under the archive, relative to it, sorted. */
export async function archiveFiles(archiveDir: string): Promise<string[]> {
  const entries = await readdir(archiveDir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(archiveDir, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

/** Runs `sql` in a DuckDB instance of its own (an outside tool), with `$GLOB` standing for the positions glob. */
export async function outsideQuery(archiveDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const c = await instance.connect();
  try {
    const glob = join(archiveDir, 'positions', '**', '*.parquet').replace(/'/g, "''");
    const reader = await c.runAndReadAll(sql.replaceAll('$GLOB', `'${glob}'`));
    return reader.getRowObjectsJS();
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}
