import { CompositeLayer, type Layer, type UpdateParameters, type WebMercatorViewport } from '@deck.gl/core';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { ColumnLayer } from '@deck.gl/layers';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import type { FrameAttributes } from './frame-attributes';

export interface HexHeatLayerProps {
  attrs: FrameAttributes;
  resolution: number;
  /** Hex ids of the frame, needed only for the exact-polygon path at coarse resolutions. */
  hexIds: () => string[];
}

/** Coarse cells span hundreds of km: one shared hexagon no longer fits them all, so they get exact polygons. */
const EXACT_UP_TO_RES = 3;
const RESHAPE_KM = 10;

/**
 * The live heatmap: H3HexagonLayer's own low-precision technique (one hexagon shape, drawn as a
 * six-sided ColumnLayer at every cell centre) fed with binary attributes, so applying a 100k-cell frame
 * costs typed-array copies instead of an h3-js call per cell; H3HexagonLayer's exact polygons where the
 * shared shape would be wrong.
 */
export class HexHeatLayer extends CompositeLayer<HexHeatLayerProps> {
  static override layerName = 'HexHeatLayer';
  declare state: { vertices?: number[][]; shapeRes?: number; shapeAt?: [number, number] };

  override shouldUpdateState({ changeFlags }: UpdateParameters<this>): boolean {
    return changeFlags.somethingChanged;
  }

  override updateState({ props }: UpdateParameters<this>): void {
    if (props.resolution > EXACT_UP_TO_RES) this.updateShape(this.context.viewport as WebMercatorViewport, props.resolution);
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
    const { attrs, resolution, hexIds } = this.props;
    if (resolution <= EXACT_UP_TO_RES) {
      const ids = hexIds();
      return new H3HexagonLayer<number>(
        this.getSubLayerProps({
          id: 'exact',
          data: Array.from({ length: attrs.count }, (_, i) => i),
          getHexagon: (i: number) => ids[i],
          getFillColor: (i: number) => [attrs.colors[4 * i], attrs.colors[4 * i + 1], attrs.colors[4 * i + 2], attrs.colors[4 * i + 3]],
          highPrecision: true,
          extruded: false,
          stroked: false,
          pickable: true,
          updateTriggers: { getHexagon: attrs, getFillColor: attrs },
        }),
      );
    }
    return new ColumnLayer(
      this.getSubLayerProps({
        id: 'cells',
        data: {
          length: attrs.count,
          attributes: {
            getPosition: { value: attrs.positions, size: 2 },
            getFillColor: { value: attrs.colors, size: 4, normalized: true },
          },
        },
        diskResolution: 6,
        radius: 1,
        vertices: this.state.vertices,
        extruded: false,
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
