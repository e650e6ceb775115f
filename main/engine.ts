import { mkdirSync } from 'node:fs';
import type { FenceEvent } from '../shared/fence-event';
import type { Position } from '../shared/position';
import type { ChannelName, PayloadOf, Status, Viewport } from '../shared/rpc';
import { resolutionForZoom } from '../shared/zoom';
import { RpcError } from '../shared/rpc';
import { ConfigError, loadConfig, type Config, type LoadOptions } from './config';
import { HistoryStore } from './history';
import { PositionIngest } from './ingest';
import { redactUrl } from './nats';
import { LiveAggregator, RateMeter, indexPosition } from './live';
import { dispatch, type Handlers } from './rpc';
import { FenceService, catchUpFences, fenceHandlers, tile38Settings, type Fix, type IngestMark } from './fences';
import { DeliveryService, queueHandlers, queueSettingsOf, type Secrets } from './queue';

import { DatabaseFileError } from './sqlite';
import { Simulator } from './simulator';

export type EventListener = (channel: ChannelName, payload: PayloadOf<ChannelName>) => void;

/** One renderer connected to the engine, over whichever transport. */
export interface EngineClient {
  /** Calls an RPC method; rejects with RpcError (invalid params name their fields). */
  call(method: string, params: unknown): Promise<unknown>;
  /** This client's events: its heatmap frames and the shared status. */
  onEvent(listener: EventListener): () => void;
  close(): void;
}

export interface Engine {
  readonly config: Config;
  readonly dataDir: string;
  readonly settingsPath: string;
  connect(): EngineClient;
  /** Fixes from any source enter here (the simulator now, NATS in ingest). */
  ingest(batch: readonly Position[], now?: number): void;
  status(): Status;
  stop(): Promise<void>;
}

export interface EngineOptions extends LoadOptions {
  log?: (line: string) => void;
  /** Injected clock for tests. */
  clock?: () => number;
  version?: string;
  /** The OS keychain for webhook signing secrets (Electron's safeStorage); the environment is asked first. */
  secrets?: Secrets;
}

interface ClientState {
  viewport?: Viewport;
  listeners: Set<EventListener>;
}

const STATUS_INTERVAL_MS = 1000;
const QUEUE_SUMMARY_MS = 3000;

/** Loads the configuration (refusing an invalid one before anything starts), then runs the pipeline. */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const { config, dataDir, settingsPath } = loadConfig(options);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? Date.now;
  const startedAt = clock();
  const env = options.env ?? process.env;
  // Settings that only make sense together are refused before anything opens.
  const useNats = config.source === 'nats' || (config.source === 'auto' && config.nats.servers.length > 0);
  if (useNats && config.nats.servers.length === 0) throw new ConfigError('invalid settings:\n  nats.servers: source is nats but no server is set');
  const tile38 = tile38Settings(config.tile38, config.nats, env);
  mkdirSync(dataDir, { recursive: true });

  const live = new LiveAggregator({
    windowMs: config.live.windowS * 1000,
    bucketMs: config.live.bucketS * 1000,
    resolution: config.live.maxResolution,
  });
  const meter = new RateMeter();
  const clients = new Set<ClientState>();
  const cell = new Uint32Array(2);

  /** To every connected client (the status and fence events; frames go per viewport). */
  const broadcast = (channel: ChannelName, payload: PayloadOf<ChannelName>) => {
    for (const state of clients) for (const listener of state.listeners) listener(channel, payload);
  };

  // A damaged or locked queue file stops deliveries, not the engine: its methods answer with why.
  let delivery: DeliveryService | undefined;
  let deliveryError = '';
  try {
    delivery = new DeliveryService({
      dataDir,
      nats: config.nats,
      env,
      secrets: options.secrets,
      settings: queueSettingsOf(config.queue),
      worker: { log },
      targetsOf: (fenceId) => fences?.targetsOf(fenceId) ?? [],
    });
  } catch (err) {
    if (!(err instanceof DatabaseFileError)) throw err;
    deliveryError = err.message;
    log(`queue: ${err.message}`);
  }
  const needDelivery = (): DeliveryService => {
    if (!delivery) throw new RpcError({ code: 'unavailable', message: `the delivery queue is unavailable: ${deliveryError}` });
    return delivery;
  };

  // Fence events are recorded and queued durably; without a queue they still reach the live feed.
  const sinkEvents = (events: FenceEvent[], mark?: IngestMark) => {
    if (delivery) {
      try {
        delivery.queue.enqueue(events, mark ? { highWater: mark } : {});
        return;
      } catch (err) {
        log(`queue: ${(err as Error).message}: ${events.length} fence events reach the live feed only`);
      }
    }
    for (const event of events) broadcast('fence.event', { id: '', event });
  };
  let fences: FenceService | undefined;
  let fencesError = '';
  try {
    fences = new FenceService({
      dataDir,
      sink: sinkEvents,
      tile38,
      nats: config.nats,
      env,
      clock,
      log,
    });
  } catch (err) {
    if (!(err instanceof DatabaseFileError)) throw err;
    fencesError = err.message;
    log(`fences: ${err.message}`);
  }
  const needFences = (): FenceService => {
    if (!fences) throw new RpcError({ code: 'unavailable', message: `fences are unavailable: ${fencesError}` });
    return fences;
  };

  const ingest = (batch: readonly Position[], now = clock()): void => {
    for (const p of batch) {
      indexPosition(p.lat, p.lon, cell);
      live.add(p.id, p.ts, p.lat, p.lon, cell[0], cell[1]);
    }
    meter.add(batch.length, now);
    fences?.ingest(batch);
  };

  // NATS: every committed fix feeds the live view; the history store is where it is committed.
  const history = useNats
    ? await HistoryStore.open({
        dataDir,
        retentionDays: config.history.retentionDays,
        graceMs: config.history.graceS * 1000,
        memoryLimit: `${config.history.memoryLimitMb}MB`,
        log,
      })
    : undefined;
  const nats = history
    ? new PositionIngest({
        nats: config.nats,
        maxMessageBytes: config.ingest.maxMessageBytes,
        env,
        sink: history,
        // Tile38 holds every device's state; the embedded engine needs all of a device's fixes.
        warnShared: !tile38,
        onCommitted: (rows, highWater) => {
          const fixes: Fix[] = new Array(rows.length);
          for (let i = 0; i < rows.length; i++) {
            live.add(rows.id[i], rows.ts[i], rows.lat[i], rows.lon[i], rows.h3hi[i], rows.h3lo[i]);
            fixes[i] = { id: rows.id[i], ts: rows.ts[i], lat: rows.lat[i], lon: rows.lon[i] };
          }
          meter.add(rows.length, clock());
          fences?.ingest(fixes, { stream: config.nats.stream, seq: highWater });
        },
        log,
      })
    : undefined;
  // Positions a crash left between their commit and their events' commit go through the fences first.
  if (history && delivery && fences) await catchUpFences(history, fences, config.nats.stream, delivery.queue.highWater(config.nats.stream), log);
  await nats?.start();
  const simulator = useNats ? undefined : new Simulator(config.simulator);
  simulator?.start((batch) => ingest(batch), 100, clock);
  let rolling = false;
  const rollTimer = history
    ? setInterval(() => {
        if (rolling) return;
        rolling = true;
        const now = clock();
        history
          .roll(now)
          .then(() => history.applyRetention(now))
          .catch((err: Error) => log(`history: roll failed: ${err.message}`))
          .finally(() => (rolling = false));
      }, config.history.rollIntervalS * 1000)
    : undefined;
  const needHistory = (): HistoryStore => {
    if (!history) throw new RpcError({ code: 'unavailable', message: 'history is kept for NATS ingest: set nats.servers' });
    return history;
  };

  // The status goes out every second; the queue's figures are refreshed at most every few.
  let summary: { at: number; value: Status['queue'] } = { at: -Infinity, value: undefined };
  const queueSummary = (now: number): Status['queue'] => {
    if (!delivery) return { health: 'Unavailable', pending: 0, dlq: 0, detail: deliveryError };
    if (now - summary.at < QUEUE_SUMMARY_MS) return summary.value;
    try {
      const h = delivery.queue.health();
      summary = { at: now, value: { health: h.status, pending: h.metrics.pending_count, dlq: h.metrics.dlq_count, ...(h.reasons.length ? { detail: h.reasons.join('; ') } : {}) } };
    } catch (err) {
      summary = { at: now, value: { health: 'Unavailable', pending: 0, dlq: 0, detail: (err as Error).message } };
    }
    return summary.value;
  };

  const status = (): Status => {
    const now = clock();
    const { devices, cells } = live.stats();
    const source: Pick<Status, 'source' | 'sourceState' | 'sourceDetail' | 'ingest'> = nats
      ? {
          source: 'nats',
          sourceState: nats.state,
          sourceDetail: nats.detail,
          ingest: {
            committed: nats.committed,
            skipped: nats.skipped,
            quarantined: Object.values(nats.quarantineCounts).reduce((a, b) => a + (b ?? 0), 0),
          },
        }
      : { source: 'simulator', sourceState: 'running', sourceDetail: `${config.simulator.devices} walkers` };
    return {
      version: options.version ?? '0.1.0',
      ...source,
      queue: queueSummary(now),
      positionsPerSec: Math.round(meter.perSecond(now)),
      positionsTotal: meter.total,
      devices,
      cells,
      windowS: config.live.windowS,
      maxResolution: config.live.maxResolution,
      uptimeS: Math.round((now - startedAt) / 1000),
    };
  };

  const frameFor = (viewport: Viewport, now: number): ArrayBuffer =>
    live.buildFrame({
      resolution: resolutionForZoom(viewport.zoom, config.live.maxResolution),
      bounds: viewport.bounds,
      now,
      maxCells: config.live.maxFrameCells,
    });

  const emit = (state: ClientState, channel: ChannelName, payload: PayloadOf<ChannelName>) => {
    for (const listener of state.listeners) listener(channel, payload);
  };

  const handlers: Handlers<ClientState> = {
    'engine.status': () => status(),
    'heatmap.viewport': (viewport, state) => {
      state.viewport = viewport;
      return {
        resolution: resolutionForZoom(viewport.zoom, config.live.maxResolution),
        frameIntervalMs: config.live.frameIntervalMs,
      };
    },
    'heatmap.snapshot': (viewport) => frameFor(viewport, clock()),
    // A server URL may carry user:password@; it stays in the engine.
    'config.get': () => ({ settingsPath, config: { ...config, dataDir, nats: { ...config.nats, servers: config.nats.servers.map(redactUrl) } } }),
    'history.counts': () => needHistory().counts(),
    'history.roll': () => needHistory().roll(clock()),
    'quarantine.list': async (filter) => {
      const page = await needHistory().quarantine.list(filter);
      return { total: page.total, items: page.items.map((e) => ({ ...e, seq: String(e.seq) })) };
    },
    'quarantine.get': async ({ seq, stream }) => {
      const m = await needHistory().quarantine.get(BigInt(seq), stream);
      if (!m) throw new RpcError({ code: 'invalid_params', message: `no quarantined message with seq ${seq}`, issues: [{ path: 'seq', message: 'not found' }] });
      const { raw, ...entry } = m;
      return { ...entry, seq: String(entry.seq), rawBase64: Buffer.from(raw).toString('base64') };
    },
    'quarantine.purge': async (filter) => ({ purged: await needHistory().quarantine.purge(filter) }),
    'quarantine.counts': () => needHistory().quarantine.countsByReason(),
    ...queueHandlers<ClientState>(needDelivery),
    ...fenceHandlers<ClientState>(needFences, dataDir),
  };

  const frameTimer = setInterval(() => {
    const now = clock();
    live.evict(now);
    // Clients looking at the same view share one frame.
    const built = new Map<string, ArrayBuffer>();
    for (const state of clients) {
      if (!state.viewport || state.listeners.size === 0) continue;
      const key = JSON.stringify(state.viewport);
      let frame = built.get(key);
      if (!frame) built.set(key, (frame = frameFor(state.viewport, now)));
      emit(state, 'heatmap.frame', frame);
    }
  }, config.live.frameIntervalMs);
  const statusTimer = setInterval(() => {
    if (clients.size === 0) return;
    const s = status();
    broadcast('status', s);
  }, STATUS_INTERVAL_MS);

  delivery?.onFeed((event, id) => broadcast('fence.event', { id, event }));
  delivery?.start();
  await fences?.start();

  return {
    config,
    dataDir,
    settingsPath,
    ingest,
    status,
    connect(): EngineClient {
      const state: ClientState = { listeners: new Set() };
      clients.add(state);
      return {
        call: (method, params) => dispatch(handlers, method, params, state, log),
        onEvent(listener) {
          state.listeners.add(listener);
          return () => state.listeners.delete(listener);
        },
        close() {
          state.listeners.clear();
          clients.delete(state);
        },
      };
    },
    async stop() {
      simulator?.stop();
      if (rollTimer) clearInterval(rollTimer);
      await nats?.stop();
      await fences?.stop();
      await delivery?.stop();
      await history?.close();
      clearInterval(frameTimer);
      clearInterval(statusTimer);
      clients.clear();
    },
  };
}
