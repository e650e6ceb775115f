/**
 * Engines of one fleet for tests and benches: web-mode child processes with data dirs of their own on one
 * stream split into partitions, the partitions each owns (its status), every partition's consumer acked, and
 * the fence events a webhook receiver got, each webhook-id once.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FenceInput } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import { globMatches, withScratchDuckDB } from '../../main/archive';
import { FenceEngine, type Fix } from '../../main/fences';
import { eventsByPair } from './fence-events';
import { fenceScenario } from './fence-scenario';
import { makeTempDir, type TempDir } from './paths';
import { waitFor } from './process';
import { startWebMode, engineRpc, type EngineRpc, type WebMode } from './web-mode';
import { TEST_SECRET, type WebhookReceiver } from './webhook-receiver';

export interface FleetEngine {
  name: string;
  dir: TempDir;
  web: WebMode;
  rpc: EngineRpc;
}

export interface FleetOptions {
  /** A server of the NATS the fleet shares (the engines learn a cluster's others from it). */
  nats: { url: string };
  stream: string;
  /** The stream's subjects are `<prefix>.>`; a device publishes on `<prefix>.<its id>`. */
  prefix: string;
  partitions: number;
  pinTimeoutS: number;
  /** Fence events go to this receiver as the webhook target `hook`. */
  receiver?: WebhookReceiver;
  args?: string[];
}

/** An engine of the fleet (again on `dir` when given: a supervisor's restart). */
export async function startFleetEngine(o: FleetOptions, name: string, dir?: TempDir): Promise<FleetEngine> {
  const data = dir ?? (await makeTempDir(`hexwatch-fleet-${name}-`));
  const web = await startWebMode({
    dataDir: data.path,
    args: [
      ...['--nats', o.nats.url, '--nats.stream', o.stream, '--nats.subjects', `${o.prefix}.>`, '--nats.consumer', 'fleet', '--nats.ackWaitS', '5'],
      ...['--cluster.partitions', String(o.partitions), '--cluster.pinTimeoutS', String(o.pinTimeoutS), '--history.graceS', '0'],
      ...(o.args ?? []),
    ],
    env: { HEXWATCH_SECRET_TEST: TEST_SECRET },
  });
  const rpc = await engineRpc(web);
  if (o.receiver) await rpc.call('deliveries.saveTarget', { id: 'hook', kind: 'webhook', url: o.receiver.url, secretRef: 'test' });
  return { name, dir: data, web, rpc };
}

/** The partitions each engine owns, as its status says (none for one that does not answer). */
export async function ownedPartitions(engines: readonly FleetEngine[]): Promise<number[][]> {
  return Promise.all(engines.map(async (e) => (await e.rpc.call('status.get').catch(() => undefined))?.ingest?.partitions?.owned ?? []));
}

/** Waits until every partition's consumer has nothing pending and nothing unacked (`detail` is added to a timeout's message, after each consumer's figures). */
export async function partitionsAcked(nc: NatsConnection, stream: string, partitions: number, timeoutMs = 60_000, detail?: () => string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  let figures = '';
  await waitFor(
    async () => {
      const infos = await Promise.all(Array.from({ length: partitions }, (_, p) => jsm.consumers.info(stream, `fleet-p${p}`)));
      figures = infos
        .map(
          (c) =>
            `${c.name}: ${c.num_pending} pending, ${c.num_ack_pending} unacked, ${c.num_waiting} pulls waiting, pinned ${(c as { priority_groups?: { pinned_client_id?: string }[] }).priority_groups?.[0]?.pinned_client_id ?? 'none'}`,
        )
        .join('\n');
      return infos.every((c) => c.num_pending === 0 && c.num_ack_pending === 0);
    },
    { timeoutMs, what: `every partition of ${stream} acked`, detail: () => `${figures}\n${detail?.() ?? ''}` },
  );
}

/** The events a receiver got, each webhook-id once; how many ids came again; and how many events came under two ids. */
export function deliveredOnce(receiver: WebhookReceiver): { events: FenceEvent[]; repeatedIds: number; underTwoIds: number } {
  const ids = new Set<string>();
  const tuples = new Set<string>();
  let repeatedIds = 0;
  let underTwoIds = 0;
  const events: FenceEvent[] = [];
  for (const r of receiver.delivered()) {
    if (ids.has(r.webhookId)) {
      repeatedIds++;
      continue;
    }
    ids.add(r.webhookId);
    const e = r.event as FenceEvent;
    const tuple = `${e.fence_id}|${e.device_id}|${e.event_type}|${e.timestamp}`;
    if (tuples.has(tuple)) underTwoIds++;
    tuples.add(tuple);
    events.push(e);
  }
  return { events, repeatedIds, underTwoIds };
}

/** Events per (device, fence) in time order: engines deliver independently, so only each event's time orders them. */
export const eventsByPairInTime = (events: readonly FenceEvent[]): Map<string, string[]> =>
  new Map([...eventsByPair(events)].map(([k, v]) => [k, [...v].sort((a, b) => Number(a.split('@')[1]) - Number(b.split('@')[1]) || a.localeCompare(b))]));

/**
 * Devices crossing fences for a fleet: the fixes, the fences (sending to the webhook target `hook`; events every
 * fix would repeat — inside, outside — left out, so the receiver counts enters, exits and crossings), and one
 * FenceEngine's answer over the same fixes, per pair in time order.
 */
export function fleetFenceScenario(options: { devices: number; fixesPerDevice: number; seed: number }): {
  fixes: Fix[];
  fences: FenceInput[];
  reference: Map<string, string[]>;
} {
  const scenario = fenceScenario(options);
  const fences = scenario.fences
    .map((f) => ({ ...f, detect: f.detect.filter((d) => d !== 'inside' && d !== 'outside'), targets: ['hook'] }))
    .filter((f) => f.detect.length > 0);
  const reference = eventsByPairInTime(new FenceEngine(fences).update(scenario.fixes));
  return { fixes: scenario.fixes, fences: fences.map(({ version: _, ...fence }) => fence), reference };
}

/** Saves the fences on the first engine and waits until every engine lists them (the fleet's registry). */
export async function saveFleetFences(engines: readonly FleetEngine[], fences: readonly FenceInput[]): Promise<void> {
  for (const fence of fences) await engines[0].rpc.call('fences.save', { fence });
  await waitFor(async () => (await Promise.all(engines.map((e) => e.rpc.call('fences.list')))).every((l) => l.length === fences.length), {
    timeoutMs: 20_000,
    what: 'every engine listing the fleet’s fences',
  });
}

/**
 * The positions in a fleet's shared folder (`archive.sharedDir`) as a notebook counts them, each stream
 * sequence once: the rows the parts hold (a position two engines committed is in both until its owner
 * compacts the hour), the distinct sequences, the lowest and the highest.
 */
export async function sharedArchiveSequences(sharedDir: string): Promise<{ rows: number; distinct: number; lowest: number; highest: number }> {
  const glob = `'${sharedDir.replaceAll("'", "''")}/positions/**/*.parquet'`;
  return withScratchDuckDB(async (c) => {
    if (!(await globMatches(c, glob))) return { rows: 0, distinct: 0, lowest: 0, highest: 0 };
    const [row] = (
      await c.runAndReadAll(`SELECT count(*), count(DISTINCT seq), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM read_parquet(${glob})`)
    ).getRows();
    const [rows, distinct, lowest, highest] = row.map(Number);
    return { rows, distinct, lowest, highest };
  });
}
