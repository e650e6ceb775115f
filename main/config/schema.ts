import { z } from 'zod';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;
const strict = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

/**
 * Every setting, its type, range and default. Unknown keys are refused (strict), so a typo in
 * settings.json is an error naming the key rather than a setting silently ignored.
 */
export const ConfigSchema = strict({
  source: z.enum(['auto', 'simulator', 'nats']).default('auto'),
  // The workstation's welcome on a first start (no settings.json, the source set nowhere): off for a managed install or a test.
  welcome: z.boolean().default(true),
  server: strict({
    host: z
      .string()
      .regex(LOOPBACK, 'must be a loopback address (127.0.0.1, ::1 or localhost): the web bridge never listens on a network')
      .default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(0),
  }).prefault({}),
  simulator: strict({
    devices: z.number().int().min(1).max(2_000_000).default(1000),
    ratePerSec: z.number().positive().max(10_000_000).default(2000),
    center: z.tuple([z.number().min(-180).max(180), z.number().min(-85).max(85)]).default([-73.9851, 40.7589]),
    radiusKm: z.number().positive().max(5000).default(8),
    speedMps: z.number().positive().max(400).default(9),
    fleet: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('walkers'),
    seed: z.number().int().nonnegative().default(1),
    // Ride requests around drifting hotspots (the market's demand) when the simulator runs; 0: none.
    demandPerSec: z.number().min(0).max(1_000_000).default(10),
    hotspots: z.number().int().min(1).max(100).default(3),
    // Hours of demo history the walkers leave behind on the first start of a new data dir; 0: no demo (nor its fences).
    backfillH: z.number().int().min(0).max(48).default(6),
    // Malformed messages a minute sent through ingest's decoder, so quarantine has something to show; 0: none.
    badPerMin: z.number().min(0).max(600).default(0),
  }).prefault({}),
  live: strict({
    windowS: z.number().int().min(5).max(3600).default(60),
    bucketS: z.number().int().min(1).max(600).default(5),
    // Street level: res 11 cells are about 45 m across, what the map shows when zoomed onto a street.
    maxResolution: z.number().int().min(1).max(15).default(11),
    frameIntervalMs: z.number().int().min(50).max(60_000).default(500),
    maxFrameCells: z.number().int().min(1000).max(2_000_000).default(250_000),
  })
    .refine((l) => l.windowS < 5 || l.bucketS <= l.windowS, { message: 'must not exceed live.windowS', path: ['bucketS'] })
    .prefault({}),
  nats: strict({
    servers: z.array(z.string().regex(/^(nats|tls|wss?):\/\/[^\s]+$/, 'must be a nats://, tls:// or ws(s):// URL')).default([]),
    user: z.string().default(''),
    // Secrets come from files or HEXWATCH_NATS_PASSWORD / HEXWATCH_NATS_TOKEN, never from settings.json.
    passwordFile: z.string().default(''),
    tokenFile: z.string().default(''),
    nkeySeedFile: z.string().default(''),
    credsFile: z.string().default(''),
    tlsCaFile: z.string().default(''),
    tlsCertFile: z.string().default(''),
    tlsKeyFile: z.string().default(''),
    stream: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('POSITIONS'),
    subjects: z.array(z.string().min(1)).min(1).default(['pos.>']),
    createStream: z.boolean().default(true),
    // Engines may share it only when Tile38 decides fences: the embedded engine needs every fix of a device.
    consumer: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('hexwatch'),
    // A stream the engine creates: its copies in a cluster (the consumer inherits them).
    streamReplicas: z.number().int().min(1).max(5).default(1),
    batch: z.number().int().min(1).max(100_000).default(5000),
    // A batch is handed on when full or when its oldest message has waited this long: a steady stream is committed fresh.
    maxBatchDelayMs: z.number().int().min(1).max(10_000).default(100),
    ackWaitS: z.number().int().min(5).max(3600).default(30),
    // Servers are tried in a random order, as the official clients do, unless this is set.
    noRandomize: z.boolean().default(false),
    // The official clients' defaults; ingest also watches its pulls' heartbeats (every second) to find a hung server sooner.
    pingIntervalS: z.number().int().min(1).max(3600).default(120),
    maxPingsOut: z.number().int().min(1).max(100).default(2),
  })
    .refine((n) => n.maxBatchDelayMs * 2 <= n.ackWaitS * 1000, { message: 'must be at most half of nats.ackWaitS', path: ['maxBatchDelayMs'] })
    .prefault({}),
  cluster: strict({
    // Positions split by device into this many partitions, each pinned to one engine by JetStream (nats-server 2.11+); 0: one consumer reads everything.
    partitions: z.number().int().min(0).max(64).default(0),
    // A pinned engine silent this long loses its partitions to the others (the consumers' priority_timeout).
    pinTimeoutS: z.number().int().min(1).max(3600).default(10),
    group: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,16}$/, 'letters, digits, _ and - only, at most 16')
      .default('hexwatch'),
    // This engine's name to the fleet; empty: the data dir's engine id.
    engineName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{0,64}$/, 'letters, digits, _ . - only')
      .default(''),
  }).prefault({}),
  ingest: strict({
    maxMessageBytes: z
      .number()
      .int()
      .min(256)
      .max(64 << 20)
      .default(65_536),
  }).prefault({}),
  history: strict({
    retentionDays: z.number().int().min(0).max(36_500).default(0),
    rollIntervalS: z.number().int().min(1).max(3600).default(60),
    graceS: z.number().int().min(0).max(86_400).default(300),
    // DuckDB's buffer limit; larger sorts spill to disk. 192 MB keeps the engine under 600 MB RSS at 1M positions.
    memoryLimitMb: z.number().int().min(64).max(65_536).default(128),
    // A DuckDB checkpoint between ingest's commits once this many rows are committed since the last; 0: DuckDB's own, inside a commit.
    checkpointRows: z.number().int().min(0).max(10_000_000).default(100_000),
  }).prefault({}),
  notebooks: strict({
    // The notebook process's own DuckDB: a heavy query there leaves the history's DuckDB and ingest alone.
    // 0: half the machine's cores (at least one), so ingest keeps the other half.
    threads: z.number().int().min(0).max(256).default(0),
    memoryLimitMb: z.number().int().min(64).max(1_048_576).default(512),
    maxRows: z.number().int().min(1000).max(10_000_000).default(100_000),
    snapshotMaxAgeS: z.number().int().min(0).max(3600).default(5),
    // Folders files may be opened from, and the only ones SQL reads; empty: the data dir and the user's home.
    roots: z.array(z.string().min(1)).default([]),
    // Bucket URL prefixes SQL may read too (through httpfs), e.g. s3://fleet-archive/; nothing is ever written there.
    buckets: z
      .array(z.string().regex(/^(s3|gs|gcs|r2|az|azure|abfss|https?):\/\/[^\s]+$/, 'a URL prefix such as s3://bucket/path/ or https://host/path/'))
      .default([]),
    // Let DuckDB fetch a missing approved extension (spatial, httpfs, ducklake) from its official repository.
    extensionsOnline: z.boolean().default(false),
    // An S3-compatible store (MinIO, SeaweedFS, Ceph…): its base URL, read path-style; empty: AWS itself.
    s3Endpoint: z
      .string()
      .regex(/^(https?:\/\/[^\s/?#]+\/?)?$/, 'an http(s)://host:port URL')
      .default(''),
    // Empty: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else us-east-1.
    s3Region: z
      .string()
      .regex(/^[a-z0-9-]*$/, 'a region name such as eu-west-1')
      .default(''),
    // The key id the app's own secret key belongs with (the key itself: keychain, or HEXWATCH_S3_SECRET_ACCESS_KEY); empty: the AWS chain.
    s3AccessKeyId: z.string().max(256).default(''),
  }).prefault({}),
  archive: strict({
    // Copy each finished archive part to this bucket prefix, e.g. s3://fleet/hexwatch/ (notebooks may read it too); empty: none.
    s3Url: z
      .string()
      .regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?)?$/, 'an s3://bucket/prefix/ URL')
      .default(''),
    // How often the archive is looked at for parts to copy (after a failure: backoff, up to 5 minutes).
    s3IntervalS: z.number().int().min(1).max(3600).default(30),
    // This engine's name in the bucket (engine=<id>/ in each hour); empty: made once, kept in the data dir's engine-id.
    engineId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{0,64}$/, 'letters, digits, _ and - only')
      .default(''),
    // A folder every engine of a fleet mounts (NFS, SMB…): the fleet's one archive, parts named by engine and partition; empty: none.
    sharedDir: z.string().default(''),
  }).prefault({}),
  tile38: strict({
    // Empty: the embedded engine decides fence events; set, the company's Tile38 does.
    host: z.string().default(''),
    port: z.number().int().min(1).max(65535).default(9851),
    // The password comes from this file or HEXWATCH_TILE38_PASSWORD, never from settings.json.
    passwordFile: z.string().default(''),
    tls: z.boolean().default(false),
    key: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
      .default('fleet'),
    expireS: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(0),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]*$/, 'letters, digits, _ . : - only')
      .default('hexwatch.'),
    // channel: SETCHAN + SUBSCRIBE; hook: SETHOOK publishing into JetStream (events.<fence>), read back durably.
    mode: z.enum(['channel', 'hook']).default('channel'),
    // The NATS address as Tile38 reaches it (hook mode); empty: the first of nats.servers.
    hookNats: z
      .string()
      .regex(/^(nats:\/\/[^\s/?]+)?$/, 'a nats://host:port address')
      .default(''),
    // Read-only followers (host:port) that serve reads which change nothing; the leader (host) gets writes and fires the hooks.
    followers: z.array(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'a host:port address')).default([]),
  }).prefault({}),
  fences: strict({
    // local: fences.sqlite is the registry; nats: the JetStream key-value bucket hexwatch-fences, shared by a fleet (fences.sqlite its cache).
    registry: z.enum(['local', 'nats']).default('local'),
    // With the nats registry and Tile38: an engine that deploys fences and has not renewed its lease for this long is replaced by another.
    deployLeaseS: z.number().int().min(3).max(300).default(15),
    // With partitions, how often the owner checkpoints each changed partition's fence state (and at once when it stops or loses one).
    checkpointS: z.number().int().min(1).max(3600).default(5),
  }).prefault({}),
  queue: strict({
    dedupWindowS: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .default(86_400),
    maxAttempts: z.number().int().min(1).max(100).default(5),
    backoffS: z.array(z.number().positive().max(86_400)).min(1).max(20).default([5, 10, 20, 40, 80]),
    jitter: z.number().min(0).max(1).default(0.2),
    fifoPerFence: z.boolean().default(true),
    retentionDays: z.number().int().min(1).max(36_500).default(30),
    // `full` survives power loss; `normal` survives a killed process and commits faster.
    synchronous: z.enum(['full', 'normal']).default('full'),
    feed: z.boolean().default(true),
    unhealthyDlq: z.number().int().min(0).default(100),
    degradedPending: z.number().int().min(0).default(1000),
    degradedOldestS: z.number().int().min(0).default(300),
    degradedSuccessPercent: z.number().min(0).max(100).default(95),
  }).prefault({}),
  market: strict({
    // Supply, demand and surge per cell, from positions and the DEMAND stream; off: none of it is kept.
    enabled: z.boolean().default(true),
    resolution: z.number().int().min(0).max(15).default(8),
    tickS: z.number().positive().max(3600).default(30),
    // What each tick keeps: supply × 0.95, demand × 0.90 (then the whole part).
    supplyDecay: z.number().gt(0).max(1).default(0.95),
    demandDecay: z.number().gt(0).max(1).default(0.9),
    // Kinds of position counted as supply; empty: every kind but "demand". A position whose props say "available": false never is.
    supplyKinds: z.array(z.string().min(1).max(64)).default([]),
    // market.changed (and a surge alert to alertTargets) when a cell's surge crosses this, up or down.
    surgeAlert: z.number().gt(1).max(5).default(1.5),
    alertTargets: z.array(z.string().min(1)).default([]),
    demandStream: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('DEMAND'),
    demandSubjects: z.array(z.string().min(1)).min(1).default(['demand.>']),
    demandConsumer: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('hexwatch-demand'),
  }).prefault({}),
  fleet: strict({
    // How often this engine puts its heartbeat in the hexwatch-fleet bucket; an engine unheard for 3 heartbeats is shown as gone.
    heartbeatS: z.number().int().min(1).max(60).default(2),
    // Only watch the fleet (a desktop looking at headless engines): no positions or demand pulled, no heartbeat of its own.
    watchOnly: z.boolean().default(false),
  }).prefault({}),
  map: strict({
    // Off: the page fetches nothing from any host but the engine. On: a basemap style URL may be opened, and the page may fetch its tiles from the internet.
    onlineBasemaps: z.boolean().default(false),
  }).prefault({}),
  log: strict({
    level: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  }).prefault({}),
});

export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;
