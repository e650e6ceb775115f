/**
 * What reading the fleet's archive with each stream sequence once costs (notebooks/views.ts), on this
 * machine: 1M positions in two parts of one hour that share 1 % of their sequences (the crash window),
 * summed and grouped through the `positions` view read plainly (a compacted hour) and with dedupe (an
 * hour not compacted yet). `npm run bench -- shared-archive [positions=1000000]`; writes
 * bench/results/shared-archive.json.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlString, withScratchDuckDB } from '../main/archive';
import { viewStatements } from '../main/notebooks';

const QUERIES = {
  sum: 'SELECT count(*), sum(lat) FROM positions',
  by_device: 'SELECT device_id, count(*), avg(speed) FROM positions GROUP BY 1',
};

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), 'hexwatch-bench-shared-'));
  try {
    const overlap = Math.floor(n / 100);
    const half = Math.floor(n / 2);
    const a = join(dir, 'a.parquet');
    const b = join(dir, 'b.parquet');
    const results = await withScratchDuckDB(async (c) => {
      const rows = (lo: number, hi: number, file: string) =>
        c.run(
          `COPY (SELECT 'dev-' || (i % 10000) AS device_id, TIMESTAMPTZ '2026-01-05 09:00:00+00' + to_microseconds(i * 3) AS ts, 40 + (i % 997) * 1e-4 AS lat, -74 + (i % 991) * 1e-4 AS lon,
            (617700169958293503 + i % 5000)::UBIGINT AS h3, (i % 30)::DOUBLE AS speed, NULL::DOUBLE AS heading, NULL::DOUBLE AS accuracy, 'supply' AS kind, NULL::JSON AS props, (i + 1)::UBIGINT AS seq
            FROM range(${lo}, ${hi}) t(i) ORDER BY device_id, ts) TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`,
        );
      await rows(0, half + overlap, a);
      await rows(half, n, b);
      const timings: Record<string, { plain_ms: number; dedupe_ms: number }> = {};
      for (const [name, sql] of Object.entries(QUERIES)) {
        const time = async (positions: { parts: string[]; dedupe?: string[] }) => {
          for (const s of viewStatements({ takenAt: 0, positions, fenceEvents: { parts: [], mark: 0 } })) await c.run(s);
          const runs: number[] = [];
          for (let i = 0; i < 5; i++) {
            const t = performance.now();
            await c.runAndReadAll(sql);
            runs.push(performance.now() - t);
          }
          return Math.round(runs.sort((x, y) => x - y)[2]! * 10) / 10;
        };
        timings[name] = { plain_ms: await time({ parts: [a, b] }), dedupe_ms: await time({ parts: [], dedupe: [a, b] }) };
      }
      return timings;
    });
    const out = { positions: n, repeated: overlap, queries: results, cores: (await import('node:os')).availableParallelism() };
    console.log(JSON.stringify(out, null, 2));
    await writeFile(join('bench', 'results', 'shared-archive.json'), `${JSON.stringify(out, null, 2)}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
