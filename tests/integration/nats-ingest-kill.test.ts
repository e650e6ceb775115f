// kill -9 at random moments while positions stream in steadily: after each restart ingest resumes, and in the
// end the history holds every published position exactly once (no duplicate stream sequence).
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connectRpc, makeTempDir, readHistoryElsewhere, startNats, startWebMode, SteadyPublisher, waitFor, type RunningServer, type WebMode } from '../helpers';

const TOTAL = 200_000;
const HOUR = 3_600_000;
let nats: RunningServer;

beforeAll(async () => {
  nats = await startNats();
});
afterAll(async () => {
  await nats?.stop();
});

async function historyCounts(web: WebMode): Promise<{ hot: number; archived: number; quarantined: number }> {
  const c = await connectRpc(web.url.replace(/^http/, 'ws').replace('/?', '/rpc?'));
  if (!c.ok) throw new Error(c.error);
  try {
    const reply = await c.client.call('history.counts', {});
    if (reply.error) throw new Error(reply.error.message);
    return reply.result as { hot: number; archived: number; quarantined: number };
  } finally {
    await c.client.close();
  }
}

it('loses and duplicates nothing when the engine is SIGKILLed at ≥ 5 random moments during ingest', async () => {
  const dir = await makeTempDir('hexwatch-kill-');
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  const args = ['--nats', nats.url, '--history.graceS', '0', '--history.rollIntervalS', '1'];
  // A steady 25,000/s for 8 s while the engine is killed and restarted underneath; older fixes for the
  // first half, so hourly rolls run (and get killed) too.
  const start = Date.now();
  const publisher = new SteadyPublisher({
    nc,
    subject: 'pos.k',
    ratePerSec: 25_000,
    devices: 2000,
    seed: 11,
    limit: TOTAL,
    ts: (i, now) => (i < TOTAL / 2 ? start - 3 * HOUR + i : now),
  }).start();
  const publishing = waitFor(() => publisher.published >= TOTAL, { timeoutMs: 60_000, what: `${TOTAL} published` }).then(() => publisher.stop());

  let kills = 0;
  while (kills < 6) {
    const web = await startWebMode({ dataDir: dir.path, args });
    // A random moment: anywhere from just after start-up to well into a batch or a roll.
    await new Promise((r) => setTimeout(r, 100 + Math.floor(Math.random() * 1200)));
    web.proc.child.kill('SIGKILL');
    await web.proc.exited;
    kills++;
  }
  await publishing;
  expect(kills).toBeGreaterThanOrEqual(5);

  const web = await startWebMode({ dataDir: dir.path, args });
  try {
    await waitFor(
      async () => {
        const c = await historyCounts(web);
        return c.hot + c.archived === TOTAL;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: `${TOTAL} positions in history`, detail: () => web.proc.tail() },
    );
  } finally {
    await web.stop();
  }
  await nc.close();

  // Read back by a separate DuckDB process: every stream sequence 1..TOTAL exactly once.
  const seqs = readHistoryElsewhere(dir.path).rows.map((r) => r.seq);
  const lo = seqs.reduce((a, b) => Math.min(a, b), Infinity);
  const hi = seqs.reduce((a, b) => Math.max(a, b), 0);
  expect([seqs.length, new Set(seqs).size, lo, hi]).toEqual([TOTAL, TOTAL, 1, TOTAL]);
  await dir.remove();
}, 240_000);
