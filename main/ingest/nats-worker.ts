// Worker thread entry: the NATS reader, talking to the engine's ingest over messages.
//   engine → worker: {t: 'settle', id, committed} | {t: 'stop'}
//   worker → engine: {t: 'state', state, detail} | {t: 'server', server} | {t: 'batch', batch} | {t: 'stopped'}
import { parentPort, workerData } from 'node:worker_threads';
import { NatsReader, type NatsReaderOptions } from './nats-reader';

const port = parentPort!;
const { nats, env, warnShared } = workerData as Pick<NatsReaderOptions, 'nats' | 'env' | 'warnShared'>;
const reader = new NatsReader({
  nats,
  env,
  warnShared,
  onState: (state, detail) => port.postMessage({ t: 'state', state, detail }),
  onServer: (server) => port.postMessage({ t: 'server', server }),
  onBatch: (batch) =>
    port.postMessage({ t: 'batch', batch }, [
      batch.data,
      batch.seqs.buffer as ArrayBuffer,
      batch.offsets.buffer as ArrayBuffer,
      batch.subjectOf.buffer as ArrayBuffer,
    ]),
});
port.on('message', (m: { t: 'settle'; id: number; committed: boolean } | { t: 'stop' }) => {
  if (m.t === 'settle') reader.settle(m.id, m.committed);
  else void reader.stop().then(() => port.postMessage({ t: 'stopped' }));
});
reader.start();
