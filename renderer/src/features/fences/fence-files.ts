import { EXPORT_FORMATS, GIS_FORMATS, type GisFormat } from '../../../../shared/export-formats';
import type { RpcClient } from '../../../../shared/rpc';
import { saveFile, type MenuItem } from '../../ui';

const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** What the fence event feed filters by, as its fields hold it ('' for any). */
export interface EventFilter {
  fence: string;
  type: string;
  device: string;
}

/** The fences (all, or those of `ids`) as a GIS file: the notebook views' `fences` with its geom, written by the engine's DuckDB. */
export async function exportFenceFile(client: RpcClient, format: GisFormat, ids?: readonly string[]): Promise<void> {
  const where = ids?.length ? ` WHERE id IN (${ids.map(literal).join(', ')})` : '';
  // The GeoJSON text is the geom again: left out of a file that holds the shape itself.
  const bytes = await client.call('notebooks.export', { sql: `SELECT * EXCLUDE (geometry) FROM fences${where} ORDER BY id`, format, layer: 'fences' });
  const { mime, ending } = EXPORT_FORMATS[format];
  saveFile(bytes, `${ids?.length === 1 ? ids[0] : 'fences'}.${ending}`, mime);
}

/** The fence events the feed's filter keeps, from the whole log and archive (not only those on screen), as a GIS file. */
export async function exportEventFile(client: RpcClient, format: GisFormat, filter: EventFilter): Promise<void> {
  const where = [
    ...(filter.fence ? [`fence_id = ${literal(filter.fence)}`] : []),
    ...(filter.type ? [`event_type = ${literal(filter.type)}`] : []),
    ...(filter.device.trim() ? [`device_id ILIKE ${literal(`%${filter.device.trim().replace(/[%_\\]/g, '\\$&')}%`)} ESCAPE '\\'`] : []),
  ];
  const sql = `SELECT * FROM fence_events${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
  const bytes = await client.call('notebooks.export', { sql, format, layer: 'fence_events' });
  const { mime, ending } = EXPORT_FORMATS[format];
  saveFile(bytes, `fence-events.${ending}`, mime);
}

/** A menu item per GIS file. */
export const gisItems = (run: (format: GisFormat) => Promise<void>): MenuItem[] =>
  GIS_FORMATS.map((format) => ({ label: EXPORT_FORMATS[format].label, run: () => run(format) }));
