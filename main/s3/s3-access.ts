/**
 * How the engine reaches object storage: the endpoint (AWS, or an S3-compatible store with path-style
 * URLs), the region, and the keys — from the app's own secret (Connections), else the standard AWS chain
 * as far as it needs no AWS SDK: the environment, then the shared credentials file's profile.
 * Pure but for the files it is handed a reader of; a key is never logged, only where it came from.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { S3Keys } from './sigv4';

/** The settings the analyst sets (notebooks.s3Endpoint, s3Region, s3AccessKeyId). */
export interface S3Settings {
  endpoint: string;
  region: string;
  accessKeyId: string;
}

export type KeysFrom = 'app' | 'environment' | 'profile' | 'none';

export interface S3Access {
  region: string;
  /** An S3-compatible store's base URL (http://127.0.0.1:8333): path-style requests there; empty: AWS. */
  endpoint: string;
  keys?: S3Keys;
  /** Where the keys came from (said on the Connections screen and in errors, never the keys). */
  from: KeysFrom;
}

/** The environment variable the app's own secret key reaches the engine through (the keychain's, or an operator's). */
export const S3_SECRET_ENV = 'HEXWATCH_S3_SECRET_ACCESS_KEY';

type Env = Readonly<Record<string, string | undefined>>;

/** An INI file as sections of keys (AWS's credentials and config files). */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (head) {
      current = new Map();
      sections.set(head[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (current && eq > 0) current.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  return sections;
}

/**
 * The access for `settings`: keys from the app (its key id and secret), the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or the profile (AWS_PROFILE or
 * `default`, in AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials); the region from the settings,
 * AWS_REGION / AWS_DEFAULT_REGION, the profile's config, else us-east-1.
 */
export function resolveS3Access(settings: S3Settings, env: Env, readText: (path: string) => string | undefined, home = homedir()): S3Access {
  const profile = env.AWS_PROFILE || 'default';
  const credentials = () => parseIni(readText(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials')) ?? '').get(profile);
  const config = () => {
    const ini = parseIni(readText(env.AWS_CONFIG_FILE || join(home, '.aws', 'config')) ?? '');
    return ini.get(profile === 'default' ? 'default' : `profile ${profile}`) ?? ini.get(profile);
  };
  let keys: S3Keys | undefined;
  let from: KeysFrom = 'none';
  const appSecret = env[S3_SECRET_ENV];
  if (settings.accessKeyId && appSecret) {
    keys = { accessKeyId: settings.accessKeyId, secretAccessKey: appSecret };
    from = 'app';
  } else if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    keys = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
    from = 'environment';
  } else {
    const p = credentials();
    const id = p?.get('aws_access_key_id');
    const secret = p?.get('aws_secret_access_key');
    if (id && secret) {
      const token = p?.get('aws_session_token');
      keys = { accessKeyId: id, secretAccessKey: secret, ...(token ? { sessionToken: token } : {}) };
      from = 'profile';
    }
  }
  const region = settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || config()?.get('region') || 'us-east-1';
  return { region, endpoint: settings.endpoint.replace(/\/+$/, ''), ...(keys ? { keys } : {}), from };
}

/** `s3://bucket/some/prefix/` as its bucket and key prefix (which ends in `/` when not empty). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`${url} is not an s3://bucket/prefix/ URL`);
  const prefix = m[2] ?? '';
  return { bucket: m[1]!, prefix: prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix };
}

/** The HTTP URL of an object (or of the bucket, for `key` ''): path-style at an endpoint, virtual-hosted on AWS. */
export function objectUrl(access: S3Access, bucket: string, key: string): URL {
  const path = key
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
  return access.endpoint ? new URL(`${access.endpoint}/${bucket}/${path}`) : new URL(`https://${bucket}.s3.${access.region}.amazonaws.com/${path}`);
}

/** The object storage a config reaches: its access, and the bucket prefixes SQL may read (notebooks.buckets and archive.s3Url). */
export function objectStorageOf(
  config: { notebooks: { s3Endpoint: string; s3Region: string; s3AccessKeyId: string; buckets: string[] }; archive: { s3Url: string } },
  env: Env,
): { access: S3Access; buckets: string[] } {
  const n = config.notebooks;
  const access = resolveS3Access({ endpoint: n.s3Endpoint, region: n.s3Region, accessKeyId: n.s3AccessKeyId }, env, readIfThere);
  return { access, buckets: [...new Set([...n.buckets, ...(config.archive.s3Url ? [config.archive.s3Url] : [])])] };
}

/** `resolveS3Access` with the AWS files read from this machine. */
export function s3AccessOf(settings: S3Settings, env: Env): S3Access {
  return resolveS3Access(settings, env, readIfThere);
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
