import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { gisFences } from '../../shared/gis-fences';
import { FenceRegistry } from '../fences';
import { gisMainFile, scratchName } from './gis-files';
import { readGisFile } from './gis-reader';
import { openSandbox } from './sandbox';
import { SourceError } from './sources';

export interface FenceImportOptions {
  dataDir: string;
  /** The file (a .shp brings its side files from beside it), or several files read as one. */
  files: string[];
  layer?: string;
  nameColumn?: string;
  crs?: string;
  extensionsOnline?: boolean;
  write: (line: string) => void;
}

/** What an import did: the fences saved and each feature refused with its reason. */
export interface FenceImportResult {
  saved: { id: string; name: string }[];
  refused: { index: number; name: string; reason: string }[];
}

/** Whether an engine holds the data dir: it keeps history.duckdb open, and DuckDB lets no one else open it then. */
async function engineRunning(dataDir: string): Promise<boolean> {
  const file = join(dataDir, 'history.duckdb');
  if (!existsSync(file)) return false;
  try {
    (await DuckDBInstance.create(file, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' })).closeSync();
    return false;
  } catch {
    return true;
  }
}

/**
 * `hexwatch fences import FILE`: the Fences panel's import from the command line, against a data dir
 * whose engine is stopped (a running engine would not deploy fences written behind its back, so it is
 * refused: import from its Fences panel then). The file is copied into a scratch folder and read there by a
 * sandboxed DuckDB that may read nothing else; the same rule as the panel's (shared/gis-fences.ts) makes the fences.
 */
export async function fenceImportCommand(o: FenceImportOptions): Promise<FenceImportResult> {
  if (await engineRunning(o.dataDir))
    throw new SourceError(`an engine is running on ${o.dataDir}: import from its Fences panel, or stop it and run this again`);
  const scratch = mkdtempSync(join(tmpdir(), 'hexwatch-import-'));
  try {
    const upload = join(scratch, 'upload');
    mkdirSync(upload);
    for (const file of o.files) {
      if (!existsSync(file)) throw new SourceError(`no such file: ${file}`);
      // A Shapefile is its .shp and the files of the same name beside it.
      const stem = basename(file, extname(file));
      const siblings =
        extname(file).toLowerCase() === '.shp'
          ? readdirSync(dirname(file))
              .filter((f) => basename(f, extname(f)) === stem)
              .map((f) => join(dirname(file), f))
          : [file];
      for (const f of siblings) {
        copyFileSync(f, join(upload, scratchName(basename(f))));
      }
    }
    const { instance, admin } = await openSandbox({
      read: [upload],
      buckets: [],
      tempDir: join(scratch, 'spill'),
      extensions: { online: o.extensionsOnline ?? false, onlineDir: join(o.dataDir, 'duckdb-extensions') },
    });
    let preview;
    try {
      preview = await readGisFile(admin, gisMainFile(upload), { layer: o.layer, crs: o.crs, maxFeatures: 100_000 });
    } finally {
      admin.closeSync();
      instance.closeSync();
    }
    if (o.nameColumn && !preview.columns.includes(o.nameColumn))
      throw new SourceError(`${preview.file} has no column "${o.nameColumn}" (it has ${preview.columns.join(', ') || 'none'})`);
    o.write(
      `${preview.file}: layer ${preview.layer}, ${preview.features.length} features, CRS ${preview.crs ?? 'unknown'}${preview.truncated ? ' (the first 100000 only)' : ''}`,
    );
    const { fences, refused } = gisFences(preview, o.nameColumn ?? preview.nameColumn);
    mkdirSync(o.dataDir, { recursive: true });
    const registry = FenceRegistry.open(join(o.dataDir, 'fences.sqlite'), { busyTimeoutMs: 5000 });
    try {
      for (const { fence } of fences) registry.save(fence);
    } finally {
      registry.close();
    }
    return { saved: fences.map((f) => ({ id: f.fence.id, name: f.fence.name })), refused: refused.map(({ index, name, reason }) => ({ index, name, reason })) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
