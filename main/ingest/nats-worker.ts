// Worker thread entry: the NATS reader, talking to the engine's ingest over messages.
//   engine → worker: {t: 'settle', id, committed, upTo?} | {t: 'reach', upTo} | {t: 'release', partition, epoch} | {t: 'fleet', engines} | {t: 'stop'}
//   worker → engine: {t: 'state', state, detail} | {t: 'server', server} | {t: 'batch', batch}
//                    | {t: 'ownership', partition, owned, epoch} | {t: 'partitions', list} | {t: 'ackFloor', seq} | {t: 'ackStall', stall} | {t: 'stopped'}
import { parentPort, workerData } from 'node:worker_threads';
import { partitionLayout, type Config } from '../config';
import { NatsReader } from './nats-reader';
import type { NatsReaderOptions } from './reader-options';

/** Partition states go to the engine this often (their backlogs change without a gain or loss). */
const PARTITIONS_EVERY_MS = 1000;

const port = parentPort!;
const { nats, env, warnShared, cluster, ackPolicy } = workerData as Pick<NatsReaderOptions, 'nats' | 'env' | 'warnShared' | 'ackPolicy'> & {
  cluster?: Config['cluster'];
};
const partitions = cluster && partitionLayout({ nats, cluster });
const reader = new NatsReader({
  nats,
  env,
  warnShared,
  partitions,
  ackPolicy,
  onState: (state, detail) => port.postMessage({ t: 'state', state, detail }),
  onServer: (server) => port.postMessage({ t: 'server', server }),
  onOwnership: (partition, owned, epoch) => {
    port.postMessage({ t: 'ownership', partition, owned, epoch });
    port.postMessage({ t: 'partitions', list: reader.partitions() });
  },
  onAckFloor: (seq) => port.postMessage({ t: 'ackFloor', seq }),
  onAckStall: (stall) => port.postMessage({ t: 'ackStall', stall }),
  onBatch: (batch) =>
    port.postMessage({ t: 'batch', batch }, [
      batch.data,
      batch.seqs.buffer as ArrayBuffer,
      batch.offsets.buffer as ArrayBuffer,
      batch.subjectOf.buffer as ArrayBuffer,
    ]),
});
const timer = partitions && setInterval(() => port.postMessage({ t: 'partitions', list: reader.partitions() }), PARTITIONS_EVERY_MS);
type ToWorker =
  | { t: 'settle'; id: number; committed: boolean; upTo?: number }
  | { t: 'reach'; upTo: number }
  | { t: 'release'; partition: number; epoch: number }
  | { t: 'fleet'; engines: number }
  | { t: 'stop' };
port.on('message', (m: ToWorker) => {
  if (m.t === 'settle') reader.settle(m.id, m.committed, m.upTo);
  else if (m.t === 'reach') reader.reach(m.upTo);
  else if (m.t === 'release') reader.release(m.partition, m.epoch);
  else if (m.t === 'fleet') reader.setFleetSize(m.engines);
  else {
    clearInterval(timer);
    void reader.stop().then(() => {
      port.postMessage({ t: 'partitions', list: reader.partitions() });
      port.postMessage({ t: 'stopped' });
    });
  }
});
reader.start();
