import type { Layer } from '@deck.gl/core';
import { PathLayer } from '@deck.gl/layers';
import type { Rgba } from '../../../shared/color-scale';

type Theme = 'dark' | 'light';

/** What is selected is drawn in the theme's strongest ink over a halo of its ground: it reads over every heat colour and every basemap. */
export const SELECTION_COLOURS: Record<Theme, { line: Rgba; halo: Rgba }> = {
  dark: { line: [255, 255, 255, 255], halo: [8, 12, 24, 235] },
  light: { line: [16, 20, 28, 255], halo: [255, 255, 255, 240] },
};

/**
 * An outline of `paths` ([lon, lat] rings or lines) as a selection is drawn: a wide halo under a line of
 * `colour` (the theme's ink unless given). Layer ids: `<id>-halo`, `<id>-line`.
 */
export function outlineLayers(
  id: string,
  paths: readonly (readonly [number, number])[][],
  theme: Theme,
  options: { width?: number; colour?: Rgba } = {},
): Layer[] {
  const { line, halo } = SELECTION_COLOURS[theme];
  const width = options.width ?? 3;
  const common = {
    data: paths,
    getPath: (p: readonly (readonly [number, number])[]) => p as [number, number][],
    widthUnits: 'pixels' as const,
    jointRounded: true,
    capRounded: true,
  };
  return [
    new PathLayer({ ...common, id: `${id}-halo`, getColor: [...halo], getWidth: width + 4 }),
    new PathLayer({ ...common, id: `${id}-line`, getColor: [...(options.colour ?? line)], getWidth: width }),
  ];
}
