/** The files a result, the fences or the fence events leave as (`notebooks.export`): each one's name on screen, type and file ending. */
export const EXPORT_FORMATS = {
  csv: { label: 'CSV', mime: 'text/csv', ending: 'csv', spatial: false },
  parquet: { label: 'Parquet', mime: 'application/vnd.apache.parquet', ending: 'parquet', spatial: false },
  geojson: { label: 'GeoJSON', mime: 'application/geo+json', ending: 'geojson', spatial: true },
  geoparquet: { label: 'GeoParquet', mime: 'application/vnd.apache.parquet', ending: 'parquet', spatial: true },
  gpkg: { label: 'GeoPackage', mime: 'application/geopackage+sqlite3', ending: 'gpkg', spatial: true },
  shp: { label: 'Shapefile (zip)', mime: 'application/zip', ending: 'shp.zip', spatial: true },
  fgb: { label: 'FlatGeobuf', mime: 'application/octet-stream', ending: 'fgb', spatial: true },
} as const;
export type ExportFormat = keyof typeof EXPORT_FORMATS;

/** The GIS files, written by DuckDB's spatial extension. */
export const GIS_FORMATS = ['geoparquet', 'gpkg', 'shp', 'fgb'] as const satisfies readonly ExportFormat[];
export type GisFormat = (typeof GIS_FORMATS)[number];
