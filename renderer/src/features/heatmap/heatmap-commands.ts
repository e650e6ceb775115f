import type { HeatmapMetric } from '../../../../shared/rpc';
import type { Command } from '../../app/commands';
import { setUi } from '../../app/ui-store';
import { getMapHandle, HOME } from '../../map';

/** The order the `m` key steps through the measures. */
const METRIC_ORDER: readonly HeatmapMetric[] = ['devices', 'positions', 'perDevice', 'supply', 'demand', 'ratio', 'surge'];

/** The heatmap's commands: what it colours by and how, cell size, smoothing, columns, fitting the data, finding a device. */
export function heatmapCommands(): Command[] {
  return [
    {
      id: 'heatmap.metric',
      title: 'Heatmap: colour by the next measure (devices, positions, per device, supply, demand, ratio, surge)',
      group: 'Heatmap',
      shortcut: 'm',
      run: () => setUi((s) => ({ metric: METRIC_ORDER[(METRIC_ORDER.indexOf(s.metric) + 1) % METRIC_ORDER.length]! })),
    },
    {
      id: 'heatmap.surge',
      title: 'Heatmap: colour by surge',
      group: 'Heatmap',
      shortcut: 'u',
      run: () => setUi((s) => ({ metric: s.metric === 'surge' ? 'devices' : 'surge' })),
    },
    {
      id: 'heatmap.scale',
      title: 'Heatmap: thermal / viridis colour scale',
      group: 'Heatmap',
      shortcut: 'c',
      run: () => setUi((s) => ({ scale: s.scale === 'thermal' ? 'viridis' : 'thermal' })),
    },
    {
      id: 'heatmap.fit',
      title: 'Heatmap: fit the map to the data',
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
      title: 'Heatmap: find a device and follow it',
      group: 'Heatmap',
      shortcut: '/',
      run: () => {
        setUi({ panel: 'heatmap' });
        setTimeout(() => document.getElementById('device-search')?.focus(), 0);
      },
    },
    {
      id: 'selection.clear',
      title: 'Unpin the cell / stop following the device',
      group: 'Heatmap',
      shortcut: 'Escape',
      run: () => setUi({ selection: null }),
    },
    {
      id: 'heatmap.finer',
      title: 'Heatmap: finer cells',
      group: 'Heatmap',
      shortcut: ']',
      run: () => setUi((s) => ({ detailPreset: 'screen', detail: Math.min(3, s.detail + 1) })),
    },
    {
      id: 'heatmap.coarser',
      title: 'Heatmap: coarser cells',
      group: 'Heatmap',
      shortcut: '[',
      run: () => setUi((s) => ({ detailPreset: 'screen', detail: Math.max(-3, s.detail - 1) })),
    },
    {
      id: 'heatmap.adr',
      title: 'Heatmap: cell size by the zoom table / by the screen',
      group: 'Heatmap',
      run: () => setUi((s) => ({ detailPreset: s.detailPreset === 'table' ? 'screen' : 'table', detail: 0 })),
    },
    {
      id: 'heatmap.smooth',
      title: 'Heatmap: k-ring smoothing 0 → 1 → 2 → 3',
      group: 'Heatmap',
      shortcut: 'k',
      run: () => setUi((s) => ({ smoothing: (s.smoothing + 1) % 4 })),
    },
    {
      id: 'heatmap.extrude',
      title: 'Heatmap: 3D columns by value (right-drag tilts the map)',
      group: 'Heatmap',
      shortcut: 'e',
      run: () => setUi((s) => ({ extruded: !s.extruded })),
    },
    {
      id: 'heatmap.mode',
      title: 'Heatmap: log / linear / quantile scale',
      group: 'Heatmap',
      shortcut: 's',
      run: () => setUi((s) => ({ scaleMode: s.scaleMode === 'log' ? 'linear' : s.scaleMode === 'linear' ? 'quantile' : 'log' })),
    },
  ];
}
