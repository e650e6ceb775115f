import type { DemoStatus, Status } from '../../shared/rpc';
import { readsNats, type Config } from '../config';
import type { PositionIngest } from '../ingest';
import type { LiveAggregator, RateMeter } from '../heatmap';
import type { MarketService } from '../market';
import type { DeliveryService } from '../deliveries';

/** The status goes out every second: the queue's figures younger than that are the ones the screens have. */
const QUEUE_FIGURES_MAX_AGE_MS = 1000;

export interface StatusSources {
  version: string;
  startedAt: number;
  clock: () => number;
  config: Config;
  live: LiveAggregator;
  meter: RateMeter;
  /** NATS ingest, when it is the source; the simulator otherwise. */
  ingest?: PositionIngest;
  /** The delivery queue, or why it could not open. */
  delivery: () => { service?: DeliveryService; error: string };
  /** The market, when it runs. */
  market?: () => MarketService | undefined;
  /** The demo history, when the data dir holds one. */
  demo?: () => DemoStatus | undefined;
  /** The archive's copies to a bucket, when archive.s3Url is set. */
  archiveCopy?: () => Status['archiveCopy'];
}

/** What the status bar shows, assembled from the engine's rooms: `status()` answers `status.get` and feeds the `status` channel. */
export function engineStatus(s: StatusSources): () => Status {
  // The same figures `deliveries.changed` pushes: the status never tells another count of the queue.
  const queueSummary = (): Status['queue'] => {
    const { service, error } = s.delivery();
    if (!service) return { health: 'Unavailable', pending: 0, dlq: 0, detail: error };
    try {
      const f = service.figures(QUEUE_FIGURES_MAX_AGE_MS);
      return { health: f.status, pending: f.pending_count, dlq: f.dlq_count, ...(f.reasons.length ? { detail: f.reasons.join('; ') } : {}) };
    } catch (err) {
      return { health: 'Unavailable', pending: 0, dlq: 0, detail: (err as Error).message };
    }
  };

  return () => {
    const now = s.clock();
    const { devices, cells } = s.live.stats();
    const nats = s.ingest;
    const source: Pick<Status, 'source' | 'sourceState' | 'sourceDetail' | 'ingest'> = nats
      ? {
          source: 'nats',
          sourceState: nats.state,
          sourceDetail: nats.detail,
          ...(nats.server ? { natsServer: nats.server } : {}),
          ingest: {
            committed: nats.committed,
            skipped: nats.skipped,
            quarantined: Object.values(nats.quarantineCounts).reduce((a, b) => a + (b ?? 0), 0),
            ...partitionsOf(nats),
          },
        }
      : readsNats(s.config)
        ? // fleet.watchOnly: NATS is read for the fleet's heartbeats only.
          { source: 'nats', sourceState: 'running', sourceDetail: 'watch only: the fleet’s heartbeats, no positions pulled' }
        : { source: 'simulator', sourceState: 'running', sourceDetail: `${s.config.simulator.devices} walkers` };
    const market = s.market?.();
    const m = market?.metrics();
    const demo = s.demo?.();
    const archiveCopy = s.archiveCopy?.();
    return {
      version: s.version,
      ...source,
      queue: queueSummary(),
      ...(m
        ? {
            market: {
              cells: m.cells,
              surging: m.surging,
              eventsPerSec: m.events_per_second,
              demand: m.demand_state,
              ...(m.demand_detail ? { detail: m.demand_detail } : {}),
            },
          }
        : {}),
      ...(demo ? { demo } : {}),
      ...(archiveCopy ? { archiveCopy } : {}),
      positionsPerSec: Math.round(s.meter.perSecond(now)),
      positionsTotal: s.meter.total,
      devices,
      cells,
      windowS: s.config.live.windowS,
      maxResolution: s.config.live.maxResolution,
      uptimeS: Math.round((now - s.startedAt) / 1000),
    };
  };
}

/** The partitions this engine owns, when positions are partitioned. */
function partitionsOf(nats: PositionIngest): { partitions?: { owned: number[]; total: number } } {
  const list = nats.partitions();
  if (list.length === 0) return {};
  return { partitions: { owned: list.filter((p) => p.owned).map((p) => p.partition), total: list.length } };
}
