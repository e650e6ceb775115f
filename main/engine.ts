import { mkdirSync } from 'node:fs';
import type { Status } from '../shared/rpc';
import { configHandlers, loadConfig, readsNats, type Config, type LoadOptions } from './config';
import { basemapHandlers } from './basemap';
import { connectionsHandlers, type ConnectionsHost } from './connections';
import { FenceService, catchUpFences, fenceHandlers, fleetFences, tile38Settings } from './fences';
import { fleetHandlers, openFleetRoom, pullsFromNats } from './fleet';
import { PositionBatch, RollSchedule, historyHandlers, historyOptionsOf, openHistoryRoom } from './history';
import { PositionIngest, PositionSinks, ingestSettingsOf } from './ingest';
import { jobsHandlers } from './jobs';
import { LiveAggregator, RateMeter, heatmapHandlers, heatmapSink, startFrames } from './heatmap';
import { marketFrameLayer, marketHandlers, openMarketRoom } from './market';
import { LazyNotebooks, dropClientQueries, notebookHandlers } from './notebooks';
import { playbackHandlers } from './playback';
import { PreferencesFile, preferencesHandlers } from './preferences';
import { quarantineHandlers } from './quarantine';
import { DeliveryService, deliveryHandlers, fenceEventSink, queueSettingsOf, type Secrets } from './deliveries';
import { optionalRoom, roomOff, type Handlers } from './rpc';
import { SimulatedSource } from './simulator';
import { DemoService, demoHandlers } from './demo';
import { isNewDataDir } from './data-dir';
import { openArchiveStorage } from './shared-archive';
import { engineStatus, startStatusChannel, statusHandlers } from './status';
import { EngineClients, type ClientState, type EngineClient } from './engine-clients';

export type { EngineClient, EventListener } from './engine-clients';

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
  /** What started the engine and can start it over with new connections (engine-host.ts). */
  connections?: ConnectionsHost;
}

/**
 * Loads the configuration (refusing an invalid one before anything starts), then wires the rooms: a source (NATS ingest or the
 * simulator, each committing into history), one fan-out of accepted positions to the sinks the rooms register (heatmap and rate,
 * fences, market), one path of fence events (fences and surge alerts into the delivery queue, the live feed behind it), each
 * room's channels and RPC handlers, the buckets. Each room runs its own timers; the engine starts and stops them in order.
 */
export async function startEngine(options: EngineOptions = {}): Promise<Engine> {
  const { config, dataDir, settingsPath, origins } = loadConfig(options);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = options.clock ?? Date.now;
  const env = options.env ?? process.env;
  const useNats = readsNats(config);
  const tile38 = tile38Settings(config.tile38, config.nats, env);
  mkdirSync(dataDir, { recursive: true });
  const fresh = isNewDataDir(dataDir);
  const live = new LiveAggregator({ windowMs: config.live.windowS * 1000, bucketMs: config.live.bucketS * 1000, resolution: config.live.maxResolution });
  const meter = new RateMeter();
  // One fan-out for every accepted position, from whichever source: each room registers its sink.
  const positions = new PositionSinks();
  positions.add(heatmapSink(live, meter, clock));
  const clients = new EngineClients(log);
  const { broadcast } = clients;
  const preferences = new PreferencesFile(dataDir, log);
  const { secrets, saveSecret } = options;
  const delivery = optionalRoom(
    'the delivery queue',
    () => new DeliveryService({ dataDir, nats: config.nats, env, secrets, saveSecret, settings: queueSettingsOf(config.queue), worker: { log } }),
    log,
  );
  // Fence events have one path: the delivery queue, or the live feed when it is closed.
  const fenceEvents = fenceEventSink(delivery.room, (event, id) => broadcast('fences.event', { id, event }), log);
  const fenceOptions = { dataDir, sink: fenceEvents, tile38, config, env, clock, log, ...fleetFences(config, useNats, dataDir) };
  const fences = optionalRoom('fences', () => new FenceService(fenceOptions), log);
  if (fences.room) positions.add(fences.room.acceptPositions);

  // Positions are committed to history first, then accepted (and, from NATS, acked); with the simulator the engine runs on without it.
  const historyRoom = await openHistoryRoom({ dataDir, ...historyOptionsOf(config.history), log }, useNats);
  const history = historyRoom.room;
  const nats = pullsFromNats(config)
    ? new PositionIngest({
        ...ingestSettingsOf(config),
        env,
        sink: historyRoom.need(),
        // Tile38 holds every device's state; the embedded engine needs all of a device's fixes.
        ownConsumer: !tile38,
        beforeTakeover: fences.room?.handover.beforeTakeover,
        onOwnership: fences.room?.handover.onOwnership,
        onCommitted: (rows, highWater) => positions.accept(rows, { stream: config.nats.stream, seq: highWater }),
        log,
      })
    : undefined;
  // The market: supply from accepted positions, demand from its stream (NATS) or from the simulator.
  const market = openMarketRoom(config, pullsFromNats(config), {
    dataDir,
    env,
    maxMessageBytes: config.ingest.maxMessageBytes,
    quarantine: nats && ((stream, rows, committed) => historyRoom.need().commit({ stream, rows: new PositionBatch(0), quarantined: rows, committed })),
    onChanged: (change) => broadcast('market.changed', change),
    alerts: fenceEvents,
    clock,
    log,
  });
  if (market.room) positions.add(market.room.addPositions);
  // Positions a crash left between their commit and their events' commit go through the fences first.
  if (nats && history && delivery.room && fences.room)
    await catchUpFences(history, fences.room, config.nats.stream, delivery.room.queue.highWater(config.nats.stream), log);
  await nats?.start();

  // Without NATS the simulator is the source (committed to the history, then accepted, as NATS's), and makes up the market's demand too.
  const simulator = useNats ? undefined : new SimulatedSource(config, { history, positions: positions.accept, market: market.room, clock, log });
  // A new data dir starts with demo fences and, written in the background, the walkers' past hours.
  const demo = simulator && new DemoService(config, { dataDir, fresh, history, fences: fences.room?.registry, market: market.room, clock, log });
  demo?.start();
  simulator?.start();
  const roll = history && new RollSchedule(history, config.history.rollIntervalS * 1000, clock, log);
  roll?.start();
  // Buckets and the fleet's one archive (archive.s3Url, archive.sharedDir): parts put there as written, read by notebooks.
  const storage = openArchiveStorage(config, { env, dataDir, clock, log, owns: (p) => nats?.owns(p) ?? false });

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
    demo: () => demo?.status(),
    archiveCopy: () => storage.archiveCopy?.status(),
  });
  const fleet = openFleetRoom(config, { dataDir, env, status, positions, ingest: nats, onChanged: (f) => broadcast('fleet.changed', f), clock, log });
  // The notebook process starts when a notebook first runs a query; a client that goes drops its queries there.
  const notebooks = new LazyNotebooks(
    dataDir,
    { ...config.notebooks, buckets: storage.buckets, s3: storage.access, archiveRoots: storage.readRoots, fleet: storage.fleet },
    () => ({ dataDir, history, events: delivery.room?.queue.log, fences: fences.room && (() => fences.room!.registry.exportCollection().features) }),
    log,
  );
  // Views that colour by supply, demand, ratio or surge get the market's frames.
  const marketFrames = marketFrameLayer(() => market.room, config);

  const handlers: Handlers<ClientState> = {
    ...statusHandlers<ClientState>(status),
    ...configHandlers<ClientState>(config, dataDir, settingsPath),
    ...heatmapHandlers<ClientState>(live, config.live, clock, marketFrames),
    ...historyHandlers<ClientState>(historyRoom.need, clock),
    ...quarantineHandlers<ClientState>(() => historyRoom.need().quarantine, clock),
    ...deliveryHandlers<ClientState>(delivery.need),
    ...fenceHandlers<ClientState>(fences.need, dataDir, notebooks.need),
    ...basemapHandlers<ClientState>(),
    ...notebookHandlers<ClientState>(notebooks.need),
    ...playbackHandlers<ClientState>(notebooks.need),
    ...marketHandlers<ClientState>(market.need),
    ...connectionsHandlers<ClientState>({ config, dataDir, settingsPath, origins }, options.connections, env),
    ...preferencesHandlers<ClientState>(preferences, (key, value) => broadcast('preferences.changed', { key, value })),
    ...jobsHandlers<ClientState>(),
    ...fleetHandlers<ClientState>(fleet),
    ...demoHandlers<ClientState>(demo ? () => demo : roomOff<DemoService>('the demo is made on a new data dir with the simulator').need),
  };
  const stopFrames = startFrames(live, config.live, clock, () => clients.listening(), marketFrames);
  const stopStatus = startStatusChannel(() => clients.size > 0 && broadcast('status.changed', status()));
  fences.room?.registry.onChange((list) => broadcast('fences.changed', { fences: list.length }));
  delivery.room?.onChanged((change) => broadcast('deliveries.changed', change));
  delivery.room?.start();
  await fences.room?.start();
  market.room?.start();

  return {
    config,
    dataDir,
    settingsPath,
    status,
    connect: () => clients.connect(handlers, (state) => dropClientQueries(notebooks.running, state)),
    async stop() {
      await fleet.stop();
      await demo?.stop();
      await simulator?.stop();
      roll?.stop();
      await storage.stop();
      await nats?.stop();
      await fences.room?.stop();
      await market.room?.stop();
      await delivery.room?.stop();
      await notebooks.close();
      await history?.close();
      stopFrames();
      stopStatus();
      await preferences.flush();
      clients.clear();
    },
  };
}
