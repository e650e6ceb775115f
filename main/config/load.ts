import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { ConfigSchema, type Config } from './schema';
import { partitionSubjectsProblem } from './partition-layout';

/** An invalid setting: the message names each key, the problem and where the value came from. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  dataDir: string;
  settingsPath: string;
  /** Where each setting that is not a default came from: the settings file's path, a HEXWATCH_* variable, or a --flag. */
  origins: Record<string, string>;
}

export interface LoadOptions {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  /** The app data folder when neither --data-dir nor HEXWATCH_DATA_DIR says otherwise (Electron passes userData). */
  defaultDataDir?: string;
}

export type Tree = { [key: string]: unknown };

/** Flags that read better than their dotted keys. */
export const FLAG_ALIASES: Readonly<Record<string, string>> = {
  port: 'server.port',
  host: 'server.host',
  devices: 'simulator.devices',
  rate: 'simulator.ratePerSec',
  nats: 'nats.servers',
};

/** Secrets people try to put in settings.json, and where they belong instead. */
const SECRETS: Record<string, string> = {
  'nats.password': 'secrets are not read from settings files: set HEXWATCH_NATS_PASSWORD or nats.passwordFile',
  'nats.token': 'secrets are not read from settings files: set HEXWATCH_NATS_TOKEN or nats.tokenFile',
};

export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'hexwatch');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'hexwatch');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'hexwatch');
}

/** Defaults → <dataDir>/settings.json → HEXWATCH_* environment → --flags; validated as a whole. */
export function loadConfig(options: LoadOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const { dataDirFlag, flags } = parseFlags(options.argv ?? []);
  const dataDir = dataDirFlag ?? env.HEXWATCH_DATA_DIR ?? options.defaultDataDir ?? defaultDataDir(env);
  const settingsPath = join(dataDir, 'settings.json');
  const defaults = ConfigSchema.parse({}) as unknown as Tree;
  const leaves = leafPaths(defaults);
  const origin = new Map<string, string>();
  const merged: Tree = {};

  const file = readSettingsFile(settingsPath);
  for (const [path, value] of leafEntries(file)) {
    setPath(merged, path, value);
    origin.set(path, settingsPath);
  }
  for (const path of leaves) {
    const name = envName(path);
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(merged, path, coerce(raw, getPath(defaults, path), path, name));
    origin.set(path, name);
  }
  for (const { key, raw } of flags) {
    const path = FLAG_ALIASES[key] ?? key;
    if (!leaves.includes(path)) {
      throw new ConfigError(`invalid settings:\n  ${path}: unknown setting (from --${key})${suggest(path, leaves)}`);
    }
    setPath(merged, path, coerce(raw, getPath(defaults, path), path, `--${key}`));
    origin.set(path, `--${key}`);
  }

  const result = ConfigSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(`invalid settings:\n${describeIssues(result.error, origin, settingsPath, leaves).join('\n')}`);
  // Settings that only make sense together are refused before anything opens.
  if (result.data.source === 'nats' && result.data.nats.servers.length === 0)
    throw new ConfigError('invalid settings:\n  nats.servers: source is nats but no server is set');
  const unpartitionable = result.data.cluster.partitions > 0 && partitionSubjectsProblem(result.data.nats.subjects);
  if (unpartitionable) throw new ConfigError(`invalid settings:\n  nats.subjects: ${unpartitionable}`);
  return { config: result.data, dataDir, settingsPath, origins: Object.fromEntries(origin) };
}

/** Whether the engine reads positions from NATS under these settings (else the simulator). */
export const readsNats = (c: Pick<Config, 'source' | 'nats'>) => c.source === 'nats' || (c.source === 'auto' && c.nats.servers.length > 0);

/** Each problem as `  key: what (from where)`: the key, not zod's path; a secret says where it belongs instead. */
export function describeIssues(error: z.ZodError, origin: ReadonlyMap<string, string>, settingsPath: string, leaves: readonly string[]): string[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (base ? `${base}.${k}` : k)) : [base];
    return keys.map((key) => {
      const what = issue.code !== 'unrecognized_keys' ? issue.message : (SECRETS[key] ?? `unknown setting${suggest(key, leaves)}`);
      const from = originOf(origin, key) ?? (issue.code === 'unrecognized_keys' ? settingsPath : undefined);
      return `  ${key || '(root)'}: ${what}${from ? ` (from ${from})` : ''}`;
    });
  });
}

/** Where a key's value came from; an array element's is its array's (nats.servers.0 → nats.servers). */
function originOf(origin: ReadonlyMap<string, string>, key: string): string | undefined {
  for (let k = key; k; k = k.slice(0, Math.max(0, k.lastIndexOf('.')))) if (origin.has(k)) return origin.get(k);
  return undefined;
}

/** The HEXWATCH_* variable of a dotted key: simulator.ratePerSec → HEXWATCH_SIMULATOR_RATE_PER_SEC. */
export function envName(path: string): string {
  return (
    'HEXWATCH_' +
    path
      .split('.')
      .map((s) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('_')
  );
}

export function leafPaths(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (isTree(v) ? leafPaths(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

function parseFlags(argv: readonly string[]): { dataDirFlag?: string; flags: { key: string; raw: string }[] } {
  const flags: { key: string; raw: string }[] = [];
  let dataDirFlag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    let raw: string;
    if (eq > 0) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) raw = argv[++i];
    else throw new ConfigError(`invalid settings:\n  --${key}: needs a value`);
    if (key === 'data-dir') dataDirFlag = raw;
    else flags.push({ key, raw });
  }
  return { dataDirFlag, flags };
}

export function readSettingsFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read settings file ${path}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`settings file ${path} is not valid JSON${jsonErrorLocation(text, err as Error)}: ${(err as Error).message}`);
  }
  if (!isTree(parsed)) throw new ConfigError(`settings file ${path} must hold a JSON object`);
  return parsed;
}

function jsonErrorLocation(text: string, err: Error): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

function coerce(raw: string, example: unknown, path: string, from: string): unknown {
  const fail = (what: string): never => {
    throw new ConfigError(`invalid settings:\n  ${path}: ${what}, got "${raw}" (from ${from})`);
  };
  if (typeof example === 'number') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : fail('expected a number');
  }
  if (typeof example === 'boolean') {
    return raw === 'true' || raw === '1' ? true : raw === 'false' || raw === '0' ? false : fail('expected true or false');
  }
  if (Array.isArray(example)) {
    if (raw.trim().startsWith('[')) {
      try {
        return JSON.parse(raw);
      } catch {
        return fail('expected a JSON array');
      }
    }
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return typeof example[0] === 'number' ? items.map(Number) : items;
  }
  return raw;
}

function suggest(key: string, leaves: readonly string[]): string {
  const last = key.split('.').pop() ?? key;
  const near = leaves.filter((l) => distance(l.split('.').pop() ?? l, last) <= 2);
  return near.length ? ` (did you mean ${near.join(' or ')}?)` : '';
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}

function* leafEntries(tree: Tree, prefix = ''): Generator<[string, unknown]> {
  for (const [k, v] of Object.entries(tree)) {
    if (isTree(v)) yield* leafEntries(v, `${prefix}${k}.`);
    else yield [`${prefix}${k}`, v];
  }
}

export function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function getPath(tree: Tree, path: string): unknown {
  return path.split('.').reduce<unknown>((t, k) => (isTree(t) ? t[k] : undefined), tree);
}

export function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let t = tree;
  for (const k of keys.slice(0, -1)) {
    if (!isTree(t[k])) t[k] = {};
    t = t[k] as Tree;
  }
  t[keys[keys.length - 1]] = value;
}
