import { setUi, useUi } from '../../app/ui-store';
import { Panel } from '../../ui';
import { useHeatmapStats } from './heatmap-stats';

/** The heatmap's controls: what is counted, the colours, and what the last frame held. */
export function HeatmapPanel() {
  const metric = useUi((s) => s.metric);
  const scale = useUi((s) => s.scale);
  const stats = useHeatmapStats();
  return (
    <Panel title="Heatmap">
      <label className="field">
        <span>Colour by</span>
        <select aria-label="Colour by" value={metric} onChange={(e) => setUi({ metric: e.target.value as typeof metric })}>
          <option value="devices">unique devices</option>
          <option value="positions">positions</option>
        </select>
      </label>
      <label className="field">
        <span>Colour scale</span>
        <select aria-label="Colour scale" value={scale} onChange={(e) => setUi({ scale: e.target.value as typeof scale })}>
          <option value="thermal">thermal</option>
          <option value="viridis">viridis</option>
        </select>
      </label>
      <dl className="figures">
        <dt>Cells in view</dt>
        <dd>{stats.cells.toLocaleString()}</dd>
        <dt>H3 resolution</dt>
        <dd>{stats.resolution}</dd>
        <dt>Busiest cell</dt>
        <dd>{stats.max.toLocaleString()}</dd>
        <dt>Last frame applied in</dt>
        <dd>{stats.lastApplyMs.toFixed(1)} ms</dd>
      </dl>
    </Panel>
  );
}
