/**
 * The ingest bench's freshness (bench/ingest.ts): a steady stream at FRESHNESS_RATES into a fresh engine,
 * FRESHNESS_S seconds each on its own stream, and each position's publish → committed delay read off the
 * engine's committed count against the publisher's clock; the steady figures leave out the first
 * FRESHNESS_WARMUP_S (the fresh engine's code warming up while the stream already flows).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { CommitWatch, engineRpc, makeTempDir, percentile, type RunningServer, startWebMode, SteadyPublisher, waitFor } from '../tests/helpers';

export const FRESHNESS_RATES = [1_000, 10_000, 50_000];
const FRESHNESS_S = 10;
const FRESHNESS_WARMUP_S = 2;
const log = (s: string) => process.stdout.write(`${s}\n`);

/** Settings flags and Node options for the engine (the bench's --engine-args and --node-args). */
export type EngineArgs = { engine: string[]; node: string[] };

export interface Freshness {
  rate: number;
  published: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  steady_p50_ms: number;
  steady_p99_ms: number;
  warmup_max_ms: number;
}

/** A steady stream at `rate`/s into a fresh engine on its own stream: each position's publish → committed delay. */
async function freshness(nats: RunningServer, nc: NatsConnection, rate: number, args: EngineArgs): Promise<Freshness> {
  const stream = `FRESH_${rate}`;
  const subject = `fresh${rate}`;
  const dataDir = await makeTempDir('hexwatch-bench-fresh-');
  const web = await startWebMode({
    dataDir: dataDir.path,
    args: [...args.engine, '--nats', nats.url, '--nats.stream', stream, '--nats.subjects', `${subject}.>`],
    timeoutMs: 60_000,
    nodeArgs: args.node,
  });
  const rpc = await engineRpc(web);
  try {
    const committed = async () => (await rpc.call('status.get')).ingest?.committed ?? 0;
    await waitFor(async () => (await rpc.call('status.get')).sourceState === 'running', { timeoutMs: 30_000, what: 'ingest running' });
    const watch = new CommitWatch(committed, 10);
    const publisher = new SteadyPublisher({ nc, subject: `${subject}.x`, ratePerSec: rate, devices: 10_000 });
    await publisher.runFor(FRESHNESS_S * 1000);
    await waitFor(() => watch.last >= publisher.published, { timeoutMs: 60_000, what: `${publisher.published} committed`, detail: () => web.proc.tail() });
    await watch.stop();
    const { delays } = watch.delays(publisher.sentAt);
    // A fresh engine's first moments (code still unoptimised, tables first touched) are a catch-up, not the steady state.
    const after = publisher.sentAt.findIndex((t) => t - publisher.sentAt[0] >= FRESHNESS_WARMUP_S * 1000);
    const warm = after < 0 ? delays.length : after; // a run no longer than the warm-up has no steady part
    const steady = delays.slice(warm);
    return {
      rate,
      published: publisher.published,
      p50_ms: percentile(delays, 50),
      p99_ms: percentile(delays, 99),
      max_ms: percentile(delays, 100),
      steady_p50_ms: percentile(steady, 50),
      steady_p99_ms: percentile(steady, 99),
      warmup_max_ms: percentile(delays.slice(0, warm), 100),
    };
  } finally {
    await rpc.close();
    await web.stop();
    await dataDir.remove();
  }
}

export async function freshnessRuns(nats: RunningServer, nc: NatsConnection, args: EngineArgs): Promise<Freshness[]> {
  const out: Freshness[] = [];
  for (const rate of FRESHNESS_RATES) {
    const f = await freshness(nats, nc, rate, args);
    out.push(f);
    log(
      `freshness at ${rate}/s: ${f.published} positions, publish → committed p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms (max ${f.max_ms} ms); ` +
        `after the first ${FRESHNESS_WARMUP_S} s p50 ${f.steady_p50_ms} ms, p99 ${f.steady_p99_ms} ms (the first ${FRESHNESS_WARMUP_S} s at most ${f.warmup_max_ms} ms)`,
    );
  }
  return out;
}
