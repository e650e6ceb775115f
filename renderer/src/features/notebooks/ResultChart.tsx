import * as Plot from '@observablehq/plot';
import type { Table } from 'apache-arrow';
import { useEffect, useMemo, useState } from 'react';
import type { ResultColumn } from '../../../../shared/rpc';
import { useEngine } from '../../engine';
import { categoryAxis, PlotFigure, shortLabel, timeStep, topCategories, type PlotFigureOptions } from '../../ui';
import { fetchRows } from './result-pages';

export const CHART_TYPES = ['line', 'bar', 'area', 'scatter', 'histogram'] as const;
export type ChartType = (typeof CHART_TYPES)[number];
export interface ChartSpec {
  type: ChartType;
  x: string;
  y?: string;
  /** A column whose values are drawn as series of their own (a line, a colour each), with a legend. */
  series?: string;
}

/** Categories a chart draws at most (the largest, in the result's order); the table holds them all. */
export const MAX_CATEGORIES = 30;
/** Series a chart tells apart at most by colour. */
export const MAX_SERIES = 10;

const isNumber = (c: ResultColumn) => c.kind !== 'text' && c.kind !== 'bool' && c.kind !== 'time';
const canGroup = (c: ResultColumn) => c.kind === 'text' || c.kind === 'bool' || c.kind === 'int32' || c.kind === 'int64';

/** A first chart for a result: its first time or text column along x, its first number up y (a histogram of it when there is no x); over time, a text column beside them as series. */
export function defaultChart(columns: readonly ResultColumn[]): ChartSpec | undefined {
  const numbers = columns.filter(isNumber);
  const x = columns.find((c) => c.kind === 'time') ?? columns.find((c) => c.kind === 'text');
  if (x && numbers[0]) {
    const series = x.kind === 'time' ? columns.find((c) => c.kind === 'text') : undefined;
    return { type: x.kind === 'time' ? 'line' : 'bar', x: x.name, y: numbers[0].name, ...(series ? { series: series.name } : {}) };
  }
  if (numbers.length >= 2) return { type: 'scatter', x: numbers[0]!.name, y: numbers[1]!.name };
  if (numbers[0]) return { type: 'histogram', x: numbers[0].name };
  return undefined;
}

type Row = Record<string, unknown>;

/** A value as Plot takes it: instants as Dates, numbers as numbers; a category as its exact text (a 64-bit H3 cell too). */
function rowsOf(table: Table, columns: readonly ResultColumn[], categorical: ReadonlySet<string>): Row[] {
  const out: Row[] = [];
  const vectors = columns.map((_, i) => table.getChildAt(i)!);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    columns.forEach((c, i) => {
      const v = vectors[i]!.get(r);
      if (categorical.has(c.name)) row[c.name] = v === null ? 'NULL' : String(v);
      else row[c.name] = v === null ? null : c.kind === 'time' ? new Date(Number(v)) : typeof v === 'bigint' ? Number(v) : v;
    });
    out.push(row);
  }
  return out;
}

/** How the chart lays x out: categories (in the result's order), time, or numbers. */
function xKind(spec: ChartSpec, x: ResultColumn | undefined): 'category' | 'time' | 'number' {
  if (!x) return 'number';
  if (x.kind === 'time') return 'time';
  if (x.kind === 'text' || x.kind === 'bool') return 'category';
  return spec.type === 'bar' ? 'category' : 'number';
}

/** The rows a chart draws, and what it left out and why. */
function chosen(spec: ChartSpec, rows: Row[], kind: ReturnType<typeof xKind>): { data: Row[]; categories?: string[]; series?: string[]; notes: string[] } {
  const notes: string[] = [];
  const value = (r: Row) => (spec.y && spec.type !== 'histogram' ? Number(r[spec.y]) : 1);
  let data = rows;
  let categories: string[] | undefined;
  if (kind === 'category') {
    const top = topCategories(data, (r) => String(r[spec.x]), value, MAX_CATEGORIES);
    categories = top.shown;
    if (top.of > top.shown.length) {
      const keep = new Set(top.shown);
      data = data.filter((r) => keep.has(String(r[spec.x])));
      notes.push(
        `The ${top.shown.length} largest of ${top.of.toLocaleString()} ${spec.x} values${spec.y && spec.type !== 'histogram' ? ` by ${spec.y}` : ''}, in the result's order; the table holds them all.`,
      );
    }
  }
  let series: string[] | undefined;
  if (spec.series) {
    const top = topCategories(data, (r) => String(r[spec.series!]), value, MAX_SERIES);
    series = top.shown;
    if (top.of > top.shown.length) {
      const keep = new Set(top.shown);
      data = data.filter((r) => keep.has(String(r[spec.series!])));
      notes.push(`The ${top.shown.length} largest of ${top.of.toLocaleString()} ${spec.series} series.`);
    }
  }
  // A line joins its points in x's order, whatever order the result came in.
  if (kind !== 'category' && (spec.type === 'line' || spec.type === 'area'))
    data = [...data].sort((a, b) => Number(a[spec.x] ?? NaN) - Number(b[spec.x] ?? NaN));
  return { data, categories, series, notes };
}

function marks(spec: ChartSpec, data: Row[], kind: ReturnType<typeof xKind>, accent: string): Plot.Markish[] {
  const { x, y, series } = spec;
  const colour = series ?? accent;
  const title = (d: Row) => `${series ? `${d[series]} · ` : ''}${d[x] instanceof Date ? (d[x] as Date).toISOString() : d[x]}: ${y ? d[y] : ''}`;
  switch (spec.type) {
    case 'line':
      return [Plot.lineY(data, { x, y, stroke: colour, ...(series ? { z: series } : {}) }), Plot.ruleY([0])];
    case 'area':
      return [Plot.areaY(data, { x, y, fill: colour, fillOpacity: series ? 0.8 : 0.5, ...(series ? { z: series } : {}) }), Plot.ruleY([0])];
    case 'bar':
      if (kind === 'time') {
        // Bars over time span their step on a time axis, not one category per instant.
        const step = timeStep(data.map((d) => d[x] as Date));
        const spans = data.map((d) => ({ ...d, __to: new Date((d[x] as Date).getTime() + step) }));
        return [Plot.rectY(spans, { x1: x, x2: '__to', y, fill: colour, inset: 0.5, title }), Plot.ruleY([0])];
      }
      return [Plot.barY(data, { x, y, fill: colour, title }), Plot.ruleY([0])];
    case 'scatter':
      return [Plot.dot(data, { x, y, r: 2, fill: colour, title })];
    case 'histogram':
      if (kind === 'category') return [Plot.barY(data, Plot.groupX({ y: 'count' }, { x, fill: colour })), Plot.ruleY([0])];
      return [
        Plot.rectY(data, { ...Plot.binX({ y: 'count' }, { x, ...(series ? { fill: series } : {}) }), ...(series ? {} : { fill: accent }) }),
        Plot.ruleY([0]),
      ];
  }
}

const MARGIN_LEFT = 52;
const MARGIN_RIGHT = 16;

/** The chart's Plot options for the rows chosen, at `width`. */
function chartOptions(spec: ChartSpec, columns: readonly ResultColumn[], picked: ReturnType<typeof chosen>, width: number, accent: string): PlotFigureOptions {
  const kind = xKind(
    spec,
    columns.find((c) => c.name === spec.x),
  );
  const plotWidth = Math.max(320, width);
  const axis = picked.categories ? categoryAxis(picked.categories, plotWidth - MARGIN_LEFT - MARGIN_RIGHT) : undefined;
  // Time ticks take two lines (the minute, then the hour or day under it): the axis' name goes below them.
  const marginBottom = axis?.marginBottom ?? (kind === 'time' ? 52 : 36);
  return {
    width: plotWidth,
    height: 220 + marginBottom,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginBottom,
    x: axis
      ? {
          type: spec.type === 'bar' || spec.type === 'histogram' ? 'band' : 'point',
          domain: axis.domain,
          ticks: axis.ticks,
          tickRotate: axis.tickRotate,
          tickFormat: axis.tickFormat,
          label: spec.x,
          labelAnchor: 'right',
          ...(spec.type === 'bar' || spec.type === 'histogram' ? { padding: 0.15 } : {}),
        }
      : kind === 'time'
        ? { type: 'utc', label: `${spec.x} (UTC)`, labelOffset: 46 }
        : { label: spec.x },
    y: { label: spec.type === 'histogram' ? 'count' : spec.y, grid: true },
    ...(picked.series ? { color: { legend: true, domain: picked.series, scheme: 'tableau10', tickFormat: shortLabel } } : {}),
    marks: marks(spec, picked.data, kind, accent),
  };
}

/** A result as a chart (Observable Plot): line, bar, area, scatter or histogram over the kept rows; the spec is saved with the cell. */
export function ResultChart(props: { cellId: string; columns: ResultColumn[]; rows: number; spec: ChartSpec; onSpec(spec: ChartSpec): void }) {
  const { client } = useEngine();
  const [table, setTable] = useState<Table>();
  const { spec, columns } = props;

  useEffect(() => {
    let live = true;
    void fetchRows(client, props.cellId, props.rows).then((t) => live && setTable(t));
    return () => {
      live = false;
    };
  }, [client, props.cellId, props.rows]);

  const picked = useMemo(() => {
    if (!table) return undefined;
    const kind = xKind(
      spec,
      columns.find((c) => c.name === spec.x),
    );
    const categorical = new Set([...(kind === 'category' ? [spec.x] : []), ...(spec.series ? [spec.series] : [])]);
    return chosen(spec, rowsOf(table, columns, categorical), kind);
  }, [table, columns, spec.type, spec.x, spec.y, spec.series]);

  const pick = (name: keyof ChartSpec, options: readonly string[], label: string, none?: string) => (
    <label className="nb-pick">
      <span>{name === 'type' ? 'chart' : name}</span>
      <select aria-label={label} value={spec[name] ?? ''} onChange={(e) => props.onSpec({ ...spec, [name]: e.target.value || undefined })}>
        {none !== undefined && <option value="">{none}</option>}
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
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
        {pick(
          'series',
          columns.filter((c) => canGroup(c) && c.name !== spec.x && c.name !== spec.y).map((c) => c.name),
          'Chart series',
          'one series',
        )}
      </div>
      <PlotFigure
        className="nb-chart-plot"
        label={`${spec.type} chart of ${spec.type === 'histogram' ? spec.x : `${spec.y} by ${spec.x}`}${spec.series ? ` per ${spec.series}` : ''}`}
        deps={[picked, spec.type, spec.x, spec.y, spec.series]}
        plot={picked && (({ width, accent }) => chartOptions(spec, columns, picked, width, accent))}
      >
        <p className="muted">Drawing…</p>
      </PlotFigure>
      {picked?.notes.map((n) => (
        <p key={n} className="muted nb-chart-note" role="note">
          {n}
        </p>
      ))}
    </div>
  );
}
