import maplibregl, { type LayerSpecification, type StyleSpecification } from 'maplibre-gl';
import { FileSource, PMTiles, Protocol, TileType } from 'pmtiles';
import { BASEMAP_COLOURS } from './basemap-colours';
import { vectorBasemapLayers } from './vector-basemap-style';

/**
 * A basemap from a local PMTiles file the analyst opens: read in place through the File API (nothing
 * uploaded, nothing fetched). Raster archives are drawn as they are; vector archives get a style built
 * from the layers the archive lists, so any schema (Protomaps, OpenMapTiles, a custom extract) shows
 * water, land use, roads and buildings. Labels stay ours: a vector archive's names would need glyphs.
 */
let protocol: Protocol | undefined;
const opened = new Map<string, PMTiles>();

/** Registers a file; its key (the file's name) goes in the UI store, the file stays here. */
export function openPmtilesFile(file: File): string {
  if (!protocol) {
    protocol = new Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tile);
  }
  const archive = new PMTiles(new FileSource(file));
  protocol.add(archive);
  opened.set(file.name, archive);
  return file.name;
}

interface VectorLayer {
  id: string;
}

/** The style for an opened archive: its tiles, its bounds and zoom range; throws with a readable reason when the archive cannot be read. */
export async function pmtilesStyle(key: string, theme: 'dark' | 'light'): Promise<StyleSpecification> {
  const archive = opened.get(key);
  if (!archive) throw new Error(`the PMTiles file ${key} is no longer open: open it again`);
  const header = await archive.getHeader().catch((err: unknown) => {
    throw new Error(`${key} is not a PMTiles v3 archive (${(err as Error).message})`);
  });
  const c = BASEMAP_COLOURS[theme];
  const url = `pmtiles://${key}`;
  const bounds: [number, number, number, number] = [header.minLon, header.minLat, header.maxLon, header.maxLat];
  const background: LayerSpecification = { id: 'ocean', type: 'background', paint: { 'background-color': c.ocean } };
  if (header.tileType === TileType.Png || header.tileType === TileType.Jpeg || header.tileType === TileType.Webp || header.tileType === TileType.Avif) {
    return {
      version: 8,
      sources: { basemap: { type: 'raster', url, tileSize: 256, bounds, minzoom: header.minZoom, maxzoom: header.maxZoom } },
      layers: [background, { id: 'basemap', type: 'raster', source: 'basemap' }],
    };
  }
  if (header.tileType !== TileType.Mvt) throw new Error(`${key} holds tiles of a kind the map cannot draw (type ${header.tileType})`);
  const metadata = (await archive.getMetadata().catch(() => ({}))) as { vector_layers?: VectorLayer[] };
  const ids = (metadata.vector_layers ?? []).map((l) => l.id);
  if (ids.length === 0) throw new Error(`${key} lists no vector layers in its metadata, so there is nothing to style`);
  // Land comes from the archive when it has it as polygons (Protomaps' earth); otherwise land is the background.
  if (!ids.some((id) => /earth|^land$/.test(id))) background.paint = { 'background-color': c.land };
  const layers: LayerSpecification[] = [background, ...vectorBasemapLayers(ids, 'basemap', theme)];
  return { version: 8, sources: { basemap: { type: 'vector', url, bounds, minzoom: header.minZoom, maxzoom: header.maxZoom } }, layers };
}
