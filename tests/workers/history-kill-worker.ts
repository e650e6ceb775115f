/**
 * A child process for the SIGKILL test: ingests seq 1…total into a store at `dir` in batches, resuming
 * after the committed high-water mark, and rolls hours as its synthetic clock passes them. Some batches
 * carry late fixes for hours already archived, so compaction runs too. Rows depend only on their seq,
 * so a batch replayed after a kill is the same batch.
 *   node --import tsx tests/workers/history-kill-worker.ts <dir> <total>
 */
import { HistoryStore, type PositionRow } from '../../main/history';

const BASE = Date.UTC(2024, 0, 1);
const STEP_MS = 2000; // ~1800 fixes an hour
const BATCH = 500;

function rowFor(seq: number): PositionRow {
  const late = seq % 7 === 0 && seq > 4000; // about an hour behind the clock
  return {
    seq: BigInt(seq),
    device_id: `dev-${seq % 5}`,
    ts: BASE + (late ? seq - 2500 : seq) * STEP_MS,
    lat: 40 + (seq % 1000) * 1e-5,
    lon: -73 - (seq % 997) * 1e-5,
    h3: 0x8f2a100d2c6c0ffn,
    speed: seq % 3 ? 4 : undefined,
    kind: 'supply',
  };
}

async function main(): Promise<void> {
  const [dir, totalArg] = process.argv.slice(2);
  const total = Number(totalArg);
  const store = await HistoryStore.open({ dataDir: dir, graceMs: 0 });
  let hw = Number(await store.highWater('S'));
  while (hw < total) {
    const n = Math.min(BATCH, total - hw);
    const rows = Array.from({ length: n }, (_, i) => rowFor(hw + 1 + i));
    await store.commit({ stream: 'S', rows, quarantined: [], highWater: BigInt(hw + n) });
    hw += n;
    await store.roll(BASE + hw * STEP_MS);
    process.stdout.write(`committed ${hw}\n`);
  }
  await store.close();
  process.stdout.write('done\n');
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
