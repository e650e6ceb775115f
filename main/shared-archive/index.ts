/**
 * The fleet's one archive: every engine's parts in one shared folder or bucket, named by engine and
 * partition, compacted by each partition's owner, and read whole by notebooks.
 */
export { BucketPlace, FolderPlace, type ArchivePlace } from './archive-place';
export { FleetReader, type FleetShare, type LocalShare } from './fleet-reader';
export { SharedArchive, type CompactionResult, type SharedArchiveOptions, type SharedFaultPoint } from './shared-archive';
export { compactedName, parseSharedKey, sharedKeyOf, type SharedKey } from './shared-layout';
export { fleetPlaceOf, fleetReaderOf, openArchiveStorage, type ArchiveStorage } from './open-archive-storage';
