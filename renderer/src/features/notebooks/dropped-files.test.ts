import { expect, it } from 'vitest';
import { planDrop } from './dropped-files';

const file = (name: string) => new File(['x'], name);

it('opens a dropped .sql as the notebook and data files by the path the desktop gives', () => {
  const paths: Record<string, string> = { 'trips.parquet': '/home/me/trips.parquet', 'zones.geojson': '/home/me/zones.geojson' };
  const plan = planDrop([file('trips.parquet'), file('q.sql'), file('zones.geojson'), file('other.sql')], (f) => paths[f.name]);
  expect(plan.notebook?.name).toBe('q.sql');
  expect(plan.paths).toEqual(['/home/me/trips.parquet', '/home/me/zones.geojson']);
  expect(plan.unplaced).toEqual(['other.sql']);
});

it('in a browser, says which data files have no known path', () => {
  const plan = planDrop([file('trips.parquet'), file('q.SQL')]);
  expect(plan.notebook?.name).toBe('q.SQL');
  expect(plan.paths).toEqual([]);
  expect(plan.unplaced).toEqual(['trips.parquet']);
});

it('opens a Shapefile dropped with its side files once, by its .shp (GDAL reads the others beside it)', () => {
  const names = ['zones.shp', 'zones.shx', 'zones.dbf', 'zones.prj', 'other.dbf'];
  const plan = planDrop(names.map(file), (f) => `/home/me/${f.name}`);
  expect(plan.paths).toEqual(['/home/me/zones.shp', '/home/me/other.dbf']);
});
