import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, closeSync, statSync, writeSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { SourceError } from './sources';
import { readZip } from './zip-reader';

/** The files GDAL (or read_parquet) reads, best first when a folder holds several. */
const MAIN_EXTENSIONS = ['.gpkg', '.shp', '.fgb', '.kml', '.geojson', '.json', '.geoparquet', '.parquet'];
/** A Shapefile's side files: kept beside its .shp. */
const SIDE_EXTENSIONS = ['.shx', '.dbf', '.prj', '.cpg', '.qix', '.sbn', '.sbx'];
const ARCHIVE_EXTENSIONS = ['.zip', '.kmz'];
/** One upload at most this big, unpacked archives included. */
export const MAX_UPLOAD_BYTES = 512 * 2 ** 20;

/** Whether a file name is one a GIS import reads (a main file, a side file or an archive). */
export function isGisFileName(name: string): boolean {
  const ext = extname(name).toLowerCase();
  return MAIN_EXTENSIONS.includes(ext) || SIDE_EXTENSIONS.includes(ext) || ARCHIVE_EXTENSIONS.includes(ext);
}

/** A file name as the scratch folder keeps it: its last part, safe characters only, never hidden. */
export function scratchName(name: string): string {
  const safe = basename(name.replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._ -]+/g, '_')
    .replace(/^\.+/, '_');
  if (!safe || !isGisFileName(safe))
    throw new SourceError(`${name}: import a GeoPackage, Shapefile (.shp with its side files, or .zip), KML/KMZ, FlatGeobuf, GeoJSON or GeoParquet`);
  return safe;
}

/** Appends a piece of an uploaded file; `offset` must be its size so far (pieces come in order). */
export function appendPiece(dir: string, name: string, offset: number, bytes: Buffer): number {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, scratchName(name));
  const size = existsSync(file) ? statSync(file).size : 0;
  if (offset !== size) throw new SourceError(`${name}: a piece at byte ${offset}, but ${size} bytes have come`);
  const total = readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  if (total + bytes.length > MAX_UPLOAD_BYTES) throw new SourceError(`an import holds at most ${MAX_UPLOAD_BYTES / 2 ** 20} MB`);
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, bytes);
  } finally {
    closeSync(fd);
  }
  return size + bytes.length;
}

/** Every file under `dir`, skipping the folders macOS adds to zips. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === '__MACOSX' ? [] : filesUnder(join(dir, e.name))) : [join(dir, e.name)],
  );
}

/**
 * Unpacks each zip or KMZ in `dir` into a folder of its own beside it (names made safe, folders inside
 * flattened: a zipped Shapefile's side files must sit beside its .shp) and says which file to read: the
 * first by kind (GeoPackage, Shapefile, FlatGeobuf, KML, GeoJSON, GeoParquet), then by name.
 */
export function gisMainFile(dir: string): string {
  if (!existsSync(dir)) throw new SourceError('nothing was uploaded under this import (or it was read already)');
  for (const archive of readdirSync(dir).filter((f) => ARCHIVE_EXTENSIONS.includes(extname(f).toLowerCase()))) {
    const into = join(dir, `${archive}.d`);
    mkdirSync(into, { recursive: true });
    let entries;
    try {
      entries = readZip(readFileSync(join(dir, archive)), MAX_UPLOAD_BYTES);
    } catch (err) {
      throw new SourceError(`${archive}: ${(err as Error).message}`);
    }
    for (const e of entries) {
      if (e.path.split('/').includes('__MACOSX') || !isGisFileName(e.path)) continue;
      const fd = openSync(join(into, scratchName(e.path)), 'w');
      try {
        writeSync(fd, e.bytes);
      } finally {
        closeSync(fd);
      }
    }
  }
  const candidates = filesUnder(dir)
    .filter((f) => MAIN_EXTENSIONS.includes(extname(f).toLowerCase()))
    .sort((a, b) => MAIN_EXTENSIONS.indexOf(extname(a).toLowerCase()) - MAIN_EXTENSIONS.indexOf(extname(b).toLowerCase()) || a.localeCompare(b));
  if (!candidates.length) {
    const names = filesUnder(dir).map((f) => relative(dir, f));
    throw new SourceError(
      names.some((n) => SIDE_EXTENSIONS.includes(extname(n).toLowerCase()))
        ? `a Shapefile needs its .shp beside ${names.join(', ')}`
        : `nothing to read in ${names.join(', ') || 'the upload'}: import a GeoPackage, Shapefile, KML/KMZ, FlatGeobuf, GeoJSON or GeoParquet`,
    );
  }
  return candidates[0]!;
}
