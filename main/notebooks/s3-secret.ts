// Pure, and apart from the s3 room's HTTP client: the notebook thread loads this and must not bundle undici.
import type { S3Access } from '../s3';

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The DuckDB secret that lets httpfs read `s3://` as the engine does: its keys, region and endpoint
 * (path-style, TLS as the endpoint's scheme says). Created before the sandbox locks its configuration;
 * a notebook can neither create nor change one (sql-guard.ts). Undefined when there is nothing to say.
 */
export function duckdbS3Secret(access: S3Access | undefined): string | undefined {
  if (!access || (!access.keys && !access.endpoint)) return undefined;
  const parts = ['TYPE s3', `REGION ${lit(access.region)}`];
  if (access.keys) {
    parts.push(`KEY_ID ${lit(access.keys.accessKeyId)}`, `SECRET ${lit(access.keys.secretAccessKey)}`);
    if (access.keys.sessionToken) parts.push(`SESSION_TOKEN ${lit(access.keys.sessionToken)}`);
  }
  if (access.endpoint) {
    const url = new URL(access.endpoint);
    parts.push(`ENDPOINT ${lit(url.host + url.pathname.replace(/\/$/, ''))}`, "URL_STYLE 'path'", `USE_SSL ${url.protocol === 'https:'}`);
  }
  return `CREATE SECRET hexwatch_s3 (${parts.join(', ')})`;
}

/**
 * DuckDB's httpfs error, said once: its first line (what it read, the HTTP status) and the store's own
 * `Code: Message` line, without the repeated advice paragraphs. Any other message is returned as it is.
 */
export function readableStoreError(message: string): string {
  const [first, ...rest] = message.split('\n');
  if (!first || !/\bHTTP \d{3}\b/.test(first)) return message;
  const store = rest.map((l) => l.trim()).find((l) => /^[A-Z][A-Za-z]+: \S/.test(l) && !/^Authentication Failure/.test(l));
  return store ? `${first.trim()}: ${store}` : first.trim();
}
