import * as Plot from '@observablehq/plot';
import { useMemo } from 'react';
import type { QueueSample } from '../../../../shared/rpc';
import { useRpc } from '../../engine';
import { EmptyState, PlotFigure } from '../../ui';
import { deliveriesChoices, HEALTH_RANGES, type HealthRange } from './deliveries-panel-state';
import { toneOf, useQueueFigures } from './queue-figures';

const RANGE_MS = { '15m': 15 * 60_000, '1h': 3600_000, '1d': 86_400_000 } as const;

interface Series {
  key: keyof QueueSample;
  name: string;
}

const CHARTS: { title: string; unit: string; series: Series[] }[] = [
  {
    title: 'Backlog',
    unit: 'items',
    series: [
      { key: 'pending', name: 'pending' },
      { key: 'processing', name: 'processing' },
      { key: 'dlq', name: 'dead letters' },
    ],
  },
  { title: 'Success rate', unit: '%', series: [{ key: 'success_rate_percent', name: 'delivered' }] },
  {
    title: 'Delivery latency',
    unit: 'ms',
    series: [
      { key: 'latency_p50_ms', name: 'p50' },
      { key: 'latency_p95_ms', name: 'p95' },
      { key: 'latency_p99_ms', name: 'p99' },
    ],
  },
  {
    title: 'Events per second',
    unit: '/s',
    series: [
      { key: 'in_per_s', name: 'in' },
      { key: 'out_per_s', name: 'delivered' },
    ],
  },
];

/** The first series in the theme's accent. */
const COLOURS = ['#4e9af1', '#d9534f'];

/** One chart of the queue over time: a line per series, each point titled with its value and time. */
function Chart({ title, unit, series, samples, span }: { title: string; unit: string; series: Series[]; samples: QueueSample[]; span: [Date, Date] }) {
  // An interval with nothing to measure is a gap in its line, not a 0 or a 100.
  const data = useMemo(() => series.flatMap((s) => samples.map((x) => ({ t: new Date(x.at), v: x[s.key] ?? Number.NaN, s: s.name }))), [series, samples]);
  const top = Math.max(0, ...data.map((d) => d.v).filter(Number.isFinite));
  const measured = data.some((d) => Number.isFinite(d.v));
  return (
    <figure className="health-chart" aria-label={title}>
      <figcaption>
        {title}
        {!measured && <span className="muted"> · nothing to measure in this range: no deliveries</span>}
      </figcaption>
      <PlotFigure
        label={`${title} over time`}
        deps={[data, unit, span]}
        plot={({ width, accent }) => ({
          width: Math.max(300, width),
          height: 150,
          marginLeft: 44,
          x: { type: 'time', label: null, domain: span },
          // All zeros (a quiet queue) still gets an axis to read: 0 to 1, not five 0s on top of each other.
          y: { label: unit, grid: true, zero: true, ...(unit === '%' ? { domain: [0, 100] } : top === 0 ? { domain: [0, 1], ticks: 1 } : {}) },
          color: { domain: series.map((s) => s.name), range: [accent, ...COLOURS], legend: series.length > 1 },
          marks: [
            Plot.lineY(data, { x: 't', y: 'v', stroke: 's', strokeWidth: 1.5 }),
            Plot.dot(data, {
              x: 't',
              y: 'v',
              fill: 's',
              r: 1.5,
              title: (d: { t: Date; v: number; s: string }) => `${d.s} ${d.v} at ${d.t.toLocaleTimeString()}`,
            }),
          ],
        })}
      />
    </figure>
  );
}

/** Every chart over the whole range chosen, ending at the newest sample: where the data sits in time shows. */
function Charts({ samples, rangeMs }: { samples: QueueSample[]; rangeMs: number }) {
  const end = samples.at(-1)?.at ?? Date.now();
  const span = useMemo((): [Date, Date] => [new Date(end - rangeMs), new Date(end)], [end, rangeMs]);
  return (
    <>
      {CHARTS.map((c) => (
        <Chart key={c.title} {...c} samples={samples} span={span} />
      ))}
    </>
  );
}

/** The queue's health now (and the rule that set it) and over the last 15 minutes, hour or day. */
export function Health() {
  const { healthRange: range } = deliveriesChoices.use();
  const setRange = (healthRange: HealthRange) => deliveriesChoices.set({ ...deliveriesChoices.get(), healthRange });
  const { figures: health } = useQueueFigures();
  const { data: history } = useRpc('deliveries.healthHistory', { range }, { refreshOn: ['status.changed'] });
  return (
    <div className="health">
      {health && (
        <p className={`health-state tone-${toneOf(health.status)}`} role="status" aria-label="Health state">
          <b>{health.status}</b>
          {health.reasons.length ? `: ${health.reasons.join('; ')}` : ': every threshold met'}
        </p>
      )}
      <div className="segmented" role="radiogroup" aria-label="Time range">
        {(Object.keys(HEALTH_RANGES) as HealthRange[]).map((r) => (
          <button key={r} role="radio" aria-checked={range === r} onClick={() => setRange(r)}>
            {HEALTH_RANGES[r]}
          </button>
        ))}
      </div>
      {history && history.samples.length === 0 ? (
        <EmptyState title="No samples yet">
          The engine samples the queue every {history.stepMs / 1000} s{range === '1d' ? ' and keeps one a minute for the day view' : ''}: the first points
          appear shortly.
        </EmptyState>
      ) : (
        history && <Charts samples={history.samples} rangeMs={RANGE_MS[range]} />
      )}
    </div>
  );
}
