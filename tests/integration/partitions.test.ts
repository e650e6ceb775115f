// Several engines, one fleet: positions split by device into 8 partitions, each pinned to one engine by
// JetStream (priority groups, nats-server 2.11+). Two engines with data dirs of their own read one stream:
// every position is committed by exactly one of them, a killed engine's partitions move after the pin
// timeout, a stopped engine's at once; a stream made otherwise is refused with what to set; Debian's 2.9
// refuses partitions with the version it needs.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  engineRpc,
  makeTempDir,
  oldestNatsServerPath,
  readHistoryElsewhere,
  runToExit,
  settledStreamCount,
  startNats,
  startWebMode,
  SteadyPublisher,
  waitFor,
  type EngineRpc,
  type RunningServer,
  type TempDir,
  type WebMode,
} from '../helpers';

const PARTITIONS = 8;
const BATCH = 500;
let nats: RunningServer;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startNats();
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  await nc?.close();
  await nats?.stop();
});

interface FleetEngine {
  name: string;
  dir: TempDir;
  web: WebMode;
  rpc: EngineRpc;
  dead: boolean;
}

/** An engine of the fleet: its own data dir, the fleet's stream and consumers, 8 partitions. */
async function startEngine(name: string, stream: string, pinTimeoutS: number): Promise<FleetEngine> {
  // Each test's stream has subjects of its own (streams may not overlap): FLEET_A reads a.<device>.
  const dir = await makeTempDir(`hexwatch-part-${name}-`);
  const args = [
    ...[
      '--nats',
      nats.url,
      '--nats.stream',
      stream,
      '--nats.subjects',
      `${prefixOf(stream)}.>`,
      '--nats.consumer',
      'fleet',
      '--nats.batch',
      String(BATCH),
      '--nats.ackWaitS',
      '5',
    ],
    ...['--cluster.partitions', String(PARTITIONS), '--cluster.pinTimeoutS', String(pinTimeoutS), '--history.graceS', '0'],
  ];
  const web = await startWebMode({ dataDir: dir.path, args });
  return { name, dir, web, rpc: await engineRpc(web), dead: false };
}

const prefixOf = (stream: string) => stream.slice(-1).toLowerCase();

/** The partitions each live engine owns, as its status says. */
async function ownership(engines: FleetEngine[]): Promise<Map<string, number[]>> {
  const owned = new Map<string, number[]>();
  for (const e of engines) {
    if (e.dead) continue;
    const s = await e.rpc.call('status.get').catch(() => undefined);
    owned.set(e.name, s?.ingest?.partitions?.owned ?? []);
  }
  return owned;
}

/** Samples ownership until stopped; a partition claimed by two engines in two samples in a row is a double owner (ADR-42 allows a moment). */
function watchOwnership(engines: FleetEngine[]) {
  let stopped = false;
  const doubles: string[] = [];
  let before = new Set<number>();
  const done = (async () => {
    while (!stopped) {
      const owned = await ownership(engines);
      const seen = new Map<number, number>();
      for (const list of owned.values()) for (const p of list) seen.set(p, (seen.get(p) ?? 0) + 1);
      const twice = new Set([...seen].filter(([, n]) => n > 1).map(([p]) => p));
      for (const p of twice) if (before.has(p)) doubles.push(`partition ${p}: ${JSON.stringify(Object.fromEntries(owned))}`);
      before = twice;
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    doubles,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

async function waitRunning(e: FleetEngine): Promise<void> {
  await waitFor(async () => (await e.rpc.call('status.get')).sourceState === 'running', {
    timeoutMs: 20_000,
    what: `${e.name} running`,
    detail: () => e.web.proc.tail(),
  });
}

/** Every engine's committed stream sequences, read from its data dir by a separate DuckDB process (the engines stopped). */
async function committedBy(engines: FleetEngine[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const e of engines) {
    if (!e.dead) await e.rpc.close();
    await e.web.proc.stop();
    out.set(
      e.name,
      readHistoryElsewhere(e.dir.path).rows.map((r) => r.seq),
    );
  }
  return out;
}

/** Sequences committed by more than one engine, and those of 1..last committed by none. */
function tally(committed: Map<string, number[]>, last: number): { twice: number; missing: number; perEngine: Record<string, number> } {
  const times = new Uint8Array(last + 1);
  for (const seqs of committed.values()) for (const s of seqs) if (s <= last) times[s]++;
  let twice = 0;
  let missing = 0;
  for (let s = 1; s <= last; s++) {
    if (times[s] > 1) twice++;
    if (times[s] === 0) missing++;
  }
  return { twice, missing, perEngine: Object.fromEntries([...committed].map(([k, v]) => [k, v.length])) };
}

/** ~500 devices, each publishing on `<prefix>.<its id>` as a fleet does. */
function publisher(stream: string, ratePerSec: number, seed: number): SteadyPublisher {
  return new SteadyPublisher({ nc, subject: stream, subjectOf: (id) => `${prefixOf(stream)}.${id}`, ratePerSec, devices: 500, seed }).start();
}

async function allCommitted(engines: FleetEngine[], stream: string): Promise<number> {
  const stored = await settledStreamCount(nc, stream);
  const jsm = await jetstreamManager(nc);
  await waitFor(
    async () => {
      const pending = await Promise.all(Array.from({ length: PARTITIONS }, (_, p) => jsm.consumers.info(stream, `fleet-p${p}`)));
      return pending.every((c) => c.num_pending === 0 && c.num_ack_pending === 0);
    },
    { timeoutMs: 40_000, what: `every partition of ${stream} acked`, detail: () => engines.map((e) => e.web.proc.tail()).join('\n') },
  );
  return stored;
}

it('two engines share 8 partitions: each position committed by exactly one, each partition owned by one at a time', async () => {
  const stream = 'FLEET_A';
  const a = await startEngine('a', stream, 5);
  const b = await startEngine('b', stream, 5);
  const engines = [a, b];
  await Promise.all(engines.map(waitRunning));
  const watch = watchOwnership(engines);
  const pub = publisher(stream, 3000, 3);
  // The first engine to pull is pinned everywhere; it gives partitions away, one at a time, until the shares are even.
  let owners = new Map<string, number[]>();
  await waitFor(async () => [...(owners = await ownership(engines)).values()].every((list) => list.length === PARTITIONS / 2), {
    timeoutMs: 40_000,
    what: 'four partitions each',
    detail: () => JSON.stringify(Object.fromEntries(owners)),
  });
  await new Promise((r) => setTimeout(r, 3000));
  await pub.stop();
  const last = await allCommitted(engines, stream);
  await watch.stop();

  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  expect(info.config.subject_transform).toEqual({ src: 'a.*', dest: `a.{{partition(${PARTITIONS},1)}}.{{wildcard(1)}}` });
  expect((await jsm.streams.getMessage(stream, { seq: 1 }))!.subject).toMatch(/^a\.[0-7]\.[^.]+$/);

  const t = tally(await committedBy(engines), last);
  console.log(`two engines, ${last} positions: committed ${JSON.stringify(t.perEngine)}, owners ${JSON.stringify(Object.fromEntries(owners))}`);
  expect(watch.doubles).toEqual([]);
  expect([t.twice, t.missing]).toEqual([0, 0]);
  expect([...owners.values()].flat().sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  for (const e of engines) await e.dir.remove();
}, 120_000);

it('a SIGKILLed engine’s partitions go to the other within the pin timeout + 5 s, and nothing published is missing', async () => {
  const stream = 'FLEET_B';
  const pinTimeoutS = 4;
  const a = await startEngine('a', stream, pinTimeoutS);
  const b = await startEngine('b', stream, pinTimeoutS);
  const engines = [a, b];
  await Promise.all(engines.map(waitRunning));
  const pub = publisher(stream, 3000, 5);
  await waitFor(async () => [...(await ownership(engines)).values()].flat().length === PARTITIONS, { timeoutMs: 20_000, what: 'all 8 partitions owned' });
  const before = await ownership(engines);
  // The engine that owns the most is killed (with the server's first-come pinning, usually all of them).
  const victim = (before.get('a')?.length ?? 0) >= (before.get('b')?.length ?? 0) ? a : b;
  const survivor = victim === a ? b : a;
  await new Promise((r) => setTimeout(r, 1500));
  victim.web.proc.child.kill('SIGKILL');
  await victim.web.proc.exited;
  victim.dead = true;
  await victim.rpc.close().catch(() => undefined);
  await waitFor(async () => (await ownership([survivor])).get(survivor.name)?.length === PARTITIONS, {
    timeoutMs: (pinTimeoutS + 5) * 1000,
    what: `${survivor.name} owning all ${PARTITIONS} partitions`,
    detail: () => survivor.web.proc.tail(),
  });
  await pub.runFor(5000);
  const last = await allCommitted([survivor], stream);
  const t = tally(await committedBy(engines), last);
  console.log(
    `kill: ${last} positions, committed ${JSON.stringify(t.perEngine)}; ${t.twice} committed by both (the dead engine committed them without acking)`,
  );
  expect(t.missing).toBe(0);
  // At most what the dead engine had in flight: 4 batches handed on and 2 being gathered.
  expect(t.twice).toBeLessThanOrEqual(6 * BATCH);
  for (const e of engines) await e.dir.remove();
}, 120_000);

it('a stopped engine unpins its partitions at once, and none is committed twice', async () => {
  const stream = 'FLEET_C';
  // A long pin timeout: a move well before it can only come from the stopping engine's unpin.
  const pinTimeoutS = 60;
  const a = await startEngine('a', stream, pinTimeoutS);
  const b = await startEngine('b', stream, pinTimeoutS);
  const engines = [a, b];
  await Promise.all(engines.map(waitRunning));
  const watch = watchOwnership(engines);
  const pub = publisher(stream, 3000, 7);
  await waitFor(async () => [...(await ownership(engines)).values()].flat().length === PARTITIONS, { timeoutMs: 20_000, what: 'all 8 partitions owned' });
  const before = await ownership(engines);
  const leaving = (before.get('a')?.length ?? 0) >= (before.get('b')?.length ?? 0) ? a : b;
  const staying = leaving === a ? b : a;
  await new Promise((r) => setTimeout(r, 1500));
  const stoppedAt = Date.now();
  await leaving.rpc.close();
  await leaving.web.proc.stop();
  leaving.dead = true;
  await waitFor(async () => (await ownership([staying])).get(staying.name)?.length === PARTITIONS, {
    timeoutMs: (pinTimeoutS / 3) * 1000,
    what: `${staying.name} owning all ${PARTITIONS} partitions`,
    detail: () => staying.web.proc.tail(),
  });
  const movedInMs = Date.now() - stoppedAt;
  await pub.runFor(5000);
  const last = await allCommitted([staying], stream);
  await watch.stop();
  const t = tally(await committedBy(engines), last);
  console.log(`stop: partitions moved ${movedInMs} ms after SIGTERM; ${last} positions, committed ${JSON.stringify(t.perEngine)}`);
  expect(watch.doubles).toEqual([]);
  expect([t.twice, t.missing]).toEqual([0, 0]);
  for (const e of engines) await e.dir.remove();
}, 120_000);

it('a stream made without the partition transform is refused with what to set, and left as it was', async () => {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'FLEET_D', subjects: ['d.>'] });
  const web = await startWebMode({ args: ['--nats', nats.url, '--nats.stream', 'FLEET_D', '--nats.subjects', 'd.>', '--cluster.partitions', '8'] });
  try {
    const rpc = await engineRpc(web);
    const s = await waitFor(
      async () => {
        const status = await rpc.call('status.get');
        return status.sourceState === 'error' ? status : null;
      },
      { timeoutMs: 15_000, what: 'an error state', detail: () => web.proc.tail() },
    );
    expect(s.sourceDetail).toContain(
      'stream FLEET_D has no subject transform: set its subject_transform to {"src":"d.*","dest":"d.{{partition(8,1)}}.{{wildcard(1)}}"} (cluster.partitions is 8)',
    );
    expect((await jsm.streams.info('FLEET_D')).config.subject_transform).toBeUndefined();
    expect(await jsm.consumers.list('FLEET_D').next()).toEqual([]);
    await rpc.close();
  } finally {
    await web.stop();
  }
}, 60_000);

it('against nats-server 2.9, partitions are refused with the version they need, and one engine without them still ingests', async () => {
  const binary = oldestNatsServerPath();
  if (!binary) throw new Error('hexwatch tests need the oldest supported nats-server: install Debian\'s "nats-server" package');
  const version = (await runToExit(binary, ['--version'], { timeoutMs: 10_000 })).stdout.trim().replace(/^nats-server:\s*v?/, '');
  const old = await startNats({ binary });
  const onc = await connect({ servers: old.url });
  try {
    const refused = await startWebMode({ args: ['--nats', old.url, '--cluster.partitions', '8'] });
    try {
      const rpc = await engineRpc(refused);
      const s = await waitFor(
        async () => {
          const status = await rpc.call('status.get');
          return status.sourceState === 'error' ? status : null;
        },
        { timeoutMs: 15_000, what: 'an error state', detail: () => refused.proc.tail() },
      );
      const message = `nats-server ${version} is too old for cluster.partitions 8 (pinned consumers): it needs nats-server 2.11.0 or newer`;
      expect(s.sourceDetail).toContain(message);
      expect(refused.proc.tail()).toContain(message);
      // Refused before it tried: no stream was made.
      const jsm = await jetstreamManager(onc);
      await expect(jsm.streams.info('POSITIONS')).rejects.toThrow(/not found/);
      await rpc.close();
    } finally {
      await refused.stop();
    }

    const web = await startWebMode({ args: ['--nats', old.url, '--cluster.partitions', '0'] });
    try {
      const rpc = await engineRpc(web);
      await waitFor(async () => (await rpc.call('status.get')).sourceState === 'running', {
        timeoutMs: 20_000,
        what: 'ingest running',
        detail: () => web.proc.tail(),
      });
      await new SteadyPublisher({ nc: onc, subject: 'pos', subjectOf: (id) => `pos.${id}`, ratePerSec: 1000, devices: 50 }).runFor(2000);
      const stored = await settledStreamCount(onc);
      await waitFor(async () => (await rpc.call('status.get')).ingest?.committed === stored, { timeoutMs: 15_000, what: `${stored} committed` });
      expect((await rpc.call('status.get')).ingest?.partitions).toBeUndefined();
      await rpc.close();
    } finally {
      await web.stop();
    }
  } finally {
    await onc.close();
    await old.stop();
  }
}, 90_000);
