import { mkdirSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import type { Position } from '../shared/position';
import type { ChannelName, PayloadOf, Status, Viewport } from '../shared/rpc';
import { RpcError } from '../shared/rpc';
import { ConfigError, loadConfig, type Config, type LoadOptions } from './config';
import { basemapHandlers } from './basemap';
import { FenceService, catchUpFences, fenceHandlers, tile38Settings, type Fix, type IngestMark, type RoutedFenceEvent } from './fences';
import { HistoryStore, PositionBatch, historyHandlers } from './history';
import { ClientJobs, jobsHandlers } from './jobs';
import { PositionIngest } from './ingest';
import { LiveAggregator, RateMeter, heatmapHandlers, indexPosition, startFrames, type FrameLayer } from './heatmap';
import { MarketService, marketHandlers, type SurgeCrossing } from './market';
import { redactUrl } from './nats';
import { NotebookService, dropClientQueries, notebookHandlers } from './notebooks';
import { playbackHandlers } from './playback';
import { quarantineHandlers } from './quarantine';
import { DeliveryService, deliveryHandlers, queueSettingsOf, type Secrets } from './deliveries';
import { dispatch, type Handlers } from './rpc';
import { DemandSimulator, Simulator } from './simulator';
import { DatabaseFileError } from './sqlite';
import { engineStatus } from './status';

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
  /** Stores a webhook signing secret in the OS keychain (the desktop app). */
  saveSecret?: (name: string, value: string) => void;
}

interface ClientState {
  viewport?: Viewport;
  listeners: Set<EventListener>;
  send(frame: ArrayBuffer): void;
  /** A channel payload for this client only (its jobs' progress). */
  emit<Ch extends ChannelName>(channel: Ch, payload: PayloadOf<Ch>): void;
  /** The long calls this client started: cancelled when it goes. */
  jobs: ClientJobs;
  /** Names this client's notebook queries apart from another's. */
  id: string;
  queries: Set<string>;
}

const STATUS_INTERVAL_MS = 1000;
const QUEUE_CHANGED_MS = 250;

/** A room that may fail to open (a damaged or locked file): the engine runs on, and its methods say why. */
function optional<T>(what: string, open: () => T, log: (line: string) => void): { room?: T; need: () => T; error: string } {
  try {
    const room = open();
    return { room, need: () => room, error: '' };
  } catch (err) {
    if (!(err instanceof DatabaseFileError)) throw err;
    log(`${what}: ${err.message}`);
    const error = err.message;
    return {
      error,
      need: () => {
        throw new RpcError({ code: 'unavailable', message: `${what} ${what.endsWith('s') ? 'are' : 'is'} unavailable: ${error}` });
      },
    };
  }
}

/**
 * Loads the configuration (refusing an invalid one before anything starts), then wires the rooms: a
 * source (the simulator, or NATS ingest committing into history), one fan-out of accepted positions
 * (live heatmap, rate, fences), fence events into the delivery queue, and the RPC handlers of each room.
 */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const { config, dataDir, settingsPath } = loadConfig(options);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? Date.now;
  const env = options.env ?? process.env;
  // Settings that only make sense together are refused before anything opens.
  const useNats = config.source === 'nats' || (config.source === 'auto' && config.nats.servers.length > 0);
  if (useNats && config.nats.servers.length === 0) throw new ConfigError('invalid settings:\n  nats.servers: source is nats but no server is set');
  const tile38 = tile38Settings(config.tile38, config.nats, env);
  mkdirSync(dataDir, { recursive: true });

  const live = new LiveAggregator({ windowMs: config.live.windowS * 1000, bucketMs: config.live.bucketS * 1000, resolution: config.live.maxResolution });
  const meter = new RateMeter();
  const clients = new Set<ClientState>();
  const broadcast = (channel: ChannelName, payload: PayloadOf<ChannelName>) => {
    for (const state of clients) for (const listener of state.listeners) listener(channel, payload);
  };

  const delivery = optional(
    'the delivery queue',
    () =>
      new DeliveryService({
        dataDir,
        nats: config.nats,
        env,
        secrets: options.secrets,
        saveSecret: options.saveSecret,
        settings: queueSettingsOf(config.queue),
        worker: { log },
      }),
    log,
  );
  // Fence events are recorded and queued durably; without a queue they still reach the live feed.
  const sinkEvents = (events: RoutedFenceEvent[], mark?: IngestMark) => {
    if (delivery.room) {
      try {
        delivery.room.queue.enqueue(events, mark ? { highWater: mark } : {});
        return;
      } catch (err) {
        log(`queue: ${(err as Error).message}: ${events.length} fence events reach the live feed only`);
      }
    }
    for (const { targets: _targets, ...event } of events) broadcast('fences.event', { id: '', event });
  };
  const fences = optional('fences', () => new FenceService({ dataDir, sink: sinkEvents, tile38, nats: config.nats, env, clock, log }), log);

  /** One fan-out for every accepted position, from whichever source. */
  const accept = (rows: PositionBatch, mark?: IngestMark) => {
    const fixes: Fix[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      live.add(rows.id[i], rows.ts[i], rows.lat[i], rows.lon[i], rows.h3hi[i], rows.h3lo[i]);
      fixes[i] = { id: rows.id[i], ts: rows.ts[i], lat: rows.lat[i], lon: rows.lon[i] };
    }
    meter.add(rows.length, clock());
    fences.room?.ingest(fixes, mark);
    market.room?.addPositions(rows);
  };

  // NATS: positions are committed to history first, then accepted, then acked.
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
        onCommitted: (rows, highWater) => accept(rows, { stream: config.nats.stream, seq: highWater }),
        log,
      })
    : undefined;
  // The market: supply from accepted positions, demand from its stream (NATS) or from the simulator.
  const market = config.market.enabled
    ? optional(
        'the market',
        () =>
          new MarketService({
            dataDir,
            settings: config.market,
            nats: useNats ? config.nats : undefined,
            env,
            maxMessageBytes: config.ingest.maxMessageBytes,
            quarantine: history ? (stream, rows, committed) => history.commit({ stream, rows: new PositionBatch(0), quarantined: rows, committed }) : undefined,
            onCrossings: (at, crossings) => surged(at, crossings),
            clock,
            log,
          }),
        log,
      )
    : {
        room: undefined,
        error: 'market.enabled is off',
        need: (): MarketService => {
          throw new RpcError({ code: 'unavailable', message: 'the market is off (market.enabled)' });
        },
      };
  /** Crossings of the surge threshold: to every client, and as surge alerts to the targets that want them. */
  const surged = (at: number, crossings: readonly SurgeCrossing[]) => {
    const cells = crossings.map((c) => ({ hex: market.room!.hexOf(c.key), rising: c.rising, surge: c.surge, supply: c.supply, demand: c.demand }));
    if (clients.size > 0) broadcast('market.changed', { at, threshold: config.market.surgeAlert, crossings: cells });
    if (config.market.alertTargets.length === 0) return;
    sinkEvents(
      cells.map((c, i) => {
        const [lat, lon] = market.room!.frames.centre(crossings[i]!.key);
        return {
          event_type: c.rising ? 'enter' : 'exit',
          fence_id: 'surge',
          device_id: c.hex,
          position: { lat, lon },
          timestamp: at,
          group: `surge x${c.surge.toFixed(2)}`,
          source: 'embedded' as const,
          targets: config.market.alertTargets,
        };
      }),
    );
  };
  // Positions a crash left between their commit and their events' commit go through the fences first.
  if (history && delivery.room && fences.room)
    await catchUpFences(history, fences.room, config.nats.stream, delivery.room.queue.highWater(config.nats.stream), log);
  await nats?.start();

  const simulator = useNats ? undefined : new Simulator(config.simulator);
  const { center, radiusKm, hotspots, seed, demandPerSec, fleet } = config.simulator;
  const demand = simulator && market.room && demandPerSec > 0 ? new DemandSimulator({ center, radiusKm }, hotspots, seed, `req-${fleet}`) : undefined;
  let demandOwed = 0;
  let demandAt = clock();
  const cell = new Uint32Array(2);
  simulator?.start(
    (batch: readonly Position[]) => {
      const rows = new PositionBatch(batch.length);
      for (const p of batch) {
        indexPosition(p.lat, p.lon, cell);
        rows.add(0, p.id, p.ts, p.lat, p.lon, cell[0], cell[1], NaN, NaN, NaN, p.kind ?? null);
      }
      accept(rows);
      if (!demand) return;
      const now = clock();
      demandOwed = Math.min(demandPerSec, demandOwed + ((now - demandAt) / 1000) * demandPerSec);
      demandAt = now;
      const n = Math.floor(demandOwed);
      demandOwed -= n;
      if (n > 0) market.room?.addDemand(demand.take(n, now));
    },
    100,
    clock,
  );

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

  const status = engineStatus({
    version: options.version ?? '0.1.0',
    startedAt: clock(),
    clock,
    config,
    live,
    meter,
    ingest: nats,
    delivery: () => ({ service: delivery.room, error: delivery.error }),
    market: () => market.room,
  });

  // The notebook thread starts when a notebook first runs a query (a DuckDB and a thread the engine needs only then).
  let notebooks: Promise<NotebookService> | undefined;
  let notebookRoom: NotebookService | undefined;
  const needNotebooks = (): Promise<NotebookService> =>
    (notebooks ??= NotebookService.start(
      dataDir,
      {
        ...config.notebooks,
        threads: config.notebooks.threads || Math.max(1, Math.floor(availableParallelism() / 2)),
        snapshotMaxAgeMs: config.notebooks.snapshotMaxAgeS * 1000,
        roots: config.notebooks.roots.length ? config.notebooks.roots : [dataDir, homedir()],
      },
      () => ({
        dataDir,
        history,
        events: delivery.room?.queue.log,
        fences: fences.room ? () => fences.room!.registry.exportCollection().features : undefined,
      }),
    ).then(
      (room) => (notebookRoom = room),
      (err: Error) => {
        notebooks = undefined;
        throw new RpcError({ code: 'unavailable', message: `notebooks cannot start: ${err.message}` });
      },
    ));
  let clientCount = 0;
  // Views that colour by supply, demand, ratio or surge get the market's frames.
  const marketFrames: FrameLayer = (viewport, resolution, now) =>
    market.room?.frames.build(viewport.bounds, resolution, now, config.market.tickS * 1000, config.live.maxFrameCells);

  const handlers: Handlers<ClientState> = {
    'status.get': () => status(),
    // A server URL may carry user:password@; it stays in the engine.
    'config.get': () => ({ settingsPath, config: { ...config, dataDir, nats: { ...config.nats, servers: config.nats.servers.map(redactUrl) } } }),
    ...heatmapHandlers<ClientState>(live, config.live, clock, marketFrames),
    ...historyHandlers<ClientState>(needHistory, clock),
    ...quarantineHandlers<ClientState>(() => needHistory().quarantine, clock),
    ...deliveryHandlers<ClientState>(delivery.need),
    ...fenceHandlers<ClientState>(fences.need, dataDir),
    ...basemapHandlers<ClientState>(),
    ...notebookHandlers<ClientState>(needNotebooks),
    ...playbackHandlers<ClientState>(needNotebooks),
    ...marketHandlers<ClientState>(market.need),
    ...jobsHandlers<ClientState>(),
  };

  const stopFrames = startFrames(live, config.live, clock, () => [...clients].filter((c) => c.listeners.size > 0), marketFrames);
  const statusTimer = setInterval(() => {
    if (clients.size > 0) broadcast('status.changed', status());
  }, STATUS_INTERVAL_MS);

  delivery.room?.onFeed((event, id) => broadcast('fences.event', { id, event }));
  fences.room?.registry.onChange((list) => broadcast('fences.changed', { fences: list.length }));
  // Dead letters can change by the thousand a second: clients hear of it at most every QUEUE_CHANGED_MS.
  let queueChanged: NodeJS.Timeout | undefined;
  delivery.room?.queue.onChange(() => {
    queueChanged ??= setTimeout(() => {
      queueChanged = undefined;
      if (delivery.room && clients.size > 0) broadcast('deliveries.changed', { dlq: delivery.room.queue.openCounts().dlq });
    }, QUEUE_CHANGED_MS);
  });
  delivery.room?.start();
  await fences.room?.start();
  market.room?.start();

  return {
    config,
    dataDir,
    settingsPath,
    status,
    connect(): EngineClient {
      const id = `c${++clientCount}`;
      const state: ClientState = {
        listeners: new Set(),
        send: (frame) => state.emit('heatmap.frame', frame),
        emit: (channel, payload) => {
          for (const listener of state.listeners) listener(channel, payload);
        },
        jobs: new ClientJobs(id, (progress) => state.emit('jobs.progress', progress)),
        id,
        queries: new Set(),
      };
      clients.add(state);
      return {
        call: (method, params) => dispatch(handlers, method, params, state, log),
        onEvent(listener) {
          state.listeners.add(listener);
          return () => state.listeners.delete(listener);
        },
        close() {
          // A client that goes stops what it started.
          state.jobs.cancelAll();
          dropClientQueries(notebookRoom, state);
          state.listeners.clear();
          clients.delete(state);
        },
      };
    },
    async stop() {
      simulator?.stop();
      if (rollTimer) clearInterval(rollTimer);
      await nats?.stop();
      await fences.room?.stop();
      await market.room?.stop();
      await delivery.room?.stop();
      await (await notebooks?.catch(() => undefined))?.close();
      await history?.close();
      stopFrames();
      clearInterval(statusTimer);
      clearTimeout(queueChanged);
      clients.clear();
    },
  };
}
