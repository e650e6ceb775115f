import type { ColorStops, ScaleMode } from '../../../../shared/color-scale';
import type { HeatmapMetric } from '../../../../shared/rpc';
import type { LegendSpec } from '../../map';

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

/** What the heat on screen was drawn from: the frame's figures, and how it was coloured. */
export interface DrawnHeat {
  metric: HeatmapMetric;
  stops: ColorStops;
  mode: ScaleMode;
  /** Undefined while no frame of this measure's kind is drawn (just after a switch to or from the market). */
  frame?: { ticks: readonly (readonly [number, number])[]; resolution: number; windowMs: number; smoothing: number; market: boolean };
  /** In a fleet, the partitions this engine holds of all: its map shows only their devices. */
  share?: { owned: number; total: number };
}

/** The heat's legend, from what is drawn: its words, ticks and colours come from one frame and one style, so they change together. */
export function heatLegend(heat: DrawnHeat): LegendSpec {
  const fixed = heat.metric === 'surge' || heat.metric === 'ratio';
  const f = heat.frame;
  const subtitle = `${METRIC_LABELS[heat.metric]}${f && f.smoothing > 0 ? `, totalled over ${f.smoothing}-ring neighbourhoods` : ''}`;
  // Until a frame of this measure is drawn: its words, no numbers or colours of another's.
  if (!f) return { subtitle, notes: [...(fixed ? [CENTRE_NOTE[heat.metric]!] : []), 'waiting for the first frame of this measure…'] };
  const windowS = Math.round(f.windowMs / 1000);
  const span = f.market ? `decaying every ${windowS.toLocaleString()} s` : windowS > 0 ? `last ${windowS.toLocaleString()} s` : 'everything up to then';
  return {
    subtitle,
    ramp: { stops: heat.stops, ticks: f.ticks.map(([v, at]) => [v.toLocaleString(), at] as const) },
    notes: [
      ...(fixed ? [CENTRE_NOTE[heat.metric]!] : []),
      `${heat.metric === 'surge' ? 'log scale from 1 to 5' : fixed ? 'log scale centred on 1' : `${heat.mode} scale`} · H3 res ${f.resolution} · ${span}`,
      ...(heat.share && !f.market ? [`this engine's ${heat.share.owned} of ${heat.share.total} partitions: its share of the fleet's devices`] : []),
    ],
  };
}
