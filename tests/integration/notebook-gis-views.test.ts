// GIS files opened in a notebook as views, through the real notebook process (DuckDB spatial, GDAL):
// files another writer made (DuckDB's GDAL COPY, Python's zipfile) in British National Grid, read back
// with `geom` in WGS84 within a metre of PROJ's truth; a GeoPackage's layers chosen; a zipped Shapefile,
// a KML, a KMZ, FlatGeobuf and GeoParquet; a Shapefile without its .prj left as it is, said so; and the
// files that crash DuckDB 1.5.5's spatial refused with a message, the service still answering.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotebookService } from '../../main/notebooks';
import { makeTempDir, maxVertexDistanceM, writeGisFixtures, type GisFixtures, type TempDir } from '../helpers';

let dir: TempDir;
let files: GisFixtures;
let notebooks: NotebookService;

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const s = await notebooks.run('q', sql);
  return tableFromIPC(await notebooks.page('q', 0, s.rows || 1))
    .toArray()
    .map((r: { toJSON(): Record<string, unknown> }) => r.toJSON());
}

/** Each feature's name (KML calls it Name) and geom as GeoJSON, from a view. */
async function shapes(view: string): Promise<Record<string, { type: string; coordinates: unknown }>> {
  const got = await rows(`SELECT COLUMNS('^(?i)name$') AS name, ST_AsGeoJSON(geom) AS g FROM ${view} WHERE NOT ST_IsEmpty(geom)`);
  return Object.fromEntries(got.map((r) => [String(r.name), JSON.parse(String(r.g)) as { type: string; coordinates: unknown }]));
}

function expectTruth(got: Record<string, { type: string; coordinates: unknown }>, names: string[]) {
  expect(Object.keys(got).sort()).toEqual([...names].sort());
  for (const name of names) expect(maxVertexDistanceM(got[name]!, files.truth[name]!), name).toBeLessThan(1);
}

beforeAll(async () => {
  dir = await makeTempDir('hexwatch-gis-views-');
  mkdirSync(join(dir.path, 'files'));
  files = await writeGisFixtures(join(dir.path, 'files'));
  // A KMZ is a zip holding a .kml.
  const kmz = spawnSync('python3', [
    '-c',
    'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_DEFLATED); z.write(sys.argv[2],"doc.kml"); z.close()',
    join(files.dir, 'zones.kmz'),
    files.kml,
  ]);
  expect(kmz.status).toBe(0);
  copyFileSync(files.geoparquet, join(files.dir, 'zones.geoparquet'));
  writeFileSync(join(files.dir, 'garbage.gpkg'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
  notebooks = await NotebookService.start(
    join(dir.path, 'engine'),
    { threads: 1, memoryLimitMb: 256, maxRows: 1000, snapshotMaxAgeMs: 0, roots: [files.dir] },
    () => ({ dataDir: join(dir.path, 'engine') }),
    () => {},
  );
});
afterAll(async () => {
  await notebooks?.close();
  await dir?.remove();
});

describe('GIS files opened as views', () => {
  it('opens a GeoPackage in EPSG:27700 with geom in WGS84 within 1 m, its first layer by default and the others listed', async () => {
    const opened = await notebooks.open(files.gpkg);
    expect(opened).toMatchObject({ view: 'zones', kind: 'geopackage', layer: 'zones', crs: 'EPSG:27700' });
    expect(opened.layers?.map((l) => [l.name, l.features, l.crs])).toEqual([
      ['zones', 4, 'EPSG:27700'],
      ['depots', 1, 'EPSG:27700'],
    ]);
    expect(opened.columns.map((c) => c.name)).toEqual(['fid', 'name', 'geom']);
    expect(opened.columns.find((c) => c.name === 'geom')!.type).toMatch(/^GEOMETRY/);
    expect(opened.note).toBeUndefined();
    expectTruth(await shapes('zones'), ['Hole zone', 'Twin parks', 'Canal path']);
    // ST_AsText of a vertex: lon/lat order, the first vertex of the hole zone in London.
    const [{ wkt }] = (await rows(`SELECT ST_AsText(geom) AS wkt FROM zones WHERE name = 'Hole zone'`)) as [{ wkt: string }];
    const [lon, lat] = /POLYGON \(\(([-\d.]+) ([-\d.]+)/.exec(wkt)!.slice(1).map(Number);
    expect(maxVertexDistanceM({ coordinates: [lon, lat] }, { coordinates: (files.truth['Hole zone']!.coordinates as number[][][])[0]![0] })).toBeLessThan(1);
  });

  it('opens another layer of the GeoPackage as a view of its own, and refuses a layer it does not have by naming those it has', async () => {
    const depots = await notebooks.open(files.gpkg, 'depots');
    expect(depots).toMatchObject({ view: 'zones_depots', layer: 'depots' });
    expect(await rows('SELECT name, round(ST_X(ST_Centroid(geom)), 2) AS lon FROM zones_depots')).toEqual([{ name: 'Depot', lon: -0.14 }]);
    expect(notebooks.sources().map((s) => s.view)).toEqual(['zones', 'zones_depots']);
    await expect(notebooks.open(files.gpkg, 'roads')).rejects.toThrow('zones.gpkg has no layer "roads" (it has zones, depots)');
  });

  it('opens a zipped Shapefile, a KML, a KMZ, a FlatGeobuf and GeoParquet, each within 1 m', async () => {
    const opened = {
      zip: await notebooks.open(files.shapefileZip),
      kml: await notebooks.open(files.kml),
      kmz: await notebooks.open(join(files.dir, 'zones.kmz')),
      fgb: await notebooks.open(files.fgb),
      parquet: await notebooks.open(files.geoparquet),
      geoparquet: await notebooks.open(join(files.dir, 'zones.geoparquet')),
    };
    expect(Object.values(opened).map((o) => [o.view, o.kind, o.crs])).toEqual([
      ['zones_shp', 'shapefile', 'EPSG:27700'],
      ['zones_2', 'kml', 'EPSG:4326'],
      ['zones_3', 'kml', 'EPSG:4326'],
      ['zones_4', 'flatgeobuf', 'EPSG:27700'],
      ['zones_5', 'geoparquet', 'EPSG:27700'],
      ['zones_6', 'geoparquet', 'EPSG:27700'],
    ]);
    for (const o of Object.values(opened)) expectTruth(await shapes(o.view), ['Hole zone', 'Twin parks']);
  });

  it('leaves a Shapefile without its .prj in its own coordinates, and says so', async () => {
    const opened = await notebooks.open(files.shapefileWithoutPrj[0]!);
    expect(opened).toMatchObject({
      kind: 'shapefile',
      crs: null,
      note: "zones.shp says no CRS: geom is in the file's own coordinates, not reprojected to WGS84",
    });
    expect(await rows(`SELECT ST_XMin(geom) AS x FROM ${opened.view} WHERE name = 'Hole zone'`)).toEqual([{ x: 530000 }]);
  });

  it('refuses a file GDAL cannot open with its message, and the notebooks still answer', async () => {
    await expect(notebooks.open(join(files.dir, 'garbage.gpkg'))).rejects.toThrow(/garbage\.gpkg/);
    expect(await rows('SELECT count(*)::INTEGER AS n FROM zones')).toEqual([{ n: 4 }]);
  });
});
