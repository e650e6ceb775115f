import { describe, expect, it } from 'vitest';
import { surgeAlerts, surgeChange } from './surge-alerts';
import type { SurgeCrossing } from './surge-watch';

const crossings: SurgeCrossing[] = [
  { key: 7, rising: true, surge: 1.6, supply: 10, demand: 16 },
  { key: 9, rising: false, surge: 1.125, supply: 20, demand: 16 },
];
const cells = { hexOf: (key: number) => `88${key}`, centre: (key: number) => [40 + key, -73] as const };

describe('surge crossings, said', () => {
  it('on market.changed: each cell by its H3 index, with the threshold', () => {
    expect(surgeChange(5000, 1.5, crossings, cells.hexOf)).toEqual({
      at: 5000,
      threshold: 1.5,
      crossings: [
        { hex: '887', rising: true, surge: 1.6, supply: 10, demand: 16 },
        { hex: '889', rising: false, surge: 1.125, supply: 20, demand: 16 },
      ],
    });
  });

  it('as alerts: events of the fence "surge", entered going over and exited falling back, at the cell’s centre', () => {
    expect(surgeAlerts(5000, crossings, cells, ['ops'])).toEqual([
      {
        event_type: 'enter',
        fence_id: 'surge',
        device_id: '887',
        position: { lat: 47, lon: -73 },
        timestamp: 5000,
        group: 'surge x1.60',
        source: 'embedded',
        targets: ['ops'],
      },
      {
        event_type: 'exit',
        fence_id: 'surge',
        device_id: '889',
        position: { lat: 49, lon: -73 },
        timestamp: 5000,
        group: 'surge x1.13',
        source: 'embedded',
        targets: ['ops'],
      },
    ]);
  });
});
