import { Worker } from 'node:worker_threads';
import type { Config } from '../config';
import { workerEntry } from '../worker-entry';
import type { RawBatch } from './batch-builder';
import type { IngestState, NatsServer } from './reader-options';
import type { AckPolicy } from './jetstream-setup';
import type { AckStall } from './range-acks';
import type { PartitionState } from './pull-lanes';

type FromWorker =
  | { t: 'state'; state: IngestState; detail: string }
  | { t: 'server'; server: NatsServer }
  | { t: 'batch'; batch: RawBatch }
  | { t: 'ownership'; partition: number; owned: boolean; epoch: number }
  | { t: 'partitions'; list: PartitionState[] }
  | { t: 'ackFloor'; seq: number }
  | { t: 'ackStall'; stall: AckStall }
  | { t: 'stopped' };

/** The reader drains (its batches' commits, 5 s at most), unpins (2 s at most), then ends. */
const STOP_MS = 8_000;

export interface ReaderThreadOptions {
  /** The stream, subjects and durable consumer to read (and the connection to reach them). */
  nats: Config['nats'];
  /** Partitions (`cluster.partitions` > 0): a pinned consumer each. */
  cluster?: Config['cluster'];
  env: Readonly<Record<string, string | undefined>>;
  warnShared?: boolean;
  onState: (state: IngestState, detail: string) => void;
  /** The server each connection reached, and its release. */
  onServer?: (server: NatsServer) => void;
  /** A batch of messages to commit; `settle(batch.id, …)` acks (or naks) it once its effects are committed. */
  onBatch: (batch: RawBatch) => void;
  /** A partition gained (its deliveries wait for `release(partition, epoch)`) or lost. */
  onOwnership?: (partition: number, owned: boolean, epoch: number) => void;
  /** Each partition's state, on every change and every second. */
  onPartitions?: (list: PartitionState[]) => void;
  /** Every partition's consumer has acked every sequence up to this one (partitions on; with ack policy "all", on each connection). */
  onAckFloor?: (seq: number) => void;
  /** "all": each settle acks, in one line, every sequence up to its `upTo` (see NatsReader). */
  ackPolicy?: AckPolicy;
  /** Ack policy "all": acks wait behind a hole, and this is where the consumer says they stand (see `reach`). */
  onAckStall?: (stall: AckStall) => void;
}

/**
 * A durable JetStream consumer (or a pinned one per partition) read on its own thread (nats-reader.ts in
 * nats-worker.ts): batches come in, acks go out when settled. Positions and demand requests each have one.
 */
export class ReaderThread {
  private readonly worker: Worker;
  private stopped = false;

  constructor(options: ReaderThreadOptions) {
    const url = workerEntry(import.meta.url, './nats-worker.ts', 'ingest-worker.js');
    // Only what the reader needs crosses over: the NATS settings and the two secret variables.
    const { env } = options;
    const secrets = { HEXWATCH_NATS_PASSWORD: env.HEXWATCH_NATS_PASSWORD, HEXWATCH_NATS_TOKEN: env.HEXWATCH_NATS_TOKEN };
    const workerData = { nats: options.nats, cluster: options.cluster, env: secrets, warnShared: options.warnShared ?? false, ackPolicy: options.ackPolicy };
    const worker = (this.worker = new Worker(url, { workerData }));
    let state: IngestState = 'starting';
    const setState = (next: IngestState, detail: string) => options.onState((state = next), detail);
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'state') setState(m.state, m.detail);
      else if (m.t === 'server') options.onServer?.(m.server);
      else if (m.t === 'batch') options.onBatch(m.batch);
      else if (m.t === 'ownership') options.onOwnership?.(m.partition, m.owned, m.epoch);
      else if (m.t === 'partitions') options.onPartitions?.(m.list);
      else if (m.t === 'ackFloor') options.onAckFloor?.(m.seq);
      else if (m.t === 'ackStall') options.onAckStall?.(m.stall);
    });
    worker.on('error', (err) => setState('error', `the NATS reader failed: ${err.message}`));
    worker.on('exit', (code) => {
      // After an error its message is the better one to show.
      if (!this.stopped && state !== 'error') setState('error', `the NATS reader stopped (exit ${code})`);
    });
  }

  /** `upTo` (ack policy "all"): every sequence up to it is committed, so the ack may cover them all. */
  settle(id: number, committed: boolean, upTo?: number): void {
    this.worker.postMessage({ t: 'settle', id, committed, upTo });
  }

  /** Ack policy "all": every sequence up to `upTo` is committed or was never there to deliver (a hole proved empty). */
  reach(upTo: number): void {
    this.worker.postMessage({ t: 'reach', upTo });
  }

  /** A partition gained has been taken over: its deliveries go on. */
  release(partition: number, epoch: number): void {
    this.worker.postMessage({ t: 'release', partition, epoch });
  }

  setFleetSize(engines: number): void {
    this.worker.postMessage({ t: 'fleet', engines });
  }

  /** Stops pulling, lets the reader send the acks settled meanwhile and release its partitions, then ends the thread. */
  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    const done = new Promise<void>((resolve) => {
      worker.on('message', (m: FromWorker) => m.t === 'stopped' && resolve());
      worker.once('exit', () => resolve());
    });
    worker.postMessage({ t: 'stop' });
    await Promise.race([done, new Promise((r) => setTimeout(r, STOP_MS))]);
    await worker.terminate();
  }
}
