import { describe, expect, it } from 'vitest';
import { spatialRefusal } from './gis-view';

describe('opening a GIS file without DuckDB spatial', () => {
  it('is refused in one line saying what is missing and how to get it', () => {
    const refusal = spatialRefusal([{ name: 'spatial', loaded: false }], '/data/zones.gpkg')!;
    expect(refusal).toMatch(
      /^zones\.gpkg is read with DuckDB's spatial extension, which is not loaded: the DuckDB extension "spatial" is not installed: in a checkout, npm install provisions it/,
    );
    expect(refusal).not.toContain('\n');
    expect(spatialRefusal([{ name: 'spatial', loaded: false, missing: 'its signature did not check' }], '/data/z.kml')).toBe(
      "z.kml is read with DuckDB's spatial extension, which is not loaded: its signature did not check",
    );
  });

  it('lets it through when spatial is loaded', () => {
    expect(spatialRefusal([{ name: 'spatial', loaded: true, from: 'cache' }], '/data/zones.gpkg')).toBeUndefined();
  });
});
