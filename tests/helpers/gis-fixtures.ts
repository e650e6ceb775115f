// GIS files as another writer leaves them: DuckDB spatial's GDAL drivers (COPY … TO … FORMAT GDAL), zipped
// by Python's zipfile — not by the app's own code — in British National Grid (EPSG:27700) where the format
// has a CRS, with the true WGS84 vertices beside them (PROJ's, through ST_Transform on the writer's side).
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadExtensions } from '../../main/notebooks/extensions';

/** The zones in every file: a polygon with a hole and a multipolygon (fences), a line and an empty polygon (refused). */
const ZONES = [
  [
    'Hole zone',
    'POLYGON((530000 180000, 531000 180000, 531000 181000, 530000 181000, 530000 180000),(530200 180200, 530400 180200, 530400 180400, 530200 180400, 530200 180200))',
  ],
  ['Twin parks', 'MULTIPOLYGON(((532000 180000, 532500 180000, 532500 180500, 532000 180000)),((533000 180000, 533500 180000, 533500 180500, 533000 180000)))'],
  ['Canal path', 'LINESTRING(530000 182000, 531000 182500)'],
  ['Nothing yet', 'POLYGON EMPTY'],
] as const;

export interface GisFixtures {
  dir: string;
  /** GeoPackage, EPSG:27700, layer `zones` (all four) and layer `depots` (one square). */
  gpkg: string;
  /** A zipped Shapefile (.shp .shx .dbf .prj .cpg, in a folder inside the zip) of the two polygons. */
  shapefileZip: string;
  /** A Shapefile's .shp, .shx and .dbf without its .prj: the CRS is unknown. */
  shapefileWithoutPrj: string[];
  /** KML (WGS84 lon/lat by definition) of the two polygons. */
  kml: string;
  /** FlatGeobuf, EPSG:27700, of the two polygons. */
  fgb: string;
  /** GeoParquet, EPSG:27700, of the two polygons. */
  geoparquet: string;
  /** Each zone's true WGS84 GeoJSON geometry (lon/lat), by name. */
  truth: Record<string, { type: string; coordinates: unknown }>;
}

/** Writes the fixtures into `dir`. */
export async function writeGisFixtures(dir: string): Promise<GisFixtures> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const c = await instance.connect();
  await loadExtensions(c, { online: false, onlineDir: join(dir, 'ext') });
  await c.run(
    `CREATE TABLE zones AS SELECT name, ST_GeomFromText(wkt) AS geom FROM (VALUES ${ZONES.map(([n, w]) => `('${n}', '${w}')`).join(', ')}) t(name, wkt)`,
  );
  await c.run(`CREATE VIEW polygons AS SELECT * FROM zones WHERE ST_GeometryType(geom) IN ('POLYGON', 'MULTIPOLYGON') AND NOT ST_IsEmpty(geom)`);
  const gdal = (query: string, file: string, driver: string, srs: string, extra = '') =>
    c.run(`COPY (${query}) TO '${join(dir, file)}' (FORMAT GDAL, DRIVER '${driver}', SRS '${srs}'${extra})`);
  await gdal('SELECT * FROM zones', 'zones.gpkg', 'GPKG', 'EPSG:27700', ", LAYER_NAME 'zones'");
  await gdal(
    `SELECT 'Depot' AS name, ST_GeomFromText('POLYGON((529000 179000, 529300 179000, 529300 179300, 529000 179300, 529000 179000))') AS geom`,
    'depots.gpkg',
    'GPKG',
    'EPSG:27700',
    ", LAYER_NAME 'depots'",
  );
  mkdirSync(join(dir, 'shp'));
  await gdal('SELECT * FROM polygons', 'shp/zones.shp', 'ESRI Shapefile', 'EPSG:27700');
  mkdirSync(join(dir, 'noprj'));
  await gdal('SELECT * FROM polygons', 'noprj/zones.shp', 'ESRI Shapefile', 'EPSG:27700');
  // As a Shapefile often comes: without the .prj that says its CRS.
  rmSync(join(dir, 'noprj', 'zones.prj'));
  await gdal('SELECT * FROM polygons', 'zones.fgb', 'FlatGeobuf', 'EPSG:27700');
  // KML is lon/lat: GDAL's writer takes OGC:CRS84 as lon/lat (EPSG:4326 would have it write lat/lon).
  await gdal(`SELECT name, ST_Transform(geom, 'EPSG:27700', 'OGC:CRS84', always_xy := true) AS geom FROM polygons`, 'zones.kml', 'KML', 'OGC:CRS84');
  await c.run(`COPY (SELECT name, ST_SetCRS(geom, 'EPSG:27700') AS geom FROM polygons) TO '${join(dir, 'zones.parquet')}' (FORMAT PARQUET)`);
  const truth = Object.fromEntries(
    (await c.runAndReadAll(`SELECT name, ST_AsGeoJSON(ST_Transform(geom, 'EPSG:27700', 'EPSG:4326', always_xy := true)) AS g FROM zones`))
      .getRowObjectsJS()
      .map((r) => [String(r.name), JSON.parse(String(r.g)) as { type: string; coordinates: unknown }]),
  );
  c.closeSync();
  instance.closeSync();
  // A second layer: GDAL's COPY writes one layer a file, so the depots' table is copied in with SQLite (a GeoPackage is one).
  const merged = spawnSync('python3', [
    '-c',
    `import sqlite3,sys
a=sqlite3.connect(sys.argv[1]); a.execute("ATTACH ? AS d",(sys.argv[2],))
for t in ["gpkg_contents","gpkg_geometry_columns"]:
  a.execute(f"INSERT INTO main.{t} SELECT * FROM d.{t} WHERE table_name='depots'")
a.execute("CREATE TABLE depots AS SELECT * FROM d.depots"); a.commit()`,
    join(dir, 'zones.gpkg'),
    join(dir, 'depots.gpkg'),
  ]);
  if (merged.status !== 0) throw new Error(`joining the GeoPackage layers: ${merged.stderr.toString()}`);
  const zipped = spawnSync('python3', [
    '-c',
    `import zipfile,sys,os
z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED)
for f in sorted(os.listdir(sys.argv[2])): z.write(os.path.join(sys.argv[2],f),'zones/'+f)
z.close()`,
    join(dir, 'zones-shp.zip'),
    join(dir, 'shp'),
  ]);
  if (zipped.status !== 0) throw new Error(`zipping the Shapefile: ${zipped.stderr.toString()}`);
  return {
    dir,
    gpkg: join(dir, 'zones.gpkg'),
    shapefileZip: join(dir, 'zones-shp.zip'),
    shapefileWithoutPrj: ['zones.shp', 'zones.shx', 'zones.dbf'].map((f) => join(dir, 'noprj', f)),
    kml: join(dir, 'zones.kml'),
    fgb: join(dir, 'zones.fgb'),
    geoparquet: join(dir, 'zones.parquet'),
    truth,
  };
}

/**
 * How far apart two GeoJSON geometries' vertices are, in metres: each vertex's distance to the nearest of the
 * other's, the largest both ways (a Shapefile turns its rings the other way round, so order is not compared).
 */
export function maxVertexDistanceM(a: { coordinates: unknown }, b: { coordinates: unknown }): number {
  const flat = (x: unknown): number[][] => (Array.isArray(x) && typeof x[0] === 'number' ? [x as number[]] : Array.isArray(x) ? x.flatMap(flat) : []);
  const rad = Math.PI / 180;
  const metres = ([lon1, lat1]: number[], [lon2, lat2]: number[]) => {
    const h = Math.sin(((lat2! - lat1!) * rad) / 2) ** 2 + Math.cos(lat1! * rad) * Math.cos(lat2! * rad) * Math.sin(((lon2! - lon1!) * rad) / 2) ** 2;
    return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
  };
  const pa = flat(a.coordinates);
  const pb = flat(b.coordinates);
  if (!pa.length || !pb.length) return Infinity;
  const farthest = (from: number[][], to: number[][]) => Math.max(...from.map((p) => Math.min(...to.map((q) => metres(p, q)))));
  return Math.max(farthest(pa, pb), farthest(pb, pa));
}
