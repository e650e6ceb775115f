// The embedded fence engine's state handed over with a partition, against a real nats-server 2.15: a stream
// partitioned by nats-server's own partition(8, 1) transform, a durable consumer per partition, engine A
// processing and checkpointing into the real key-value bucket, then dropped without warning, and engine B
// taking over through beforeTakeover (checkpoint + silent replay to the ack floor). Per device, A's events
// followed by B's equal one engine's over the whole input.
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fence, FenceInput } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import { partitionOf } from '../../shared/partition';
import { ConfigSchema, partitionTransform, type Config } from '../../main/config';
import {
  CheckpointBucket,
  FENCE_STATE_BUCKET,
  FenceEngine,
  FenceService,
  checkpointKey,
  decodeCheckpoint,
  type FenceHandover,
  type Fix,
} from '../../main/fences';
import { PositionBatch } from '../../main/history';
import { MessageDecoder } from '../../main/ingest';
import { fenceScenario, makeTempDir, natsServerPath, startNats, waitFor, type RunningServer, type TempDir } from '../helpers';

const N = 8;
let server: RunningServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const dirs: TempDir[] = [];

beforeAll(async () => {
  server = await startNats({ binary: natsServerPath() });
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
  await Promise.all(dirs.map((d) => d.remove()));
});

/** A stream of `<prefix>.<device>` stored as `<prefix>.<p>.<device>`, and a durable consumer per partition as partitioned ingest makes them. */
async function partitionedStream(stream: string, prefix: string): Promise<Config> {
  await jsm.streams.add({
    name: stream,
    subjects: [`${prefix}.>`],
    subject_transform: partitionTransform(prefix, N),
  });
  for (let p = 0; p < N; p++)
    await jsm.consumers.add(stream, {
      durable_name: `hexwatch-p${p}`,
      filter_subject: `${prefix}.${p}.*`,
      ack_policy: 'explicit' as never,
      // Longer than a takeover, so the dropped engine's unacked tail comes back behind newer positions (as in production), yet within the test.
      ack_wait: 8_000_000_000,
      max_ack_pending: 100_000,
    });
  return ConfigSchema.parse({
    nats: { servers: [server.url], stream, subjects: [`${prefix}.>`], consumer: 'hexwatch' },
    cluster: { partitions: N },
    // Checkpoints are asked for by the test (checkpointNow), never by the timer.
    fences: { checkpointS: 3600 },
  });
}

async function publish(config: Config, fixes: readonly Fix[]): Promise<void> {
  const prefix = config.nats.subjects[0].replace(/\.>$/, '');
  const before = (await jsm.streams.info(config.nats.stream)).state.last_seq;
  for (const f of fixes) nc.publish(`${prefix}.${f.id}`, JSON.stringify(f));
  await nc.flush();
  await waitFor(async () => (await jsm.streams.info(config.nats.stream)).state.last_seq === before + fixes.length, {
    timeoutMs: 30_000,
    what: `${fixes.length} positions stored`,
  });
}

/** An engine's fences and handover, fed from the partitions' consumers as ingest feeds them: commit (fences), then ack. */
class TestEngine {
  readonly events: FenceEvent[] = [];
  readonly logs: string[] = [];
  readonly service: FenceService;
  readonly handover: FenceHandover;
  private readonly decoder = new MessageDecoder(65_536);
  private readonly committed = new Set<number>();

  constructor(
    readonly name: string,
    readonly config: Config,
    dataDir: string,
    fences: readonly FenceInput[],
    clock: () => number,
  ) {
    const named = { ...config, archive: { ...config.archive, engineId: name } };
    this.service = new FenceService({
      dataDir,
      sink: (events) => this.events.push(...events),
      // The clock's dwell check, when a test starts the service.
      tickMs: 20,
      clock,
      env: {},
      config: named,
      log: (line) => this.logs.push(line),
    });
    for (const f of fences) this.service.registry.save(f);
    this.handover = this.service.handover;
  }

  /** Pulls partition p until nothing is left; `commit` hands the positions to the fences, `ack` acks them after. */
  async pull(p: number, how: { commit: boolean; ack: boolean }): Promise<number> {
    const consumer = await js.consumers.get(this.config.nats.stream, `hexwatch-p${p}`);
    let count = 0;
    for (;;) {
      const info = await consumer.info();
      // What is left: the undelivered, and (when acking) what waits to be redelivered after its ack wait.
      const left = info.num_pending + (how.ack ? info.num_ack_pending : 0);
      if (left === 0) break;
      const batch: JsMsg[] = [];
      for await (const m of await consumer.fetch({ max_messages: Math.min(left, 5000), expires: 5000 })) batch.push(m);
      if (batch.length === 0) continue;
      count += batch.length;
      if (how.commit) this.commit(batch);
      if (how.ack) batch.forEach((m) => m.ack());
      await nc.flush();
    }
    return count;
  }

  private commit(batch: JsMsg[]): void {
    const rows = new PositionBatch(batch.length);
    // As ingest: a sequence this engine already committed (redelivered after a slow ack) is only acked.
    for (const m of batch) if (!this.committed.has(m.seq) && this.committed.add(m.seq)) this.decoder.decodeInto(rows, m.seq, m.data, 0, m.data.length);
    this.handover.onCommitted(rows, { stream: this.config.nats.stream, seq: batch[batch.length - 1].seq });
  }

  /** "partition p taken over (…, k positions replayed up to seq f, t unacknowledged applied up to seq s)" from the log. */
  takeover(p: number): { from: string; replayed: number; floor: number; tail: number; seq: number } {
    const line = this.logs.find((l) => l.includes(`partition ${p} taken over`));
    const m = line?.match(/taken over \((.*), (\d+) positions replayed up to seq (\d+), (\d+) unacknowledged applied up to seq (\d+)\)/);
    if (!m) throw new Error(`no takeover of partition ${p} in ${this.name}'s log: ${this.logs.join(' | ')}`);
    return { from: m[1], replayed: Number(m[2]), floor: Number(m[3]), tail: Number(m[4]), seq: Number(m[5]) };
  }
}

async function engine(name: string, config: Config, fences: readonly FenceInput[], clock: () => number = () => Date.UTC(2026, 0, 5, 12)): Promise<TestEngine> {
  const dir = await makeTempDir(`hexwatch-handover-${name}-`);
  dirs.push(dir);
  return new TestEngine(name, config, dir.path, fences, clock);
}

/** The scenario's fences and two of dwell, where its walkers spend time. */
function scenario(devices: number, fixesPerDevice: number): { fences: Fence[]; fixes: Fix[] } {
  const { fences, fixes } = fenceScenario({ devices, fixesPerDevice, seed: 27 });
  const dwell = (id: string, bbox: [number, number, number, number], dwell_s: number): Fence => ({
    id,
    name: id,
    geometry: { type: 'Rectangle', bbox },
    detect: ['enter', 'exit', 'dwell'],
    dwell_s,
    targets: [],
    enabled: true,
    version: 1,
  });
  return { fences: [...fences, dwell('dwell-west', [13.3, 52.44, 13.39, 52.5], 25), dwell('dwell-east', [13.41, 52.49, 13.5, 52.56], 65)], fixes };
}

const key = (e: FenceEvent) => `${e.fence_id}:${e.event_type}@${e.timestamp}`;
function byDevice(...lists: (readonly FenceEvent[])[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const list of lists) for (const e of list) out.set(e.device_id, [...(out.get(e.device_id) ?? []), key(e)]);
  return out;
}

/** Devices whose events differ, each with where they part (a few events either side). */
function differences(got: Map<string, string[]>, want: Map<string, string[]>): { device: string; at: number; got?: string[]; want?: string[] }[] {
  const devices = new Set([...got.keys(), ...want.keys()]);
  return [...devices]
    .filter((d) => JSON.stringify(got.get(d)) !== JSON.stringify(want.get(d)))
    .map((d) => {
      const g = got.get(d) ?? [];
      const w = want.get(d) ?? [];
      let at = 0;
      while (at < g.length && g[at] === w[at]) at++;
      return { device: d, at, got: g.slice(Math.max(0, at - 2), at + 3), want: w.slice(Math.max(0, at - 2), at + 3) };
    });
}

/** Each device's events in time order (two events of one fix keep their names' order): engines send independently. */
const sortedByTime = (m: Map<string, string[]>) =>
  new Map([...m].map(([d, keys]) => [d, [...keys].sort((x, y) => Number(x.split('@')[1]) - Number(y.split('@')[1]) || x.localeCompare(y))]));

const steps = (fixes: readonly Fix[], devices: number, from: number, to?: number) => fixes.slice(from * devices, to === undefined ? undefined : to * devices);
const partitions = [...Array(N).keys()];

describe('fence state handed over with a partition (nats-server 2.15)', () => {
  it("a partition of 12.5k devices (100k in 8): the checkpoint's bytes and its write and read times on the real bucket", async () => {
    const { fences } = scenario(1, 1);
    const config = await partitionedStream('HANDOVER_SIZE', 'hsize');
    const fixes: Fix[] = [];
    for (let i = 0; fixes.length < 12_500; i++) {
      const id = `vehicle-${i}`;
      if (partitionOf(id, N) === 5)
        fixes.push({ id, lon: 13.3 + ((i * 7919) % 20_000) / 100_000, lat: 52.44 + ((i * 104_729) % 12_000) / 100_000, ts: 1_767_600_000_000 + i });
    }
    const a = await engine('engine-a', config, fences);
    await a.handover.beforeTakeover(5);
    a.handover.onCommitted(PositionBatch.fromRows(fixes.map(({ id, ...f }, i) => ({ ...f, device_id: id, seq: BigInt(i + 1), h3: 0n }))));
    const started = performance.now();
    await a.handover.checkpointNow([5]);
    const writeMs = performance.now() - started;
    const bucket = await CheckpointBucket.open(config.nats, {});
    const readStarted = performance.now();
    const stored = await bucket.read(config.nats.stream, 5);
    const readMs = performance.now() - readStarted;
    const kv = await new Kvm(nc).open(FENCE_STATE_BUCKET);
    const bytes = (await kv.get(checkpointKey(config.nats.stream, 5)))!.length;
    console.log(
      `12,500 devices (${stored.kind === 'checkpoint' && stored.checkpoint.devices.filter((d) => d.inside.length).length} inside fences): ${bytes} bytes; written in ${writeMs.toFixed(0)} ms, read and decoded in ${readMs.toFixed(0)} ms; the server takes ${bucket.maxValueBytes + 4096}`,
    );
    expect(stored.kind === 'checkpoint' && stored.checkpoint.devices.length).toBe(12_500);
    expect(bytes).toBeLessThan(bucket.maxValueBytes / 2);
    await bucket.close();
    await a.handover.stop();
    await a.service.stop();
  });

  it('2,000 devices: A checkpoints, acks more, is dropped mid-batch; B takes over → per device A then B equals one engine', async () => {
    const devices = 2000;
    const { fences, fixes } = scenario(devices, 20);
    const config = await partitionedStream('HANDOVER', 'hpos');
    const a = await engine('engine-a', config, fences);
    const b = await engine('engine-b', config, fences);
    const reference = new FenceEngine(a.service.registry.list());
    const want = byDevice(reference.update(fixes));
    expect([...want.values()].flat().filter((k) => k.includes(':dwell@')).length).toBeGreaterThan(100);

    // A owns every partition from the start: the first owner finds no checkpoint and replays nothing.
    for (const p of partitions) await a.handover.beforeTakeover(p);
    expect(partitions.map((p) => a.takeover(p))).toEqual(partitions.map(() => expect.objectContaining({ from: 'no checkpoint yet', replayed: 0 })));
    await publish(config, steps(fixes, devices, 0, 8));
    for (const p of partitions) await a.pull(p, { commit: true, ack: true });
    await a.handover.checkpointNow();
    // Acked past the checkpoint in every partition; checkpointed again (at the ack floor) in 0–3 only.
    await publish(config, steps(fixes, devices, 8, 14));
    for (const p of partitions) await a.pull(p, { commit: true, ack: true });
    await a.handover.checkpointNow([0, 1, 2, 3]);
    // The tail: 0 and 1 committed and checkpointed but never acked (killed between its commit and its acks);
    // 2–7 pulled and never committed (killed mid-batch).
    await publish(config, steps(fixes, devices, 14, 16));
    for (const p of partitions) await a.pull(p, { commit: p < 2, ack: false });
    await a.handover.checkpointNow([0, 1]);
    const floors = await Promise.all(partitions.map(async (p) => (await jsm.consumers.info(config.nats.stream, `hexwatch-p${p}`)).ack_floor.stream_seq));

    // A is gone without a word; B takes every partition over, then newer positions arrive before A's tail is redelivered.
    for (const p of partitions) await b.handover.beforeTakeover(p);
    const takeovers = partitions.map((p) => b.takeover(p));
    for (const p of [0, 1]) {
      expect(takeovers[p].seq).toBeGreaterThan(floors[p]); // checkpoint ahead of the floor: its redeliveries go to history only
      expect(takeovers[p].tail).toBe(0);
    }
    for (const p of [0, 1, 2, 3]) expect(takeovers[p].replayed).toBe(0); // checkpoint at or past the floor: nothing to replay
    for (const p of [4, 5, 6, 7]) expect(takeovers[p].replayed).toBeGreaterThan(0); // behind the floor: the acked tail replayed, silently
    for (const p of [2, 3, 4, 5, 6, 7]) {
      expect(takeovers[p].floor).toBe(floors[p]);
      expect(takeovers[p].tail).toBeGreaterThan(0); // pulled by A, never committed: through the fences now, with events
    }
    await publish(config, steps(fixes, devices, 16));
    // Partition 7 first: its pull meets the newer positions while A's tail still waits out its ack wait.
    for (const p of [...partitions].reverse()) await b.pull(p, { commit: true, ack: true });

    const got = byDevice(a.events, b.events);
    expect(differences(got, want).slice(0, 5)).toEqual([]);
    expect(b.events.length).toBeGreaterThan(1000);

    // A, back from the dead, cannot write over B's state: its writes follow revisions B has replaced.
    await a.handover.stop();
    const kv = await new Kvm(nc).open(FENCE_STATE_BUCKET);
    for (const p of partitions) {
      const entry = await kv.get(checkpointKey(config.nats.stream, p));
      const decoded = decodeCheckpoint(entry!.value);
      expect(decoded.ok && decoded.checkpoint.engine).toBe('engine-b');
    }
    expect(a.logs.filter((l) => l.includes('written by another engine')).length).toBeGreaterThan(0);
    await b.handover.stop();
    await Promise.all([a.service.stop(), b.service.stop()]);
  });

  it('pins flapping: B claims the partitions while A still holds their pins; A finds its checkpoints taken, takes them over again and goes on exactly', async () => {
    const devices = 1000;
    const { fences, fixes } = scenario(devices, 16);
    const config = await partitionedStream('HANDOVER_AGAIN', 'hagain');
    const a = await engine('engine-a', config, fences);
    const b = await engine('engine-b', config, fences);
    const want = byDevice(new FenceEngine(a.service.registry.list()).update(fixes));

    for (const p of partitions) await a.handover.beforeTakeover(p);
    await publish(config, steps(fixes, devices, 0, 6));
    for (const p of partitions) await a.pull(p, { commit: true, ack: true });
    await a.handover.checkpointNow();
    // A flap: B is told it gained every partition and claims them in the bucket; the server goes on delivering to A.
    for (const p of partitions) await b.handover.beforeTakeover(p);
    await publish(config, steps(fixes, devices, 6, 10));
    for (const p of partitions) await a.pull(p, { commit: true, ack: true });
    // A's next checkpoints find B's: its pins are still here, so it keeps its state (its devices stay) until the server delivers it more.
    await a.handover.checkpointNow();
    const devicesWhenTaken = a.service.status().devices;
    // The next positions come to A: it takes each partition over again (B's checkpoint, the stream from there) while they keep coming.
    await publish(config, steps(fixes, devices, 10, 13));
    for (const p of partitions) await a.pull(p, { commit: true, ack: true });
    // In each partition's turn, behind its takeover.
    await a.handover.checkpointNow();
    const devicesAfterRetake = a.service.status().devices;
    // B learns its pins moved (ingest's survey): its last checkpoints find A's, and it lets the partitions go.
    for (const p of partitions) b.handover.onOwnership(p, false);
    await waitFor(() => b.service.status().devices === 0, { timeoutMs: 10_000, what: "B dropping the partitions' devices" });
    await publish(config, steps(fixes, devices, 13));
    for (const p of partitions) await a.pull(p, { commit: true, ack: true });

    // A receiver keeps each delivery id once: the same event sent by both engines, or twice by A across its takeover, counts once.
    const once = new Map([...byDevice(a.events, b.events)].map(([d, keys]) => [d, [...new Set(keys)]]));
    expect(differences(sortedByTime(once), sortedByTime(want)).slice(0, 5)).toEqual([]);
    for (const p of partitions) expect(a.logs.join('\n')).toContain(`partition ${p} taken over again`);
    // A kept every device through its takeovers again.
    expect([devicesWhenTaken, devicesAfterRetake]).toEqual([devices, devices]);
    await a.handover.stop();
    const kv = await new Kvm(nc).open(FENCE_STATE_BUCKET);
    for (const p of partitions) {
      const decoded = decodeCheckpoint((await kv.get(checkpointKey(config.nats.stream, p)))!.value);
      expect(decoded.ok && decoded.checkpoint.engine).toBe('engine-a');
    }
    await b.handover.stop();
    await Promise.all([a.service.stop(), b.service.stop()]);
  });

  it('a damaged checkpoint is refused with its reason: the partition goes on fresh and the new owner writes over it', async () => {
    const config = await partitionedStream('HANDOVER_BAD', 'hbad');
    const kv = await new Kvm(nc).create(FENCE_STATE_BUCKET);
    await kv.put(checkpointKey(config.nats.stream, 3), 'not a checkpoint');
    const a = await engine('engine-a', config, scenario(1, 1).fences);
    await a.handover.beforeTakeover(3);
    expect(a.logs.join('\n')).toContain("partition 3's checkpoint cannot be used (not a fence checkpoint");
    expect(a.takeover(3)).toMatchObject({ from: 'an unusable checkpoint', replayed: 0, tail: 0 });
    const decoded = decodeCheckpoint((await kv.get(checkpointKey(config.nats.stream, 3)))!.value);
    expect(decoded.ok && decoded.checkpoint.engine).toBe('engine-a');
    await a.handover.stop();
    await a.service.stop();
  });

  it('a fence edit, and a dwell fired by the clock, are checkpointed though no position came', async () => {
    const { fences } = scenario(1, 1);
    const config = await partitionedStream('HANDOVER_QUIET', 'hquiet');
    const a = await engine('engine-a', config, fences);
    const device = [...Array(100).keys()].map((i) => `quiet-${i}`).find((id) => partitionOf(id, N) === 6)!;
    const inWest = { id: device, lon: 13.35, lat: 52.47, ts: Date.UTC(2026, 0, 5, 11, 59, 0) };
    await a.handover.beforeTakeover(6);
    a.handover.onCommitted(PositionBatch.fromRows([{ seq: 7n, device_id: device, ts: inWest.ts, lat: inWest.lat, lon: inWest.lon, h3: 0n }]));
    await a.handover.checkpointNow([6]);
    const kv = await new Kvm(nc).open(FENCE_STATE_BUCKET);
    const stored = async () => {
      const decoded = decodeCheckpoint((await kv.get(checkpointKey(config.nats.stream, 6)))!.value);
      if (!decoded.ok) throw new Error(decoded.reason);
      return decoded.checkpoint;
    };
    expect((await stored()).devices[0].inside).toEqual([{ fence: 'dwell-west', since: inWest.ts, dwelt: false }]);
    // The clock (12:00) is past dwell-west's 25 s: the tick fires the dwell, and the next checkpoint has it.
    await a.service.start();
    await waitFor(() => a.events.some((e) => e.event_type === 'dwell'), { timeoutMs: 10_000, what: 'the dwell from the clock' });
    await a.handover.checkpointNow([6]);
    expect((await stored()).devices[0].inside).toEqual([{ fence: 'dwell-west', since: inWest.ts, dwelt: true }]);
    a.service.registry.save({ ...fences.find((f) => f.id === 'poly-0')!, name: 'renamed' });
    await a.handover.checkpointNow([6]);
    expect((await stored()).fences['poly-0']).toBe(2);
    expect((await stored()).seq).toBe(7);
    await a.service.stop();
  });

  it('a partition lost: its state checkpointed at once, then its devices dropped here (no dwell from this engine)', async () => {
    const { fences } = scenario(1, 1);
    const config = await partitionedStream('HANDOVER_LOST', 'hlost');
    const a = await engine('engine-a', config, fences);
    const ids = [...Array(200).keys()].map((i) => `lost-${i}`);
    const mine = ids.filter((id) => partitionOf(id, N) === 1).slice(0, 3);
    const other = ids.find((id) => partitionOf(id, N) === 2)!;
    for (const p of [1, 2]) await a.handover.beforeTakeover(p);
    const rows = [...mine, other].map((id, i) => ({ seq: BigInt(i + 1), device_id: id, ts: Date.UTC(2026, 0, 5, 11), lat: 52.47, lon: 13.35, h3: 0n }));
    a.handover.onCommitted(PositionBatch.fromRows(rows));
    expect(a.service.status().devices).toBe(4);
    a.handover.onOwnership(1, false);
    const kv = await new Kvm(nc).open(FENCE_STATE_BUCKET);
    const checkpoint = await waitFor(
      async () => {
        const decoded = decodeCheckpoint((await kv.get(checkpointKey(config.nats.stream, 1)))!.value);
        return decoded.ok && decoded.checkpoint.seq === 3 ? decoded.checkpoint : undefined;
      },
      { timeoutMs: 10_000, what: "partition 1's last checkpoint" },
    );
    expect(checkpoint.devices.map((d) => d.id).sort()).toEqual([...mine].sort());
    await waitFor(() => a.service.status().devices === 1, { timeoutMs: 10_000, what: "partition 1's devices dropped" });
    // The clock is an hour past their entry: only the device still owned here dwells.
    await a.service.start();
    await waitFor(() => a.events.some((e) => e.event_type === 'dwell'), { timeoutMs: 10_000, what: 'a dwell' });
    expect(a.events.filter((e) => e.event_type === 'dwell').map((e) => e.device_id)).toEqual([other]);
    await a.service.stop();
  });

  it('a checkpoint computed under older fences: loaded, then the current fences applied as an edit would (synthetic exits)', async () => {
    const devices = 300;
    const { fences, fixes } = scenario(devices, 10);
    const config = await partitionedStream('HANDOVER_EDIT', 'hedit');
    const now = Date.UTC(2026, 0, 5, 12);
    const a = await engine('engine-a', config, fences);
    // On B the west dwell fence has shrunk and u-shape is deleted since A's checkpoint.
    const b = await engine('engine-b', config, fences, () => now);
    b.service.registry.save({ ...fences.find((f) => f.id === 'dwell-west')!, geometry: { type: 'Rectangle', bbox: [13.3, 52.44, 13.34, 52.47] } });
    b.service.registry.remove('u-shape');
    expect(b.service.fenceVersions()['dwell-west']).toBe(2);

    for (const p of partitions) await a.handover.beforeTakeover(p);
    await publish(config, steps(fixes, devices, 0, 5));
    for (const p of partitions) await a.pull(p, { commit: true, ack: true });
    await a.handover.checkpointNow();
    for (const p of partitions) await b.handover.beforeTakeover(p);
    await publish(config, steps(fixes, devices, 5));
    for (const p of partitions) await b.pull(p, { commit: true, ack: true });

    // One engine that saw the edit at the same point of the stream.
    const reference = new FenceEngine(a.service.registry.list());
    const first = reference.update(steps(fixes, devices, 0, 5));
    const exits = reference.setFences(b.service.registry.list(), now);
    const want = byDevice(first, exits, reference.update(steps(fixes, devices, 5)));
    expect(exits.length).toBeGreaterThan(0);
    expect(b.events.filter((e) => e.timestamp === now).length).toBe(exits.length);
    expect(differences(byDevice(a.events, b.events), want).slice(0, 5)).toEqual([]);
    await Promise.all([a.handover.stop(), b.handover.stop()]);
    await Promise.all([a.service.stop(), b.service.stop()]);
  });
});
