import type Database from 'better-sqlite3';
import type { z } from 'zod';
import { FenceInputSchema, type Fence, type FenceGeometry, type FenceInput } from '../../shared/fence';
import { openDatabase } from '../sqlite';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE fences (
    id         TEXT    PRIMARY KEY,
    body       TEXT    NOT NULL,
    enabled    INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  -- Every version of every fence, deleted ones included: what was deployed when.
  CREATE TABLE fence_versions (
    id      TEXT    NOT NULL,
    version INTEGER NOT NULL,
    body    TEXT,
    at      INTEGER NOT NULL,
    PRIMARY KEY (id, version)
  );
  `,
];

/** A fence refused, with each problem at its place in the fence (e.g. `geometry.coordinates.0`). */
export class FenceValidationError extends Error {
  override name = 'FenceValidationError';
  constructor(
    readonly fenceId: string | undefined,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`fence ${fenceId ? `"${fenceId}" ` : ''}is invalid: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
  }
}

/** An edit of a version that is no longer the fence's: someone saved it meanwhile (here, or on another engine of the fleet). */
export const editedMeanwhile = (id: string, current: number, expected: number) =>
  new FenceValidationError(id, [{ path: 'version', message: `was edited meanwhile: it is at version ${current}, not ${expected}` }]);

const describe = (error: z.ZodError) => error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

/** Validates a fence as the user wrote it; throws FenceValidationError naming every problem. */
export function parseFence(input: unknown): z.output<typeof FenceInputSchema> {
  const r = FenceInputSchema.safeParse(input);
  if (!r.success)
    throw new FenceValidationError(typeof (input as { id?: unknown })?.id === 'string' ? (input as { id: string }).id : undefined, describe(r.error));
  return r.data;
}

/** One version of a fence as the fleet's registry holds it: `fence` null where the version is its deletion. */
export interface FenceRecord {
  id: string;
  version: number;
  at: number;
  fence: Fence | null;
}

export interface GeoJsonFeature {
  type: 'Feature';
  id?: string;
  geometry: { type: string; coordinates: unknown };
  properties: Record<string, unknown> | null;
}

/** Fences in SQLite (`<data dir>/fences.sqlite`), versioned; listeners hear every change. */
export class FenceRegistry {
  private readonly listeners = new Set<(fences: Fence[]) => void>();

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number,
  ) {}

  static open(file: string, options: { clock?: () => number; busyTimeoutMs?: number } = {}): FenceRegistry {
    return new FenceRegistry(
      openDatabase(file, { migrations: MIGRATIONS, synchronous: 'full', busyTimeoutMs: options.busyTimeoutMs }),
      options.clock ?? Date.now,
    );
  }

  close(): void {
    this.listeners.clear();
    this.db.close();
  }

  onChange(listener: (fences: Fence[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every fence, with when it was last saved. */
  list(): Fence[] {
    return (this.db.prepare('SELECT body, updated_at FROM fences ORDER BY id').all() as { body: string; updated_at: number }[]).map((r) => ({
      ...(JSON.parse(r.body) as Fence),
      updated_at: r.updated_at,
    }));
  }

  get(id: string): Fence | undefined {
    const r = this.db.prepare('SELECT body FROM fences WHERE id = ?').get(id) as { body: string } | undefined;
    return r ? (JSON.parse(r.body) as Fence) : undefined;
  }

  /** Creates a fence, or replaces it as its next version. `expectedVersion` refuses a stale edit. */
  save(input: FenceInput, expectedVersion?: number): Fence {
    const parsed = parseFence(input);
    const fence = this.db
      .transaction(() => {
        const current = this.get(parsed.id);
        if (expectedVersion !== undefined && (current?.version ?? 0) !== expectedVersion)
          throw editedMeanwhile(parsed.id, current?.version ?? 0, expectedVersion);
        return this.write({ ...parsed, version: (current?.version ?? 0) + 1 }, current === undefined);
      })
      .immediate();
    this.changed();
    return fence;
  }

  setEnabled(id: string, enabled: boolean): Fence {
    const fence = this.db
      .transaction(() => {
        const current = this.get(id);
        if (!current) throw new FenceValidationError(id, [{ path: 'id', message: 'no such fence' }]);
        return this.write({ ...current, enabled, version: current.version + 1 }, false);
      })
      .immediate();
    this.changed();
    return fence;
  }

  remove(id: string): boolean {
    const now = this.clock();
    const removed = this.db
      .transaction(() => {
        const current = this.get(id);
        if (!current) return false;
        this.db.prepare('DELETE FROM fences WHERE id = ?').run(id);
        this.db.prepare('INSERT INTO fence_versions (id, version, body, at) VALUES (?, ?, NULL, ?)').run(id, current.version + 1, now);
        return true;
      })
      .immediate();
    if (removed) this.changed();
    return removed;
  }

  /**
   * As a cache of the fleet's registry: takes every version the registry holds, in order, in place of what the file
   * had (the registry is the truth; versions it no longer keeps are gone from the list too).
   */
  replaceAll(records: readonly FenceRecord[]): void {
    this.db
      .transaction(() => {
        this.db.exec('DELETE FROM fences; DELETE FROM fence_versions');
        for (const r of records) this.applyOne(r);
      })
      .immediate();
    this.changed();
  }

  /** As a cache: versions from the fleet's registry; one the file has already (its own save coming back) changes nothing. */
  applyRecords(records: readonly FenceRecord[]): void {
    const changed = this.db.transaction(() => records.filter((r) => this.applyOne(r)).length > 0).immediate();
    if (changed) this.changed();
  }

  /** Every version this file holds, oldest first per fence: what a first engine seeds the fleet's registry with. */
  allVersions(): FenceRecord[] {
    return (
      this.db.prepare('SELECT id, version, body, at FROM fence_versions ORDER BY id, version').all() as {
        id: string;
        version: number;
        body: string | null;
        at: number;
      }[]
    ).map((r) => ({ id: r.id, version: r.version, at: r.at, fence: r.body ? (JSON.parse(r.body) as Fence) : null }));
  }

  /** Records one version; when it is the newest the file has seen, it becomes the fence's state. True when anything changed. */
  private applyOne(r: FenceRecord): boolean {
    const latest = (this.db.prepare('SELECT MAX(version) AS v FROM fence_versions WHERE id = ?').get(r.id) as { v: number | null }).v;
    const body = r.fence ? JSON.stringify(r.fence) : null;
    const added =
      this.db.prepare('INSERT OR IGNORE INTO fence_versions (id, version, body, at) VALUES (?, ?, ?, ?)').run(r.id, r.version, body, r.at).changes > 0;
    if (latest !== null && r.version <= latest) return added;
    if (!r.fence) return this.db.prepare('DELETE FROM fences WHERE id = ?').run(r.id).changes > 0 || added;
    this.db
      .prepare(
        `INSERT INTO fences (id, body, enabled, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET body = excluded.body, enabled = excluded.enabled, version = excluded.version, updated_at = excluded.updated_at`,
      )
      .run(r.id, body, r.fence.enabled ? 1 : 0, r.version, r.at, r.at);
    return true;
  }

  /** Versions of a fence, oldest first (`fence` undefined where it was deleted). */
  history(id: string): { version: number; at: number; fence?: Fence }[] {
    return (
      this.db.prepare('SELECT version, body, at FROM fence_versions WHERE id = ? ORDER BY version').all(id) as {
        version: number;
        body: string | null;
        at: number;
      }[]
    ).map((r) => ({
      version: r.version,
      at: r.at,
      ...(r.body ? { fence: JSON.parse(r.body) as Fence } : {}),
    }));
  }

  /**
   * Imports a GeoJSON FeatureCollection: each valid feature is saved (created or a new version), each
   * invalid one is reported with its index and problems, and the valid ones are kept all the same.
   */
  importCollection(collection: unknown): { saved: string[]; errors: { index: number; id?: string; message: string }[] } {
    const features = featuresOf(collection);
    const saved: string[] = [];
    const errors: { index: number; id?: string; message: string }[] = [];
    features.forEach((feature, index) => {
      try {
        saved.push(this.save(fenceOfFeature(feature as GeoJsonFeature, index)).id);
      } catch (err) {
        if (!(err instanceof FenceValidationError)) throw err;
        errors.push({ index, ...(err.fenceId ? { id: err.fenceId } : {}), message: err.message });
      }
    });
    return { saved, errors };
  }

  /** Every fence as a GeoJSON FeatureCollection (circles as a Point with `radius_m`, rectangles with their bbox). */
  exportCollection(): { type: 'FeatureCollection'; features: GeoJsonFeature[] } {
    return { type: 'FeatureCollection', features: this.list().map(featureOfFence) };
  }

  private write(fence: Fence, created: boolean): Fence {
    const now = this.clock();
    const body = JSON.stringify(fence);
    if (created)
      this.db
        .prepare('INSERT INTO fences (id, body, enabled, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(fence.id, body, fence.enabled ? 1 : 0, fence.version, now, now);
    else
      this.db
        .prepare('UPDATE fences SET body = ?, enabled = ?, version = ?, updated_at = ? WHERE id = ?')
        .run(body, fence.enabled ? 1 : 0, fence.version, now, fence.id);
    this.db.prepare('INSERT OR REPLACE INTO fence_versions (id, version, body, at) VALUES (?, ?, ?, ?)').run(fence.id, fence.version, body, now);
    return fence;
  }

  private changed(): void {
    const fences = this.list();
    for (const l of this.listeners) l(fences);
  }
}

/** The features of a GeoJSON FeatureCollection; anything else is refused. */
export function featuresOf(collection: unknown): unknown[] {
  const features =
    (collection as { type?: string; features?: unknown[] })?.type === 'FeatureCollection' ? (collection as { features: unknown[] }).features : undefined;
  if (!Array.isArray(features)) throw new FenceValidationError(undefined, [{ path: '', message: 'expected a GeoJSON FeatureCollection' }]);
  return features;
}

/** A GeoJSON feature as a fence to save (an id made from its place when it has none). */
export function fenceOfFeature(f: GeoJsonFeature, index: number): FenceInput {
  const p = f?.properties ?? {};
  const id = String(p.id ?? f?.id ?? `fence-${index + 1}`);
  let geometry: unknown = f?.geometry;
  if (f?.geometry?.type === 'Point' && typeof p.radius_m === 'number') geometry = { type: 'Circle', center: f.geometry.coordinates, radius_m: p.radius_m };
  else if (p.shape === 'Rectangle' && Array.isArray(p.bbox)) geometry = { type: 'Rectangle', bbox: p.bbox };
  return {
    id,
    name: typeof p.name === 'string' ? p.name : id,
    geometry: geometry as FenceGeometry,
    detect: (Array.isArray(p.detect) ? p.detect : ['enter', 'exit']) as Fence['detect'],
    ...(typeof p.dwell_s === 'number' ? { dwell_s: p.dwell_s } : {}),
    targets: Array.isArray(p.targets) ? (p.targets as string[]) : [],
    enabled: p.enabled !== false,
  };
}

function featureOfFence(fence: Fence): GeoJsonFeature {
  const { geometry: g, updated_at: _at, ...props } = fence;
  const properties: Record<string, unknown> = { ...props };
  switch (g.type) {
    case 'Circle':
      return { type: 'Feature', id: fence.id, geometry: { type: 'Point', coordinates: g.center }, properties: { ...properties, radius_m: g.radius_m } };
    case 'Rectangle': {
      const [w, s, e, n] = g.bbox;
      const ring = [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ];
      return {
        type: 'Feature',
        id: fence.id,
        geometry: { type: 'Polygon', coordinates: [ring] },
        properties: { ...properties, shape: 'Rectangle', bbox: g.bbox },
      };
    }
    default:
      return { type: 'Feature', id: fence.id, geometry: { type: g.type, coordinates: g.coordinates }, properties };
  }
}
