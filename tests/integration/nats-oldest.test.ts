// The oldest nats-server hexwatch supports (Debian's 2.9) still works end to end: a wrong password is
// refused with a clear state, the right one ingests a steady stream exactly once and freshly, and the
// consumer's ack floor reaches the end. Every other NATS test runs against a current release.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect, it } from 'vitest';
import {
  CommitWatch,
  engineRpc,
  oldestNatsServerPath,
  percentile,
  readHistoryElsewhere,
  runToExit,
  settledStreamCount,
  startNats,
  startWebMode,
  SteadyPublisher,
  waitFor,
} from '../helpers';

it('ingests with a password and refuses a wrong one, against the oldest supported nats-server', async () => {
  const binary = oldestNatsServerPath();
  if (!binary) throw new Error('hexwatch tests need the oldest supported nats-server: install Debian\'s "nats-server" package');
  const version = (await runToExit(binary, ['--version'], { timeoutMs: 10_000 })).stdout.trim();
  const nats = await startNats({ binary, args: ['--user', 'fleet', '--pass', 'old-Pa55'] });
  const nc = await connect({ servers: nats.url, user: 'fleet', pass: 'old-Pa55' });

  const wrong = await startWebMode({ args: ['--nats', nats.url, '--nats.user', 'fleet'], env: { HEXWATCH_NATS_PASSWORD: 'nope' } });
  try {
    const rpc = await engineRpc(wrong);
    const s = await waitFor(
      async () => {
        const status = await rpc.call('status.get');
        return status.sourceState === 'error' ? status : null;
      },
      { timeoutMs: 15_000, what: 'an error state' },
    );
    expect(s.sourceDetail).toMatch(/authoriz/i);
    await rpc.close();
  } finally {
    await wrong.stop();
  }

  const web = await startWebMode({ args: ['--nats', nats.url, '--nats.user', 'fleet'], env: { HEXWATCH_NATS_PASSWORD: 'old-Pa55' } });
  const rpc = await engineRpc(web);
  try {
    await waitFor(async () => (await rpc.call('status.get')).sourceState === 'running', {
      timeoutMs: 20_000,
      what: 'ingest running',
      detail: () => web.proc.tail(),
    });
    const watch = new CommitWatch(async () => (await rpc.call('status.get')).ingest?.committed ?? 0);
    const publisher = new SteadyPublisher({ nc, subject: 'pos.old', ratePerSec: 1000 });
    await publisher.runFor(5000);
    const jsm = await jetstreamManager(nc);
    const stored = await settledStreamCount(nc);
    await waitFor(() => watch.last >= stored, { timeoutMs: 10_000, what: `${stored} committed` });
    await watch.stop();
    const p99 = percentile(watch.delays(publisher.sentAt).delays, 99);
    console.log(`${version}: ${stored} positions, publish → committed p99 ${p99} ms`);
    expect(p99).toBeLessThanOrEqual(1000);
    await waitFor(async () => (await jsm.consumers.info('POSITIONS', 'hexwatch')).ack_floor.stream_seq === stored, {
      timeoutMs: 10_000,
      what: 'the ack floor at the last message',
    });
  } finally {
    await rpc.close();
    await web.proc.stop();
    await nc.close();
    await nats.stop();
  }
  const seqs = readHistoryElsewhere(web.dataDir).rows.map((r) => r.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  await web.stop();
});
