// A message every decoder accepts but the store refuses (here: the real history store, refusing one
// device's rows as a damaged index or a future constraint might) costs a few commits, never the stream:
// the batch is halved until that message is found and quarantined, and everything else commits.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect, it } from 'vitest';
import { ConfigSchema } from '../../main/config/schema';
import { HistoryStore } from '../../main/history';
import { PositionIngest, type IngestSink } from '../../main/ingest';
import { makeTempDir, startNats, waitFor } from '../helpers';

it('quarantines the one message the store refuses, commits the rest, and acks everything', async () => {
  const nats = await startNats();
  const dir = await makeTempDir('hexwatch-poison-');
  const store = await HistoryStore.open({ dataDir: dir.path, retentionDays: 0, graceMs: 0 });
  let commits = 0;
  const sink: IngestSink = {
    committedRanges: (stream) => store.committedRanges(stream),
    commit: (batch) => {
      commits++;
      const rows = batch.rows as { id: string[] };
      if (rows.id.includes('poison')) return Promise.reject(new Error('the store refuses device poison'));
      return store.commit(batch);
    },
  };
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  const N = 4000;
  const now = Date.now();
  for (let i = 1; i <= N; i++) nc.publish('pos.p', JSON.stringify({ id: i === 2345 ? 'poison' : `dev-${i % 50}`, lat: 40 + i * 1e-5, lon: -74, ts: now + i }));
  await nc.flush();
  await waitFor(async () => (await jsm.streams.info('POSITIONS')).state.messages === N, { timeoutMs: 10_000, what: 'all stored' });

  const nats0 = ConfigSchema.parse({ nats: { servers: [nats.url] } }).nats;
  const ingest = new PositionIngest({ nats: nats0, maxMessageBytes: 65_536, env: {}, sink, onCommitted: () => {} });
  await ingest.start();
  try {
    await waitFor(() => ingest.committed === N - 1 && ingest.quarantineCounts.uncommittable === 1, {
      timeoutMs: 30_000,
      what: 'all but the poison committed, the poison quarantined',
      detail: () => JSON.stringify({ committed: ingest.committed, q: ingest.quarantineCounts, state: ingest.state, detail: ingest.detail }),
    });
    await waitFor(async () => (await jsm.consumers.info('POSITIONS', 'hexwatch')).ack_floor.stream_seq === N, {
      timeoutMs: 10_000,
      what: 'the ack floor at the end',
    });
    const [entry] = (await store.quarantine.list({ reason: 'uncommittable', limit: 10, offset: 0 })).items;
    expect(entry).toMatchObject({ seq: 2345n, reason: 'uncommittable', detail: 'the store refuses device poison' });
    const kept = await store.quarantine.get(2345n, 'POSITIONS');
    expect(JSON.parse(Buffer.from(kept!.raw).toString())).toMatchObject({ device_id: 'poison', lat: 40 + 2345e-5 });
    expect(await store.counts()).toMatchObject({ hot: N - 1, quarantined: 1 });
    // Halving a batch of at most a few thousand: a few dozen commits more, not one per message.
    expect(commits).toBeLessThan(100);
  } finally {
    await ingest.stop();
    await store.close();
    await nc.close();
    await nats.stop();
    await dir.remove();
  }
});
