/**
 * AWS Signature Version 4 for S3 requests, as pure functions: the canonical request, the string to sign
 * and the Authorization header (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
 * The body is named by its SHA-256 (`payloadHash`), so a file is hashed once and streamed, never held.
 */
import { createHash, createHmac } from 'node:crypto';

export interface S3Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  method: string;
  url: URL;
  /** Headers to send and sign besides host, x-amz-date, x-amz-content-sha256 (and the session token). */
  headers?: Record<string, string>;
  /** Hex SHA-256 of the body (`EMPTY_SHA256` for none). */
  payloadHash: string;
  region: string;
  now: Date;
  service?: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986: everything but A-Z a-z 0-9 - . _ ~ percent-encoded (encodeURIComponent leaves !'()* alone). */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `20130524T000000Z` */
export function amzDate(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The canonical request and the headers signed, for a request whose `x-amz-*` headers are already in `headers`. */
export function canonicalRequest(method: string, url: URL, headers: Record<string, string>, payloadHash: string): { text: string; signed: string } {
  // URL keeps the path percent-encoded as given; decode each segment once and encode it the way S3 expects.
  const path = url.pathname
    .split('/')
    .map((seg) => uriEncode(decodeURIComponent(seg)))
    .join('/');
  const query = [...url.searchParams.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const entries = Object.entries(headers)
    .map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signed = entries.map(([k]) => k).join(';');
  const text = [method, path || '/', query, entries.map(([k, v]) => `${k}:${v}\n`).join(''), signed, payloadHash].join('\n');
  return { text, signed };
}

/** The headers to send (the given ones, host, x-amz-date, x-amz-content-sha256, the token, Authorization). */
export function signRequest(input: SignInput, keys: S3Keys): Record<string, string> {
  const service = input.service ?? 's3';
  const date = amzDate(input.now);
  const day = date.slice(0, 8);
  const headers: Record<string, string> = {
    ...input.headers,
    host: input.url.host,
    'x-amz-date': date,
    'x-amz-content-sha256': input.payloadHash,
    ...(keys.sessionToken ? { 'x-amz-security-token': keys.sessionToken } : {}),
  };
  const { text, signed } = canonicalRequest(input.method, input.url, headers, input.payloadHash);
  const scope = `${day}/${input.region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256Hex(text)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${keys.secretAccessKey}`, day), input.region), service), 'aws4_request');
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  return { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=${keys.accessKeyId}/${scope},SignedHeaders=${signed},Signature=${signature}` };
}
