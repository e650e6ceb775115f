import type { Layer } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { GeoJsonLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { Table } from 'apache-arrow';
import { cellToLatLng } from 'h3-js';
import { colorAt, type ColorStops, type Rgba } from '../../../../shared/color-scale';
import { densityCells, densityResolution, domainOf, h3Of, type MapSpec } from './result-map';

/** Without a value to colour by, a result is one colour: its ramp's strong side (the darkest end reads as a hole on the dark map). */
export const SINGLE_T = 0.75;

/** How a result is drawn: its colour ramp and the outline of its shapes. */
export interface ResultStyle {
  stops: ColorStops;
  outline: Rgba;
}

export interface Drawn {
  layers: Layer[];
  bounds?: [number, number, number, number];
  domain: [number, number];
  shown: number;
  /** Points binned into cells: the colour is points per cell at this resolution. */
  density?: { resolution: number; cells: number };
}

/** Points counted per H3 cell, at bins fitted to their extent, as hexagons coloured by count. */
function buildDensity(id: string, table: Table, spec: Extract<MapSpec, { kind: 'points' }>, style: ResultStyle): Drawn {
  const lats = Float64Array.from(table.getChildAt(spec.lat)!.toArray() as ArrayLike<number>, Number);
  const lons = Float64Array.from(table.getChildAt(spec.lon)!.toArray() as ArrayLike<number>, Number);
  const box = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
  for (let i = 0; i < lats.length; i++) {
    if (!Number.isFinite(lats[i]!) || !Number.isFinite(lons[i]!)) continue;
    box[0] = Math.min(box[0], lons[i]!);
    box[1] = Math.min(box[1], lats[i]!);
    box[2] = Math.max(box[2], lons[i]!);
    box[3] = Math.max(box[3], lats[i]!);
  }
  if (!Number.isFinite(box[0])) return { layers: [], domain: [0, 1], shown: 0, density: { resolution: 0, cells: 0 } };
  const resolution = densityResolution(box);
  const cells = densityCells(lats, lons, resolution);
  const domain = domainOf(cells.map((c) => c.count));
  const layer = new H3HexagonLayer<{ hex: string; count: number }>({
    id: `${id}-density`,
    data: cells,
    getHexagon: (d) => d.hex,
    getFillColor: (d) => colorAt(style.stops, domain[1] > domain[0] ? (d.count - domain[0]) / (domain[1] - domain[0]) : 1),
    extruded: false,
    stroked: true,
    getLineColor: [...style.outline],
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
  });
  return { layers: [layer], bounds: box, domain, shown: cells.reduce((n, c) => n + c.count, 0), density: { resolution, cells: cells.length } };
}

/** The layers of a result: hexagons, points or shapes, coloured by `value` (a column index) on its ramp, outlined. */
export function buildResultLayers(id: string, table: Table, spec: MapSpec, value: number | undefined, density: boolean, style: ResultStyle): Drawn {
  if (density && spec.kind === 'points') return buildDensity(id, table, spec, style);
  const n = table.numRows;
  const values = new Float64Array(n).fill(NaN);
  if (value !== undefined) {
    const col = table.getChildAt(value)!;
    for (let i = 0; i < n; i++) values[i] = Number(col.get(i) ?? NaN);
  }
  const domain = domainOf(values);
  const colour = (i: number): [number, number, number, number] =>
    colorAt(style.stops, value === undefined ? SINGLE_T : domain[1] > domain[0] ? (values[i]! - domain[0]) / (domain[1] - domain[0]) : 1);
  const box = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
  const grow = (lon: number, lat: number) => {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
    box[0] = Math.min(box[0], lon);
    box[1] = Math.min(box[1], lat);
    box[2] = Math.max(box[2], lon);
    box[3] = Math.max(box[3], lat);
  };
  let layers: Layer[] = [];
  let shown = 0;
  if (spec.kind === 'h3') {
    const col = table.getChildAt(spec.cell)!;
    const data: { hex: string; i: number }[] = [];
    for (let i = 0; i < n; i++) {
      const hex = h3Of(col.get(i));
      if (!hex) continue;
      data.push({ hex, i });
      const [lat, lon] = cellToLatLng(hex);
      grow(lon, lat);
    }
    shown = data.length;
    layers = [
      new H3HexagonLayer<{ hex: string; i: number }>({
        id: `${id}-hexes`,
        data,
        getHexagon: (d) => d.hex,
        getFillColor: (d) => colour(d.i),
        extruded: false,
        stroked: true,
        getLineColor: [...style.outline],
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
      }),
    ];
  } else if (spec.kind === 'points') {
    const lat = table.getChildAt(spec.lat)!;
    const lon = table.getChildAt(spec.lon)!;
    const data: { p: [number, number]; i: number }[] = [];
    for (let i = 0; i < n; i++) {
      const p: [number, number] = [Number(lon.get(i)), Number(lat.get(i))];
      if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) continue;
      data.push({ p, i });
      grow(...p);
    }
    shown = data.length;
    layers = [
      new ScatterplotLayer<{ p: [number, number]; i: number }>({
        id: `${id}-points`,
        data,
        getPosition: (d) => d.p,
        getFillColor: (d) => colour(d.i),
        // Big enough to see and to point at, outlined apart from the heat under them.
        getRadius: 5,
        radiusUnits: 'pixels',
        stroked: true,
        getLineColor: [...style.outline],
        lineWidthUnits: 'pixels',
        getLineWidth: 1,
      }),
    ];
  } else {
    const col = table.getChildAt(spec.column)!;
    const features: { type: 'Feature'; geometry: unknown; properties: { i: number } }[] = [];
    for (let i = 0; i < n; i++) {
      try {
        const geometry = JSON.parse(String(col.get(i))) as { type?: string; coordinates?: unknown };
        if (!geometry?.type) continue;
        features.push({ type: 'Feature', geometry, properties: { i } });
        JSON.stringify(geometry.coordinates)
          .match(/-?\d+(\.\d+)?(e-?\d+)?,-?\d+(\.\d+)?(e-?\d+)?/g)
          ?.forEach((pair) => grow(...(pair.split(',').map(Number) as [number, number])));
      } catch {
        // Text that is not GeoJSON is left off the map.
      }
    }
    shown = features.length;
    layers = [
      new GeoJsonLayer({
        id: `${id}-shapes`,
        data: { type: 'FeatureCollection', features } as never,
        getFillColor: (f: { properties: { i: number } }) => [...colour(f.properties.i).slice(0, 3), 90] as [number, number, number, number],
        getLineColor: (f: { properties: { i: number } }) => colour(f.properties.i),
        getLineWidth: 2,
        lineWidthUnits: 'pixels',
        getPointRadius: 5,
        pointRadiusUnits: 'pixels',
        // A shape clicked chooses its row (Make fence from it).
        pickable: true,
      }),
    ];
  }
  return { layers, domain, shown, ...(Number.isFinite(box[0]) ? { bounds: box } : {}) };
}
