import type { ResultOf } from '../../shared/rpc';
import type { S3Connection } from '../../shared/rpc/connections';
import { listObjects, objectUrl, parseS3Url, s3AccessOf } from '../s3';

type Answer = ResultOf<'connections.testS3'>;

/**
 * Lists the archive's prefix (or else the first s3:// bucket notebooks may read) with these settings —
 * the keys typed in, the app's, or the AWS chain's — and says what is there, or the store's refusal.
 */
export async function probeS3(s3: S3Connection, buckets: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<Answer> {
  const url = s3.archiveUrl || buckets.find((b) => b.startsWith('s3://'));
  if (!url)
    return {
      ok: false,
      error:
        'nothing to list: give the bucket the archive is copied to (s3://bucket/prefix/), or add the buckets notebooks read to notebooks.buckets in the settings',
    };
  const access = s3AccessOf({ endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId }, env);
  try {
    const { bucket, prefix } = parseS3Url(url);
    const listing = await listObjects(access, bucket, prefix, 100);
    return {
      ok: true,
      server: {
        url,
        host: objectUrl(access, bucket, '').host,
        region: access.region,
        keysFrom: access.from,
        objects: listing.keys.length,
        more: listing.truncated,
        sample: listing.keys.slice(0, 3).map((k) => k.key),
      },
    };
  } catch (err) {
    const keys = access.from === 'none' ? ' (no keys: the request was anonymous)' : '';
    return { ok: false, error: `${(err as Error).message}${keys}` };
  }
}
