import type { HeatmapMetric } from '../../../../shared/rpc';
import type { Command } from '../../app/commands';
import { getUi, setUi } from '../../app/ui-store';
import { getMapHandle, HOME } from '../../map';

/** The order the `m` key steps through the measures. */
const METRIC_ORDER: readonly HeatmapMetric[] = ['devices', 'positions', 'perDevice', 'supply', 'demand', 'ratio', 'surge'];

/** The heatmap's commands: what it colours by and how, cell size, smoothing, columns, fitting the data, finding a device. */
export function heatmapCommands(): Command[] {
  return [
    {
      id: 'heatmap.metric',
      title: 'Colour by the next measure (devices, positions, per device, supply, demand, ratio, surge)',
      group: 'Heatmap',
      shortcut: 'm',
      run: () => setUi((s) => ({ metric: METRIC_ORDER[(METRIC_ORDER.indexOf(s.metric) + 1) % METRIC_ORDER.length]! })),
    },
    {
      id: 'heatmap.surge',
      title: 'Colour by surge, and back',
      group: 'Heatmap',
      shortcut: 'u',
      run: () => setUi((s) => ({ metric: s.metric === 'surge' ? 'devices' : 'surge' })),
    },
    {
      id: 'heatmap.scale',
      title: 'Colours: viridis / thermal',
      group: 'Heatmap',
      shortcut: 'c',
      run: () => setUi((s) => ({ scale: s.scale === 'viridis' ? 'thermal' : 'viridis' })),
    },
    {
      id: 'heatmap.fit',
      title: 'Fit the map to the data',
      group: 'Heatmap',
      shortcut: '0',
      run: ({ client }) => {
        const map = getMapHandle()?.map;
        if (!map) return;
        void client.call('heatmap.extent', {}).then((box) => {
          if (!box) return map.flyTo(HOME);
          map.fitBounds(
            [
              [box.west, box.south],
              [box.east, box.north],
            ],
            { padding: 60, maxZoom: 16 },
          );
        });
      },
    },
    {
      id: 'heatmap.find',
      title: 'Find a device and follow it',
      group: 'Heatmap',
      shortcut: '/',
      run: () => {
        setUi({ panel: 'heatmap' });
        setTimeout(() => document.getElementById('device-search')?.focus(), 0);
      },
    },
    {
      id: 'selection.clear',
      title: 'Clear the selection: unpin the cell, stop following the device',
      group: 'Heatmap',
      shortcut: 'Escape',
      enabled: () => getUi().selection !== null,
      when: 'something is selected',
      run: () => setUi({ selection: null }),
    },
    {
      id: 'heatmap.finer',
      title: 'Finer cells',
      group: 'Heatmap',
      shortcut: ']',
      run: () => setUi((s) => ({ detailPreset: 'screen', detail: Math.min(3, s.detail + 1) })),
    },
    {
      id: 'heatmap.coarser',
      title: 'Coarser cells',
      group: 'Heatmap',
      shortcut: '[',
      run: () => setUi((s) => ({ detailPreset: 'screen', detail: Math.max(-3, s.detail - 1) })),
    },
    {
      id: 'heatmap.adr',
      title: 'Cell sizes by the zoom table, or by the screen',
      group: 'Heatmap',
      run: () => setUi((s) => ({ detailPreset: s.detailPreset === 'table' ? 'screen' : 'table', detail: 0 })),
    },
    {
      id: 'heatmap.smooth',
      title: 'Smoothing: k rings 0 → 1 → 2 → 3',
      group: 'Heatmap',
      shortcut: 'k',
      run: () => setUi((s) => ({ smoothing: (s.smoothing + 1) % 4 })),
    },
    {
      id: 'heatmap.extrude',
      title: '3D columns by value (right-drag tilts the map)',
      group: 'Heatmap',
      shortcut: 'e',
      run: () => setUi((s) => ({ extruded: !s.extruded })),
    },
    {
      id: 'heatmap.mode',
      title: 'Scale: log / linear / quantile',
      group: 'Heatmap',
      shortcut: 's',
      run: () => setUi((s) => ({ scaleMode: s.scaleMode === 'log' ? 'linear' : s.scaleMode === 'linear' ? 'quantile' : 'log' })),
    },
  ];
}
