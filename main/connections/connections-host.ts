/** The secrets the Connections screen can take, by the name they are kept under. */
export type SecretName = 'nats.password' | 'nats.token' | 'tile38.password' | 's3.secretAccessKey';

/** The environment variable each secret reaches the engine through (as an operator would set it). */
export const SECRET_ENV: Readonly<Record<SecretName, string>> = {
  'nats.password': 'HEXWATCH_NATS_PASSWORD',
  'nats.token': 'HEXWATCH_NATS_TOKEN',
  'tile38.password': 'HEXWATCH_TILE38_PASSWORD',
  's3.secretAccessKey': 'HEXWATCH_S3_SECRET_ACCESS_KEY',
};

/** Where secrets entered on the Connections screen are kept: the OS keychain (desktop) or this run's memory. */
export interface SecretStore {
  readonly kind: 'keychain' | 'session';
  /** Why secrets are kept for this run only (web mode, or a keychain that would store them as plain text). */
  readonly note?: string;
  load(name: SecretName): string | undefined;
  save(name: SecretName, value: string): void;
}

/** This run's memory: what web mode keeps a secret in (the note says how to keep it for good). */
export function sessionSecrets(note: string): SecretStore {
  const values = new Map<SecretName, string>();
  return { kind: 'session', note, load: (name) => values.get(name), save: (name, value) => void values.set(name, value) };
}

/** What a running engine is given to switch its connections over. */
export interface ConnectionsHost {
  secrets: SecretStore;
  /** The environment the engine was started with, before any secret from the store: an operator's variables win. */
  baseEnv: Readonly<Record<string, string | undefined>>;
  /**
   * Starts the engine over with the settings saved since; its clients stay connected. When the new
   * settings do not start, `undo` puts the old ones back and the engine starts with them; the error is thrown.
   */
  restart(undo: () => void): Promise<void>;
}
