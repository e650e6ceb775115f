import { CompositeLayer, type Layer, type UpdateParameters, type WebMercatorViewport } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { ColumnLayer } from '@deck.gl/layers';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import { hexWidthPx } from '../../../../shared/zoom';
import type { FrameAttributes } from './frame-attributes';

export interface HexHeatLayerProps {
  attrs: FrameAttributes;
  /** RGBA per cell: the frame's colours as far as the ease has got (a new array whenever they change). */
  colors: Uint8Array;
  resolution: number;
  /** Hex ids of the frame, needed only for the exact-polygon path. */
  hexIds: () => string[];
  /** Columns whose height follows the value (3D). */
  extruded: boolean;
}

/**
 * Frames up to this many cells (every frame sized for the screen) get each cell's exact polygon, so
 * neighbours tile without slivers; larger ones (a zoomed-out continent, the benchmark's 100k) share one
 * hexagon shape, which costs typed-array copies instead of an h3-js call per cell.
 */
const EXACT_MAX_CELLS = 6000;
/** Coarse cells span hundreds of km: one shared hexagon never fits them, whatever the count. */
const EXACT_UP_TO_RES = 3;
const RESHAPE_KM = 10;
/** Outlines once a cell is this wide on screen: each cell can be told from its neighbours. */
const OUTLINE_MIN_PX = 24;
/** The tallest column, in cell widths. */
const TALLEST = 5;

/**
 * The live heatmap: exact hexagons (H3HexagonLayer) for screen-sized frames; H3HexagonLayer's own
 * low-precision technique (one hexagon shape, drawn as a six-sided ColumnLayer at every cell centre)
 * fed with binary attributes for the large ones. Heights follow the value when extruded; colours come
 * eased (colour-ease.ts), so each tick of an ease is a new colour array.
 */
export class HexHeatLayer extends CompositeLayer<HexHeatLayerProps> {
  static override layerName = 'HexHeatLayer';
  declare state: {
    vertices?: number[][];
    shapeRes?: number;
    shapeAt?: [number, number];
    indices?: number[];
    /** The frame's binary attributes, one object each per frame: deck.gl re-uploads an attribute whose object changed. */
    positions?: { value: Float64Array; size: 2 };
    heights?: { value: Float32Array; size: 1 };
  };

  override shouldUpdateState({ changeFlags }: UpdateParameters<this>): boolean {
    return changeFlags.somethingChanged;
  }

  override updateState({ props, oldProps }: UpdateParameters<this>): void {
    if (!this.exact(props)) this.updateShape(this.context.viewport as WebMercatorViewport, props.resolution);
    // What changes with the frame only: an eased colour must not rebuild polygons or re-upload positions.
    if (props.attrs !== oldProps.attrs || !this.state.indices) {
      const { attrs } = props;
      this.setState({
        indices: Array.from({ length: attrs.count }, (_, i) => i),
        positions: { value: attrs.positions, size: 2 },
        heights: { value: attrs.heights, size: 1 },
      });
    }
  }

  private exact(props: HexHeatLayerProps): boolean {
    return props.resolution <= EXACT_UP_TO_RES || props.attrs.count <= EXACT_MAX_CELLS;
  }

  /** The hexagon of the cell under the viewport centre, in metres around its centre (as H3HexagonLayer does). */
  private updateShape(viewport: WebMercatorViewport, res: number): void {
    const { shapeRes, shapeAt } = this.state;
    if (shapeRes === res && shapeAt && distanceKm(shapeAt, [viewport.latitude, viewport.longitude]) < RESHAPE_KM) return;
    const hex = latLngToCell(viewport.latitude, viewport.longitude, res);
    const [lat, lng] = cellToLatLng(hex);
    const [cx, cy] = viewport.projectFlat([lng, lat]);
    const { unitsPerMeter } = viewport.distanceScales;
    const vertices = cellToBoundary(hex, true)
      .slice(0, 6)
      .map(([x, y]) => {
        const [px, py] = viewport.projectFlat([x, y]);
        return [(px - cx) / unitsPerMeter[0], (py - cy) / unitsPerMeter[1]];
      });
    this.setState({ vertices, shapeRes: res, shapeAt: [viewport.latitude, viewport.longitude] });
  }

  override renderLayers(): Layer {
    const { attrs, colors, resolution, hexIds, extruded } = this.props;
    const viewport = this.context.viewport as WebMercatorViewport;
    const widthPx = hexWidthPx(resolution, viewport.zoom, viewport.latitude);
    // A cell's width in metres, for the columns' height scale.
    const widthM = (widthPx * 40_075_016.686 * Math.cos((viewport.latitude * Math.PI) / 180)) / (512 * 2 ** viewport.zoom);
    const elevationScale = extruded ? widthM * TALLEST : 0;
    if (this.exact(this.props)) {
      // Hex ids are needed only when the polygons are rebuilt (a new frame), not at each tick of an ease.
      let ids: string[] | undefined;
      return new H3HexagonLayer<number>(
        this.getSubLayerProps({
          id: 'exact',
          data: this.state.indices,
          getHexagon: (i: number) => (ids ??= hexIds())[i]!,
          getFillColor: (i: number) => [colors[4 * i], colors[4 * i + 1], colors[4 * i + 2], colors[4 * i + 3]],
          getElevation: (i: number) => attrs.heights[i],
          elevationScale,
          highPrecision: true,
          extruded,
          stroked: !extruded && widthPx >= OUTLINE_MIN_PX,
          getLineColor: [255, 255, 255, 40],
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          pickable: true,
          updateTriggers: { getHexagon: attrs, getFillColor: colors, getElevation: attrs },
        }),
      );
    }
    return new ColumnLayer(
      this.getSubLayerProps({
        id: 'cells',
        data: {
          length: attrs.count,
          attributes: {
            getPosition: this.state.positions,
            getFillColor: { value: colors, size: 4, normalized: true },
            getElevation: this.state.heights,
          },
        },
        diskResolution: 6,
        radius: 1,
        vertices: this.state.vertices,
        extruded,
        elevationScale,
        flatShading: true,
        pickable: true,
      }),
    );
  }
}

function distanceKm([lat1, lon1]: [number, number], [lat2, lon2]: [number, number]): number {
  const dLat = (lat2 - lat1) * 111.32;
  const dLon = (lon2 - lon1) * 111.32 * Math.cos((lat1 * Math.PI) / 180);
  return Math.hypot(dLat, dLon);
}
