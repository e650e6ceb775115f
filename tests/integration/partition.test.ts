// shared/partition.ts against a real nats-server 2.15: a stream whose subject transform maps
// `pos.<device>` to `pos.<partition(8,1)>.<device>` stores each of 200 devices' positions under the
// partition partitionOf computes — ASCII and UTF-8 ids alike (tokens hold no dots).
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionTransform } from '../../main/config';
import { partitionOf } from '../../shared/partition';
import { natsServerPath, startNats, type RunningServer } from '../helpers';

const PARTITIONS = 8;
let server: RunningServer;

describe.skipIf(!natsServerPath())('partitionOf matches nats-server partition(n, 1)', () => {
  beforeAll(async () => {
    server = await startNats();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('for 200 device ids, ASCII and UTF-8', async () => {
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({
        name: 'PARTS',
        subjects: ['pos.*'],
        subject_transform: partitionTransform('pos', PARTITIONS),
      });
      const ids = Array.from({ length: 200 }, (_, i) =>
        i % 4 === 0 ? `vehicle-${i}` : i % 4 === 1 ? `камион-${i}` : i % 4 === 2 ? `車両${i}` : `ÉQUIPE_${i}_ß`,
      );
      const js = jetstream(nc);
      for (const id of ids) await js.publish(`pos.${id}`, '{}');
      const stored: string[] = [];
      for (let seq = 1; seq <= ids.length; seq++) stored.push((await jsm.streams.getMessage('PARTS', { seq }))!.subject);
      expect(stored).toEqual(ids.map((id) => `pos.${partitionOf(id, PARTITIONS)}.${id}`));
      // Every partition is used: the test says something about the hash, not about one bucket.
      expect(new Set(ids.map((id) => partitionOf(id, PARTITIONS))).size).toBe(PARTITIONS);
    } finally {
      await nc.close();
    }
  });
});
