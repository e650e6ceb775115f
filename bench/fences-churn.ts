/**
 * npm run bench -- fences-churn [--positions N] [--tile38-positions N] [--rounds N]
 * The shape Tile38's users report its SET rate collapsing on (tidwall/tile38 #491): 23,000 overlapping
 * fences (city blocks, districts, corridors), 100,000 devices, and a stream in which about a third of
 * the fixes take a device in or out (it flips between a spot inside some fence and one outside all of
 * them, near each other). The embedded engine and a real Tile38 (fences as channels, events read) on the
 * same fixes; Tile38's share is bounded by --tile38-positions so the run takes minutes (0 leaves it out).
 * Medians of rounds.
 * Writes bench/results/fences-churn.json.
 */

import { cpus } from 'node:os';
import Flatbush from 'flatbush';
import type { Fence } from '../shared/fence';
import { compileShape, FenceEngine, Tile38Adapter, type Fix, type Shape } from '../main/fences';
import { seededRandom } from '../main/simulator';
import { startTile38, tile38ServerPath } from '../tests/helpers';
import { runBench, writeResult } from './results';
import { median, round } from './stats';

const argOf = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const DEVICES = 100_000;
const POSITIONS = argOf('--positions', 300_000);
const TILE38_POSITIONS = argOf('--tile38-positions', 30_000);
const ROUNDS = argOf('--rounds', 3);
const FLIP_SHARE = 1 / 3;
const BLOCKS = 20_000;
const DISTRICTS = 400;
const CORRIDORS = 2_600;
const log = (s: string) => process.stdout.write(`${s}\n`);

// A city about 40 × 39 km; degrees of longitude are ~0.61 of latitude's here, hence the 1.6 factors.
const W = 13.1;
const S = 52.35;
const SPAN_X = 0.6;
const SPAN_Y = 0.35;
const M = 1 / 111_000; // a metre in degrees of latitude

const fence = (i: number, kind: string, ring: [number, number][]): Fence => ({
  id: `${kind}${i}`,
  name: `${kind} ${i}`,
  geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
  detect: ['enter', 'exit'],
  targets: [],
  enabled: true,
  version: 1,
});

/** A star-shaped ring of `k` corners around (cx, cy), radii between r·(1-wobble) and r. */
function blob(cx: number, cy: number, r: number, k: number, wobble: number, random: () => number): [number, number][] {
  return Array.from({ length: k }, (_, j) => {
    const a = (2 * Math.PI * j) / k;
    const rr = r * (1 - wobble * random());
    return [cx + rr * 1.6 * Math.cos(a), cy + rr * Math.sin(a)];
  });
}

/** A street a few tens of metres wide along a gently turning path of `n` legs: its two sides as one ring. */
function corridor(random: () => number): [number, number][] {
  const n = 6 + Math.floor(random() * 15);
  const leg = (150 + random() * 350) * M;
  const half = (15 + random() * 15) * M;
  let x = W + random() * SPAN_X;
  let y = S + random() * SPAN_Y;
  let heading = random() * 2 * Math.PI;
  const left: [number, number][] = [];
  const right: [number, number][] = [];
  for (let j = 0; j <= n; j++) {
    left.push([x - half * 1.6 * Math.sin(heading), y + half * Math.cos(heading)]);
    right.push([x + half * 1.6 * Math.sin(heading), y - half * Math.cos(heading)]);
    heading += (random() - 0.5) * 0.6;
    x += leg * 1.6 * Math.cos(heading);
    y += leg * Math.sin(heading);
  }
  return [...left, ...right.reverse()];
}

function churnFences(random: () => number): Fence[] {
  const out: Fence[] = [];
  // Blocks cluster in neighbourhoods, so they overlap each other and the districts.
  const hoods = Array.from({ length: 300 }, () => [W + random() * SPAN_X, S + random() * SPAN_Y]);
  for (let i = 0; i < BLOCKS; i++) {
    const [hx, hy] = hoods[Math.floor(random() * hoods.length)];
    const cx = hx + (random() - 0.5) * 3000 * M * 1.6;
    const cy = hy + (random() - 0.5) * 3000 * M;
    out.push(fence(i, 'block', blob(cx, cy, (50 + random() * 80) * M, 4 + Math.floor(random() * 5), 0.3, random)));
  }
  for (let i = 0; i < DISTRICTS; i++) {
    const r = (300 + random() * 900) * M;
    out.push(fence(i, 'district', blob(W + random() * SPAN_X, S + random() * SPAN_Y, r, 32 + Math.floor(random() * 64), 0.35, random)));
  }
  for (let i = 0; i < CORRIDORS; i++) out.push(fence(i, 'corridor', corridor(random)));
  return out;
}

/** Whether a point is inside any fence (the shapes the engine compiles, behind a box index). */
function insideAny(index: Flatbush, shapes: Shape[], x: number, y: number): boolean {
  return index.search(x, y, x, y).some((i) => shapes[i].contains(x, y));
}

/**
 * Each device gets a spot inside some block and a spot within ~300 m outside every fence; a fix is
 * one of them jittered by a few metres, the device switching spot with probability FLIP_SHARE.
 */
function churnStream(fs: Fence[], total: number, random: () => number): { fixes: Fix[]; flipShare: number } {
  const shapes = fs.map((f) => compileShape(f.geometry));
  const index = new Flatbush(shapes.length);
  for (const s of shapes) index.add(s.minX, s.minY, s.maxX, s.maxY);
  index.finish();
  const spots = new Float64Array(DEVICES * 4);
  for (let d = 0; d < DEVICES; d++) {
    for (;;) {
      const s = shapes[Math.floor(random() * BLOCKS)];
      const ix = s.minX + random() * (s.maxX - s.minX);
      const iy = s.minY + random() * (s.maxY - s.minY);
      if (!s.contains(ix, iy)) continue;
      let found = false;
      for (let k = 0; k < 40 && !found; k++) {
        const ox = ix + (random() - 0.5) * 600 * M * 1.6;
        const oy = iy + (random() - 0.5) * 600 * M;
        if (insideAny(index, shapes, ox, oy)) continue;
        spots.set([ix, iy, ox, oy], d * 4);
        found = true;
      }
      if (found) break;
    }
  }
  const ids = Array.from({ length: DEVICES }, (_, d) => `dev-${d}`);
  const spot = new Uint8Array(DEVICES);
  const wasIn = new Int8Array(DEVICES).fill(-1);
  const out: Fix[] = new Array(total);
  let flips = 0;
  for (let i = 0; i < total; i++) {
    const d = i % DEVICES;
    if (i >= DEVICES && random() < FLIP_SHARE) spot[d] ^= 1;
    const x = spots[d * 4 + 2 * spot[d]] + (random() - 0.5) * 8 * M * 1.6;
    const y = spots[d * 4 + 2 * spot[d] + 1] + (random() - 0.5) * 8 * M;
    out[i] = { id: ids[d], lon: x, lat: y, ts: 1_700_000_000_000 + i };
    // What a fix does to its device's inside/outside state, measured rather than assumed (jitter can cross an edge).
    const now = insideAny(index, shapes, x, y) ? 1 : 0;
    if (wasIn[d] >= 0 && wasIn[d] !== now) flips++;
    wasIn[d] = now;
  }
  return { fixes: out, flipShare: flips / Math.max(1, total - DEVICES) };
}

function embeddedRounds(fs: Fence[], fixes: Fix[]): { per_s: number; rounds: number[]; events: number } {
  const rounds: number[] = [];
  let events = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const engine = new FenceEngine(fs);
    // Every device's first fix is warm-up, as in a running engine.
    engine.update(fixes.slice(0, DEVICES));
    let n = 0;
    const t = performance.now();
    for (let i = DEVICES; i < fixes.length; i += 5000) n += engine.update(fixes.slice(i, i + 5000)).length;
    rounds.push((fixes.length - DEVICES) / ((performance.now() - t) / 1000));
    events = n;
  }
  log(`  embedded: ${rounds.map(Math.round).join(', ')} positions/s, ${events} events`);
  return { per_s: Math.round(median(rounds)), rounds: rounds.map(Math.round), events };
}

/** Tile38 takes the first TILE38_POSITIONS fixes after warm-up, timed in ROUNDS consecutive slices. */
async function tile38Rounds(fs: Fence[], fixes: Fix[]): Promise<{ per_s: number; rounds: number[]; events: number } | string> {
  if (TILE38_POSITIONS === 0) return 'skipped (--tile38-positions 0: profiling the embedded engine alone)';
  if (!tile38ServerPath()) return 'tile38-server not available (npm test builds it when the Go proxy serves it; or set HEXWATCH_TILE38_SERVER)';
  const server = await startTile38();
  let events = 0;
  const adapter = new Tile38Adapter(
    { host: '127.0.0.1', port: server.port, tls: false, key: 'fleet', expireS: 0, mode: 'channel', prefix: 'c.' },
    { onEvent: () => events++ },
  );
  try {
    await adapter.start();
    await adapter.setFences(fs);
    for (let i = 0; i < DEVICES; i += 2000) await adapter.publish(fixes.slice(i, i + 2000));
    const slice = Math.floor(TILE38_POSITIONS / ROUNDS);
    const rounds: number[] = [];
    const before = events;
    for (let r = 0; r < ROUNDS; r++) {
      const from = DEVICES + r * slice;
      const t = performance.now();
      for (let i = from; i < from + slice; i += 2000) await adapter.publish(fixes.slice(i, Math.min(i + 2000, from + slice)));
      rounds.push(slice / ((performance.now() - t) / 1000));
    }
    log(`  tile38: ${rounds.map(Math.round).join(', ')} positions/s, ${events - before} events seen`);
    return { per_s: Math.round(median(rounds)), rounds: rounds.map(Math.round), events: events - before };
  } finally {
    await adapter.stop();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const random = seededRandom(491);
  const fs = churnFences(random);
  log(`${fs.length} fences (${BLOCKS} blocks, ${DISTRICTS} districts, ${CORRIDORS} corridors), ${DEVICES} devices…`);
  const { fixes, flipShare } = churnStream(fs, DEVICES + Math.max(POSITIONS, TILE38_POSITIONS), random);
  log(`  ${round(flipShare * 100, 1)} % of fixes change their device's inside/outside state`);
  const embedded = embeddedRounds(fs, fixes.slice(0, DEVICES + POSITIONS));
  const tile38 = await tile38Rounds(fs, fixes);
  const result = {
    scenario: 'fences-churn',
    when: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version },
    fences: { total: fs.length, blocks: BLOCKS, districts: DISTRICTS, corridors: CORRIDORS },
    devices: DEVICES,
    positions: POSITIONS,
    tile38_positions: TILE38_POSITIONS,
    state_change_share: round(flipShare, 3),
    embedded_per_s: embedded.per_s,
    embedded_rounds: embedded.rounds,
    embedded_events: embedded.events,
    ...(typeof tile38 === 'string'
      ? { tile38_per_s: null, tile38_skipped: tile38 }
      : {
          tile38_per_s: tile38.per_s,
          tile38_rounds: tile38.rounds,
          tile38_events: tile38.events,
          ratio_embedded_to_tile38: round(embedded.per_s / tile38.per_s, 2),
        }),
    goal: { ratio_embedded_to_tile38: 10 },
  };
  writeResult('fences-churn', result);
  log(JSON.stringify(result, null, 2));
}

runBench(main);
