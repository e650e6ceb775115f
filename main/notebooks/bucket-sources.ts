import { SourceError, sourceSql, viewNameOf, type GisKind, type OpenedSource, type SourceKind } from './sources';

// A bucket's files are read by DuckDB's own readers (httpfs); GDAL's formats are opened from local files only.
const KINDS: Record<string, Exclude<SourceKind, GisKind>> = {
  parquet: 'parquet',
  csv: 'csv',
  tsv: 'tsv',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  json: 'json',
  geojson: 'geojson',
};

/** Whether a path an analyst typed is a bucket URL (s3://…, https://…) rather than a file on this machine. */
export const isBucketUrl = (path: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(path);

/**
 * A bucket URL opened as a view: a file (Parquet, CSV, TSV, NDJSON, JSON, GeoJSON — GeoParquet is Parquet),
 * a folder (`…/`: its Parquet parts, hive folders read as columns) or a glob. Only under a prefix SQL may
 * read (notebooks.buckets, archive.s3Url): the sandbox would refuse the rest with a less helpful message.
 */
export function resolveBucketSource(url: string, buckets: readonly string[], taken: ReadonlySet<string>): OpenedSource {
  const inside = buckets.some((b) => url.startsWith(b.endsWith('/') ? b : `${b}/`) || url === b.replace(/\/$/, ''));
  if (!inside)
    throw new SourceError(
      buckets.length
        ? `${url} is outside the buckets notebooks may read (notebooks.buckets, archive.s3Url: ${buckets.join(', ')})`
        : `${url}: no bucket is open to notebooks — add its prefix to notebooks.buckets (or set archive.s3Url)`,
    );
  const glob = /[*?[]/.test(url);
  const folder = !glob && (url.endsWith('/') || !/\.[a-z0-9]+$/i.test(url));
  const ext = /\.([a-z0-9]+)$/i.exec(url.replace(/\*+$/, ''))?.[1]?.toLowerCase();
  const kind = folder ? 'parquet' : KINDS[ext ?? ''];
  if (!kind) throw new SourceError(`${url}: open Parquet, CSV, TSV, NDJSON, JSON or GeoJSON (by its extension), or a folder of Parquet (ending in /)`);
  const target = folder ? `${url.replace(/\/?$/, '/')}**/*.parquet` : url;
  // sourceSql joins a folder with the OS's separator, which would fold s3:// into s3:/: the glob is made here.
  return { view: viewNameOf(url.replace(/\/+$/, ''), taken), path: url, kind, sql: sourceSql(target, kind, false) };
}
