// Ingest under the traffic fleets really send: a steady stream, not a burst. Every stream sequence is
// stored exactly once (hot table + archive, read by another DuckDB process), and each position is
// committed within a second of being published, at 100/s and at 1,000/s, and through an outage longer
// than the consumer's ack wait.
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import {
  CommitWatch,
  engineRpc,
  percentile,
  readHistoryElsewhere,
  startNats,
  startRestartableNats,
  startWebMode,
  settledStreamCount,
  SteadyPublisher,
  waitFor,
} from '../helpers';

const ENGINE_ARGS = ['--history.graceS', '0', '--history.rollIntervalS', '5'];

/** Every stream sequence exactly once across the hot table and the archive, and as many as the stream holds. */
function expectExactlyOnce(dataDir: string, streamMessages: number): void {
  const seqs = readHistoryElsewhere(dataDir).rows.map((r) => r.seq);
  expect({ rows: seqs.length, distinct: new Set(seqs).size }).toEqual({ rows: streamMessages, distinct: streamMessages });
}

describe.concurrent('a steady stream', () => {
  for (const rate of [100, 1000]) {
    it(`at ${rate}/s for 60 s: rows = sequences, and publish → committed p99 ≤ 1 s`, async () => {
      const nats = await startNats();
      const nc = await connect({ servers: nats.url });
      const web = await startWebMode({ args: ['--nats', nats.url, ...ENGINE_ARGS] });
      const rpc = await engineRpc(web);
      try {
        await waitFor(async () => (await rpc.call('status.get')).sourceState === 'running', { timeoutMs: 20_000, what: 'ingest running' });
        const watch = new CommitWatch(async () => (await rpc.call('status.get')).ingest?.committed ?? 0);
        const publisher = new SteadyPublisher({ nc, subject: 'pos.steady', ratePerSec: rate });
        await publisher.runFor(60_000);
        const stored = await settledStreamCount(nc);
        expect(stored).toBe(publisher.published);
        await waitFor(() => watch.last >= stored, {
          timeoutMs: 10_000,
          what: `${stored} committed`,
          detail: () => `${watch.last} committed; ${web.proc.tail()}`,
        });
        await watch.stop();
        const { delays, missing } = watch.delays(publisher.sentAt);
        const p50 = percentile(delays, 50);
        const p99 = percentile(delays, 99);
        console.log(`steady ${rate}/s: ${stored} positions, publish → committed p50 ${p50} ms, p99 ${p99} ms`);
        expect(missing).toBe(0);
        expect(p99).toBeLessThanOrEqual(1000);
        await rpc.close();
        await web.proc.stop();
        expectExactlyOnce(web.dataDir, stored);
      } finally {
        await rpc.close();
        await nc.close();
        await web.stop();
        await nats.stop();
      }
    }, 120_000);
  }
});

/** What the stream at `url` holds once publishing has stopped. */
async function storedIn(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    return await settledStreamCount(nc);
  } finally {
    await nc.close();
  }
}

describe('an outage longer than the ack wait', () => {
  it('nats-server killed for 12 s (ack wait 5 s) under a steady 1,000/s, then restarted: no duplicate, no loss', async () => {
    const nats = await startRestartableNats();
    const url = nats.url;
    const web = await startWebMode({ args: ['--nats', url, '--nats.ackWaitS', '5', ...ENGINE_ARGS] });
    const rpc = await engineRpc(web);
    const status = () => rpc.call('status.get');
    // The publisher rides the outage out on its own reconnects, as a fleet's gateway would.
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    const publisher = new SteadyPublisher({ nc, subject: 'pos.outage', ratePerSec: 1000 }).start();
    try {
      await waitFor(async () => ((await status()).ingest?.committed ?? 0) >= 5000, { timeoutMs: 30_000, what: '5,000 committed before the outage' });
      nats.proc.child.kill('SIGKILL');
      await nats.proc.exited;
      await waitFor(async () => (await status()).sourceState !== 'running', { timeoutMs: 15_000, what: 'the engine to notice the outage' });
      await new Promise((r) => setTimeout(r, 12_000));
      await nats.start();
      const resumed = publisher.published;
      await waitFor(() => publisher.published >= resumed + 10_000, { timeoutMs: 30_000, what: '10 s more of publishing' });
      await publisher.stop();
      const stored = await storedIn(url);
      await waitFor(async () => ((await status()).ingest?.committed ?? 0) >= stored, {
        timeoutMs: 60_000,
        what: `all ${stored} stored positions committed`,
        detail: () => web.proc.tail(),
      });
      // Nothing more arrives later: what was committed twice would show here, after the ack wait.
      await new Promise((r) => setTimeout(r, 6_000));
      const s = await status();
      expect(s.ingest?.committed).toBe(stored);
      expect(s.sourceState).toBe('running');
      await rpc.close();
      await web.proc.stop();
      expectExactlyOnce(web.dataDir, stored);
    } finally {
      await publisher.stop();
      await nc.close();
      await web.stop();
      await nats.remove();
    }
  }, 180_000);
});
