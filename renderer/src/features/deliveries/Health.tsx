import * as Plot from '@observablehq/plot';
import { useMemo, useState } from 'react';
import type { QueueSample } from '../../../../shared/rpc';
import { useRpc } from '../../engine';
import { EmptyState, PlotFigure } from '../../ui';
import { toneOf, useQueueFigures } from './queue-figures';

const RANGES = { '15m': 'Last 15 min', '1h': 'Last hour', '1d': 'Last day' } as const;
const RANGE_MS = { '15m': 15 * 60_000, '1h': 3600_000, '1d': 86_400_000 } as const;
type Range = keyof typeof RANGES;

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
  return (
    <figure className="health-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <PlotFigure
        label={`${title} over time`}
        deps={[data, unit, span]}
        plot={({ width, accent }) => ({
          width: Math.max(300, width),
          height: 150,
          marginLeft: 44,
          x: { type: 'time', label: null, domain: span },
          y: { label: unit, grid: true, zero: true, ...(unit === '%' ? { domain: [0, 100] } : {}) },
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
  const [range, setRange] = useState<Range>('15m');
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
        {(Object.keys(RANGES) as Range[]).map((r) => (
          <button key={r} role="radio" aria-checked={range === r} onClick={() => setRange(r)}>
            {RANGES[r]}
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
