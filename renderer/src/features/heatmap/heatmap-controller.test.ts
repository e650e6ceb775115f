import type { Layer } from '@deck.gl/core';
import { latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { hexToCell } from '../../../../shared/h3-cell';
import { allocateFrame, MARKET_LAYER, sealFrame } from '../../../../shared/heatmap-frame';
import type { LayerInfo } from '../../map';
import { HeatmapController } from './heatmap-controller';

/** A frame of the live window (or the market's) holding `cells` with these device counts. */
function frame(cells: string[], devices: number[], layer = 0, windowEnd = 1): ArrayBuffer {
  const { buffer, frame: f } = allocateFrame(cells.length);
  const c = [0, 0];
  cells.forEach((hex, i) => {
    hexToCell(hex, c);
    f.cellHi[i] = c[0]!;
    f.cellLo[i] = c[1]!;
    f.devices[i] = devices[i]!;
    f.positions[i] = devices[i]! * 3;
  });
  Object.assign(f, { resolution: 8, layer, maxDevices: Math.max(...devices), maxPositions: Math.max(...devices) * 3, windowMs: 60_000, windowEnd });
  return sealFrame(buffer, f);
}

const cells = [latLngToCell(40.7589, -73.9851, 8), latLngToCell(40.75, -73.99, 8), latLngToCell(40.74, -73.98, 8)];
let drawn: { layers: Layer[]; info?: LayerInfo };
const controller = () => new HeatmapController({ set: (_id, _slot, layers, info) => (drawn = { layers, info: info ?? drawn?.info }) });

beforeAll(() => {
  // The colour ease asks for animation frames: none run here.
  globalThis.requestAnimationFrame ??= () => 0;
});

describe('the heat’s row and legend', () => {
  it('are listed before the first frame, waiting, without numbers', () => {
    controller();
    expect(drawn.layers).toEqual([]);
    expect(drawn.info).toMatchObject({ name: 'Live heatmap', kind: 'heat', legend: { subtitle: 'unique devices per cell' } });
    expect(drawn.info!.legend!.ramp).toBeUndefined();
  });

  it('change words, numbers and colours in one step with what is drawn', () => {
    const c = controller();
    c.apply(frame(cells, [1, 10, 100]));
    expect(drawn.info!.legend!.ramp!.ticks.at(-1)![0]).toBe('100');
    c.setStyle('positions', 'viridis');
    expect(drawn.info!.legend).toMatchObject({ subtitle: 'positions per cell' });
    expect(drawn.info!.legend!.ramp!.ticks.at(-1)![0]).toBe('300');
    // To the market: the live frame on screen is not the market's, so neither it nor its numbers stay under the new words.
    c.setStyle('surge', 'viridis');
    expect(drawn.layers).toEqual([]);
    expect(drawn.info).toMatchObject({ name: 'Market', legend: { subtitle: 'surge multiplier' } });
    expect(drawn.info!.legend!.ramp).toBeUndefined();
    c.apply(frame(cells, [1, 2, 4], MARKET_LAYER));
    expect(drawn.info!.legend!.ramp!.ticks.map(([v]) => v)).toEqual(['1', '1.5', '2', '3', '5']);
  });

  it('say the smoothing the drawn frame was made with, from the frame after the engine took the view', () => {
    const c = controller();
    c.apply(frame(cells, [1, 2, 3]));
    c.viewChanged(2);
    expect(drawn.info!.legend!.subtitle).toBe('unique devices per cell');
    c.apply(frame(cells, [5, 6, 7], 0, 2));
    expect(drawn.info!.legend!.subtitle).toBe('unique devices per cell, totalled over 2-ring neighbourhoods');
  });
});

describe('a cell of the drawn frame', () => {
  it('is found by its index, as the tooltip and the pinned card read it', () => {
    const c = controller();
    c.apply(frame(cells, [1, 10, 100]));
    expect(c.cellOf(cells[1]!)).toEqual({ hex: cells[1], resolution: 8, positions: 30, devices: 10 });
    expect(c.cellOf(latLngToCell(51.5, -0.12, 8))).toBeUndefined();
    expect(c.cellOf('not a cell')).toBeUndefined();
    c.apply(frame(cells.slice(0, 1), [4]));
    expect(c.cellOf(cells[1]!)).toBeUndefined();
    expect(c.cellOf(cells[0]!)?.devices).toBe(4);
  });
});
