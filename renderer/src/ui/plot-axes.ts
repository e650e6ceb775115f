/**
 * Axes that read, for every Plot chart: a category axis that keeps its values in the order given, prints
 * them level when they fit, turned upright when they do not, and only every k-th when even upright ones
 * would touch; and the categories a chart can hold, the largest first picked, in their own order.
 */

/** Average advance of a character of the 11 px UI font, generous so that estimated labels never touch. */
const CHAR_PX = 6.8;
/** Height an upright label takes across the axis: its line and a gap. */
const LINE_PX = 15;
/** Longer labels are cut with an ellipsis (a chart's tooltip and the table hold them whole). */
export const MAX_LABEL_CHARS = 22;

export const shortLabel = (label: string) => (label.length > MAX_LABEL_CHARS ? `${label.slice(0, MAX_LABEL_CHARS - 1)}…` : label);

export interface CategoryAxis {
  /** The categories, in the order given: Plot would sort them as text. */
  domain: string[];
  /** The ones labelled. */
  ticks: string[];
  /** 0: level; -90: upright, reading upwards. */
  tickRotate: number;
  /** Room under the chart for the labels and the axis' name. */
  marginBottom: number;
  tickFormat: (label: string) => string;
}

/** The axis for `labels` along `width` px of plot (the chart's width less its side margins). */
export function categoryAxis(labels: readonly string[], width: number): CategoryAxis {
  const domain = [...labels];
  const band = width / Math.max(1, domain.length);
  const widest = Math.max(0, ...domain.map((l) => shortLabel(l).length)) * CHAR_PX;
  const base = { domain, tickFormat: shortLabel };
  if (widest + 8 <= band) return { ...base, ticks: domain, tickRotate: 0, marginBottom: 36 };
  const every = Math.max(1, Math.ceil(LINE_PX / band));
  return { ...base, ticks: domain.filter((_, i) => i % every === 0), tickRotate: -90, marginBottom: Math.ceil(widest) + 30 };
}

/**
 * At most `max` categories: those with the largest totals of `value`, kept in their first-seen order.
 * `shown` is what to draw, `of` how many there were.
 */
export function topCategories<T>(rows: readonly T[], category: (r: T) => string, value: (r: T) => number, max: number): { shown: string[]; of: number } {
  const totals = new Map<string, number>();
  for (const r of rows) {
    const v = value(r);
    totals.set(category(r), (totals.get(category(r)) ?? 0) + (Number.isFinite(v) ? Math.abs(v) : 0));
  }
  const order = [...totals.keys()];
  if (order.length <= max) return { shown: order, of: order.length };
  const keep = new Set([...order].sort((a, b) => totals.get(b)! - totals.get(a)!).slice(0, max));
  return { shown: order.filter((c) => keep.has(c)), of: order.length };
}

/** The step of a time series: the smallest gap between its distinct instants (a bar spans one); a minute when there is one instant. */
export function timeStep(times: readonly Date[]): number {
  const sorted = [...new Set(times.map((t) => t.getTime()))].sort((a, b) => a - b);
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) step = Math.min(step, sorted[i]! - sorted[i - 1]!);
  return Number.isFinite(step) && step > 0 ? step : 60_000;
}
