import { COLOR_SCALES, colorAt, type ColorScaleName, type ScaleMode } from '../../../../shared/color-scale';
import type { HeatmapMetric } from '../../../../shared/rpc';

export const METRIC_LABELS: Record<HeatmapMetric, string> = {
  devices: 'unique devices per cell',
  positions: 'positions per cell',
  perDevice: 'positions per device in a cell',
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
  const stops = COLOR_SCALES[props.scale];
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
      <div className="legend-note">
        {props.mode} scale · H3 res {props.resolution} · {props.windowS > 0 ? `last ${props.windowS.toLocaleString()} s` : 'everything up to then'}
      </div>
    </div>
  );
}
