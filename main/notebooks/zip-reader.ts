import { inflateRawSync } from 'node:zlib';

/** One file out of a zip archive. */
export interface ZipEntry {
  /** Its path inside the archive, with `/` between folders. */
  path: string;
  bytes: Buffer;
}

/** Why an archive cannot be read: said to the analyst as it is. */
export class ZipError extends Error {
  override name = 'ZipError';
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/**
 * The files of a zip archive (a zipped Shapefile, a KMZ), read with node's zlib: the sandboxed DuckDB
 * refuses GDAL's `/vsizip/` paths, so archives are unpacked into the import's scratch folder first.
 * Stored and deflated entries only (what every zip tool writes); no zip64, no encryption. `maxBytes`
 * bounds the unpacked total, so a zip bomb is refused instead of filling the disk.
 */
export function readZip(zip: Buffer, maxBytes: number): ZipEntry[] {
  // The end record sits in the last 22 bytes plus a comment of at most 64 KiB.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipError('not a zip archive (no central directory)');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new ZipError('the zip archive is damaged (central directory)');
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const path = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    if (flags & 1) throw new ZipError(`${path} in the zip is encrypted`);
    if (compressed === 0xffffffff || size === 0xffffffff) throw new ZipError('zip64 archives are not read: zip the files again without zip64');
    total += size;
    if (total > maxBytes) throw new ZipError(`the zip unpacks to more than ${Math.round(maxBytes / 2 ** 20)} MB`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== LOCAL_FILE_HEADER) throw new ZipError(`the zip archive is damaged (${path})`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (method === 0) entries.push({ path, bytes: Buffer.from(data) });
    else if (method === 8) entries.push({ path, bytes: inflateRawSync(data, { maxOutputLength: Math.max(1, size) }) });
    else throw new ZipError(`${path} in the zip is compressed with method ${method}: only stored and deflated files are read`);
  }
  return entries;
}
