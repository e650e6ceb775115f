import type { SecretName, SecretStore } from '../main';

/** The OS keychain as safeStorage offers it (electron/secrets.ts), behind a small interface a test can fake. */
export interface Keychain {
  /** Whether the OS can encrypt at all (safeStorage.isEncryptionAvailable). */
  available(): boolean;
  /** Linux's backend (safeStorage.getSelectedStorageBackend): 'basic_text' means a fixed key, no keychain. */
  backend(): string;
  load(name: string): string | undefined;
  save(name: string, value: string): void;
}

/**
 * Where the Connections screen's secrets go on the desktop: the OS keychain, or — when the OS has none, or
 * on Linux only a plain-text stand-in that the analyst has not agreed to — this run's memory, saying why.
 */
export function connectionSecretStore(keychain: Keychain, platform: string, allowPlainText: boolean): SecretStore {
  const memory = new Map<SecretName, string>();
  const session = (note: string): SecretStore => ({
    kind: 'session',
    note,
    load: (name) => memory.get(name) ?? safeLoad(keychain, name),
    save: (name, value) => void memory.set(name, value),
  });
  if (!keychain.available())
    return session('this system offers no keychain, so secrets are kept for this run only: set HEXWATCH_NATS_PASSWORD or a password file to keep one');
  if (platform === 'linux' && keychain.backend() === 'basic_text' && !allowPlainText)
    return session(
      'no keyring (GNOME Keyring, KWallet) is running, and Electron would store secrets as plain text: they are kept for this run only (start with HEXWATCH_KEYCHAIN_PLAIN_TEXT=1 to store them anyway)',
    );
  return { kind: 'keychain', load: (name) => safeLoad(keychain, name), save: (name, value) => keychain.save(`connection.${name}`, value) };
}

/** A secret from the keychain; one it cannot decrypt (another user's, a reset keyring) is as if absent. */
function safeLoad(keychain: Keychain, name: SecretName): string | undefined {
  try {
    return keychain.load(`connection.${name}`);
  } catch {
    return undefined;
  }
}
