/** Fences: the registry with its versions, import and export, backtests, and where each is deployed. */
import { z } from 'zod';
import { FenceInputSchema, FenceSchema } from '../fence';
import { FenceEventSchema } from '../fence-event';
import { Epoch, JobIdSchema } from './contract';

const FenceIdParam = z.string().min(1).max(128);
const DeployStateSchema = z.object({ state: z.enum(['deployed', 'pending', 'error']), message: z.string().optional(), version: z.number() });
const EventTallySchema = z.object({ events: z.number(), byType: z.record(z.string(), z.number()), first: z.array(FenceEventSchema) });
const BacktestResultSchema = z.object({
  positions: z.number(),
  events: z.number(),
  byType: z.record(z.string(), z.number()),
  byDevice: z.array(z.object({ device_id: z.string(), events: z.number() })),
  first: z.array(FenceEventSchema),
  timeline: z.object({ from: z.number(), to: z.number(), counts: z.array(z.number()) }),
  /** With `compareWith`: what the saved fence fired over the same positions, and the events the draft gains and loses against it. */
  difference: z
    .object({
      before: z.object({ events: z.number(), byType: z.record(z.string(), z.number()) }),
      gained: EventTallySchema,
      lost: EventTallySchema,
    })
    .optional(),
});
const FeatureCollectionSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()).max(100_000) });

const UploadId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only, at most 64');
const PropertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A GIS file read for import: its layers, the chosen one's features in WGS84 (lon/lat), and what the file said of itself. */
export const GisPreviewSchema = z.object({
  /** The file read (inside a zip: its path there). */
  file: z.string(),
  /** Every layer of the file (a GeoPackage has several), with its feature count and CRS. */
  layers: z.array(z.object({ name: z.string(), features: z.number(), crs: z.string().nullable() })),
  layer: z.string(),
  /** The CRS the coordinates were read in (the file's own, or the one given); null: the file does not say. */
  crs: z.string().nullable(),
  /** The property columns, in the file's order. */
  columns: z.array(z.string()),
  /** A column called name (or title), offered as the fences' names. */
  nameColumn: z.string().nullable(),
  features: z.array(
    z.object({
      properties: z.record(z.string(), PropertyValue),
      /** GeoJSON in lon/lat; null when the feature has no geometry or its CRS is unknown. */
      geometry: z.object({ type: z.string(), coordinates: z.unknown() }).nullable(),
      /** The geometry's type as the file has it (POLYGON, LINESTRING…), null with none. */
      type: z.string().nullable(),
      empty: z.boolean(),
    }),
  ),
  /** More features than a preview holds: the first ones only. */
  truncated: z.boolean(),
});
export type GisPreview = z.infer<typeof GisPreviewSchema>;

/** How far a running backtest is (its progress on `jobs.progress`): positions read so far. */
export const BacktestFiguresSchema = z.object({ positions: z.number() });

export const fencesMethods = {
  /** Every fence, with where it is deployed. */
  'fences.list': { params: z.object({}).strict(), result: z.array(FenceSchema) },
  /** One fence and every version of it. */
  'fences.get': {
    params: z.object({ id: FenceIdParam }).strict(),
    result: z.object({ fence: FenceSchema, history: z.array(z.object({ version: z.number(), at: z.number(), fence: FenceSchema.optional() })) }),
  },
  /** Creates a fence or saves its next version (`expectedVersion` refuses a stale edit). Each problem of an invalid fence is named. */
  'fences.save': {
    params: z.object({ fence: FenceInputSchema, expectedVersion: z.number().int().nonnegative().optional() }).strict(),
    result: FenceSchema,
    invalidates: ['fences.list', 'fences.status', 'fences.get'],
  },
  'fences.enable': {
    params: z.object({ id: FenceIdParam, enabled: z.boolean() }).strict(),
    result: FenceSchema,
    invalidates: ['fences.list', 'fences.status'],
  },
  /** Deletes a fence (devices inside it get a synthetic exit). */
  'fences.remove': {
    params: z.object({ id: FenceIdParam }).strict(),
    result: z.object({ removed: z.boolean() }),
    invalidates: ['fences.list', 'fences.status'],
  },
  /** Imports a GeoJSON FeatureCollection: valid features are saved, invalid ones reported by index. */
  'fences.import': {
    params: z.object({ collection: FeatureCollectionSchema }).strict(),
    result: z.object({ saved: z.array(z.string()), errors: z.array(z.object({ index: z.number(), id: z.string().optional(), message: z.string() })) }),
    invalidates: ['fences.list', 'fences.status'],
  },
  /**
   * A piece of a GIS file on its way to `fences.readFile` (the web bridge carries JSON messages of at most
   * 1 MiB, so files travel as base64 pieces, in order: `offset` is the bytes already sent). Several files
   * go under one `upload` (a Shapefile's .shp, .shx, .dbf, .prj, .cpg).
   */
  'fences.upload': {
    params: z
      .object({
        upload: UploadId,
        name: z.string().min(1).max(200),
        offset: z.number().int().nonnegative(),
        data: z
          .string()
          .max(700_000)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
      })
      .strict(),
    result: z.object({ bytes: z.number() }),
  },
  /**
   * Reads the files of an upload (a GeoPackage, a Shapefile or its zip, KML/KMZ, FlatGeobuf, GeoJSON,
   * GeoParquet) with DuckDB's spatial extension in the notebooks' sandbox, reprojected from the file's CRS
   * (or `crs`, when the file does not say) to WGS84; the upload is deleted after. Nothing is imported:
   * `fences.import` takes the features chosen from the preview.
   */
  'fences.readFile': {
    params: z
      .object({
        upload: UploadId,
        layer: z.string().min(1).max(256).optional(),
        crs: z
          .string()
          .regex(/^[A-Za-z]+:[A-Za-z0-9]+$/, 'an authority and code, e.g. EPSG:27700')
          .optional(),
      })
      .strict(),
    result: GisPreviewSchema,
  },
  'fences.export': { params: z.object({}).strict(), result: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }) },
  /** What a draft fence would have fired over a time range of the archive, without deploying it. */
  'fences.backtest': {
    params: z
      .object({
        fence: FenceInputSchema,
        from: Epoch.optional(),
        to: Epoch.optional(),
        limit: z.number().int().min(1).max(10_000).default(100),
        /** The saved fence an edit started from: run beside the draft over the same positions, their difference in the result. */
        compareWith: FenceInputSchema.optional(),
        /** Runs it as a job: its progress comes on `jobs.progress`, and `jobs.cancel` stops it. */
        jobId: JobIdSchema.optional(),
      })
      .strict(),
    result: BacktestResultSchema,
  },
  /** A device's archived positions over a backtest's range, in time order: its track through the fence. */
  'fences.backtestTrack': {
    params: z
      .object({
        device_id: z.string().min(1).max(256),
        from: Epoch.optional(),
        to: Epoch.optional(),
        limit: z.number().int().min(1).max(50_000).default(5000),
      })
      .strict(),
    result: z.object({ points: z.array(z.object({ ts: z.number(), lat: z.number(), lon: z.number() })), truncated: z.boolean() }),
  },
  /** Which engine decides events, and for Tile38 the connection and each fence's deployment. */
  'fences.status': {
    params: z.object({}).strict(),
    result: z.object({
      engine: z.enum(['embedded', 'tile38']),
      fences: z.number(),
      devices: z.number(),
      connection: z.enum(['connecting', 'connected', 'reconnecting', 'error']).optional(),
      error: z.string().optional(),
      deploy: z.record(z.string(), DeployStateSchema).optional(),
      /** Fixes handed to Tile38 but not yet SET: how far it lags behind. */
      waiting: z.number().optional(),
      /** The Tile38 server's release, once connected (the About box names it). */
      serverVersion: z.string().optional(),
      /** Where fences live: this engine's file, or the fleet's NATS bucket (its state, and which engine deploys to Tile38). */
      registry: z
        .object({
          kind: z.enum(['local', 'nats']),
          state: z.enum(['connecting', 'watching', 'error']).optional(),
          error: z.string().optional(),
          /** The engine holding the Tile38 deploy lease, as last seen; `deploying` when it is this one. */
          deployer: z.string().optional(),
          deploying: z.boolean().optional(),
        })
        .optional(),
      /** The Tile38 that reads go to: a follower when one is configured. */
      readsFrom: z.string().optional(),
    }),
  },
} as const;

export const fencesChannels = {
  /** The live event feed: every fence event as the built-in `feed` target delivers it. */
  'fences.event': z.object({ id: z.string(), event: FenceEventSchema }),
  /** A fence was saved, enabled, disabled, imported or deleted (by any client): lists refresh. */
  'fences.changed': z.object({ fences: z.number() }),
} as const;
