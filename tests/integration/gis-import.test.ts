// GIS files in as fences: files written by another writer (DuckDB spatial's GDAL drivers, Python's zipfile)
// travel to a real engine in pieces (fences.upload), are read by the notebooks' sandboxed DuckDB
// (fences.readFile), reprojected from British National Grid to WGS84, and imported with the rule the
// Fences panel uses — within 1 m of the true vertices; the line and the empty polygon refused with reasons.
// Then `hexwatch fences import` does the same from the command line.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gisCollection, gisFences } from '../../shared/gis-fences';
import type { GisPreview } from '../../shared/rpc';
import { startEngine, type Engine } from '../../main';
import {
  type Call,
  engineEnv,
  hexwatchBin,
  makeTempDir,
  maxVertexDistanceM,
  runToExit,
  type GisFixtures,
  type TempDir,
  typedCall,
  writeGisFixtures,
} from '../helpers';

let dir: TempDir;
let fixtures: GisFixtures;
let engine: Engine;
let call: Call;
let uploads = 0;

/** Sends files as the Fences panel does (pieces of base64 under one upload) and reads them. */
async function preview(files: string[], options: { layer?: string; crs?: string } = {}): Promise<GisPreview> {
  const upload = `test-${++uploads}`;
  for (const file of files) {
    const bytes = readFileSync(file);
    for (let offset = 0; offset === 0 || offset < bytes.length; offset += 400_000)
      await call('fences.upload', { upload, name: basename(file), offset, data: bytes.subarray(offset, offset + 400_000).toString('base64') });
  }
  return call('fences.readFile', { upload, ...options });
}

/** Imports a preview's fences by the name column, and checks each against its true vertices. */
async function importAndCheck(p: GisPreview, expected: string[]): Promise<void> {
  const { fences } = gisFences(p, p.nameColumn);
  const result = await call('fences.import', { collection: gisCollection(fences) as never });
  expect(result.errors).toEqual([]);
  const saved = (await call('fences.list')).filter((f) => result.saved.includes(f.id));
  expect(saved.map((f) => f.name).sort()).toEqual([...expected].sort());
  for (const f of saved) expect(maxVertexDistanceM(f.geometry as never, fixtures.truth[f.name]!), f.name).toBeLessThan(1);
}

beforeAll(async () => {
  dir = await makeTempDir('hexwatch-gis-import-');
  fixtures = await writeGisFixtures(dir.path);
  engine = await startEngine({ argv: ['--data-dir', `${dir.path}/data`, '--welcome', 'false'], env: {}, log: () => {} });
  const client = engine.connect();
  call = typedCall((method, params) => client.call(method, params));
});

afterAll(async () => {
  await engine?.stop();
  await dir?.remove();
});

describe('through the engine', () => {
  it('reads a GeoPackage in British National Grid: its layers, the CRS, the name column; the polygon with a hole and the multipolygon import, the line and the empty one are refused', async () => {
    const p = await preview([fixtures.gpkg]);
    expect(p.layers).toEqual([
      { name: 'zones', features: 4, crs: 'EPSG:27700' },
      { name: 'depots', features: 1, crs: 'EPSG:27700' },
    ]);
    expect(p).toMatchObject({ file: 'zones.gpkg', layer: 'zones', crs: 'EPSG:27700', nameColumn: 'name', truncated: false });
    expect(p.columns).toContain('name');
    const { fences, refused } = gisFences(p, 'name');
    expect(fences.map((f) => f.fence.name)).toEqual(['Hole zone', 'Twin parks']);
    expect(fences.map((f) => f.fence.id)).toEqual(['zones.hole-zone', 'zones.twin-parks']);
    expect(fences[0]!.fence.geometry.type).toBe('Polygon');
    expect((fences[0]!.fence.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);
    expect(fences[1]!.fence.geometry.type).toBe('MultiPolygon');
    expect(refused.map(({ name, reason }) => ({ name, reason }))).toEqual([
      { name: 'Canal path', reason: 'not a polygon: a LineString' },
      { name: 'Nothing yet', reason: 'empty geometry' },
    ]);
    // A refused line keeps its geometry, so the panel can fly to it; the empty one has none.
    expect(refused[0]!.geometry?.type).toBe('LineString');
    expect(refused[1]!.geometry).toBeUndefined();
    await importAndCheck(p, ['Hole zone', 'Twin parks']);
  });

  it('reads the layer chosen, and refuses a layer the file does not have with the ones it has', async () => {
    const p = await preview([fixtures.gpkg], { layer: 'depots' });
    expect(p).toMatchObject({ layer: 'depots', crs: 'EPSG:27700' });
    expect(gisFences(p, 'name').fences.map((f) => f.fence.name)).toEqual(['Depot']);
    await expect(preview([fixtures.gpkg], { layer: 'nope' })).rejects.toThrow('has no layer "nope" (it has zones, depots)');
    // The engine is still there after it.
    expect((await call('fences.status')).engine).toBe('embedded');
  });

  it('reads a zipped Shapefile with its .prj, a KML, a FlatGeobuf and a GeoParquet file, each within 1 m', async () => {
    for (const file of [fixtures.shapefileZip, fixtures.kml, fixtures.fgb, fixtures.geoparquet]) {
      const p = await preview([file]);
      expect(p.crs, file).toMatch(/^(EPSG:27700|EPSG:4326|OGC:CRS84)$/);
      expect(gisFences(p, p.nameColumn).refused, file).toEqual([]);
      await importAndCheck(p, ['Hole zone', 'Twin parks']);
    }
  });

  it('refuses every feature of a Shapefile without its .prj as of unknown CRS, and reads it in the CRS the analyst gives', async () => {
    const p = await preview(fixtures.shapefileWithoutPrj);
    expect(p.crs).toBeNull();
    const { fences, refused } = gisFences(p, 'name');
    expect(fences).toEqual([]);
    expect(refused.map((r) => r.reason)).toEqual([expect.stringMatching(/^unknown CRS/), expect.stringMatching(/^unknown CRS/)]);
    await importAndCheck(await preview(fixtures.shapefileWithoutPrj, { crs: 'EPSG:27700' }), ['Hole zone', 'Twin parks']);
  });

  it('refuses what it cannot read with a reason, and stays up', async () => {
    const bad = `${dir.path}/broken.gpkg`;
    writeFileSync(bad, 'not a geopackage');
    await expect(preview([bad])).rejects.toThrow(/broken\.gpkg|not recognized|Error/);
    await expect(preview([fixtures.shapefileWithoutPrj[1]!])).rejects.toThrow('a Shapefile needs its .shp');
    await expect(call('fences.upload', { upload: 'x', name: 'evil.exe', offset: 0, data: '' })).rejects.toThrow(/import a GeoPackage/);
    await expect(call('fences.readFile', { upload: 'never-sent' })).rejects.toThrow(/nothing was uploaded/);
    expect((await call('fences.status')).engine).toBe('embedded');
  });
});

describe('hexwatch fences import', () => {
  const cli = (args: string[]) => runToExit(process.execPath, [hexwatchBin, 'fences', 'import', ...args], { timeoutMs: 60_000, env: engineEnv() });

  it('imports the polygons of a GeoPackage into a data dir, prints the refusals with reasons, and exits 1 when nothing imports', async () => {
    const data = `${dir.path}/cli-data`;
    const r = await cli([fixtures.gpkg, '--data-dir', data, '--name-column', 'name']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('imported zones.hole-zone: Hole zone');
    expect(r.stdout).toContain('imported zones.twin-parks: Twin parks');
    expect(r.stdout).toContain('refused feature 3 (Canal path): not a polygon: a LineString');
    expect(r.stdout).toContain('refused feature 4 (Nothing yet): empty geometry');
    expect(r.stdout).toContain('2 imported, 2 refused');

    const depots = await cli([fixtures.gpkg, '--data-dir', data, '--layer', 'depots']);
    expect(depots.stdout).toContain('imported zones.depot: Depot');

    const noPrj = await cli([fixtures.shapefileWithoutPrj[0]!, '--data-dir', data]);
    expect(noPrj.code).toBe(1);
    expect(noPrj.stdout).toContain('unknown CRS');

    // In a fleet the file is a cache of the registry in NATS: the command refuses rather than write what the next start replaces.
    const fleet = await cli([fixtures.gpkg, '--data-dir', data, '--nats', 'nats://127.0.0.1:4222', '--fences.registry', 'nats']);
    expect(fleet.code).not.toBe(0);
    expect(fleet.stderr).toContain("fences.registry: the fleet's fences live in NATS (hexwatch-fences)");

    // What the CLI wrote is what an engine then serves.
    const later = await startEngine({ argv: ['--data-dir', data, '--welcome', 'false'], env: {}, log: () => {} });
    try {
      const fences = ((await later.connect().call('fences.list', {})) as { id: string; name: string; geometry: never }[]).filter((f) =>
        f.id.startsWith('zones.'),
      );
      expect(fences.map((f) => f.id).sort()).toEqual(['zones.depot', 'zones.hole-zone', 'zones.twin-parks']);
      for (const f of fences.filter((f) => f.name !== 'Depot')) expect(maxVertexDistanceM(f.geometry, fixtures.truth[f.name]!)).toBeLessThan(1);
    } finally {
      await later.stop();
    }
  });
});
