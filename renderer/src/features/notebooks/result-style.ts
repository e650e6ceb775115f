import { COLOR_SCALES, type ColorStops, type Rgba } from '../../../../shared/color-scale';

/**
 * A result's colours on the map. By default a single-hue ramp no heat scale uses, with an outline the heat
 * never has, so a result and the live heat beside it are never mistaken for each other; the heat's own
 * scales are offered too, for an analyst who wants to compare like with like.
 */
export const RESULT_PALETTES: Record<string, { label: string; stops: ColorStops }> = {
  magenta: {
    label: 'Magenta',
    stops: [
      [0, [250, 159, 181, 210]],
      [0.5, [221, 52, 151, 225]],
      [1, [122, 1, 119, 245]],
    ],
  },
  blues: {
    label: 'Blues',
    stops: [
      [0, [158, 202, 225, 210]],
      [0.5, [66, 146, 198, 225]],
      [1, [8, 48, 107, 245]],
    ],
  },
  greys: {
    label: 'Greys',
    stops: [
      [0, [217, 217, 217, 210]],
      [0.5, [150, 150, 150, 225]],
      [1, [37, 37, 37, 245]],
    ],
  },
  ...Object.fromEntries(Object.entries(COLOR_SCALES).map(([id, stops]) => [id, { label: `${id[0]!.toUpperCase()}${id.slice(1)} (as the heat)`, stops }])),
};

export const DEFAULT_RESULT_PALETTE = 'magenta';

export const RESULT_PALETTE_OPTIONS = Object.entries(RESULT_PALETTES).map(([id, p]) => ({ id, label: p.label }));

export const paletteStops = (id: string | undefined): ColorStops =>
  (RESULT_PALETTES[id ?? DEFAULT_RESULT_PALETTE] ?? RESULT_PALETTES[DEFAULT_RESULT_PALETTE]!).stops;

/** The outline every result shape gets: light on the dark map, ink on the light one. */
export const RESULT_OUTLINE: Record<'dark' | 'light', Rgba> = { dark: [255, 255, 255, 190], light: [20, 20, 32, 190] };

/** How a result is drawn on the map, saved with its cell (`-- view:`): its layer's key in the map's order, shown, opacity, colours. */
export interface ResultLayerView {
  /** Its id in the map's layer order, kept in the file so its place survives a reload (a cell's id does not). */
  key?: string;
  visible?: boolean;
  opacity?: number;
  palette?: string;
}
