import type { RpcClient } from '../../../../shared/rpc';
import { createStore } from '../../app/store';
import { mutate } from '../../engine';
import { saveFile } from '../../ui';

/** What the last import did: the file, the fences saved, and each refused feature by index with its reason. */
export interface ImportReport {
  file: string;
  saved: string[];
  errors: { index: number; id?: string; message: string }[];
  /** The file itself could not be read as a FeatureCollection. */
  failed?: string;
}

const store = createStore<ImportReport | null>(null);
const publish = store.set;
/** Shows what an import did (the GIS import's too). */
export const publishImportReport = (report: ImportReport) => publish(report);
export const useImportReport = store.use;

export const clearImportReport = () => publish(null);

/** Imports a GeoJSON file (picked or dropped on the map): valid features become fences, invalid ones are listed. */
export async function importFenceFile(client: RpcClient, file: File): Promise<void> {
  let collection: unknown;
  try {
    collection = JSON.parse(await file.text());
  } catch (err) {
    return publish({ file: file.name, saved: [], errors: [], failed: `${file.name} is not JSON: ${(err as Error).message}` });
  }
  const c = collection as { type?: unknown; features?: unknown };
  if (c?.type !== 'FeatureCollection' || !Array.isArray(c.features))
    return publish({ file: file.name, saved: [], errors: [], failed: `${file.name} is not a GeoJSON FeatureCollection` });
  try {
    const result = await mutate(client, 'fences.import', { collection: { type: 'FeatureCollection', features: c.features } });
    publish({ file: file.name, ...result });
  } catch (err) {
    publish({ file: file.name, saved: [], errors: [], failed: (err as Error).message });
  }
}

/** Saves fences as a GeoJSON file (all of them, or those whose ids are given). */
export async function exportFences(client: RpcClient, ids?: readonly string[]): Promise<number> {
  const all = await client.call('fences.export', {});
  const features = ids ? all.features.filter((f) => ids.includes(String((f as { id?: unknown }).id))) : all.features;
  const text = JSON.stringify({ type: 'FeatureCollection', features }, null, 2);
  saveFile(text, ids?.length === 1 ? `${ids[0]}.geojson` : 'fences.geojson', 'application/geo+json');
  return features.length;
}
