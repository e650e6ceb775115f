import { COLOR_SCALES, colorAt, legendTicks, type ColorScaleName } from '../../../../shared/color-scale';
import type { HeatmapMetric } from '../../../../shared/rpc';

/** The colour scale with its ticks (log scale), the metric, the resolution and the window. */
export function Legend(props: { scale: ColorScaleName; metric: HeatmapMetric; max: number; resolution: number; windowS: number }) {
  const stops = COLOR_SCALES[props.scale];
  const gradient = stops
    .map(([t]) => {
      const [r, g, b, a] = colorAt(stops, t);
      return `rgba(${r},${g},${b},${(a / 255).toFixed(2)}) ${(t * 100).toFixed(0)}%`;
    })
    .join(', ');
  const ticks = legendTicks(props.max);
  const label = props.metric === 'devices' ? 'unique devices per cell' : 'positions per cell';
  return (
    <div className="legend" data-testid="legend" aria-label="colour scale legend">
      <div className="legend-title">{label}</div>
      <div className="legend-bar" style={{ background: `linear-gradient(to right, ${gradient})` }} />
      <div className="legend-ticks">
        {ticks.map((t) => (
          <span key={t} style={{ left: `${props.max > 0 ? (Math.log1p(t) / Math.log1p(props.max)) * 100 : 0}%` }}>
            {t.toLocaleString()}
          </span>
        ))}
      </div>
      <div className="legend-note">
        log scale · H3 res {props.resolution} · last {props.windowS} s · <kbd>m</kbd> metric · <kbd>c</kbd> colours
      </div>
    </div>
  );
}
