/** Notebooks: SQL over the history and opened files, on the engine's notebook thread; results paged as Arrow IPC. */
import { z } from 'zod';
import { Binary, JobIdSchema } from './contract';

const QueryId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64');

export const ResultColumnSchema = z.object({
  name: z.string(),
  /** DuckDB's name of the type (`TIMESTAMP WITH TIME ZONE`, `STRUCT(a INTEGER)`…). */
  type: z.string(),
  /**
   * How its values come in the Arrow pages: 64-bit integers exact (H3 cells), instants as epoch ms, GEOMETRY
   * (and WKB blobs named geom, geometry, wkb, shape, the_geom) as GeoJSON geometry text in lon/lat (null
   * where the WKB is invalid), what has no Arrow kind here as text.
   */
  kind: z.enum(['bool', 'int32', 'int64', 'uint64', 'float', 'time', 'text', 'geometry']),
});
export type ResultColumn = z.infer<typeof ResultColumnSchema>;

/**
 * How far a running query is (its progress on `jobs.progress`): rows read so far, DuckDB's estimate (0–100)
 * when it has one, and the result's columns once DuckDB knows them (its first rows can be paged meanwhile).
 */
export const QueryFiguresSchema = z.object({
  rows: z.number(),
  percent: z.number().optional(),
  columns: z.array(ResultColumnSchema).optional(),
});

const OpenedViewSchema = z.object({
  view: z.string(),
  path: z.string(),
  kind: z.enum(['parquet', 'csv', 'tsv', 'ndjson', 'json', 'geojson', 'geopackage', 'shapefile', 'kml', 'flatgeobuf', 'geoparquet']),
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  /** A GIS file: the layer read, every layer it has (features, CRS), the CRS `geom` was reprojected from (null: left as it is). */
  layer: z.string().optional(),
  layers: z.array(z.object({ name: z.string(), features: z.number(), crs: z.string().nullable() })).optional(),
  crs: z.string().nullable().optional(),
  /** What the analyst should know about the view, in a sentence. */
  note: z.string().optional(),
});
export type OpenedView = z.infer<typeof OpenedViewSchema>;

export const notebooksMethods = {
  /**
   * Opens a file, a folder of Parquet (hive partitions too) or a glob as a view named after it: Parquet,
   * CSV, TSV, NDJSON, JSON or GeoJSON (a row per feature); a GeoPackage (its `layer`, the first by default),
   * Shapefile (.shp beside its side files, or zipped), KML/KMZ, FlatGeobuf or GeoParquet with its geometry as
   * `geom` in WGS84. Only inside `notebooks.roots`.
   */
  'notebooks.open': {
    params: z.object({ path: z.string().min(1).max(4096), layer: z.string().min(1).max(256).optional() }).strict(),
    result: OpenedViewSchema,
    invalidates: ['notebooks.sources'],
  },
  /** The files opened so far. */
  'notebooks.sources': { params: z.object({}).strict(), result: z.array(OpenedViewSchema) },
  /**
   * Runs SQL over the views `positions`, `fence_events`, `quarantine` and `fences` (a snapshot at most a
   * few seconds old) and keeps its first rows (`notebooks.maxRows`) to page through under `queryId`. Resolves
   * when the query is done; rows can be paged while it runs. A SQL error is invalid params at
   * `sql.<line>.<column>`. A job: with a `jobId` its progress comes on `jobs.progress`, and `jobs.cancel`
   * interrupts it (it then rejects as cancelled).
   */
  'notebooks.run': {
    params: z
      .object({
        /** Names the result: its rows are paged, and let go, under this id. */
        queryId: QueryId,
        jobId: JobIdSchema.optional(),
        sql: z.string().min(1).max(1_000_000),
        /** The result becomes a view of this name too: later cells query it. */
        name: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'letters, digits and _, not starting with a digit')
          .optional(),
      })
      .strict(),
    result: z.object({
      columns: z.array(ResultColumnSchema),
      rows: z.number(),
      nulls: z.array(z.number()),
      truncated: z.boolean(),
      ms: z.number(),
      snapshotAt: z.number(),
    }),
  },
  /** Rows [offset, offset + limit) of a result as an Arrow IPC stream; waits for them while the query runs. */
  'notebooks.page': {
    params: z.object({ queryId: QueryId, offset: z.number().int().nonnegative(), limit: z.number().int().min(1).max(100_000) }).strict(),
    result: Binary,
  },
  /**
   * The whole result of the SQL (not only the rows kept to show) as a file: CSV, Parquet, a JSON array,
   * GeoJSON (a feature per row, placed by its h3/cell, lat and lon, or geometry column; the rest as
   * properties), or — with the spatial extension — GeoParquet, GeoPackage, a zipped Shapefile or FlatGeobuf
   * in EPSG:4326 (placed by its first GEOMETRY/WKB column, else as GeoJSON is), in a layer named `layer`.
   */
  'notebooks.export': {
    params: z
      .object({
        sql: z.string().min(1).max(1_000_000),
        format: z.enum(['csv', 'parquet', 'json', 'geojson', 'geoparquet', 'gpkg', 'shp', 'fgb']),
        layer: z
          .string()
          .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'letters, digits and _, not starting with a digit')
          .optional(),
      })
      .strict(),
    result: Binary,
  },
  /** DuckDB's completions at `cursor` (views, their columns, functions, keywords); `from` is where the word being completed starts. */
  'notebooks.complete': {
    params: z.object({ sql: z.string().max(1_000_000), cursor: z.number().int().nonnegative() }).strict(),
    result: z.object({
      from: z.number(),
      options: z.array(z.object({ label: z.string(), type: z.enum(['table', 'column', 'function', 'keyword']) })),
    }),
  },
  /** Lets a result go. */
  'notebooks.close': { params: z.object({ queryId: QueryId }).strict(), result: z.object({ closed: z.boolean() }) },
} as const;
