import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RpcError, type ResultOf } from '../../shared/rpc';
import type { NatsConnection, Tile38Connection } from '../../shared/rpc/connections';
import { ConfigError, readsNats, saveSettings, type LoadedConfig } from '../config';
import type { Handlers } from '../rpc';
import { SECRET_ENV, type ConnectionsHost, type SecretName } from './connections-host';
import { probeNats } from './nats-probe';
import { probeTile38 } from './tile38-probe';
import { probeS3 } from './s3-probe';
import { objectStorageOf } from '../s3';

type Methods = 'connections.get' | 'connections.testNats' | 'connections.testTile38' | 'connections.testS3' | 'connections.save';

const NATS_KEYS = [
  'servers',
  'user',
  'passwordFile',
  'tokenFile',
  'nkeySeedFile',
  'credsFile',
  'tlsCaFile',
  'tlsCertFile',
  'tlsKeyFile',
  'stream',
  'subjects',
  'consumer',
] as const;
const TILE38_KEYS = ['host', 'port', 'tls', 'passwordFile', 'mode'] as const;
/** The S3 section's fields and the settings they are. */
const S3_KEYS = {
  endpoint: 'notebooks.s3Endpoint',
  region: 'notebooks.s3Region',
  accessKeyId: 'notebooks.s3AccessKeyId',
  archiveUrl: 'archive.s3Url',
} as const;
/** The settings the screen sets: an environment variable or a flag that also sets one wins over it. */
const SCREEN_KEYS = [
  'source',
  ...NATS_KEYS.map((k) => `nats.${k}`),
  ...TILE38_KEYS.map((k) => `tile38.${k}`),
  'market.demandStream',
  'market.demandSubjects',
  'market.demandConsumer',
  ...Object.values(S3_KEYS),
];

/**
 * The Connections screen's methods. `host` is what started the engine (desktop or web mode) and can start
 * it over; without one (an engine run by a test) the settings are saved and the answer says to restart.
 */
export function connectionsHandlers<C>(
  loaded: LoadedConfig,
  host: ConnectionsHost | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Pick<Handlers<C>, Methods> {
  const { config, settingsPath, origins } = loaded;
  const base = host?.baseEnv ?? env;
  const secretFrom = (name: SecretName, file: string): 'keychain' | 'environment' | 'file' | 'session' | 'none' =>
    file ? 'file' : base[SECRET_ENV[name]] ? 'environment' : host?.secrets.load(name) ? host.secrets.kind : 'none';
  return {
    'connections.get': () => ({
      source: readsNats(config) ? 'nats' : 'simulator',
      nats: pick(config.nats, NATS_KEYS) as NatsConnection,
      tile38: pick(config.tile38, TILE38_KEYS) as Tile38Connection,
      demand: { stream: config.market.demandStream, subjects: config.market.demandSubjects, consumer: config.market.demandConsumer },
      s3: {
        endpoint: config.notebooks.s3Endpoint,
        region: config.notebooks.s3Region,
        accessKeyId: config.notebooks.s3AccessKeyId,
        archiveUrl: config.archive.s3Url,
      },
      s3KeysFrom: objectStorageOf(config, env).access.from,
      secrets: {
        natsPassword: secretFrom('nats.password', config.nats.passwordFile),
        natsToken: secretFrom('nats.token', config.nats.tokenFile),
        tile38Password: secretFrom('tile38.password', config.tile38.passwordFile),
        s3SecretKey: secretFrom('s3.secretAccessKey', ''),
      },
      keep: host?.secrets.kind ?? 'session',
      ...(host?.secrets.note ? { keepNote: host.secrets.note } : {}),
      settingsPath,
      pinned: SCREEN_KEYS.filter((k) => origins[k] && origins[k] !== settingsPath).map((key) => ({ key, from: origins[key]! })),
      // Asked each time: a save writes settings.json, and from then on it is no first start.
      firstRun: config.welcome && !existsSync(settingsPath) && !origins.source && !origins['nats.servers'],
    }),
    'connections.testNats': ({ nats, password, token }) =>
      probeNats(
        { ...config.nats, ...nats },
        { ...env, ...(password ? { [SECRET_ENV['nats.password']]: password } : {}), ...(token ? { [SECRET_ENV['nats.token']]: token } : {}) },
      ),
    'connections.testTile38': ({ tile38, password }) => {
      let secret = password ?? env[SECRET_ENV['tile38.password']];
      if (!password && tile38.passwordFile) {
        try {
          secret = readFileSync(tile38.passwordFile, 'utf8').trim();
        } catch (err) {
          return {
            ok: false as const,
            error: `cannot read the password file ${tile38.passwordFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          };
        }
      }
      return probeTile38({ host: tile38.host, port: tile38.port, tls: tile38.tls, ...(secret ? { password: secret } : {}) });
    },
    'connections.testS3': ({ s3, secretKey }) =>
      probeS3(s3, config.notebooks.buckets, { ...env, ...(secretKey ? { [SECRET_ENV['s3.secretAccessKey']]: secretKey } : {}) }),
    'connections.save': async ({ source, nats, tile38, demand, s3, secrets }) => {
      const before = existsSync(settingsPath) ? readFileSync(settingsPath, 'utf8') : undefined;
      const patch: Record<string, unknown> = { source };
      for (const k of NATS_KEYS) patch[`nats.${k}`] = nats[k];
      for (const k of TILE38_KEYS) patch[`tile38.${k}`] = tile38[k];
      Object.assign(patch, { 'market.demandStream': demand.stream, 'market.demandSubjects': demand.subjects, 'market.demandConsumer': demand.consumer });
      if (s3) for (const [field, key] of Object.entries(S3_KEYS)) patch[key] = s3[field as keyof typeof S3_KEYS];
      try {
        saveSettings(settingsPath, patch);
      } catch (err) {
        if (err instanceof ConfigError) throw new RpcError({ code: 'invalid_params', message: err.message });
        throw err;
      }
      const given: [SecretName, string | undefined][] = [
        ['nats.password', secrets?.natsPassword],
        ['nats.token', secrets?.natsToken],
        ['tile38.password', secrets?.tile38Password],
        ['s3.secretAccessKey', secrets?.s3SecretKey],
      ];
      for (const [name, value] of given) if (value) host?.secrets.save(name, value);
      const notes = [
        ...SCREEN_KEYS.filter((k) => origins[k] && origins[k] !== settingsPath).map((k) => `${k} is set by ${origins[k]}, which wins over what is saved here`),
        ...(given.some(([, v]) => v) && host?.secrets.kind === 'session' && host.secrets.note ? [host.secrets.note] : []),
      ];
      const answer: ResultOf<'connections.save'> = { saved: true, settingsPath, ...(notes.length ? { note: notes.join('; ') } : {}) };
      if (!host) return { ...answer, note: [...notes, 'restart hexwatch to use them'].join('; ') };
      // Put back what was there when the new settings cannot start.
      const undo = () => (before === undefined ? writeFileSync(settingsPath, '{}\n') : writeFileSync(settingsPath, before));
      try {
        await host.restart(undo);
      } catch (err) {
        throw new RpcError({
          code: 'invalid_params',
          message: `the engine could not start with these settings, so it runs with the ones before: ${(err as Error).message}`,
        });
      }
      return answer;
    },
  };
}

function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, from[k]])) as Pick<T, K>;
}
