/** The queue's schema, in migrations: `PRAGMA user_version` says how many have run. Never edit one that shipped: add another. */
export const QUEUE_MIGRATIONS: readonly string[] = [
  `
  -- Facts about this file: its random id prefixes every delivery id (unique across machines).
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  INSERT INTO meta (key, value) VALUES ('instance', lower(hex(randomblob(5))));

  -- The append-only event log. A repeat inside the dedup window is counted in \`repeats\`, not logged again;
  -- it is found through (fence_id, ts): an index that grows at a few hundred places (the fences), where one
  -- on the fingerprint or the device would touch a page per event and halve the durable enqueue rate.
  CREATE TABLE fence_events (
    id          INTEGER PRIMARY KEY,
    event_type  TEXT    NOT NULL,
    fence_id    TEXT    NOT NULL,
    device_id   TEXT    NOT NULL,
    ts          INTEGER NOT NULL,
    lat         REAL    NOT NULL,
    lon         REAL    NOT NULL,
    grp         TEXT,
    source      TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL,
    repeats     INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX fence_events_fence_ts ON fence_events (fence_id, ts);

  CREATE TABLE targets (
    id             TEXT    PRIMARY KEY,
    kind           TEXT    NOT NULL CHECK (kind IN ('webhook', 'nats', 'feed')),
    url            TEXT,
    subject        TEXT,
    secret_ref     TEXT,
    timeout_ms     INTEGER NOT NULL DEFAULT 10000,
    concurrency    INTEGER NOT NULL DEFAULT 8,
    enabled        INTEGER NOT NULL DEFAULT 1,
    disabled_reason TEXT,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
  );
  INSERT INTO targets (id, kind, created_at, updated_at) VALUES ('feed', 'feed', 0, 0);

  -- seq orders items (FIFO) and names them: the delivery id is msg_<instance><seq>. The body is built
  -- from the event row; only a replay of an archived event, which has none, carries its own payload.
  CREATE TABLE delivery_queue (
    seq              INTEGER PRIMARY KEY,
    event_id         INTEGER REFERENCES fence_events (id),
    target_id        TEXT    NOT NULL,
    partition_key    TEXT    NOT NULL,
    fingerprint      TEXT    NOT NULL,
    payload          TEXT,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'dlq')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL,
    next_attempt_at  INTEGER NOT NULL,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    last_error       TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    completed_at     INTEGER,
    CHECK (event_id IS NOT NULL OR payload IS NOT NULL)
  );
  CREATE INDEX delivery_queue_due ON delivery_queue (status, next_attempt_at);
  -- Only undelivered items: the heads of the (fence, target) partitions are found by skipping through it.
  CREATE INDEX delivery_queue_open ON delivery_queue (partition_key, target_id, seq) WHERE status IN ('pending', 'processing', 'failed');
  CREATE INDEX delivery_queue_completed ON delivery_queue (completed_at) WHERE status = 'completed';

  CREATE TABLE delivery_log (
    id          INTEGER PRIMARY KEY,
    item_seq    INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    target_id   TEXT    NOT NULL,
    status      TEXT    NOT NULL CHECK (status IN ('success', 'failed', 'timeout')),
    http_status INTEGER,
    latency_ms  REAL    NOT NULL,
    error       TEXT,
    at          INTEGER NOT NULL
  );
  CREATE INDEX delivery_log_item ON delivery_log (item_seq);
  CREATE INDEX delivery_log_at ON delivery_log (at);

  -- The ingest high-water mark committed with the events it produced (embedded engine).
  CREATE TABLE ingest_mark (
    stream     TEXT PRIMARY KEY,
    high_water INTEGER NOT NULL
  );
  `,
  `
  -- The first KB of what the receiver answered: an operator reads why it refused.
  ALTER TABLE delivery_log ADD COLUMN response TEXT;
  -- 1 when a replay queued the item: a replay is a new delivery, shown as one.
  ALTER TABLE delivery_queue ADD COLUMN replayed INTEGER NOT NULL DEFAULT 0;
  -- The dead-letter list reads newest first, and counts per target and per error: indexes of dead letters only.
  CREATE INDEX delivery_queue_dlq_updated ON delivery_queue (updated_at) WHERE status = 'dlq';
  CREATE INDEX delivery_queue_dlq_target ON delivery_queue (target_id) WHERE status = 'dlq';
  CREATE INDEX delivery_queue_dlq_error ON delivery_queue (last_error) WHERE status = 'dlq';
  CREATE INDEX delivery_queue_dlq_fence ON delivery_queue (partition_key, updated_at) WHERE status = 'dlq';
  -- Dead letters discarded a moment ago, kept for undo (batch: the discard that took them) until purged.
  CREATE TABLE discarded AS SELECT * FROM delivery_queue WHERE 0;
  ALTER TABLE discarded ADD COLUMN batch INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX discarded_batch ON discarded (batch);
  -- The queue's figures a minute at a time, for the day view of its health.
  CREATE TABLE queue_samples (
    at     INTEGER PRIMARY KEY,
    sample TEXT    NOT NULL
  );
  `,
  `
  -- The dedup lookup and the log's time ranges read events by time: an index in arrival order grows at its
  -- end, where one led by the fence dirtied a page per fence at every commit.
  DROP INDEX fence_events_fence_ts;
  CREATE INDEX fence_events_ts ON fence_events (ts, fence_id);
  -- Items waiting for their time, and items out with a worker: a delivered item leaves both, where one index
  -- over every status rewrote an entry at each change and kept every delivered item.
  DROP INDEX delivery_queue_due;
  CREATE INDEX delivery_queue_waiting ON delivery_queue (next_attempt_at) WHERE status IN ('pending', 'failed');
  -- Which worker has an item out is the engine's to know (one engine works a data dir): what was out when an
  -- engine stopped is waiting again. Leases in the file cost a write per item claimed and saved nothing.
  UPDATE delivery_queue SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'failed' END WHERE status = 'processing';
  ALTER TABLE delivery_queue DROP COLUMN lease_owner;
  ALTER TABLE delivery_queue DROP COLUMN lease_expires_at;
  ALTER TABLE discarded DROP COLUMN lease_owner;
  ALTER TABLE discarded DROP COLUMN lease_expires_at;
  -- Written with every event and item, never read: dedup finds a repeat by its time, fence, device and type.
  ALTER TABLE fence_events DROP COLUMN fingerprint;
  ALTER TABLE delivery_queue DROP COLUMN fingerprint;
  ALTER TABLE discarded DROP COLUMN fingerprint;
  `,
  `
  -- Each item's delivery id, derived from its event and target (delivery-id.ts), so every engine of a fleet names an
  -- event alike and a receiver dedupes it; a second item under an id already queued is refused. NULL for the items
  -- queued before and for replays (a replay is a new delivery): those are still named msg_<instance><seq>.
  ALTER TABLE delivery_queue ADD COLUMN delivery_id TEXT;
  ALTER TABLE discarded ADD COLUMN delivery_id TEXT;
  CREATE UNIQUE INDEX delivery_queue_delivery_id ON delivery_queue (delivery_id) WHERE delivery_id IS NOT NULL;
  `,
];
