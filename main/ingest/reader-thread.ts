import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import { workerEntry } from '../worker-entry';
import type { RawBatch } from './batch-builder';
import type { IngestState, NatsServer } from './nats-reader';

type FromWorker = { t: 'state'; state: IngestState; detail: string } | { t: 'server'; server: NatsServer } | { t: 'batch'; batch: RawBatch } | { t: 'stopped' };

export interface ReaderThreadOptions {
  /** The stream, subjects and durable consumer to read (and the connection to reach them). */
  nats: Config['nats'];
  env: Readonly<Record<string, string | undefined>>;
  warnShared?: boolean;
  onState: (state: IngestState, detail: string) => void;
  /** The server each connection reached, and its release. */
  onServer?: (server: NatsServer) => void;
  /** A batch of messages to commit; `settle(batch.id, …)` acks (or naks) it once its effects are committed. */
  onBatch: (batch: RawBatch) => void;
}

/**
 * A durable JetStream consumer read on its own thread (nats-reader.ts in nats-worker.ts): batches come
 * in, acks go out when settled. Positions and demand requests each have one.
 */
export class ReaderThread {
  private readonly worker: Worker;
  private stopped = false;

  constructor(options: ReaderThreadOptions) {
    const url = workerEntry(import.meta.url, './nats-worker.ts', 'ingest-worker.js');
    // Only what the reader needs crosses over: the NATS settings and the two secret variables.
    const { env } = options;
    const secrets = { HEXWATCH_NATS_PASSWORD: env.HEXWATCH_NATS_PASSWORD, HEXWATCH_NATS_TOKEN: env.HEXWATCH_NATS_TOKEN };
    const worker = (this.worker = new Worker(url, { workerData: { nats: options.nats, env: secrets, warnShared: options.warnShared ?? false } }));
    let state: IngestState = 'starting';
    const setState = (next: IngestState, detail: string) => options.onState((state = next), detail);
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'state') setState(m.state, m.detail);
      else if (m.t === 'server') options.onServer?.(m.server);
      else if (m.t === 'batch') options.onBatch(m.batch);
    });
    worker.on('error', (err) => setState('error', `the NATS reader failed: ${err.message}`));
    worker.on('exit', (code) => {
      // After an error its message is the better one to show.
      if (!this.stopped && state !== 'error') setState('error', `the NATS reader stopped (exit ${code})`);
    });
  }

  settle(id: number, committed: boolean): void {
    this.worker.postMessage({ t: 'settle', id, committed });
  }

  /** Stops pulling, lets the reader send the acks settled so far, then ends the thread. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    const done = new Promise<void>((resolve) => {
      worker.on('message', (m: FromWorker) => m.t === 'stopped' && resolve());
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ t: 'stop' });
    await Promise.race([done, new Promise((r) => setTimeout(r, 5000))]);
    await worker.terminate();
  }
}
