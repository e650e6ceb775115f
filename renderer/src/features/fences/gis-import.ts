import { gisCollection, gisFences, type GisFence, type GisRefusal } from '../../../../shared/gis-fences';
import type { GisPreview, RpcClient } from '../../../../shared/rpc';
import { createStore } from '../../app/store';
import { mutate } from '../../engine';
import { importFenceFile, publishImportReport } from './fence-import';

/** A GIS file read for import and not yet imported: what the Fences panel previews and the map draws. */
export interface GisImport {
  /** The files picked or dropped (a Shapefile's side files with it), kept to read another layer or CRS. */
  files: readonly File[];
  title: string;
  preview?: GisPreview;
  nameColumn: string | null;
  /** The CRS the analyst gave for a file that says none. */
  crs?: string;
  reading: boolean;
  error?: string;
  /** The preview's features split by the one rule the engine's CLI uses too (shared/gis-fences.ts). */
  fences: GisFence[];
  refused: GisRefusal[];
}

const store = createStore<GisImport | null>(null);
export const useGisImport = store.use;
export const getGisImport = store.get;
/** The preview's map layer's fly-to target: set by a click on a refused feature. */
export const gisFocus = createStore<{ geometry: { type: string; coordinates: unknown }; at: number } | null>(null);

/** GeoJSON stays with the direct import (hexwatch's own files carry circles, rectangles, detect and targets); the rest is GIS. */
export const isGeoJson = (f: File) => /\.(geo)?json$/i.test(f.name);
export const GIS_ACCEPT = '.gpkg,.shp,.shx,.dbf,.prj,.cpg,.zip,.kml,.kmz,.fgb,.parquet,.geoparquet';

/** The web bridge's messages are 1 MiB at most: files travel in pieces this big (base64 adds a third). */
const PIECE = 512 * 1024;
let uploads = 0;

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function split(state: Omit<GisImport, 'fences' | 'refused'>): GisImport {
  return { ...state, ...(state.preview ? gisFences(state.preview, state.nameColumn) : { fences: [], refused: [] }) };
}

/** Sends the files to the engine and reads them (a layer, a CRS when given); the preview replaces the last. */
async function read(client: RpcClient, files: readonly File[], options: { layer?: string; crs?: string }): Promise<GisPreview> {
  const upload = `gis-${Date.now().toString(36)}-${++uploads}`;
  for (const file of files)
    for (let offset = 0; offset === 0 || offset < file.size; offset += PIECE) {
      const bytes = new Uint8Array(await file.slice(offset, offset + PIECE).arrayBuffer());
      await client.call('fences.upload', { upload, name: file.name, offset, data: base64(bytes) });
    }
  return client.call('fences.readFile', { upload, ...options });
}

async function readInto(client: RpcClient, next: Omit<GisImport, 'fences' | 'refused'>, layer?: string): Promise<void> {
  store.set(split({ ...next, reading: true, error: undefined }));
  try {
    const preview = await read(client, next.files, { layer, crs: next.crs });
    // A name column the analyst chose stays while the new layer has it.
    const keep = next.nameColumn && preview.columns.includes(next.nameColumn) ? next.nameColumn : preview.nameColumn;
    if (store.get()?.files === next.files) store.set(split({ ...next, preview, nameColumn: keep, reading: false }));
  } catch (err) {
    if (store.get()?.files === next.files) store.set(split({ ...next, reading: false, error: (err as Error).message }));
  }
}

/** Reads GIS files picked or dropped for a preview before import. */
export function previewGisFiles(client: RpcClient, files: readonly File[]): Promise<void> {
  const main = files.find((f) => !/\.(shx|dbf|prj|cpg)$/i.test(f.name)) ?? files[0]!;
  return readInto(client, { files, title: files.length > 1 ? `${main.name} (+${files.length - 1})` : main.name, nameColumn: null, reading: true });
}

export function chooseGisLayer(client: RpcClient, layer: string): Promise<void> {
  const s = store.get();
  return s ? readInto(client, { ...s, preview: s.preview }, layer) : Promise.resolve();
}

/** Reads the file again in the CRS the analyst gives (EPSG:27700…), for a file that says none. */
export function chooseGisCrs(client: RpcClient, crs: string): Promise<void> {
  const s = store.get();
  return s ? readInto(client, { ...s, crs: crs.trim() || undefined }, s.preview?.layer) : Promise.resolve();
}

export function chooseGisNameColumn(column: string | null): void {
  const s = store.get();
  if (s) store.set(split({ ...s, nameColumn: column }));
}

export function cancelGisImport(): void {
  store.set(null);
  gisFocus.set(null);
}

/** Imports the previewed fences; the report lists what was saved and every refusal, the preview's and the engine's. */
export async function importGisFences(client: RpcClient): Promise<void> {
  const s = store.get();
  if (!s?.preview || !s.fences.length || s.reading) return;
  store.set({ ...s, reading: true });
  try {
    const result = await mutate(client, 'fences.import', { collection: gisCollection(s.fences) as { type: 'FeatureCollection'; features: unknown[] } });
    const engineRefusals = result.errors.map((e) => ({ ...e, index: s.fences[e.index]?.index ?? e.index }));
    publishImportReport({
      file: s.title,
      saved: result.saved,
      errors: [...s.refused.map((r) => ({ index: r.index, id: r.name, message: r.reason })), ...engineRefusals].sort((a, b) => a.index - b.index),
    });
    cancelGisImport();
  } catch (err) {
    store.set({ ...s, reading: false, error: (err as Error).message });
  }
}

/** Files picked or dropped for fences: a GeoJSON file imports at once, anything else is read for a preview. */
export function openFenceFiles(client: RpcClient, files: readonly File[]): void {
  if (!files.length) return;
  if (files.length === 1 && isGeoJson(files[0]!)) void importFenceFile(client, files[0]!);
  else void previewGisFiles(client, files);
}

/** Asks for files (the system's file picker): GeoJSON, or a GeoPackage, Shapefile (its files, or a zip), KML/KMZ, FlatGeobuf, GeoParquet. */
export function pickFenceFiles(client: RpcClient): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = true;
  input.accept = `.geojson,.json,application/geo+json,${GIS_ACCEPT}`;
  input.onchange = () => openFenceFiles(client, [...(input.files ?? [])]);
  input.click();
}
