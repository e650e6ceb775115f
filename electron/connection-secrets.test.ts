import { describe, expect, it } from 'vitest';
import { connectionSecretStore, type Keychain } from './connection-secrets';

function fakeKeychain(available: boolean, backend: string): Keychain & { stored: Map<string, string> } {
  const stored = new Map<string, string>();
  return { stored, available: () => available, backend: () => backend, load: (n) => stored.get(n), save: (n, v) => void stored.set(n, v) };
}

describe('where the desktop keeps a connection’s secrets', () => {
  it('keeps them in the keychain when the OS has one', () => {
    const k = fakeKeychain(true, 'gnome_libsecret');
    const store = connectionSecretStore(k, 'linux', false);
    store.save('nats.password', 'Pa55');
    expect(store.kind).toBe('keychain');
    expect(k.stored.get('connection.nats.password')).toBe('Pa55');
    expect(connectionSecretStore(k, 'linux', false).load('nats.password')).toBe('Pa55');
  });

  it('refuses Linux’s plain-text stand-in unless the analyst agreed, keeping the secret for this run and saying why', () => {
    const k = fakeKeychain(true, 'basic_text');
    const store = connectionSecretStore(k, 'linux', false);
    store.save('nats.password', 'Pa55');
    expect(store).toMatchObject({ kind: 'session', note: expect.stringMatching(/plain text/) });
    expect(k.stored.size).toBe(0);
    expect(store.load('nats.password')).toBe('Pa55');
    expect(connectionSecretStore(k, 'linux', true).kind).toBe('keychain');
  });

  it('keeps them for this run when the OS offers no encryption', () => {
    expect(connectionSecretStore(fakeKeychain(false, 'unknown'), 'darwin', false)).toMatchObject({
      kind: 'session',
      note: expect.stringMatching(/no keychain/),
    });
  });
});
