import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { app, safeStorage } from 'electron';

/**
 * Secrets (a NATS password, a webhook signing key) encrypted by the OS keychain through safeStorage,
 * one file per name under userData/secrets — never in settings.json, never in a log.
 */
export function saveSecret(name: string, value: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new Error(`invalid secret name ${JSON.stringify(name)}`);
  if (!safeStorage.isEncryptionAvailable()) throw new Error('the OS offers no encryption for secrets here');
  const dir = join(app.getPath('userData'), 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, name), safeStorage.encryptString(value), { mode: 0o600 });
}

export function loadSecret(name: string): string | undefined {
  const file = join(app.getPath('userData'), 'secrets', name);
  if (!existsSync(file)) return undefined;
  return safeStorage.decryptString(readFileSync(file));
}
