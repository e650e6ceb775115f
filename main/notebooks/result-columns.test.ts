import { DuckDBInstance } from '@duckdb/node-api';
import { expect, it } from 'vitest';
import { extensionFile, extensionFolders } from './extensions';
import { convertColumns, inLonLat, namesAndTypes, resultColumns } from './result-columns';

const spatial = extensionFolders()
  .map((f) => extensionFile(f.dir, 'spatial'))
  .find(Boolean);

// DuckDB writes the WKB (GEOMETRY values and ST_AsWKB blobs); its own ST_AsGeoJSON is what they must read as.
it.skipIf(!spatial)('reads DuckDB-written WKB of every kind into the GeoJSON DuckDB itself gives', async () => {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const c = await instance.connect();
  try {
    await c.run(`LOAD '${spatial}'`);
    const wkts = [
      'POINT (1 2)',
      'LINESTRING (0 0, 1 1, 2 0)',
      'POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))',
      'MULTIPOINT ((1 2), (3 4))',
      'MULTILINESTRING ((0 0, 1 1), (2 2, 3 3))',
      'MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))',
      'GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 1 1))',
    ];
    const reader = await c.runAndReadAll(
      `SELECT ST_GeomFromText(w) AS g, ST_AsWKB(ST_GeomFromText(w)) AS wkb, ST_AsGeoJSON(ST_GeomFromText(w))::VARCHAR AS want FROM unnest([${wkts.map((w) => `'${w}'`).join(', ')}]) t(w)`,
    );
    const columns = resultColumns(reader.columnNames(), reader.columnTypes());
    expect(columns.map((col) => col.kind)).toEqual(['geometry', 'geometry', 'text']);
    const [g, wkb, want] = convertColumns(columns, reader.getColumns());
    for (let i = 0; i < wkts.length; i++) {
      expect(JSON.parse(String(g![i])), wkts[i]).toEqual(JSON.parse(String(want![i])));
      expect(JSON.parse(String(wkb![i])), wkts[i]).toEqual(JSON.parse(String(want![i])));
    }
    // Z dropped; a BLOB of another name stays text; bytes that are no WKB under a WKB name become null.
    const more = await c.runAndReadAll(`SELECT ST_GeomFromText('POINT Z (1 2 3)') AS z, '\\x01'::BLOB AS payload, '\\x01\\x02'::BLOB AS wkb`);
    const moreColumns = resultColumns(more.columnNames(), more.columnTypes());
    expect(moreColumns.map((col) => col.kind)).toEqual(['geometry', 'text', 'geometry']);
    expect(convertColumns(moreColumns, more.getColumns()).map((v) => v[0])).toEqual(['{"type":"Point","coordinates":[1,2]}', expect.any(String), null]);
  } finally {
    c.closeSync();
    instance.closeSync();
  }
});

it.skipIf(!spatial)('shows a geometry of another CRS in lon/lat: the query wrapped so DuckDB transforms it', async () => {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const c = await instance.connect();
  try {
    await c.run(`LOAD '${spatial}'`);
    const sql = `SELECT 'Charing Cross' AS name, ST_SetCRS(ST_Point(530000, 180000), 'EPSG:27700') AS g, ST_Point(1, 2) AS here`;
    const prepared = await c.prepare(sql);
    const [names, before] = namesAndTypes(prepared);
    const wrapped = inLonLat(names, before, sql)!;
    prepared.destroySync();
    const reader = await c.runAndReadAll(wrapped);
    expect(reader.columnNames()).toEqual(['name', 'g', 'here']);
    const columns = resultColumns(reader.columnNames(), reader.columnTypes(), before);
    // The grid says what SQL sees: the file's CRS, shown in lon/lat.
    expect(columns[1]!.type).toBe("GEOMETRY('EPSG:27700') shown in lon/lat");
    expect(columns[2]!.type).toBe('GEOMETRY');
    const [, g, here] = convertColumns(columns, reader.getColumns());
    const [lon, lat] = (JSON.parse(String(g![0])) as { coordinates: number[] }).coordinates;
    expect([lon!.toFixed(4), lat!.toFixed(4)]).toEqual(['-0.1284', '51.5040']);
    expect(here![0]).toBe('{"type":"Point","coordinates":[1,2]}');
    // Already in lon/lat: nothing to wrap.
    const plain = await c.prepare('SELECT ST_Point(1, 2) AS p');
    expect(inLonLat(...namesAndTypes(plain), 'SELECT ST_Point(1, 2) AS p')).toBeUndefined();
    plain.destroySync();
  } finally {
    c.closeSync();
    instance.closeSync();
  }
});
