/**
 * npm run bench -- fences [--positions N] [--tile38-positions N]
 * 100k devices random-walking over 1,000 and over 10,000 polygon fences (enter/exit detection). The
 * embedded engine's positions/s, beside the same workload SET into a real Tile38 with the fences in
 * place as channels (the baseline; skipped, with the reason, when tile38-server is not available).
 * Writes bench/results/fences.json.
 */

import { cpus } from 'node:os';
import type { Fence } from '../shared/fence';
import { FenceEngine, Tile38Adapter, type Fix } from '../main/fences';
import { seededRandom } from '../main/simulator';
import { startTile38, tile38ServerPath } from '../tests/helpers';
import { writeResult } from './results';
import { median, round } from './stats';

const argOf = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DEVICES = 100_000;
const POSITIONS = argOf('--positions', 1_000_000);
const TILE38_POSITIONS = argOf('--tile38-positions', 200_000);
const log = (s: string) => process.stdout.write(`${s}\n`);

// A city-sized area; fences sized so that ~10–20 % of fixes fall inside one.
const W = 13.1;
const S = 52.35;
const SPAN_X = 0.6;
const SPAN_Y = 0.35;

function fences(n: number, random: () => number): Fence[] {
  const size = 0.01 * Math.sqrt(1000 / n);
  return Array.from({ length: n }, (_, i) => {
    const cx = W + random() * SPAN_X;
    const cy = S + random() * SPAN_Y;
    const k = 6 + Math.floor(random() * 5);
    const ring: [number, number][] = [];
    for (let j = 0; j < k; j++) {
      const a = (2 * Math.PI * j) / k;
      const r = size * (0.6 + 0.4 * random());
      ring.push([cx + r * 1.6 * Math.cos(a), cy + r * Math.sin(a)]);
    }
    ring.push(ring[0]);
    return {
      id: `f${i}`,
      name: `f${i}`,
      geometry: { type: 'Polygon', coordinates: [ring] },
      detect: ['enter', 'exit'],
      targets: [],
      enabled: true,
      version: 1,
    };
  });
}

/** `total` fixes: each of the devices in turn takes a step of about 30 m. */
function walk(total: number, random: () => number): Fix[] {
  const x = new Float64Array(DEVICES).map(() => W + random() * SPAN_X);
  const y = new Float64Array(DEVICES).map(() => S + random() * SPAN_Y);
  const out: Fix[] = new Array(total);
  for (let i = 0; i < total; i++) {
    const d = i % DEVICES;
    x[d] += (random() - 0.5) * 0.0008;
    y[d] += (random() - 0.5) * 0.0005;
    out[i] = { id: `dev-${d}`, lon: x[d], lat: y[d], ts: 1_700_000_000_000 + i };
  }
  return out;
}

function embeddedPerS(fs: Fence[], fixes: Fix[]): { per_s: number; events: number } {
  const runs: number[] = [];
  let events = 0;
  for (let run = 0; run < 3; run++) {
    const engine = new FenceEngine(fs);
    // The first pass over the devices (first fixes) is warm-up, as in a running engine.
    engine.update(fixes.slice(0, DEVICES));
    const t = performance.now();
    let n = 0;
    for (let i = DEVICES; i < fixes.length; i += 5000) n += engine.update(fixes.slice(i, i + 5000)).length;
    runs.push((fixes.length - DEVICES) / ((performance.now() - t) / 1000));
    events = n;
  }
  log(`  embedded: ${runs.map(Math.round).join(', ')} positions/s`);
  return { per_s: Math.round(median(runs)), events };
}

async function tile38PerS(fs: Fence[], fixes: Fix[]): Promise<number | string> {
  if (!tile38ServerPath()) return 'tile38-server not available (npm test builds it when the Go proxy serves it; or set HEXWATCH_TILE38_SERVER)';
  const server = await startTile38();
  let events = 0;
  const adapter = new Tile38Adapter(
    { host: '127.0.0.1', port: server.port, tls: false, key: 'fleet', expireS: 0, mode: 'channel', prefix: 'b.' },
    { onEvent: () => events++ },
  );
  try {
    await adapter.start();
    await adapter.setFences(fs);
    await adapter.publish(fixes.slice(0, DEVICES));
    const t = performance.now();
    for (let i = DEVICES; i < fixes.length; i += 2000) await adapter.publish(fixes.slice(i, i + 2000));
    const perS = (fixes.length - DEVICES) / ((performance.now() - t) / 1000);
    log(`  tile38: ${Math.round(perS)} positions/s (${events} events seen)`);
    return Math.round(perS);
  } finally {
    await adapter.stop();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const runs = [];
  for (const n of [1000, 10_000]) {
    log(`${n} fences, ${DEVICES} devices…`);
    const random = seededRandom(n);
    const fs = fences(n, random);
    const fixes = walk(POSITIONS, random);
    const embedded = embeddedPerS(fs, fixes);
    const tile38 = await tile38PerS(fs, fixes.slice(0, DEVICES + TILE38_POSITIONS));
    runs.push({
      fences: n,
      embedded_per_s: embedded.per_s,
      embedded_events: embedded.events,
      tile38_per_s: typeof tile38 === 'number' ? tile38 : null,
      ...(typeof tile38 === 'number' ? { ratio_embedded_to_tile38: round(embedded.per_s / tile38, 2) } : { tile38_skipped: tile38 }),
    });
  }
  const result = {
    scenario: 'fences',
    when: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version },
    devices: DEVICES,
    positions: POSITIONS,
    tile38_positions: TILE38_POSITIONS,
    runs,
    targets: { embedded_per_s_1000: 200_000, embedded_per_s_10000: 50_000, ratio_embedded_to_tile38_1000: 3.5, ratio_embedded_to_tile38_10000: 3 },
  };
  writeResult('fences', result);
  log(JSON.stringify(result, null, 2));
}

await main();
