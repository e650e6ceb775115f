/**
 * Object storage (S3 and S3-compatible stores): where the keys come from (notebooks make them a DuckDB
 * secret: notebooks/s3-secret.ts), the few signed calls the engine makes itself, and the copies of the archive to a bucket.
 */
export { objectStorageOf, objectUrl, parseS3Url, resolveS3Access, s3AccessOf, S3_SECRET_ENV, type KeysFrom, type S3Access, type S3Settings } from './s3-access';
export { deleteObject, getFile, listAllObjects, listObjects, putFile, S3Error, type Listing } from './s3-client';
export { UploadJournal, type UploadedPart } from './upload-journal';
export { PeriodicPass } from './periodic-pass';
export {
  ArchiveUploader,
  copyOutlives,
  openObjectStorage,
  remoteKey,
  startArchiveCopy,
  type ArchiveUploadOptions,
  type ArchiveUploadStatus,
} from './archive-upload';
export { engineIdOf } from './engine-id';
