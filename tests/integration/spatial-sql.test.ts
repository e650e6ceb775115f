// Spatial SQL through `hexwatch sql` as a process, over a data dir seeded as the engine leaves it (fences in
// their SQLite registry, positions and fence events in the Parquet archive): the views' geom columns (a
// circle fence a polygon within 1 m of its radius), and the GIS files it writes, read back by a plain
// DuckDB with spatial loaded (no hexwatch code) — GeoParquet's `geo` metadata and geometries, GeoPackage,
// the zipped Shapefile and FlatGeobuf through ST_Read — and by pyarrow where it is installed.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FenceRegistry } from '../../main/fences';
import { engineEnv, hexwatchBin, makeTempDir, runToExit, type TempDir } from '../helpers';
import { extensionFile, extensionFolders } from '../../main/notebooks/extensions';

let dir: TempDir;
let data: string;
let plain: { instance: DuckDBInstance; c: DuckDBConnection };

const CENTRE = [-0.1276, 51.5072] as const;
const SQUARE = 'POLYGON ((-0.14 51.5, -0.12 51.5, -0.12 51.51, -0.14 51.51, -0.14 51.5))';
/** Three fixes a few metres apart, inside both fences. */
const FIXES = [
  [51.5072, -0.1276],
  [51.5073, -0.1275],
  [51.5074, -0.1274],
] as const;

function sql(query: string, ...args: string[]) {
  return runToExit(process.execPath, [hexwatchBin, 'sql', '--data-dir', data, query, ...args], { timeoutMs: 60_000, env: engineEnv() });
}
async function json<T = Record<string, unknown>>(query: string): Promise<T[]> {
  const r = await sql(query, '--format', 'json');
  if (r.code !== 0) throw new Error(`hexwatch sql exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}
const rows = async (query: string) => (await plain.c.runAndReadAll(query)).getRowObjectsJS();

const hasPyarrow = (() => {
  try {
    execFileSync('python3', ['-c', 'import pyarrow'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  dir = await makeTempDir('hexwatch-spatial-');
  data = join(dir.path, 'engine');
  mkdirSync(join(data, 'archive', 'positions', 'day=1'), { recursive: true });
  mkdirSync(join(data, 'archive', 'fence_events', 'day=1'), { recursive: true });
  const registry = FenceRegistry.open(join(data, 'fences.sqlite'));
  registry.save({ id: 'depot', name: 'Depot', geometry: { type: 'Circle', center: [...CENTRE], radius_m: 500 }, detect: ['enter', 'exit'] });
  registry.save({
    id: 'square',
    name: 'Square',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [-0.14, 51.5],
          [-0.12, 51.5],
          [-0.12, 51.51],
          [-0.14, 51.51],
          [-0.14, 51.5],
        ],
      ],
    },
    detect: ['inside'],
  });
  registry.close();
  // The plain DuckDB: writes the archive as the engine's writers lay it out, and reads back what hexwatch wrote.
  const spatial = extensionFolders()
    .map((f) => extensionFile(f.dir, 'spatial'))
    .find(Boolean);
  if (!spatial) throw new Error('the spatial extension is not provisioned: run npm install');
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  plain = { instance, c: await instance.connect() };
  await plain.c.run(`LOAD '${spatial}'`);
  const list = (ns: readonly (number | string)[]) => `[${ns.join(', ')}]`;
  await plain.c.run(`COPY (SELECT 'dev' || i AS device_id, make_timestamptz(1700000000000000 + i * 1000000) AS ts,
      ${list(FIXES.map((f) => f[0]))}[i + 1]::DOUBLE AS lat, ${list(FIXES.map((f) => f[1]))}[i + 1]::DOUBLE AS lon,
      ${list(FIXES.map(([lat, lon]) => `${BigInt(`0x${latLngToCell(lat, lon, 12)}`)}::UBIGINT`))}[i + 1] AS h3, 5.0 AS speed, 90.0 AS heading, 3.0 AS accuracy, 'car' AS kind, '{}'::JSON AS props, i::UBIGINT AS seq FROM range(3) t(i))
    TO '${join(data, 'archive', 'positions', 'day=1', 'part-0.parquet')}' (FORMAT parquet)`);
  await plain.c
    .run(`COPY (SELECT i::UBIGINT AS id, 'enter' AS event_type, 'depot' AS fence_id, 'dev' || i AS device_id, make_timestamptz(1700000000000000 + i * 1000000) AS ts,
      ${CENTRE[1]} AS lat, ${CENTRE[0]} AS lon, 'g' AS "group", 'embedded' AS source FROM range(1, 3) t(i))
    TO '${join(data, 'archive', 'fence_events', 'day=1', 'part-0.parquet')}' (FORMAT parquet)`);
});

afterAll(async () => {
  plain?.c.closeSync();
  plain?.instance.closeSync();
  await dir?.remove();
});

describe('the views', () => {
  it('give fences their shape, a circle as a geodesic polygon within 1 m of its radius, with its centre beside', async () => {
    expect(
      await json(
        'SELECT id, ST_GeometryType(geom)::VARCHAR AS type, ST_NPoints(geom) AS points, ST_AsText(centre) AS centre, radius_m FROM fences ORDER BY id',
      ),
    ).toEqual([
      { id: 'depot', type: 'POLYGON', points: 65, centre: `POINT (${CENTRE[0]} ${CENTRE[1]})`, radius_m: 500 },
      { id: 'square', type: 'POLYGON', points: 5, centre: null, radius_m: null },
    ]);
    // ST_Distance_Sphere takes [lat, lon]: the vertices' great-circle distance from the centre.
    const [ring] = await json<{
      worst: number;
      n: number;
    }>(`SELECT max(abs(ST_Distance_Sphere(ST_FlipCoordinates(centre), ST_FlipCoordinates(v)) - radius_m)) AS worst, count(*) AS n
      FROM (SELECT centre, radius_m, UNNEST(ST_Dump(ST_Points(geom))).geom AS v FROM fences WHERE id = 'depot')`);
    expect(ring!.n).toBe(65);
    expect(ring!.worst).toBeLessThan(1);
    // A geometry prints as WKT in a table, as a GeoJSON geometry in JSON.
    const table = await sql("SELECT name, geom FROM fences WHERE id = 'square'");
    expect(table.stdout).toContain(`Square  ${SQUARE}`);
    expect(await json("SELECT geom FROM fences WHERE id = 'square'")).toEqual([
      {
        geom: {
          type: 'Polygon',
          coordinates: [
            [
              [-0.14, 51.5],
              [-0.12, 51.5],
              [-0.12, 51.51],
              [-0.14, 51.51],
              [-0.14, 51.5],
            ],
          ],
        },
      },
    ]);
    // A geometry in another CRS (the British National Grid here) prints in lon/lat.
    const [grid] = await json<{ g: { coordinates: number[] } }>(`SELECT ST_SetCRS(ST_Point(530000, 180000), 'EPSG:27700') AS g`);
    expect(grid!.g.coordinates.map((n) => n.toFixed(4))).toEqual(['-0.1284', '51.5040']);
    const [square] = await json<{ same: boolean }>(`SELECT ST_Equals(geom, ST_GeomFromText('${SQUARE}')) AS same FROM fences WHERE id = 'square'`);
    expect(square!.same).toBe(true);
  });

  it('give positions and fence events a geom point computed from lon and lat', async () => {
    expect(await json('SELECT ST_AsText(geom) AS p FROM positions ORDER BY seq')).toEqual([
      { p: 'POINT (-0.1276 51.5072)' },
      { p: 'POINT (-0.1275 51.5073)' },
      { p: 'POINT (-0.1274 51.5074)' },
    ]);
    expect(await json(`SELECT count(*) AS n FROM fence_events WHERE ST_Within(geom, (SELECT geom FROM fences WHERE id = 'depot'))`)).toEqual([{ n: 2 }]);
    // The spatial join an analyst writes: which positions fell in which fence.
    expect(await json('SELECT f.id, count(*) AS n FROM positions p JOIN fences f ON ST_Within(p.geom, f.geom) GROUP BY ALL ORDER BY 1')).toEqual([
      { id: 'depot', n: 3 },
      { id: 'square', n: 3 },
    ]);
  });
});

describe('GIS files out', () => {
  const expected = async () =>
    Object.fromEntries((await json<{ id: string; wkt: string }>('SELECT id, ST_AsText(geom) AS wkt FROM fences')).map((r) => [r.id, r.wkt]));

  it('writes GeoParquet with valid geo metadata that a plain DuckDB reads back with equal geometries', async () => {
    const out = join(dir.path, 'fences.parquet');
    const r = await sql('SELECT id, name, radius_m, geom FROM fences ORDER BY id', '--format', 'geoparquet', '--out', out);
    expect(r.stderr).toBe(`hexwatch: wrote 2 rows to ${out}\n`);
    expect(r.code).toBe(0);
    const [kv] = await rows(`SELECT decode(value) AS geo FROM parquet_kv_metadata('${out}') WHERE decode(key) = 'geo'`);
    const geo = JSON.parse(String(kv!.geo)) as {
      version: string;
      primary_column: string;
      columns: Record<string, { encoding: string; geometry_types: string[]; crs: { id?: { authority: string; code: number } } }>;
    };
    expect(geo.version).toBe('1.0.0');
    expect(geo.primary_column).toBe('geom');
    expect(geo.columns.geom!.encoding).toBe('WKB');
    expect(geo.columns.geom!.geometry_types).toEqual(['Polygon']);
    expect(geo.columns.geom!.crs.id).toEqual({ authority: 'EPSG', code: 4326 });
    const want = await expected();
    const back = await rows(`SELECT id, name, typeof(geom) AS type, ST_AsText(geom) AS wkt FROM read_parquet('${out}') ORDER BY id`);
    expect(back.map((b) => [b.id, b.name, b.type])).toEqual([
      ['depot', 'Depot', "GEOMETRY('EPSG:4326')"],
      ['square', 'Square', "GEOMETRY('EPSG:4326')"],
    ]);
    for (const b of back)
      expect((await rows(`SELECT ST_Equals(ST_GeomFromText('${b.wkt}'), ST_GeomFromText('${want[String(b.id)]}')) AS same`))[0]!.same).toBe(true);
  });

  it.skipIf(!hasPyarrow)('writes GeoParquet that pyarrow reads with its geo metadata', async () => {
    const out = join(dir.path, 'events.parquet');
    expect((await sql('SELECT id, fence_id, geom FROM fence_events', '--format', 'geoparquet', '--out', out)).code).toBe(0);
    const said = execFileSync(
      'python3',
      [
        '-c',
        'import sys,json,pyarrow.parquet as pq; t=pq.read_table(sys.argv[1]); print(json.dumps([json.loads(t.schema.metadata[b"geo"])["primary_column"], t.num_rows]))',
        out,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(JSON.parse(said)).toEqual(['geom', 2]);
  });

  it.each([
    ['gpkg', (f: string) => f],
    ['fgb', (f: string) => f],
    ['shp', (f: string) => `/vsizip/${f}/fences_out.shp`],
  ] as const)('writes %s that ST_Read reads back with equal geometries', async (format, path) => {
    const out = join(dir.path, `fences-out.${format}${format === 'shp' ? '.zip' : ''}`);
    const r = await sql('SELECT id, name, detect, geom FROM fences ORDER BY id', '--format', format, '--out', out);
    expect(r.stderr).toBe(`hexwatch: wrote 2 rows to ${out}\n`);
    expect(r.code).toBe(0);
    const want = await expected();
    const back = await rows(`SELECT id, name, detect, ST_AsText(geom) AS wkt FROM ST_Read('${path(out)}') ORDER BY id`);
    expect(back.map((b) => [b.id, b.name, b.detect])).toEqual([
      ['depot', 'Depot', '["enter","exit"]'],
      ['square', 'Square', '["inside"]'],
    ]);
    for (const b of back)
      expect((await rows(`SELECT ST_Equals(ST_GeomFromText('${b.wkt}'), ST_GeomFromText('${want[String(b.id)]}')) AS same`))[0]!.same).toBe(true);
  });

  it('builds the geometry of a result placed by h3 cells or lat/lon, and refuses one with nothing spatial in a line', async () => {
    const out = join(dir.path, 'cells.parquet');
    expect((await sql('SELECT h3, count(*) AS n FROM positions GROUP BY h3', '--format', 'geoparquet', '--out', out)).code).toBe(0);
    expect(await rows(`SELECT ST_GeometryType(geom)::VARCHAR AS t, count(*) AS n FROM read_parquet('${out}') GROUP BY ALL`)).toEqual([{ t: 'POLYGON', n: 3n }]);
    const points = join(dir.path, 'points.fgb');
    expect((await sql('SELECT device_id, lat, lon FROM positions', '--format', 'fgb', '--out', points)).code).toBe(0);
    expect(await rows(`SELECT count(*) AS n FROM ST_Read('${points}') WHERE ST_GeometryType(geom) = 'POINT'`)).toEqual([{ n: 3n }]);
    const refused = await sql('SELECT 1 AS n', '--format', 'gpkg', '--out', join(dir.path, 'none.gpkg'));
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/nothing spatial in this result/);
    // What a format cannot hold is said in its words, with what to do instead.
    const mixed = await sql('SELECT geom FROM fences UNION ALL SELECT geom FROM positions', '--format', 'shp', '--out', join(dir.path, 'mixed.shp.zip'));
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/a Shapefile holds one kind of geometry: export as GeoPackage or FlatGeobuf/);
    const holes = await sql('SELECT 1 AS n, NULL::GEOMETRY AS geom', '--format', 'fgb', '--out', join(dir.path, 'holes.fgb'));
    expect(holes.code).toBe(1);
    expect(holes.stderr).toMatch(/FlatGeobuf needs a geometry on every row/);
  });
});
