import type { ColorStops, Rgba } from '../../../shared/color-scale';

/**
 * What a layer's legend shows, as data handed to the composer with the layer's deck.gl layers: the dock
 * draws it under the layer's name, so its words, numbers and colours change in the same step as what is drawn.
 */
export interface LegendSpec {
  /** What the colours count, under the layer's name. */
  subtitle?: string;
  /** A continuous scale: its colour stops and labelled ticks [label, position 0–1 along the bar]. */
  ramp?: { stops: ColorStops; ticks: readonly (readonly [string, number])[] };
  /** Discrete entries: a colour and what it means, drawn as a filled square, a line, a dot or an outline. */
  swatches?: readonly LegendSwatch[];
  notes?: readonly string[];
}

export interface LegendSwatch {
  label: string;
  colour: Rgba;
  mark?: 'fill' | 'line' | 'dot' | 'outline';
}

/** A colour as CSS. */
export const cssColour = ([r, g, b, a]: Rgba): string => `rgba(${r},${g},${b},${(a / 255).toFixed(2)})`;

/** A scale's stops as a CSS gradient, left to right. */
export const cssGradient = (stops: ColorStops): string =>
  `linear-gradient(to right, ${stops.map(([t, c]) => `${cssColour(c)} ${(t * 100).toFixed(0)}%`).join(', ')})`;
