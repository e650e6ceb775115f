/**
 * The few S3 calls the engine makes itself (the archive's copies, the Connections test): PUT of a file,
 * DELETE, and a listing — signed with SigV4, over undici. A refusal is an `S3Error` in the store's words
 * (its XML Code and Message, e.g. "InvalidAccessKeyId: …"), so the analyst reads what the store said.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { objectUrl, type S3Access } from './s3-access';
import { EMPTY_SHA256, signRequest } from './sigv4';

export class S3Error extends Error {
  override name = 'S3Error';
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 60_000;

/** The store's refusal as one readable line: `Code: Message (HTTP 403)`. */
export function storeMessage(status: number, body: string): S3Error {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  const text = code ? `${code}${message ? `: ${message}` : ''}` : body.trim().slice(0, 200) || 'no message';
  return new S3Error(`${text} (HTTP ${status})`, status, code);
}

async function send(access: S3Access, method: string, url: URL, payloadHash: string, body?: NodeJS.ReadableStream, length?: number): Promise<string> {
  const headers = access.keys
    ? signRequest(
        {
          method,
          url,
          payloadHash,
          region: access.region,
          now: new Date(),
          ...(length !== undefined ? { headers: { 'content-length': String(length) } } : {}),
        },
        access.keys,
      )
    : { ...(length !== undefined ? { 'content-length': String(length) } : {}) };
  let res;
  try {
    res = await request(url, { method: method as 'GET', headers, body: body as never, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    throw new S3Error(`cannot reach ${url.origin}: ${e.cause?.code ?? e.code ?? ''} ${e.cause?.message ?? e.message}`.replace(/\s+/g, ' ').trim());
  }
  const text = await res.body.text();
  if (res.statusCode >= 300) throw storeMessage(res.statusCode, text);
  return text;
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Uploads a file as `key` (hashed first, then streamed: a big part is never held in memory). */
export async function putFile(access: S3Access, bucket: string, key: string, file: string): Promise<void> {
  const { size } = await stat(file);
  const hash = await fileSha256(file);
  await send(access, 'PUT', objectUrl(access, bucket, key), hash, createReadStream(file), size);
}

/** Downloads `key` into `file` (streamed: a big part is never held in memory). */
export async function getFile(access: S3Access, bucket: string, key: string, file: string): Promise<void> {
  const url = objectUrl(access, bucket, key);
  const headers = access.keys ? signRequest({ method: 'GET', url, payloadHash: EMPTY_SHA256, region: access.region, now: new Date() }, access.keys) : {};
  let res;
  try {
    res = await request(url, { method: 'GET', headers, headersTimeout: TIMEOUT_MS, bodyTimeout: TIMEOUT_MS });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    throw new S3Error(`cannot reach ${url.origin}: ${e.cause?.code ?? e.code ?? ''} ${e.cause?.message ?? e.message}`.replace(/\s+/g, ' ').trim());
  }
  if (res.statusCode >= 300) throw storeMessage(res.statusCode, await res.body.text());
  await pipeline(res.body, createWriteStream(file));
}

export async function deleteObject(access: S3Access, bucket: string, key: string): Promise<void> {
  await send(access, 'DELETE', objectUrl(access, bucket, key), EMPTY_SHA256);
}

export interface Listing {
  keys: { key: string; size: number }[];
  truncated: boolean;
  /** The continuation token of the next page, when truncated. */
  next?: string;
}

const unescapeXml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

/** Up to `max` keys under `prefix` (ListObjectsV2), one page (the one after `continuation`, when given). */
export async function listObjects(access: S3Access, bucket: string, prefix: string, max = 1000, continuation?: string): Promise<Listing> {
  const url = objectUrl(access, bucket, '');
  url.searchParams.set('list-type', '2');
  url.searchParams.set('max-keys', String(max));
  if (prefix) url.searchParams.set('prefix', prefix);
  if (continuation) url.searchParams.set('continuation-token', continuation);
  const xml = await send(access, 'GET', url, EMPTY_SHA256);
  const keys = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, c]) => ({
    key: unescapeXml(/<Key>([^<]*)<\/Key>/.exec(c!)?.[1] ?? ''),
    size: Number(/<Size>(\d+)<\/Size>/.exec(c!)?.[1] ?? 0),
  }));
  const next = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
  return { keys, truncated: /<IsTruncated>true<\/IsTruncated>/.test(xml), ...(next ? { next: unescapeXml(next) } : {}) };
}

/** Every key under `prefix`, page after page. */
export async function listAllObjects(access: S3Access, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let page = await listObjects(access, bucket, prefix);
  for (;;) {
    keys.push(...page.keys.map((k) => k.key));
    if (!page.truncated || !page.next) return keys;
    page = await listObjects(access, bucket, prefix, 1000, page.next);
  }
}
