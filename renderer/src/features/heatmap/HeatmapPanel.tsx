import type { ScaleMode } from '../../../../shared/color-scale';
import type { HeatmapMetric } from '../../../../shared/rpc';
import { useState } from 'react';
import { cellToLatLng } from 'h3-js';
import { setUi, useUi } from '../../app/ui-store';
import { useEngine, useRpc } from '../../engine';
import { useMapBeside } from '../../map';
import { Panel } from '../../ui';
import { MarketSection } from '../market';
import { useHeatmapStats } from './heatmap-stats';
import { useHeatLayerHidden } from './heat-visibility';
import { startPlayback } from '../playback';

const STEPS = ['', 'one step', 'two steps', 'three steps', 'four steps'];
/** How far the cells are from the size that fits the screen, in words. */
const detailWords = (detail: number): string =>
  detail === 0 ? 'fits the screen' : `${STEPS[Math.abs(detail)] ?? `${Math.abs(detail)} steps`} ${detail > 0 ? 'finer' : 'coarser'}`;

/** The heatmap's controls: what is counted, the colours and their scale, cell size, 3D, and what the last frame held. */
export function HeatmapPanel() {
  const metric = useUi((s) => s.metric);
  const scale = useUi((s) => s.scale);
  const scaleMode = useUi((s) => s.scaleMode);
  const extruded = useUi((s) => s.extruded);
  const detail = useUi((s) => s.detail);
  const preset = useUi((s) => s.detailPreset);
  const smoothing = useUi((s) => s.smoothing);
  const stats = useHeatmapStats();
  const heat = useHeatLayerHidden();
  const handle = useMapBeside();
  // At the zoom it is seen at: another zoom frames other cells, and the pin would find its cell gone.
  const goToCell = (hex: string) => {
    setUi({ selection: { kind: 'cell', hex } });
    const [lat, lon] = cellToLatLng(hex);
    handle?.map.easeTo({ center: [lon, lat], duration: 600 });
  };
  const fixed = metric === 'surge' || metric === 'ratio';
  const { client } = useEngine();
  const playing = useUi((s) => s.playback !== null);
  const [query, setQuery] = useState('');
  const { data: suggestions } = useRpc('heatmap.devices', { prefix: query, limit: 20 }, { enabled: query.length > 0 });
  return (
    <Panel title="Heatmap">
      <form
        className="field"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const id = query.trim();
          if (id) setUi({ selection: { kind: 'device', id } });
        }}
      >
        <input
          id="device-search"
          type="search"
          aria-label="Find a device"
          placeholder="Find a device (/)"
          list="device-suggestions"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <datalist id="device-suggestions">{query && suggestions?.map((id) => <option key={id} value={id} />)}</datalist>
        <button type="submit">Follow</button>
      </form>
      <label className="field">
        <span>Colour by</span>
        <select aria-label="Colour by" value={metric} onChange={(e) => setUi({ metric: e.target.value as HeatmapMetric })}>
          <optgroup label="Live window">
            <option value="devices">unique devices</option>
            <option value="positions">positions</option>
            <option value="perDevice">positions per device</option>
          </optgroup>
          <optgroup label="Market">
            <option value="supply">supply</option>
            <option value="demand">demand</option>
            <option value="ratio">supply per demand</option>
            <option value="surge">surge (u)</option>
          </optgroup>
        </select>
      </label>
      <label className="field">
        <span>Colours</span>
        <select
          aria-label="Colour scale"
          value={scale}
          disabled={fixed}
          title={fixed ? 'Surge and supply per demand have fixed colours of their own' : undefined}
          onChange={(e) => setUi({ scale: e.target.value as typeof scale })}
        >
          <option value="viridis">viridis</option>
          <option value="thermal">thermal</option>
        </select>
      </label>
      <label className="field">
        <span>Scale</span>
        <select
          aria-label="Scale"
          value={scaleMode}
          disabled={fixed}
          title={fixed ? 'Surge is read on a log scale from 1 to 5, supply per demand on one centred on 1' : undefined}
          onChange={(e) => setUi({ scaleMode: e.target.value as ScaleMode })}
        >
          <option value="log">log</option>
          <option value="linear">linear</option>
          <option value="quantile">quantile</option>
        </select>
      </label>
      <div className="field" role="group" aria-label="Cell size">
        <span>Cell size</span>
        <span className="stepper">
          <button
            aria-label="Coarser cells"
            title="Coarser cells ([)"
            onClick={() => setUi((s) => ({ detailPreset: 'screen', detail: Math.max(-3, s.detail - 1) }))}
          >
            −
          </button>
          <output aria-label="Detail">{preset === 'table' ? 'by the zoom table' : detailWords(detail)}</output>
          <button
            aria-label="Finer cells"
            title="Finer cells (])"
            onClick={() => setUi((s) => ({ detailPreset: 'screen', detail: Math.min(3, s.detail + 1) }))}
          >
            +
          </button>
        </span>
      </div>
      <label className="field">
        <span>Sizes by the zoom table</span>
        <input
          type="checkbox"
          aria-label="Cell sizes by the zoom table"
          checked={preset === 'table'}
          onChange={(e) => setUi({ detailPreset: e.target.checked ? 'table' : 'screen', detail: 0 })}
        />
      </label>
      <label className="field">
        <span>Smoothing (k rings)</span>
        <select aria-label="Smoothing" value={smoothing} onChange={(e) => setUi({ smoothing: Number(e.target.value) })}>
          <option value={0}>none</option>
          <option value={1}>k = 1</option>
          <option value={2}>k = 2</option>
          <option value={3}>k = 3</option>
        </select>
      </label>
      <label className="field">
        <span>3D columns (right-drag tilts)</span>
        <input type="checkbox" aria-label="3D columns" checked={extruded} onChange={(e) => setUi({ extruded: e.target.checked })} />
      </label>
      {/* Hidden in Layers: figures of cells not drawn would be read against an empty map. */}
      {heat.hidden ? (
        <p className="heatmap-hidden" role="note">
          <span>{heat.name} is hidden in Layers.</span>
          <button onClick={heat.show}>Show {heat.name}</button>
        </p>
      ) : (
        <dl className="figures">
          <dt>Cells in view</dt>
          <dd>{stats.cells.toLocaleString()}</dd>
          <dt>H3 resolution</dt>
          <dd data-testid="heatmap-resolution">{stats.resolution}</dd>
          <dt>Busiest cell</dt>
          <dd>
            {stats.busiest ? (
              <button
                className="link"
                aria-label={`Busiest cell: ${stats.max.toLocaleString(undefined, { maximumFractionDigits: 1 })} — go to it and pin it`}
                title="Go to the busiest cell and pin it"
                onClick={() => goToCell(stats.busiest!)}
              >
                {stats.max.toLocaleString(undefined, { maximumFractionDigits: 1 })} ↗
              </button>
            ) : (
              stats.max.toLocaleString(undefined, { maximumFractionDigits: 1 })
            )}
          </dd>
          <dt>Last frame applied in</dt>
          <dd>{stats.lastApplyMs.toFixed(1)} ms</dd>
        </dl>
      )}
      <div className="field">
        <span>History</span>
        <button
          aria-pressed={playing}
          title="Play the archive back on the map (y); Esc returns to live"
          onClick={() => (playing ? setUi({ playback: null }) : startPlayback(client))}
        >
          {playing ? 'Back to live' : 'Play back the archive'}
        </button>
      </div>
      <MarketSection />
    </Panel>
  );
}
