/**
 * npm run bench -- market [--positions N] [--requests N] [--rounds R]
 * The market beside ingest, through a real nats-server and the engine in its own process:
 *   ingest      1M positions from JetStream (10k walkers, a kind each) committed with the market off, on
 *               while it also reads the 500k requests, and on with no requests to read (its supply work
 *               alone), in turns, R rounds (default 2): positions/s from the engine ready to all
 *               committed; the ratios to off (medians)
 *   demand      500k requests from the DEMAND stream, counted (journalled, acked) by an engine reading
 *               no positions: requests/s from the engine ready to all counted
 *   tick        a tick's work over 100k cells with supply and demand (decay, the snapshot in
 *               market.sqlite, the crossings of the surge threshold), median of 10
 *   memory      heap per active cell (100k cells, each with a device and a kind), after a full GC
 *   cpu_s       each ingest and demand run's CPU seconds: the engine's main thread, its other threads
 *               (largest first) and nats-server's (bench/thread-cpu.ts, from /proc); from them the
 *               on/off ratio in CPU (engine + nats-server, off ÷ on) and the CPU seconds per million
 * Writes bench/results/market.json.
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

import { cpus } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cellKey, cellParent } from '../shared/h3-cell';
import { indexPosition } from '../main/heatmap';
import { MarketService, MarketState } from '../main/market';
import { DemandSimulator, Simulator } from '../main/simulator';
import { ConfigSchema } from '../main/config';
import { engineRpc, makeTempDir, startNats, startWebMode, waitFor, type RunningServer } from '../tests/helpers';
import { writeResult } from './results';
import { cpuBetween, threadCpu } from './thread-cpu';
import { median, round } from './stats';

const numArg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const POSITIONS = numArg('--positions', 1_000_000);
const REQUESTS = numArg('--requests', 500_000);
const ROUNDS = numArg('--rounds', 2);
const CELLS = 100_000;
const log = (s: string) => process.stdout.write(`${s}\n`);
const AREA = { center: [-73.9851, 40.7589] as const, radiusKm: 20 };

async function fill(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
  await jsm.streams.add({ name: 'DEMAND', subjects: ['demand.>'] });
  await jsm.streams.add({ name: 'EMPTY', subjects: ['empty.>'] });
  await jsm.streams.add({ name: 'NODEMAND', subjects: ['nodemand.>'] });
  const DEVICES = 10_000;
  const sim = new Simulator({ devices: DEVICES, ratePerSec: 1, ...AREA, speedMps: 9, fleet: 'bench', seed: 5 });
  const now = Date.now();
  const t = performance.now();
  for (let i = 0; i < POSITIONS; i += DEVICES) {
    for (const p of sim.take(Math.min(DEVICES, POSITIONS - i), now - POSITIONS / 10 + i / 10)) nc.publish('pos.bench', JSON.stringify(p));
    await nc.flush();
  }
  const demand = new DemandSimulator(AREA, 5, 5, 'bench');
  for (let i = 0; i < REQUESTS; i += 10_000) {
    for (const r of demand.take(Math.min(10_000, REQUESTS - i), now - REQUESTS / 100 + i / 100)) nc.publish('demand.bench', JSON.stringify(r));
    await nc.flush();
  }
  await waitFor(
    async () => (await jsm.streams.info('POSITIONS')).state.messages >= POSITIONS && (await jsm.streams.info('DEMAND')).state.messages >= REQUESTS,
    { timeoutMs: 300_000, what: 'streams filled' },
  );
  log(`published ${POSITIONS} positions and ${REQUESTS} requests in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** CPU seconds the engine's threads and nats-server spent over a run. */
interface RunCpu {
  engine_main: number;
  /** The engine's other threads above 0.05 s, largest first (readers, SQLite, DuckDB, V8). */
  engine_others: number[];
  engine_total: number;
  nats_server: number;
}

function cpuMeter(engine: number | undefined, nats: RunningServer): () => RunCpu {
  const e0 = threadCpu(engine);
  const n0 = threadCpu(nats.proc.pid);
  return () => {
    const e = cpuBetween(engine, e0, threadCpu(engine));
    return { engine_main: e.main, engine_others: e.others, engine_total: e.total, nats_server: cpuBetween(nats.proc.pid, n0, threadCpu(nats.proc.pid)).total };
  };
}

const cpuTotal = (c: RunCpu) => c.engine_total + c.nats_server;

const cpuLine = (c: RunCpu) =>
  `CPU s: engine main ${c.engine_main}, other threads ${c.engine_others.join(' ')}, engine ${c.engine_total}, nats-server ${c.nats_server}`;

/** Positions/s through an engine with the market off, on, or on with no requests to read: from its ready line to every position committed. */
async function ingest(nats: RunningServer, market: 'off' | 'on' | 'supply', run: number): Promise<{ rate: number; cpu: RunCpu }> {
  const dir = await makeTempDir('hexwatch-bench-market-');
  const web = await startWebMode({
    dataDir: dir.path,
    args: [
      ...['--nats', nats.url, '--nats.consumer', `ingest-${run}-${market}`, '--market.enabled', String(market !== 'off')],
      ...['--market.tickS', '3600', '--market.demandConsumer', `demand-${run}`, '--history.rollIntervalS', '3600'],
      ...(market === 'supply' ? ['--market.demandStream', 'NODEMAND', '--market.demandSubjects', 'nodemand.>'] : []),
    ],
    timeoutMs: 60_000,
  });
  const rpc = await engineRpc(web);
  try {
    const t = performance.now();
    const cpu = cpuMeter(web.proc.pid, nats);
    await waitFor(async () => ((await rpc.call('status.get')).ingest?.committed ?? 0) >= POSITIONS, {
      timeoutMs: 600_000,
      intervalMs: 25,
      what: 'all positions committed',
      detail: () => web.proc.tail(),
    });
    return { rate: POSITIONS / ((performance.now() - t) / 1000), cpu: cpu() };
  } finally {
    await rpc.close();
    await web.stop();
    await dir.remove();
  }
}

/** Requests/s counted by an engine that reads no positions (its positions stream is empty). */
async function demand(nats: RunningServer, run: number): Promise<{ rate: number; cpu: RunCpu }> {
  const dir = await makeTempDir('hexwatch-bench-demand-');
  const web = await startWebMode({
    dataDir: dir.path,
    args: [
      ...['--nats', nats.url, '--nats.stream', 'EMPTY', '--nats.subjects', 'empty.>', '--nats.consumer', `empty-${run}`],
      ...['--market.tickS', '3600', '--market.demandConsumer', `demand-only-${run}`],
    ],
    timeoutMs: 60_000,
  });
  const rpc = await engineRpc(web);
  try {
    const t = performance.now();
    const cpu = cpuMeter(web.proc.pid, nats);
    await waitFor(async () => (await rpc.call('market.metrics')).events_processed >= REQUESTS, {
      timeoutMs: 600_000,
      intervalMs: 25,
      what: 'all requests counted',
      detail: () => web.proc.tail(),
    });
    const s = (performance.now() - t) / 1000;
    const used = cpu();
    const counted = (await rpc.call('market.cells', { limit: 10_000 })).cells.reduce((n, c) => n + c.demand, 0);
    if (counted !== REQUESTS) throw new Error(`counted ${counted} of ${REQUESTS} requests`);
    return { rate: REQUESTS / s, cpu: used };
  } finally {
    await rpc.close();
    await web.stop();
    await dir.remove();
  }
}

/** 100k cells of the market's resolution around the area, each a key. */
function cellKeys(n: number): number[] {
  const keys = new Set<number>();
  const c = new Uint32Array(2);
  for (let i = 0; keys.size < n; i++) {
    // A spiral of points 300 m apart covers distinct resolution-8 cells.
    const r = 0.003 * Math.sqrt(i);
    const a = i * 2.399963;
    indexPosition(40.7589 + r * Math.cos(a), -73.9851 + r * Math.sin(a), c);
    cellParent(c[0], c[1], 8, c);
    keys.add(cellKey(c[0], c[1]));
  }
  return [...keys];
}

async function tickWork(keys: number[]): Promise<number> {
  const dir = await makeTempDir('hexwatch-bench-tick-');
  const settings = ConfigSchema.parse({}).market;
  const service = new MarketService({ dataDir: dir.path, settings: { ...settings, tickS: 3600 } });
  const times: number[] = [];
  try {
    for (let t = 0; t < 10; t++) {
      keys.forEach((k, i) => {
        service.state.addSupply(`car-${i}`, k);
        service.state.addDemand(k, '', 1 + (i % 7));
      });
      const t0 = performance.now();
      service.tick();
      times.push(performance.now() - t0);
    }
  } finally {
    await service.stop();
    await dir.remove();
  }
  return median(times);
}

function bytesPerCell(keys: number[]): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const state = new MarketState();
  keys.forEach((k, i) => {
    state.addSupply(`car-${i}`, k, i % 2 ? 'xl' : 'standard');
    state.addDemand(k, i % 3 ? '' : 'xl', 3);
  });
  gc();
  const used = process.memoryUsage().heapUsed - before;
  if (state.size !== keys.length) throw new Error('cells lost');
  return used / keys.length;
}

async function main(): Promise<void> {
  log(`hexwatch bench market: ${POSITIONS} positions, ${REQUESTS} requests, ${cpus().length} cores, node ${process.version}`);
  const nats = await startNats({ args: ['-m', '0'] });
  try {
    const nc = await connect({ servers: nats.url });
    await fill(nc);
    const on: number[] = [];
    const off: number[] = [];
    const supply: number[] = [];
    const cpu: Record<'ingest_off' | 'ingest_on' | 'ingest_supply_only' | 'demand', RunCpu[]> = {
      ingest_off: [],
      ingest_on: [],
      ingest_supply_only: [],
      demand: [],
    };
    for (let run = 0; run < ROUNDS; run++) {
      for (const [mode, rates, key] of [
        ['off', off, 'ingest_off'],
        ['on', on, 'ingest_on'],
        ['supply', supply, 'ingest_supply_only'],
      ] as const) {
        const r = await ingest(nats, mode, run);
        rates.push(r.rate);
        cpu[key].push(r.cpu);
        log(`round ${run + 1}, market ${mode}: ${Math.round(r.rate)} positions/s; ${cpuLine(r.cpu)}`);
      }
      log(`round ${run + 1}: ratio on/off ${round(on.at(-1)! / off.at(-1)!, 3)}, supply only/off ${round(supply.at(-1)! / off.at(-1)!, 3)}`);
    }
    const demandRuns: number[] = [];
    for (let run = 0; run < ROUNDS; run++) {
      const r = await demand(nats, run);
      demandRuns.push(r.rate);
      cpu.demand.push(r.cpu);
      log(`demand: ${Math.round(r.rate)} requests/s counted; ${cpuLine(r.cpu)}`);
    }
    await nc.close();
    const keys = cellKeys(CELLS);
    const tickMs = await tickWork(keys);
    log(`tick over ${keys.length} cells: ${round(tickMs)} ms`);
    const perCell = bytesPerCell(keys);
    log(`memory: ${Math.round(perCell)} bytes per active cell`);
    const result = {
      scenario: 'market',
      when: new Date().toISOString(),
      machine: { cores: cpus().length, node: process.version },
      positions: POSITIONS,
      requests: REQUESTS,
      ingest_on_per_s: Math.round(median(on)),
      ingest_off_per_s: Math.round(median(off)),
      ingest_ratio_on_off: round(median(on) / median(off), 3),
      ingest_supply_only_per_s: Math.round(median(supply)),
      // The same ratio in CPU (engine and nats-server, off ÷ on): on a shared machine the rate follows the load of others, the CPU a run takes much less.
      ingest_cpu_ratio_off_on: round(median(cpu.ingest_off.map(cpuTotal)) / median(cpu.ingest_on.map(cpuTotal)), 3),
      ingest_cpu_s_per_million: {
        off: round((median(cpu.ingest_off.map(cpuTotal)) * 1e6) / POSITIONS),
        on: round((median(cpu.ingest_on.map(cpuTotal)) * 1e6) / POSITIONS),
        supply_only: round((median(cpu.ingest_supply_only.map(cpuTotal)) * 1e6) / POSITIONS),
      },
      demand_cpu_s_per_million: round((median(cpu.demand.map(cpuTotal)) * 1e6) / REQUESTS),
      ingest_ratio_supply_only_off: round(median(supply) / median(off), 3),
      demand_per_s: Math.round(median(demandRuns)),
      snapshot_ms: round(tickMs),
      snapshot_cells: keys.length,
      bytes_per_cell: Math.round(perCell),
      runs: {
        ingest_on_per_s: on.map(Math.round),
        ingest_off_per_s: off.map(Math.round),
        ingest_supply_only_per_s: supply.map(Math.round),
        demand_per_s: demandRuns.map(Math.round),
        ingest_ratio_on_off: on.map((x, i) => round(x / off[i], 3)),
      },
      cpu_s: cpu,
      notes:
        'ingest_on reads the 500k requests on the same two cores (and the same nats-server) while it commits the positions; ingest_supply_only is the market with no requests to read. snapshot_ms is a tick over 100k cells: the decay, the snapshot written to market.sqlite and the surge crossings; bytes_per_cell is heap per cell holding supply and demand with a kind each and one device seen this tick. cpu_s: CPU seconds per run from the ready line to the last position (or request) counted, per thread of the engine (main; the others largest first, unnamed) and of nats-server, from /proc',
      targets: { ingest_ratio_on_off: 0.9, demand_per_s: 100_000, snapshot_ms: 50 },
    };
    writeResult('market', result);
    log(JSON.stringify(result, null, 2));
  } finally {
    await nats.stop();
  }
}

await main();
