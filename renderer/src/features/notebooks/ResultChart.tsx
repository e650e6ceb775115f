import * as Plot from '@observablehq/plot';
import type { Table } from 'apache-arrow';
import { useEffect, useState } from 'react';
import type { ResultColumn } from '../../../../shared/rpc';
import { useEngine } from '../../engine';
import { PlotFigure } from '../../ui';
import { fetchRows } from './result-pages';

export const CHART_TYPES = ['line', 'bar', 'area', 'scatter', 'histogram'] as const;
export type ChartType = (typeof CHART_TYPES)[number];
export interface ChartSpec {
  type: ChartType;
  x: string;
  y?: string;
}

/** A first chart for a result: its first time or text column along x, its first number up y (a histogram of it when there is no x). */
export function defaultChart(columns: readonly ResultColumn[]): ChartSpec | undefined {
  const numbers = columns.filter((c) => c.kind !== 'text' && c.kind !== 'bool' && c.kind !== 'time');
  const x = columns.find((c) => c.kind === 'time') ?? columns.find((c) => c.kind === 'text');
  if (x && numbers[0]) return { type: x.kind === 'time' ? 'line' : 'bar', x: x.name, y: numbers[0].name };
  if (numbers.length >= 2) return { type: 'scatter', x: numbers[0]!.name, y: numbers[1]!.name };
  if (numbers[0]) return { type: 'histogram', x: numbers[0].name };
  return undefined;
}

/** A value as Plot takes it: instants as Dates, 64-bit integers as numbers. */
function rowsOf(table: Table, columns: readonly ResultColumn[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const vectors = columns.map((_, i) => table.getChildAt(i)!);
  for (let r = 0; r < table.numRows; r++) {
    const row: Record<string, unknown> = {};
    columns.forEach((c, i) => {
      const v = vectors[i]!.get(r);
      row[c.name] = v === null ? null : c.kind === 'time' ? new Date(Number(v)) : typeof v === 'bigint' ? Number(v) : v;
    });
    out.push(row);
  }
  return out;
}

function marks(spec: ChartSpec, data: Record<string, unknown>[], accent: string): Plot.Markish[] {
  const { x, y } = spec;
  switch (spec.type) {
    case 'line':
      return [Plot.lineY(data, { x, y, stroke: accent }), Plot.ruleY([0])];
    case 'area':
      return [Plot.areaY(data, { x, y, fill: accent, fillOpacity: 0.5 }), Plot.ruleY([0])];
    case 'bar':
      return [Plot.barY(data, { x, y, fill: accent }), Plot.ruleY([0])];
    case 'scatter':
      return [Plot.dot(data, { x, y, r: 2, fill: accent })];
    case 'histogram':
      return [Plot.rectY(data, { ...Plot.binX({ y: 'count' }, { x }), fill: accent }), Plot.ruleY([0])];
  }
}

/** A result as a chart (Observable Plot): line, bar, area, scatter or histogram over the kept rows; the spec is saved with the cell. */
export function ResultChart(props: { cellId: string; columns: ResultColumn[]; rows: number; spec: ChartSpec; onSpec(spec: ChartSpec): void }) {
  const { client } = useEngine();
  const [data, setData] = useState<Record<string, unknown>[]>();
  const { spec, columns } = props;

  useEffect(() => {
    let live = true;
    void fetchRows(client, props.cellId, props.rows).then((t) => live && setData(rowsOf(t, columns)));
    return () => {
      live = false;
    };
  }, [client, props.cellId, props.rows]);

  const pick = (name: keyof ChartSpec, options: readonly string[], label: string) => (
    <select aria-label={label} value={spec[name] ?? ''} onChange={(e) => props.onSpec({ ...spec, [name]: e.target.value })}>
      {options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </select>
  );
  return (
    <div className="nb-chart">
      <div className="nb-actions">
        {pick('type', CHART_TYPES, 'Chart type')}
        {pick(
          'x',
          columns.map((c) => c.name),
          'Chart x',
        )}
        {spec.type !== 'histogram' &&
          pick(
            'y',
            columns.filter((c) => c.kind !== 'text' && c.kind !== 'bool').map((c) => c.name),
            'Chart y',
          )}
      </div>
      <PlotFigure
        className="nb-chart-plot"
        label={`${spec.type} chart of ${spec.type === 'histogram' ? spec.x : `${spec.y} by ${spec.x}`}`}
        deps={[data, spec.type, spec.x, spec.y]}
        plot={
          data &&
          (({ width, accent }) => ({
            width: Math.max(320, width),
            height: 240,
            x: { label: spec.x },
            y: { label: spec.type === 'histogram' ? 'count' : spec.y, grid: true },
            marks: marks(spec, data, accent),
          }))
        }
      >
        <p className="muted">Drawing…</p>
      </PlotFigure>
    </div>
  );
}
