import { cssColour, cssGradient, type LegendSpec, type LegendSwatch } from './legend';

/** A legend's body: what it counts, its colour bar with ticks, its swatches and notes; `compact` (a Layers row): the bar or swatches alone. */
export function LegendView({ spec, compact = false }: { spec: LegendSpec; compact?: boolean }) {
  const ticks = spec.ramp?.ticks ?? [];
  return (
    <>
      {!compact && spec.subtitle && <div className="legend-subtitle">{spec.subtitle}</div>}
      {spec.ramp && (
        <>
          <div className="legend-bar" style={{ background: cssGradient(spec.ramp.stops) }} />
          {compact ? (
            ticks.length > 1 && (
              <div className="legend-ends">
                <span>{ticks[0]![0]}</span>
                <span>{ticks.at(-1)![0]}</span>
              </div>
            )
          ) : (
            <div className="legend-ticks">
              {ticks.map(([label, at]) => (
                <span key={`${label}@${at}`} style={{ left: `${at * 100}%` }}>
                  {label}
                </span>
              ))}
            </div>
          )}
        </>
      )}
      {spec.swatches && spec.swatches.length > 0 && (
        <ul className="legend-swatches">
          {spec.swatches.map((s) => (
            <li key={s.label}>
              <Swatch swatch={s} />
              {s.label}
            </li>
          ))}
        </ul>
      )}
      {!compact &&
        spec.notes?.map((n) => (
          <div key={n} className="legend-note">
            {n}
          </div>
        ))}
    </>
  );
}

function Swatch({ swatch }: { swatch: LegendSwatch }) {
  const colour = cssColour(swatch.colour);
  const mark = swatch.mark ?? 'fill';
  const style =
    mark === 'line'
      ? { background: colour, height: 3 }
      : mark === 'outline'
        ? { border: `2px solid ${colour}` }
        : mark === 'dot'
          ? { background: colour, borderRadius: '50%' }
          : { background: colour };
  return <span className={`swatch swatch-${mark}`} style={style} aria-hidden="true" />;
}
