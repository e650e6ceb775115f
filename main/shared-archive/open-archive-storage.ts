import { join } from 'node:path';
import { engineIdOf, objectStorageOf, openObjectStorage, UploadJournal, type ArchiveUploadStatus, type S3Access } from '../s3';
import { BucketPlace, FolderPlace, type ArchivePlace } from './archive-place';
import { FleetReader } from './fleet-reader';
import { SharedArchive } from './shared-archive';

type StorageConfig = Parameters<typeof openObjectStorage>[0] & {
  archive: { sharedDir: string; s3Url: string; s3IntervalS: number; engineId: string };
  cluster: { partitions: number };
  history: { graceS: number; retentionDays: number };
};

export interface ArchiveStorage {
  access: S3Access;
  /** Bucket prefixes SQL may read. */
  buckets: string[];
  /** Folders SQL may read besides the data dir's archive: the shared folder. */
  readRoots: string[];
  /** What the status bar's S3 pill shows: the copies to the bucket, or this engine's share of the fleet's archive there. */
  archiveCopy?: { status(): ArchiveUploadStatus; syncNow(): Promise<unknown>; stop(): Promise<void> };
  /** This engine's share of the fleet's archive (publishing and its owned partitions' compaction), when there is one. */
  shared?: SharedArchive;
  /** The fleet's archive as notebooks read it, when archive.sharedDir or archive.s3Url is set. */
  fleet?: FleetReader;
  stop(): Promise<void>;
}

/** The place of the fleet's one archive: archive.sharedDir, else archive.s3Url's bucket, else none. */
export function fleetPlaceOf(config: StorageConfig, access: S3Access): ArchivePlace | undefined {
  if (config.archive.sharedDir) return new FolderPlace(config.archive.sharedDir);
  return config.archive.s3Url ? new BucketPlace(config.archive.s3Url, access) : undefined;
}

/**
 * The engine's archive storage: buckets, the copies to archive.s3Url, and the fleet's one archive — a
 * shared folder (archive.sharedDir), or the bucket itself, where parts are split by partition when
 * cluster.partitions is set; an owned partition's hours are compacted there. `owns` says which
 * partitions this engine holds now (ingest's pins); until given, this engine compacts none.
 */
export function openArchiveStorage(
  config: StorageConfig,
  o: {
    env: Readonly<Record<string, string | undefined>>;
    dataDir: string;
    clock: () => number;
    log: (line: string) => void;
    owns?: (partition: number) => boolean;
  },
): ArchiveStorage {
  const sharedBucket = !config.archive.sharedDir && config.archive.s3Url && config.cluster.partitions > 0;
  // A partitioned fleet's bucket is the shared archive itself: parts go there split, not copied whole.
  const storage = sharedBucket ? { ...objectStorageOf(config, o.env), archiveCopy: undefined } : openObjectStorage(config, o);
  const place = fleetPlaceOf(config, storage.access);
  const archiveDir = join(o.dataDir, 'archive');
  const engineId = place ? engineIdOf(o.dataDir, config.archive.engineId) : '';
  const shared =
    place && (config.archive.sharedDir || sharedBucket)
      ? new SharedArchive({
          dataDir: o.dataDir,
          place,
          engineId,
          partitions: config.cluster.partitions,
          owns: o.owns ?? (() => false),
          intervalMs: config.archive.s3IntervalS * 1000,
          // Past the roll's grace and two publishing rounds: every engine's parts of the hour are there.
          graceMs: config.history.graceS * 1000 + 2 * config.archive.s3IntervalS * 1000,
          retentionDays: config.history.retentionDays,
          clock: o.clock,
          log: o.log,
        })
      : undefined;
  shared?.start();
  const copy = storage.archiveCopy;
  const published = shared ? (rel: string) => shared.published(rel) : (rel: string) => copy?.copied(rel) ?? false;
  const fleet = place && new FleetReader(place, engineId, archiveDir, published);
  return {
    access: storage.access,
    buckets: storage.buckets,
    readRoots: config.archive.sharedDir ? [config.archive.sharedDir] : [],
    ...(copy ? { archiveCopy: copy } : sharedBucket && shared ? { archiveCopy: shared } : {}),
    ...(shared ? { shared } : {}),
    ...(fleet ? { fleet } : {}),
    stop: async () => {
      await copy?.stop();
      await shared?.stop();
    },
  };
}

/**
 * The fleet's archive for `hexwatch sql` (no engine running here): what this data dir has put there is
 * read from its journal as it was last saved.
 */
export function fleetReaderOf(config: StorageConfig, o: { dataDir: string; access: S3Access }): FleetReader | undefined {
  const place = fleetPlaceOf(config, o.access);
  if (!place) return undefined;
  const engineId = engineIdOf(o.dataDir, config.archive.engineId);
  const own = config.archive.sharedDir || config.cluster.partitions > 0;
  const journal = own
    ? new UploadJournal(join(o.dataDir, 'shared-archive.json'), `${place.url} ${engineId}`)
    : new UploadJournal(join(o.dataDir, 's3-uploads.json'), `${config.archive.s3Url} ${engineId}`);
  return new FleetReader(place, engineId, join(o.dataDir, 'archive'), (rel) => journal.get(rel) !== undefined);
}
