/**
 * npm run bench -- heatmap
 * The live heatmap path with 100k devices: aggregation rate (against h3-js indexing alone as the
 * baseline), the time to build a 100k-cell frame, its size on the wire, and in Chromium the time from
 * frame receipt to the deck.gl layer updated; then frames of 100k and 250k cells through our layer and
 * through a bare deck.gl H3HexagonLayer fed the same cells, to the next paint, in the same run (`runs`;
 * 1,000,000 cells too, fewer rounds). Delta frames: a 100k-cell view where a tenth of the cells change
 * each frame (most recounted, some vanishing, as many new), sent by the engine's frame streams — bytes
 * against full frames, whole frames every FULL_FRAME_EVERY_MS included — and in Chromium the apply of
 * each delta against the apply of the same frame whole.
 * Writes bench/results/heatmap.json.
 */
import { cpus } from 'node:os';
import { cellToLatLng, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { allocateFrame, decodeFrame, sealFrame, type HeatmapFrame } from '../shared/heatmap-frame';
import { FrameStreams, FULL_FRAME_EVERY_MS, LiveAggregator, frameDelta, indexPosition } from '../main/heatmap';
import { createFleet, seededRandom, stepWalker } from '../main/simulator';
import { measureApply, measureDeltaApply } from './heatmap-browser';
import { writeResult } from './results';
import { median, percentile, round } from './stats';

const DEVICES = 100_000;
const ROUNDS = 10; // fixes per device in the aggregation run
const CELLS = 100_000;
const SIZES = [100_000, 250_000, 1_000_000];
/** Rounds to the next paint per size (ours, bare): a million cells take seconds a paint here. */
const ROUNDS_AT = (cells: number) => (cells >= 1_000_000 ? { ours: 5, bare: 3 } : { ours: 20, bare: 8 });
/** Delta frames: the share of cells that change each frame, and how many frames (at 500 ms, the default interval). */
const CHANGING = 0.1;
const DELTA_FRAMES = 40;
const FRAME_INTERVAL_MS = 500;
const RES = 9;
const WORLD = { west: -180, south: -90, east: 180, north: 90 };
const log = (s: string) => process.stdout.write(`${s}\n`);

function fleetFixes() {
  const random = seededRandom(42);
  const area = { center: [-73.9851, 40.7589] as const, radiusKm: 60 };
  const fleet = createFleet(DEVICES, area, 9, 'walkers', random);
  const n = DEVICES * ROUNDS;
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  const ts = new Float64Array(n);
  const ids: string[] = new Array(n);
  const t0 = Date.now() - ROUNDS * 1000;
  for (let r = 0, k = 0; r < ROUNDS; r++) {
    for (let i = 0; i < DEVICES; i++, k++) {
      stepWalker(fleet, i, 1, area, random);
      lat[k] = fleet.lat[i];
      lon[k] = fleet.lon[i];
      ts[k] = t0 + r * 1000;
      ids[k] = fleet.ids[i];
    }
  }
  return { n, lat, lon, ts, ids };
}

function measureAggregation() {
  const f = fleetFixes();
  const baseline: number[] = [];
  const pipeline: number[] = [];
  const cell = new Uint32Array(2);
  for (let rep = 0; rep < 3; rep++) {
    let t = performance.now();
    let sink = 0;
    for (let k = 0; k < f.n; k++) sink += latLngToCell(f.lat[k], f.lon[k], 15).length;
    baseline.push(f.n / ((performance.now() - t) / 1000));
    if (sink === 0) throw new Error('unreachable');

    const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: RES });
    t = performance.now();
    for (let k = 0; k < f.n; k++) {
      indexPosition(f.lat[k], f.lon[k], cell);
      agg.add(f.ids[k], f.ts[k], f.lat[k], f.lon[k], cell[0], cell[1]);
    }
    pipeline.push(f.n / ((performance.now() - t) / 1000));
  }
  return { baseline: median(baseline), pipeline: median(pipeline) };
}

/** An aggregator holding exactly `count` distinct resolution-9 cells, one device each, 5 fixes per device. */
function cellsAggregator(now: number, count = CELLS) {
  const random = seededRandom(9);
  const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: RES });
  const seen = new Set<string>();
  const cell = new Uint32Array(2);
  while (seen.size < count) {
    const lat = 35 + random() * 10;
    const lon = -80 + random() * 12;
    const c = cellToParent(latLngToCell(lat, lon, 15), RES); // the parent, as the pipeline derives it
    if (seen.has(c)) continue;
    seen.add(c);
    indexPosition(lat, lon, cell);
    for (let k = 0; k < 5; k++) agg.add(`d${seen.size}`, now - k * 1000, lat, lon, cell[0], cell[1]);
  }
  return agg;
}

/** An aggregator holding ~100k neighbouring resolution-9 cells (a disk of them, like a busy city), one device each. */
function denseAggregator(now: number) {
  const agg = new LiveAggregator({ windowMs: 60_000, bucketMs: 5_000, resolution: RES });
  const cell = new Uint32Array(2);
  gridDisk(latLngToCell(40.7589, -73.9851, RES), 182).forEach((hex, i) => {
    const [lat, lon] = cellToLatLng(hex);
    indexPosition(lat, lon, cell);
    agg.add(`d${i}`, now, lat, lon, cell[0], cell[1]);
  });
  return agg;
}

/**
 * k = 2 smoothing in the engine: the smoothed frame build less the plain one. The first smoothed build
 * asks h3-js for every ring; later frames (which share their cells) find them kept.
 */
function measureSmoothing(agg: LiveAggregator, now: number) {
  const build = (smoothing: number) => {
    const t = performance.now();
    const frame = agg.buildFrame({ resolution: RES, bounds: WORLD, now, maxCells: 2_000_000, smoothing });
    return { ms: performance.now() - t, cells: decodeFrame(frame).count };
  };
  const plain = Array.from({ length: 9 }, () => build(0));
  const first = build(2);
  const smoothed = Array.from({ length: 9 }, () => build(2));
  const plainMs = median(plain.map((b) => b.ms));
  return {
    cells: plain[0].cells,
    out: first.cells,
    first: round(first.ms - plainMs),
    // The frame itself grows with the smoothed cells; only dense data keeps it the same size.
    warm: round(median(smoothed.map((b) => b.ms)) - plainMs),
  };
}

/**
 * Frames of one view where `share` of the cells change each frame: most recounted, a tenth of them
 * vanishing and as many new ones appearing (from `spare`), so the view keeps its size.
 */
function changingFrames(first: HeatmapFrame, spare: HeatmapFrame, frames: number, share: number): ArrayBuffer[] {
  const random = seededRandom(28);
  const n = first.count;
  const hi = Uint32Array.from(first.cellHi);
  const lo = Uint32Array.from(first.cellLo);
  const positions = Uint32Array.from(first.positions);
  const devices = Uint32Array.from(first.devices);
  let nextSpare = 0;
  const out: ArrayBuffer[] = [];
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < n * share; k++) {
      const i = Math.floor(random() * n);
      if (k % 10 === 0 && nextSpare < spare.count) {
        // One leaves, another comes in its row.
        hi[i] = spare.cellHi[nextSpare];
        lo[i] = spare.cellLo[nextSpare++];
      }
      positions[i] = 1 + Math.floor(random() * 40);
      devices[i] = 1 + Math.floor(random() * 7);
    }
    const { buffer, frame } = allocateFrame(n);
    frame.cellHi.set(hi);
    frame.cellLo.set(lo);
    frame.positions.set(positions);
    frame.devices.set(devices);
    Object.assign(frame, {
      resolution: first.resolution,
      windowEnd: first.windowEnd + f * FRAME_INTERVAL_MS,
      windowMs: first.windowMs,
      maxPositions: 40,
      maxDevices: 7,
    });
    out.push(sealFrame(buffer, frame));
  }
  return out;
}

/** The engine's frame streams over `frames`: bytes one client is sent (deltas, and whole frames when due) against whole frames every time. */
function measureDeltaBytes(frames: ArrayBuffer[]) {
  const streams = new FrameStreams();
  let held: ReturnType<FrameStreams['choose']>['held'] | undefined;
  let sent = 0;
  let whole = 0;
  let deltas = 0;
  const encodeMs: number[] = [];
  frames.forEach((frame, f) => {
    const t = performance.now();
    const tick = streams.next('view', frame.slice(0));
    if (f > 0) encodeMs.push(performance.now() - t);
    const chosen = streams.choose(tick, held, f * FRAME_INTERVAL_MS);
    held = chosen.held;
    sent += chosen.buffer.byteLength;
    whole += frame.byteLength;
    if (chosen.buffer !== tick.full) deltas++;
  });
  return { sent, whole, deltas, encodeMs };
}

async function main() {
  log(`hexwatch bench heatmap: ${DEVICES} devices, ${cpus().length} cores, node ${process.version}`);
  const agg = measureAggregation();
  log(`aggregation: ${Math.round(agg.pipeline)} positions/s (h3-js indexing alone: ${Math.round(agg.baseline)}/s)`);

  const now = Date.now();
  const big = cellsAggregator(now);
  const builds: number[] = [];
  let frame = new ArrayBuffer(0);
  for (let i = 0; i < 15; i++) {
    const t = performance.now();
    frame = big.buildFrame({ resolution: RES, bounds: WORLD, now, maxCells: 250_000 });
    builds.push(performance.now() - t);
  }
  const decoded = decodeFrame(frame);
  log(`frame: ${decoded.count} cells, ${frame.byteLength} bytes, build p50 ${round(median(builds))} ms`);
  const dense = measureSmoothing(denseAggregator(now), now);
  const scattered = measureSmoothing(big, now);
  log(
    `smoothing k = 2 over ${dense.cells} neighbouring cells (a city): ${dense.warm} ms a frame with the rings kept (${dense.first} ms the first time) -> ${dense.out} cells`,
  );
  log(
    `smoothing k = 2 over ${scattered.cells} scattered cells (no ring shares a cell): ${scattered.warm} ms a frame (${scattered.first} ms the first time) -> ${scattered.out} cells`,
  );
  // A second frame over the same cells with other counts, so the renderer's caches are warm but the data changes.
  const other = frame.slice(0);
  const o = decodeFrame(other);
  for (let i = 0; i < o.count; i++) o.devices[i] = 1 + (i % 7);

  let apply: { cold: number; warm: number[]; painted: number[]; baseline: number[]; cells: number } | undefined;
  try {
    apply = await measureApply([frame, other]);
    log(
      `render apply: cold ${round(apply.cold)} ms, warm p50 ${round(median(apply.warm))} ms, to the next paint p50 ${round(median(apply.painted))} ms (${apply.cells} cells in the layer); bare H3HexagonLayer to the next paint p50 ${round(median(apply.baseline))} ms`,
    );
  } catch (err) {
    log(`render apply: not measured (${(err as Error).message.split('\n')[0]})`);
  }

  // 100k and 250k cells: build, then our layer and a bare H3HexagonLayer to the next paint, in the same browser run.
  const runs: {
    cells: number;
    build_ms_p50: number;
    ours_ms_p50: number;
    bare_ms_p50: number;
    /** Null when either layer left the map as it was (it did not draw: its time says nothing). */
    ours_vs_bare_ratio: number | null;
    /** Map pixels each layer changed (1280 × 800 window). */
    ours_pixels: number;
    bare_pixels: number;
  }[] = [];
  for (const size of SIZES) {
    const agg = cellsAggregator(now, size);
    const times: number[] = [];
    let f = new ArrayBuffer(0);
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      f = agg.buildFrame({ resolution: RES, bounds: WORLD, now, maxCells: Math.max(500_000, size) });
      times.push(performance.now() - t);
    }
    const second = f.slice(0);
    const d = decodeFrame(second);
    for (let i = 0; i < d.count; i++) d.devices[i] = 1 + (i % 7);
    try {
      const m = await measureApply([f, second], ROUNDS_AT(size));
      // Both drew the same cells in the same colours: a layer that changed far fewer pixels than the other did not draw.
      const drew = (px: number, other: number) => px > 0 && px >= other / 2;
      const run = {
        cells: decodeFrame(f).count,
        build_ms_p50: round(median(times)),
        ours_ms_p50: round(median(m.painted)),
        bare_ms_p50: round(median(m.baseline)),
        ours_vs_bare_ratio: drew(m.pixels.ours, m.pixels.bare) && drew(m.pixels.bare, m.pixels.ours) ? round(median(m.painted) / median(m.baseline), 3) : null,
        ours_pixels: m.pixels.ours,
        bare_pixels: m.pixels.bare,
      };
      runs.push(run);
      log(
        `${run.cells} cells: build p50 ${run.build_ms_p50} ms; to the next paint: ours p50 ${run.ours_ms_p50} ms, bare H3HexagonLayer p50 ${run.bare_ms_p50} ms (ratio ${run.ours_vs_bare_ratio ?? 'not taken'}); map pixels drawn: ours ${run.ours_pixels}, bare ${run.bare_pixels}`,
      );
      for (const e of m.errors) log(`  the page logged: ${e}`);
    } catch (err) {
      log(`${size} cells: not measured (${(err as Error).message.split('\n')[0]})`);
    }
  }

  // Delta frames: 100k cells, a tenth changing each frame.
  const pool = decodeFrame(cellsAggregator(now, CELLS + CELLS / 10).buildFrame({ resolution: RES, bounds: WORLD, now, maxCells: 500_000 }));
  const firstView = {
    ...pool,
    count: CELLS,
    cellHi: pool.cellHi.subarray(0, CELLS),
    cellLo: pool.cellLo.subarray(0, CELLS),
    positions: pool.positions.subarray(0, CELLS),
    devices: pool.devices.subarray(0, CELLS),
  };
  const spare = {
    ...pool,
    count: pool.count - CELLS,
    cellHi: pool.cellHi.subarray(CELLS),
    cellLo: pool.cellLo.subarray(CELLS),
    positions: pool.positions.subarray(CELLS),
    devices: pool.devices.subarray(CELLS),
  };
  const sequence = changingFrames(firstView, spare, DELTA_FRAMES, CHANGING);
  const bytes = measureDeltaBytes(sequence);
  const oneDelta = frameDelta(decodeFrame(sequence[0]), decodeFrame(sequence[1]))!;
  log(
    `delta frames: ${CELLS} cells, ${CHANGING * 100} % changing a frame: ${bytes.sent} bytes sent over ${DELTA_FRAMES} frames (${bytes.deltas} deltas, a whole frame every ${FULL_FRAME_EVERY_MS / 1000} s) against ${bytes.whole} whole (ratio ${round(bytes.sent / bytes.whole, 3)}); one delta ${oneDelta.byteLength} bytes (${round(oneDelta.byteLength / sequence[1].byteLength, 3)} of its frame), encoded in p50 ${round(median(bytes.encodeMs))} ms`,
  );
  // In the page: frames 1..10 each whole and as its delta, after the frame before it (ids far from the page's own engine's).
  const APPLIED = 10;
  const numbered = sequence.slice(0, APPLIED + 1).map((b, i) => {
    const f = decodeFrame(b.slice(0));
    f.id = 1_000_000 + i;
    return sealFrame(f.cellHi.buffer as ArrayBuffer, f);
  });
  const deltas = numbered.slice(1).map((b, i) => frameDelta(decodeFrame(numbered[i]), decodeFrame(b))!);
  let deltaApply: Awaited<ReturnType<typeof measureDeltaApply>> | undefined;
  try {
    deltaApply = await measureDeltaApply(numbered, deltas);
    log(
      `delta apply (${deltaApply.cells} cells, ${deltaApply.deltasApplied} deltas drawn): p50 ${round(median(deltaApply.delta))} ms against the whole frame's ${round(median(deltaApply.full))} ms (ratio ${round(median(deltaApply.delta) / median(deltaApply.full), 3)}); to the next paint ${round(median(deltaApply.deltaPainted))} ms against ${round(median(deltaApply.fullPainted))} ms`,
    );
  } catch (err) {
    log(`delta apply: not measured (${(err as Error).message.split('\n')[0]})`);
  }

  const result = {
    scenario: 'heatmap',
    when: new Date().toISOString(),
    machine: { cores: cpus().length, node: process.version },
    devices: DEVICES,
    cells: decoded.count,
    resolution: RES,
    aggregate_positions_per_s: Math.round(agg.pipeline),
    baseline_h3_index_per_s: Math.round(agg.baseline),
    aggregate_ratio_to_baseline: round(agg.pipeline / agg.baseline, 3),
    frame_build_ms_p50: round(median(builds)),
    frame_build_ms_p95: round(percentile(builds, 95)),
    frame_bytes: frame.byteLength,
    frame_bytes_per_cell: round(frame.byteLength / decoded.count, 4),
    render_apply_ms_p50: apply ? round(median(apply.warm)) : null,
    render_apply_ms_p95: apply ? round(percentile(apply.warm, 95)) : null,
    render_apply_cold_ms: apply ? round(apply.cold) : null,
    render_apply_to_next_paint_ms_p50: apply ? round(median(apply.painted)) : null,
    baseline_h3hexagonlayer_to_next_paint_ms_p50: apply ? round(median(apply.baseline)) : null,
    to_next_paint_ratio_vs_baseline: apply ? round(median(apply.painted) / median(apply.baseline), 3) : null,
    build_plus_apply_ms_p50: apply ? round(median(builds) + median(apply.warm)) : null,
    runs,
    delta_changing_share: CHANGING,
    delta_bytes_sent: bytes.sent,
    delta_bytes_full: bytes.whole,
    delta_bytes_ratio: round(bytes.sent / bytes.whole, 3),
    delta_frames: { total: DELTA_FRAMES, deltas: bytes.deltas, full_every_ms: FULL_FRAME_EVERY_MS },
    delta_one_frame_bytes: oneDelta.byteLength,
    delta_encode_ms_p50: round(median(bytes.encodeMs)),
    delta_apply_ms_p50: deltaApply ? round(median(deltaApply.delta)) : null,
    delta_full_apply_ms_p50: deltaApply ? round(median(deltaApply.full)) : null,
    delta_apply_ratio: deltaApply ? round(median(deltaApply.delta) / median(deltaApply.full), 3) : null,
    delta_to_next_paint_ms_p50: deltaApply ? round(median(deltaApply.deltaPainted)) : null,
    delta_full_to_next_paint_ms_p50: deltaApply ? round(median(deltaApply.fullPainted)) : null,
    smoothing_k2_ms_p50: dense.warm,
    smoothing_k2_first_frame_ms: dense.first,
    smoothing_k2_cells: { in: dense.cells, out: dense.out },
    smoothing_k2_scattered_ms_p50: scattered.warm,
    smoothing_k2_scattered_first_frame_ms: scattered.first,
    smoothing_k2_scattered_cells: { in: scattered.cells, out: scattered.out },
    targets: {
      aggregate_positions_per_s: 200_000,
      build_plus_apply_ms_p50: 50,
      frame_bytes_per_cell: 16,
      ours_vs_bare_ratio: 1.2,
      smoothing_k2_ms_p50: 30,
      delta_bytes_ratio: 0.25,
      delta_apply_ratio: 0.3,
    },
  };
  writeResult('heatmap', result);
  log('wrote bench/results/heatmap.json');
}

await main();
