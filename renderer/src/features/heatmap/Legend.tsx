import { BALANCE, COLOR_SCALES, colorAt, SURGE, type ColorScaleName, type ScaleMode } from '../../../../shared/color-scale';
import { MARKET_METRICS, type HeatmapMetric } from '../../../../shared/rpc';

export const METRIC_LABELS: Record<HeatmapMetric, string> = {
  devices: 'unique devices per cell',
  positions: 'positions per cell',
  perDevice: 'positions per device in a cell',
  supply: 'supply: available devices per cell',
  demand: 'demand: requests per cell',
  ratio: 'supply per unit of demand',
  surge: 'surge multiplier',
};

/** What the middle of a fixed scale means, under its bar. */
const CENTRE_NOTE: Partial<Record<HeatmapMetric, string>> = {
  surge: '1.0: no surge · 5.0: the cap',
  ratio: 'red: demand outruns supply · 1: balanced · blue: idle supply',
};

/** The colour scale with ticks placed as the scale mode places values, the metric, the resolution and the window. */
export function Legend(props: {
  scale: ColorScaleName;
  mode: ScaleMode;
  metric: HeatmapMetric;
  ticks: [number, number][];
  resolution: number;
  windowS: number;
  smoothing: number;
}) {
  const stops = props.metric === 'surge' ? SURGE : props.metric === 'ratio' ? BALANCE : COLOR_SCALES[props.scale];
  const market = MARKET_METRICS.includes(props.metric);
  const fixed = props.metric === 'surge' || props.metric === 'ratio';
  const gradient = stops
    .map(([t]) => {
      const [r, g, b, a] = colorAt(stops, t);
      return `rgba(${r},${g},${b},${(a / 255).toFixed(2)}) ${(t * 100).toFixed(0)}%`;
    })
    .join(', ');
  return (
    <div className="legend" data-map-overlay data-testid="legend" aria-label="colour scale legend" role="figure">
      <div className="legend-title">
        {METRIC_LABELS[props.metric]}
        {props.smoothing > 0 ? `, totalled over ${props.smoothing}-ring neighbourhoods` : ''}
      </div>
      <div className="legend-bar" style={{ background: `linear-gradient(to right, ${gradient})` }} />
      <div className="legend-ticks">
        {props.ticks.map(([value, at]) => (
          <span key={`${value}@${at}`} style={{ left: `${at * 100}%` }}>
            {value.toLocaleString()}
          </span>
        ))}
      </div>
      {fixed && <div className="legend-note">{CENTRE_NOTE[props.metric]}</div>}
      <div className="legend-note">
        {props.metric === 'surge' ? 'log scale from 1 to 5' : fixed ? 'log scale centred on 1' : `${props.mode} scale`} · H3 res {props.resolution} ·{' '}
        {market
          ? `decaying every ${props.windowS.toLocaleString()} s`
          : props.windowS > 0
            ? `last ${props.windowS.toLocaleString()} s`
            : 'everything up to then'}
      </div>
    </div>
  );
}
