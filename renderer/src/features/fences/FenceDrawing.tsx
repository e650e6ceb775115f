import { useEffect, useRef } from 'react';
import {
  TerraDraw,
  TerraDrawCircleMode,
  TerraDrawFreehandMode,
  TerraDrawModeUndoRedo,
  TerraDrawPolygonMode,
  TerraDrawRectangleMode,
  TerraDrawSelectMode,
  TerraDrawSessionUndoRedo,
  type GeoJSONStoreFeatures,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { exposeForTests } from '../../app/test-hooks';
import { getUi, setUi, useUi } from '../../app/ui-store';
import { useMapHandle } from '../../map';
import { EMPTY_DRAFT, getDraft, setDraft, useDraft } from './fence-draft';
import type { FenceGeometry } from '../../../../shared/fence';
import { setDrawHint } from './DrawHint';
import { drawingHistory } from './fence-commands';
import { drawnFeatureOf, fenceBounds, fenceGeometryOf, formatDistance, simplifyRing, type DrawnFeature } from './fence-geometry';

const ACCENT = '#ff7a2f';

/** A vertex of another fence within this many pixels pulls the pointer onto it. */
const SNAP_PX = 10;

/** Exposed for tests: where the drawing is (terra-draw's features) — the map draws it on a canvas. */

/**
 * The map's drawing of the draft fence, through terra-draw: polygon, rectangle, circle and freehand
 * modes; when a shape is finished it is selected for editing (drag it, drag or insert vertices, delete
 * a vertex with a click on it). One shape at a time: the draft. Its geometry goes to the draft store as
 * the fence it means (fence-geometry.ts); undo and redo go through terra-draw's history.
 */
export function FenceDrawing({ snapTo }: { snapTo: () => [number, number][] }) {
  const { map } = useMapHandle();
  const drawing = useUi((s) => s.drawing);
  const draft = useDraft();
  const ref = useRef<TerraDraw | null>(null);
  const loadedReload = useRef<number | undefined>(undefined);
  const snapRef = useRef(snapTo);
  snapRef.current = snapTo;

  useEffect(() => {
    let draw: TerraDraw | undefined;
    const snapping = {
      toCustom: (event: { lng: number; lat: number; containerX: number; containerY: number }) => {
        let best: [number, number] | undefined;
        let bestPx = SNAP_PX;
        for (const p of snapRef.current()) {
          const s = map.project(p);
          const d = Math.hypot(s.x - event.containerX, s.y - event.containerY);
          if (d < bestPx) [best, bestPx] = [p, d];
        }
        return best;
      },
    };
    const editable = { feature: { draggable: true, coordinates: { draggable: true, midpoints: true, deletable: true, snappable: snapping } } };
    const start = () => {
      draw?.stop();
      draw = new TerraDraw({
        adapter: new TerraDrawMapLibreGLAdapter({ map }),
        modes: [
          new TerraDrawPolygonMode({ snapping, styles: { fillColor: ACCENT, outlineColor: ACCENT, fillOpacity: 0.15, outlineWidth: 2 } }),
          new TerraDrawRectangleMode({ styles: { fillColor: ACCENT, outlineColor: ACCENT, fillOpacity: 0.15, outlineWidth: 2 } }),
          new TerraDrawCircleMode({ styles: { fillColor: ACCENT, outlineColor: ACCENT, fillOpacity: 0.15, outlineWidth: 2 } }),
          new TerraDrawFreehandMode({ minDistance: 8, styles: { fillColor: ACCENT, outlineColor: ACCENT, fillOpacity: 0.15, outlineWidth: 2 } }),
          new TerraDrawSelectMode({
            flags: { polygon: editable, freehand: editable, rectangle: { feature: { draggable: true } }, circle: { feature: { draggable: true } } },
            // Delete would remove the whole shape: vertices are deleted by clicking them.
            keyEvents: { deselect: null, delete: null, rotate: null, scale: null },
            styles: { selectedPolygonColor: ACCENT, selectedPolygonOutlineColor: ACCENT, selectedPolygonFillOpacity: 0.2, selectionPointColor: '#ffffff' },
          }),
        ],
        undoRedo: { modeLevel: new TerraDrawModeUndoRedo(), sessionLevel: new TerraDrawSessionUndoRedo() },
      });
      draw.start();
      ref.current = draw;
      const d = draw;
      const toDraft = (id: string | number) => drawingToDraft(d, id);
      d.on('finish', (id, context) => {
        if (context.action !== 'draw') return toDraft(id);
        setDrawHint(null);
        const drawn = d.getSnapshotFeature(id);
        if (drawn?.properties.mode === 'freehand') {
          // A lasso is hundreds of points a few pixels apart: keep the ones that shape it.
          const ring = (drawn.geometry.coordinates as [number, number][][])[0]!;
          const simple = simplifyRing(ring, (p) => {
            const s = map.project(p);
            return [s.x, s.y];
          });
          if (simple.length < ring.length) d.updateFeatureGeometry(id, { type: 'Polygon', coordinates: [simple] });
        }
        const current = getDraft();
        if (current?.holeNext) {
          // A ring drawn for a hole joins the draft's polygon; the shape being edited stays.
          const ring = (d.getSnapshotFeature(id)?.geometry.coordinates as [number, number][][] | undefined)?.[0];
          d.removeFeatures([id]);
          const g = current.geometry;
          if (ring && g?.type === 'Polygon') setDraft(() => ({ geometry: { ...g, coordinates: [...g.coordinates, ring] }, holeNext: false }));
          else setDraft(() => ({ holeNext: false }));
          setUi({ drawing: 'select' });
          const shape = shapesOf(d)[0];
          if (shape?.id !== undefined) d.selectFeature(shape.id);
          return;
        }
        // One shape at a time: a new one replaces the last; it is selected for editing at once.
        const others = d.getSnapshot().filter((f) => f.id !== id && f.properties.mode !== 'select');
        if (others.length) d.removeFeatures(others.map((f) => f.id!));
        if (!getDraft()) setDraft({ ...EMPTY_DRAFT });
        toDraft(id);
        setUi({ drawing: 'select' });
        d.selectFeature(id);
      });
      d.on('change', (ids, type, context) => {
        // A circle being drawn: its radius beside it, in m or km.
        if (getUi().drawing === 'circle' && type === 'update') {
          const f = d.getSnapshotFeature(ids[0]!);
          const km = f?.properties.radiusKilometers;
          if (f?.properties.mode === 'circle' && typeof km === 'number') {
            const g = fenceGeometryOf(f as unknown as DrawnFeature);
            if (g?.type === 'Circle') setDrawHint({ at: g.center, text: `Radius ${formatDistance(km * 1000)}` });
          }
        }
        // Only the analyst's edits of the shape: loading, selecting and styling must leave a saved fence exactly as it was.
        if (type !== 'update' || !context || 'origin' in context || context.target !== 'geometry' || getUi().drawing !== 'select') return;
        for (const id of ids) if (d.getSnapshotFeature(id)?.properties.mode !== 'select' && !d.getSnapshotFeature(id)?.properties.selectionPoint) toDraft(id);
      });
      const current = getDraft();
      if (current?.geometry) load(d, current.geometry);
      d.setMode(getUi().drawing ?? 'static');
      exposeForTests({
        drawing: () => ({ mode: d.getMode(), features: shapesOf(d).length }),
        project: (p) => {
          const s = map.project(p);
          return [s.x, s.y];
        },
      });
    };
    // terra-draw needs a loaded style; a new style (theme, basemap) drops its layers: start it again over it.
    // Only then: a second start on the same style (it once also waited for 'idle') threw away a shape half drawn.
    if (map.isStyleLoaded()) start();
    map.on('style.load', start);
    drawingHistory.set({ step: (step) => stepHistory(ref.current, step) });
    return () => {
      drawingHistory.set(null);
      map.off('style.load', start);
      draw?.stop();
      ref.current = null;
    };
  }, [map]);

  // The tool in use follows the UI store.
  useEffect(() => {
    setDrawHint(null);
    const d = ref.current;
    if (d && d.getMode() !== (drawing ?? 'static')) d.setMode(drawing ?? 'static');
  }, [drawing]);

  // A fence opened for editing is loaded into the drawing; a draft that ends takes the drawing with it.
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const shapes = shapesOf(d);
    if (!draft) {
      if (shapes.length) d.clear();
      return;
    }
    if (draft.geometry && (shapes.length === 0 || draft.reload !== loadedReload.current)) {
      loadedReload.current = draft.reload;
      if (shapes.length) d.clear();
      const ids = load(d, draft.geometry);
      setUi({ drawing: 'select' });
      d.setMode('select');
      if (ids[0] !== undefined) d.selectFeature(ids[0]);
      // A fence made from a result may be anywhere: the map goes to it (after the panel's change of width is laid out).
      if (draft.origin) {
        const bounds = fenceBounds(draft.geometry);
        requestAnimationFrame(() => map.fitBounds(bounds, { padding: 80, maxZoom: 16, duration: 0 }));
      }
    }
  }, [draft]);

  return null;
}

/** The shapes drawn (not the handles terra-draw adds while one is selected). */
const shapesOf = (d: TerraDraw) => d.getSnapshot().filter((f) => !f.properties.selectionPoint && !f.properties.midPoint);

/** A drawn shape into the draft as the fence it means. */
function drawingToDraft(d: TerraDraw, id: string | number): void {
  const f = d.getSnapshotFeature(id);
  const geometry = f ? fenceGeometryOf(f as unknown as DrawnFeature) : undefined;
  // terra-draw holds the outer ring only: the draft's holes stay as they are.
  if (geometry) setDraft((x) => ({ geometry: withHoles(geometry, x.geometry) }));
}

/** Undo or redo a drawing step: terra-draw puts the shape back as a new feature, so the draft and the selection follow it here. */
function stepHistory(d: TerraDraw | null, step: 'undo' | 'redo'): void {
  if (!d || !d[step]()) return;
  const shape = shapesOf(d)[0];
  if (!shape?.id) return setDraft((x) => ({ geometry: undefined, holeNext: x.holeNext }));
  drawingToDraft(d, shape.id);
  if (getUi().drawing === 'select' && !d.getSnapshotFeature(shape.id)?.properties.selected) d.selectFeature(shape.id);
}

/** An edited outer ring with the holes the draft already had. */
function withHoles(next: FenceGeometry, before: FenceGeometry | undefined): FenceGeometry {
  if (next.type !== 'Polygon' || before?.type !== 'Polygon' || before.coordinates.length < 2) return next;
  return { ...next, coordinates: [next.coordinates[0]!, ...before.coordinates.slice(1)] };
}

function load(d: TerraDraw, geometry: Parameters<typeof drawnFeatureOf>[0]): (string | number)[] {
  const features = drawnFeatureOf(geometry).map((f) => ({ type: 'Feature', ...f }) as unknown as GeoJSONStoreFeatures);
  const results = d.addFeatures(features);
  return results.filter((r) => r.valid).map((r) => r.id!);
}
