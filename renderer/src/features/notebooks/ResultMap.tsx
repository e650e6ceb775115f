import type { Table } from 'apache-arrow';
import { useEffect, useRef, useState } from 'react';
import { colorAt } from '../../../../shared/color-scale';
import type { ResultColumn } from '../../../../shared/rpc';
import { getUi, useUi } from '../../app/ui-store';
import { useEngine } from '../../engine';
import { useMapBeside, type LegendSpec } from '../../map';
import { chosenRow } from './result-fence';
import { fetchRows } from './result-pages';
import { buildResultLayers, SINGLE_T, type Drawn } from './result-layers';
import type { MapSpec } from './result-map';
import { DEFAULT_RESULT_PALETTE, paletteStops, RESULT_OUTLINE, RESULT_PALETTE_OPTIONS, type ResultLayerView } from './result-style';

/** The composer id of a result's layer: its saved key, so its place in the map's order outlives the cell's id. */
export const resultLayerId = (cellId: string, layer: ResultLayerView | undefined) => `notebook-${layer?.key ?? cellId}`;

/** A result's legend: what was drawn and by what, its ramp from low to high. */
function legendOf(drawn: Drawn, spec: MapSpec, valueName: string | undefined, stops: ReturnType<typeof paletteStops>): LegendSpec {
  const what = spec.kind === 'h3' ? 'cells' : spec.kind === 'points' ? 'points' : 'shapes';
  const by = drawn.density
    ? ` in ${drawn.density.cells.toLocaleString()} cells (res ${drawn.density.resolution}), by points per cell`
    : valueName
      ? ` by ${valueName}`
      : '';
  const [lo, hi] = drawn.domain;
  return {
    subtitle: `${drawn.shown.toLocaleString()} ${what}${by}`,
    ...(valueName
      ? {
          ramp: {
            stops,
            ticks: [
              [lo.toLocaleString(), 0],
              [((lo + hi) / 2).toLocaleString(undefined, { maximumFractionDigits: 2 }), 0.5],
              [hi.toLocaleString(), 1],
            ],
          },
        }
      : { swatches: [{ label: what, colour: colorAt(stops, SINGLE_T), mark: 'fill' as const }] }),
  };
}

/**
 * A result on the same map as the live heatmap, as a layer of its own in the Layers list: its H3 cells as
 * hexagons, lat/lon as points or GeoJSON as shapes, coloured by a numeric column on its own palette and
 * outlined; its legend in the dock. The map moves to it when it is first shown. Whether it is shown, its
 * opacity and palette are kept with the cell (`layer` in its view) as well as in the map's settings.
 */
export function ResultMap(props: {
  cellId: string;
  label: string;
  columns: ResultColumn[];
  rows: number;
  spec: MapSpec;
  value?: number;
  /** Points drawn as their density (counts per H3 cell) instead of one by one. */
  density?: boolean;
  layer: ResultLayerView | undefined;
  onLayer(patch: Partial<ResultLayerView>): void;
  onRemove(): void;
}) {
  const { client } = useEngine();
  const handle = useMapBeside();
  const theme = useUi((s) => s.theme);
  const [table, setTable] = useState<Table>();
  const [drawn, setDrawn] = useState<Drawn>();
  const [error, setError] = useState<string>();
  const source = resultLayerId(props.cellId, props.layer);
  const palette = props.layer?.palette ?? DEFAULT_RESULT_PALETTE;

  useEffect(() => {
    let live = true;
    fetchRows(client, props.cellId, props.rows).then(
      (t) => live && setTable(t),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [client, props.cellId, props.rows]);

  useEffect(() => {
    if (!handle || !table) return;
    const stops = paletteStops(palette);
    const d = buildResultLayers(source, table, props.spec, props.value, Boolean(props.density), { stops, outline: RESULT_OUTLINE[theme] });
    const valueName = d.density ? 'points per cell' : props.value !== undefined ? props.columns[props.value]!.name : undefined;
    handle.composer.set(source, 'results', d.layers, {
      name: `${props.label} result`,
      kind: 'result',
      legend: legendOf(d, props.spec, valueName, stops),
      palette: { value: palette, options: RESULT_PALETTE_OPTIONS, choose: (id) => props.onLayer({ palette: id }) },
      // Removed from the Layers list while the Notebooks panel is closed, nothing here is mounted to take it off.
      remove: () => {
        props.onRemove();
        handle.composer.remove(source);
      },
    });
    setDrawn(d);
  }, [handle, table, props.spec, props.value, props.density, props.label, palette, theme, source]);

  // A shape clicked on the map chooses its row, as a click in the grid does.
  useEffect(() => {
    if (!handle || props.spec.kind !== 'geojson') return;
    return handle.composer.handle(source, {
      onClick: (info) => {
        const i = (info.object as { properties?: { i?: unknown } } | undefined)?.properties?.i;
        if (typeof i === 'number') chosenRow.set({ cellId: props.cellId, row: i });
      },
    });
  }, [handle, source, props.spec.kind, props.cellId]);

  // Shown and opacity as saved with the cell go to the map; the analyst's changes in the Layers list come back to the cell.
  const { visible = true, opacity = 1 } = props.layer ?? {};
  // Still on the map from before the panel was closed: the analyst's changes since then go to the cell, not the other way.
  const kept = useRef(handle?.composer.rows().some((r) => r.id === source) ?? false);
  useEffect(() => {
    if (!handle) return;
    const now = handle.composer.setting(source);
    if (kept.current) {
      kept.current = false;
      if (now.visible !== visible || now.opacity !== opacity) props.onLayer({ visible: now.visible, opacity: now.opacity });
      return;
    }
    if (now.visible !== visible) handle.composer.setVisible(source, visible);
    if (now.opacity !== opacity) handle.composer.setOpacity(source, opacity);
  }, [handle, source, visible, opacity]);
  useEffect(() => {
    if (!handle) return;
    return handle.composer.subscribe(() => {
      const now = handle.composer.setting(source);
      if (now.visible !== (props.layer?.visible ?? true) || now.opacity !== (props.layer?.opacity ?? 1))
        props.onLayer({ visible: now.visible, opacity: now.opacity });
    });
  }, [handle, source, props.layer, props.onLayer]);

  // Shown the first time: the map goes to the result (not again when the panel opens over a result kept on the map).
  const fitted = useRef(kept.current);
  useEffect(() => {
    if (!handle || !drawn?.bounds) return;
    if (fitted.current) return void (fitted.current = false);
    handle.map.fitBounds(drawn.bounds, { padding: 60, maxZoom: 15, duration: 600 });
  }, [handle, drawn?.bounds?.join()]);

  // A result stays on the map when the Notebooks panel closes (the analyst reads it beside the others); its cell gone, or its map turned off, it goes.
  useEffect(
    () => () => {
      if (getUi().panel === 'notebooks') handle?.composer.remove(source);
    },
    [handle, source],
  );

  if (error) return <p role="alert">Cannot draw the result: {error}</p>;
  return null;
}
