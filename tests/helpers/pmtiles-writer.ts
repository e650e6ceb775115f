import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

/** A solid-colour 256 px PNG (RGB, no filter). */
export function solidPng([r, g, b]: [number, number, number], size = 256): Buffer {
  const row = Buffer.alloc(1 + size * 3);
  for (let x = 0; x < size; x++) row.set([r, g, b], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: size }, () => row));
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function varints(values: number[]): Buffer {
  const bytes: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
  }
  return Buffer.from(bytes);
}

/**
 * A PMTiles v3 archive of raster tiles, every tile from zoom 0 to `maxZoom` the same PNG: one directory
 * entry whose run covers them all (tile ids of zooms 0…z are consecutive). Enough for a basemap test:
 * the map shows the colour everywhere it draws the archive.
 */
export function writeRasterPmtiles(path: string, options: { rgb: [number, number, number]; maxZoom?: number }): void {
  const maxZoom = options.maxZoom ?? 2;
  const tiles = ((1 << (2 * (maxZoom + 1))) - 1) / 3;
  const png = solidPng(options.rgb);
  // Directory: count, tile-id deltas, run lengths, lengths, offsets + 1.
  const directory = varints([1, 0, tiles, png.length, 1]);
  const metadata = Buffer.from(JSON.stringify({ name: 'test raster', attribution: 'hexwatch tests' }));
  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const u64 = (offset: number, value: number) => header.writeBigUInt64LE(BigInt(value), offset);
  const rootOffset = 127;
  const metadataOffset = rootOffset + directory.length;
  const dataOffset = metadataOffset + metadata.length;
  u64(8, rootOffset);
  u64(16, directory.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, dataOffset); // no leaf directories
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, png.length);
  u64(72, tiles);
  u64(80, 1);
  u64(88, 1);
  header.set([1, 1, 1, 2, 0, maxZoom], 96); // clustered, no internal compression, no tile compression, PNG, zooms
  header.writeInt32LE(-1800000000, 102);
  header.writeInt32LE(-850000000, 106);
  header.writeInt32LE(1800000000, 110);
  header.writeInt32LE(850000000, 114);
  header.writeUInt8(0, 118);
  writeFileSync(path, Buffer.concat([header, directory, metadata, png]));
}
