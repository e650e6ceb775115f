/**
 * Fences out of a GIS file's preview (`fences.readFile`): the one rule the Fences panel and
 * `hexwatch fences import` share — which features become fences, under which ids and names, and why each
 * other one is refused. Polygons keep their holes and multipolygons stay one fence: the fence engine
 * honours both (main/fences/geometry.ts).
 */
import { FenceGeometrySchema, type FenceGeometry, type FenceInput } from './fence';
import type { GisPreview } from './rpc/fences';
import { round7 } from './fence-rings';

/** A feature that becomes a fence, by its index in the preview. */
export interface GisFence {
  index: number;
  fence: FenceInput & { geometry: FenceGeometry };
}

/** A feature refused, by its index, with its reason (and its geometry when it has one, to fly to). */
export interface GisRefusal {
  index: number;
  name: string;
  reason: string;
  geometry?: { type: string; coordinates: unknown };
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** The stem of a file name, as ids start with it (`zones.gpkg` → `zones`). */
export function fileStem(file: string): string {
  return slug(file.replace(/^.*[/\\]/, '').replace(/\.[^.]*$/, '')) || 'import';
}

/** The column offered as names: one called name, else title (any case), else the first whose name says name (zone_name, NAME_1), else none. */
export function defaultNameColumn(columns: readonly string[]): string | null {
  return (
    columns.find((c) => c.toLowerCase() === 'name') ??
    columns.find((c) => c.toLowerCase() === 'title') ??
    columns.find((c) => /(^|_)name($|_|\d)/i.test(c) || /name$/i.test(c)) ??
    null
  );
}

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

/**
 * The preview's features as fences and refusals. A fence's name is its `nameColumn` value (else
 * "<layer> <n>"); its id is `<file stem>.<name as a slug>`, numbered when two share one, so importing the
 * same file again saves new versions of the same fences instead of copies.
 */
export function gisFences(preview: GisPreview, nameColumn: string | null): { fences: GisFence[]; refused: GisRefusal[] } {
  const fences: GisFence[] = [];
  const refused: GisRefusal[] = [];
  const taken = new Set<string>();
  const stem = fileStem(preview.file);
  preview.features.forEach((f, index) => {
    const name = (nameColumn && text(f.properties[nameColumn]).slice(0, 256)) || `${preview.layer} ${index + 1}`;
    const refuse = (reason: string) => refused.push({ index, name, reason, ...(f.geometry && !f.empty ? { geometry: f.geometry } : {}) });
    if (!preview.crs) return refuse('unknown CRS: the file does not say its coordinate system (a Shapefile without its .prj?); give it as EPSG:code');
    if (!f.type || !f.geometry) return refuse('no geometry');
    if (f.empty) return refuse('empty geometry');
    if (f.geometry.type !== 'Polygon' && f.geometry.type !== 'MultiPolygon') return refuse(`not a polygon: a ${f.geometry.type}`);
    // Reprojection leaves digits no one drew (40.820000000000014): 7 decimals are a centimetre, and what the map's editor takes.
    const parsed = FenceGeometrySchema.safeParse({ ...f.geometry, coordinates: roundCoordinates(f.geometry.coordinates) });
    if (!parsed.success) return refuse(parsed.error.issues.map((i) => i.message).join('; '));
    const base = `${stem}.${slug(name) || String(index + 1)}`.slice(0, 120);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    fences.push({ index, fence: { id, name, geometry: parsed.data, detect: ['enter', 'exit'], targets: [], enabled: true } });
  });
  return { fences, refused };
}

/** Nested coordinate arrays with every number rounded to 7 decimals. */
function roundCoordinates(c: unknown): unknown {
  return Array.isArray(c) ? c.map(roundCoordinates) : typeof c === 'number' ? round7(c) : c;
}

/** The fences as the FeatureCollection `fences.import` takes (its id and name in the properties). */
export function gisCollection(fences: readonly GisFence[]): { type: 'FeatureCollection'; features: unknown[] } {
  return {
    type: 'FeatureCollection',
    features: fences.map(({ fence }) => ({ type: 'Feature', geometry: fence.geometry, properties: { id: fence.id, name: fence.name } })),
  };
}
