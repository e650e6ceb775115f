import type { PubAck } from '@nats-io/jetstream';
import { partitionLayout, type Config } from '../config';
import { natsConnectionOptions } from '../nats';
import { DemandSimulator } from './demand-simulator';
import { Simulator } from './simulator';

export interface PublishSummary {
  published: number;
  /** Ride requests published to the demand stream (with `demand`), beside the positions. */
  requests: number;
  acked: number;
  failed: number;
  seconds: number;
  perSecond: number;
  lastError?: string;
}

/**
 * Publishes the simulator's walkers into JetStream on `pos.<fleet>` at the configured rate. Publishes
 * are asynchronous with a bounded window of unacknowledged ones, so a slow server slows the
 * simulator rather than filling memory; every publish is confirmed or counted as failed.
 */
export async function publishSimulation(options: {
  config: Config;
  env: Readonly<Record<string, string | undefined>>;
  count: number;
  /** Unacknowledged publishes allowed at once. */
  window?: number;
  /** Publish as fast as the window allows, ignoring simulator.ratePerSec (benchmarks). */
  unpaced?: boolean;
  /** Also ride requests around drifting hotspots, at simulator.demandPerSec, into the market's demand stream. */
  demand?: boolean;
  onProgress?: (s: PublishSummary) => void;
  signal?: AbortSignal;
}): Promise<PublishSummary> {
  const { config, count } = options;
  const window = options.window ?? 4096;
  // nats.js is loaded when the simulator publishes, not at every start-up.
  const [{ connect }, { jetstream, jetstreamManager }] = await Promise.all([import('@nats-io/transport-node'), import('@nats-io/jetstream')]);
  const nc = await connect(natsConnectionOptions(config.nats, options.env));
  try {
    const jsm = await jetstreamManager(nc);
    try {
      await jsm.streams.info(config.nats.stream);
    } catch {
      // Made as the engine makes it, so a fleet's engines started after the simulator accept it.
      const layout = partitionLayout(config);
      await jsm.streams.add({
        name: config.nats.stream,
        subjects: config.nats.subjects,
        num_replicas: config.nats.streamReplicas,
        ...(layout ? { subject_transform: layout.transform } : {}),
      });
    }
    if (options.demand) {
      try {
        await jsm.streams.info(config.market.demandStream);
      } catch {
        await jsm.streams.add({ name: config.market.demandStream, subjects: config.market.demandSubjects });
      }
    }
    const js = jetstream(nc);
    const sim = new Simulator(config.simulator);
    const { center, radiusKm, hotspots, seed, demandPerSec, fleet } = config.simulator;
    const requests = options.demand ? new DemandSimulator({ center, radiusKm }, hotspots, seed, `req-${fleet}`) : undefined;
    // Onto the demand stream's first subject, its wildcard taken by the fleet's name (demand.> → demand.<fleet>).
    const first = config.market.demandSubjects[0]!;
    const demandSubject = first.endsWith('.>') || first.endsWith('.*') ? `${first.slice(0, -1)}${fleet}` : first;
    let owed = 0;
    const started = performance.now();
    const summary: PublishSummary = { published: 0, requests: 0, acked: 0, failed: 0, seconds: 0, perSecond: 0 };
    const inFlight = new Set<Promise<PubAck | void>>();
    const tickMs = 100;
    const perTick = Math.max(1, Math.round((config.simulator.ratePerSec * tickMs) / 1000));
    let due = Date.now();
    let lastProgress = 0;
    /** One publish, confirmed or counted as failed; past the window, the next waits for one to end. */
    const publish = async (to: string, body: string) => {
      const ack: Promise<PubAck | void> = js.publish(to, body).then(
        () => void summary.acked++,
        (err: Error) => {
          summary.failed++;
          summary.lastError = err.message;
        },
      );
      inFlight.add(ack);
      void ack.finally(() => inFlight.delete(ack));
      if (inFlight.size >= window) await Promise.race(inFlight);
    };
    while (summary.published < count && !options.signal?.aborted) {
      const batch = sim.take(Math.min(options.unpaced ? 1000 : perTick, count - summary.published), Date.now());
      for (const p of batch) {
        summary.published++;
        // Each walker on its own subject: a fleet's partitions hash the device token of pos.<id>.
        await publish(`pos.${p.id}`, JSON.stringify(p));
      }
      if (requests) {
        owed += (demandPerSec * tickMs) / 1000;
        const n = Math.floor(owed);
        owed -= n;
        for (const r of requests.take(n, Date.now(), batch)) {
          summary.requests++;
          await publish(demandSubject, JSON.stringify(r));
        }
      }
      if (!options.unpaced) {
        due += tickMs;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      if (options.onProgress && performance.now() - lastProgress > 1000) {
        lastProgress = performance.now();
        options.onProgress({ ...summary, seconds: (lastProgress - started) / 1000, perSecond: 0 });
      }
    }
    await Promise.all(inFlight);
    summary.seconds = (performance.now() - started) / 1000;
    summary.perSecond = Math.round(summary.acked / summary.seconds);
    return summary;
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}
