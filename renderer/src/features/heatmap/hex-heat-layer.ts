import { CompositeLayer, type Layer, type UpdateParameters, type WebMercatorViewport } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { ColumnLayer } from '@deck.gl/layers';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import { hexWidthPx } from '../../../../shared/zoom';
import type { HeatAttributes } from './frame-attributes';

export interface HexHeatLayerProps {
  /** The cells' attributes, updated in place from frame to frame (frame-attributes.ts). */
  attrs: HeatAttributes;
  /** RGBA per cell: the frame's colours as far as the ease has got (a new array whenever they change). */
  colors: Uint8Array;
  resolution: number;
  /** Hex ids of the frame, needed only for the exact-polygon path. */
  hexIds: () => string[];
  /** Columns whose height follows the value (3D). */
  extruded: boolean;
}

/** The columns' data: binary colours and heights, and which rows' centres changed since the last data (undefined: all). */
interface ColumnData {
  length: number;
  attributes: { getFillColor: { value: Uint8Array; size: 4; normalized: true }; getElevation: { value: Float32Array; size: 1 } };
  rows: { startRow: number; endRow: number }[] | undefined;
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
 * eased (colour-ease.ts), so each tick of an ease is a new colour array. Centres are uploaded for the
 * slots a frame placed only (deck.gl's partial update: `_dataDiff` rows), not for every cell each frame.
 */
export class HexHeatLayer extends CompositeLayer<HexHeatLayerProps> {
  static override layerName = 'HexHeatLayer';
  declare state: {
    vertices?: number[][];
    shapeRes?: number;
    shapeAt?: [number, number];
    indices?: number[];
    /** The attributes' versions drawn last: what changed since. */
    placedVersion?: number;
    heightsVersion?: number;
    /** The columns' data, a new object whenever anything in it changed (deck.gl updates a layer whose data changed), with the rows whose centres changed (undefined: all). */
    data?: ColumnData;
  };

  override shouldUpdateState({ changeFlags }: UpdateParameters<this>): boolean {
    return changeFlags.somethingChanged;
  }

  override updateState({ props, oldProps }: UpdateParameters<this>): void {
    if (!this.exact(props)) this.updateShape(this.context.viewport as WebMercatorViewport, props.resolution);
    // What changes with the frame only: an eased colour must not rebuild polygons or re-upload positions.
    const { attrs, colors } = props;
    const { state } = this;
    const same = attrs === oldProps.attrs && state.data !== undefined;
    const placed = !same || attrs.placedVersion !== state.placedVersion || attrs.count !== state.data!.length;
    const heights = !same || attrs.heightsVersion !== state.heightsVersion;
    if (!placed && !heights && colors === oldProps.colors) return;
    let rows: ColumnData['rows'] = [];
    if (placed) {
      const ranges = attrs.takePlaced();
      rows = same && ranges ? ranges.map(([startRow, endRow]) => ({ startRow, endRow })) : undefined;
    }
    this.setState({
      indices: placed ? Array.from({ length: attrs.count }, (_, i) => i) : state.indices,
      placedVersion: attrs.placedVersion,
      heightsVersion: attrs.heightsVersion,
      data: {
        length: attrs.count,
        attributes: {
          getFillColor: { value: colors, size: 4, normalized: true },
          getElevation: heights || !state.data ? { value: attrs.heights.subarray(0, attrs.count), size: 1 } : state.data.attributes.getElevation,
        },
        rows,
      },
    });
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
          updateTriggers: { getHexagon: this.state.indices, getFillColor: colors, getElevation: this.state.heightsVersion },
        }),
      );
    }
    const positions = attrs.positions;
    return new ColumnLayer<unknown>(
      this.getSubLayerProps({
        id: 'cells',
        data: this.state.data,
        // Centres are read per row, so a frame that placed a few cells uploads those rows only.
        getPosition: (_: unknown, { index, target }: { index: number; target: number[] }) => {
          target[0] = positions[2 * index]!;
          target[1] = positions[2 * index + 1]!;
          return target as [number, number];
        },
        _dataDiff: (data: ColumnData) => data.rows,
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
