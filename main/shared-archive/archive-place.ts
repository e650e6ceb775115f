import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { durableRename, rmdirIfEmpty, tmpPathOf, unlinkIfPresent } from '../archive';
import { deleteObject, getFile, listAllObjects, parseS3Url, putFile, type S3Access } from '../s3';

/**
 * Where the fleet's archive lives: a folder every engine mounts, or a bucket. Keys are relative to its
 * root (`positions/date=…/…/part-….parquet`); a reader (DuckDB) reads a key at `locate(key)`.
 */
export interface ArchivePlace {
  /** The place as the settings name it (a folder, or s3://bucket/prefix/). */
  readonly url: string;
  /** A path or URL DuckDB reads the key at. */
  locate(key: string): string;
  /** Every finished part's key under `table/`. */
  list(table: string): Promise<string[]>;
  /** Puts a local file there under `key`, whole or not at all. */
  put(key: string, file: string): Promise<void>;
  /** A local path holding the key's bytes: the file itself in a folder, a download into `scratch` from a bucket. */
  fetch(key: string, scratch: string): Promise<string>;
  remove(key: string): Promise<void>;
}

/** A shared folder (NFS, SMB…): parts written under a hidden temporary name and renamed into place durably, as locally. */
export class FolderPlace implements ArchivePlace {
  constructor(readonly url: string) {}

  locate(key: string): string {
    return join(this.url, key);
  }

  async list(table: string): Promise<string[]> {
    let names: string[];
    try {
      names = (await readdir(join(this.url, table), { recursive: true })).map(String);
    } catch {
      return []; // nothing written yet
    }
    return names.filter((n) => n.endsWith('.parquet') && !n.split('/').some((seg) => seg.startsWith('.'))).map((n) => `${table}/${n}`);
  }

  async put(key: string, file: string): Promise<void> {
    const to = this.locate(key);
    await mkdir(dirname(to), { recursive: true });
    const tmp = tmpPathOf(to);
    await copyFile(file, tmp);
    await durableRename(tmp, to);
  }

  fetch(key: string): Promise<string> {
    return Promise.resolve(this.locate(key));
  }

  async remove(key: string): Promise<void> {
    const file = this.locate(key);
    await unlinkIfPresent(file);
    // The engine's folder, then the partition's and the hour's, when nothing else is left in them.
    for (let d = dirname(file), i = 0; i < 3; d = dirname(d), i++) await rmdirIfEmpty(d);
  }
}

/** A bucket prefix (archive.s3Url), through the engine's own signed calls; DuckDB reads it through httpfs. */
export class BucketPlace implements ArchivePlace {
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    readonly url: string,
    private readonly access: S3Access,
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Url(url));
  }

  locate(key: string): string {
    return `s3://${this.bucket}/${this.prefix}${key}`;
  }

  async list(table: string): Promise<string[]> {
    const keys = await listAllObjects(this.access, this.bucket, `${this.prefix}${table}/`);
    return keys.filter((k) => k.endsWith('.parquet')).map((k) => k.slice(this.prefix.length));
  }

  put(key: string, file: string): Promise<void> {
    return putFile(this.access, this.bucket, `${this.prefix}${key}`, file);
  }

  async fetch(key: string, scratch: string): Promise<string> {
    const file = join(scratch, key.replace(/\//g, '_'));
    await getFile(this.access, this.bucket, `${this.prefix}${key}`, file);
    return file;
  }

  remove(key: string): Promise<void> {
    return deleteObject(this.access, this.bucket, `${this.prefix}${key}`);
  }
}
