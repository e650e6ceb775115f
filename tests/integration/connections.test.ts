// Testing a connection as the Connections screen does, against real servers started here: what each
// says about itself, and its refusals in its own words.
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigSchema, type Config } from '../../main/config/schema';
import { probeNats, probeTile38 } from '../../main/connections';
import { freePort, makeCertificates, makeTempDir, startNats, startNatsWith, startTile38, tile38ServerPath, type RunningServer, type TempDir } from '../helpers';

const natsSettings = (patch: Partial<Config['nats']>): Config['nats'] => ({ ...(ConfigSchema.parse({}) as Config).nats, ...patch });

describe('testing a NATS connection', () => {
  let dir: TempDir;
  let plain: RunningServer;
  let users: RunningServer;
  let tls: RunningServer;
  const file = (name: string) => join(dir.path, name);
  beforeAll(async () => {
    dir = await makeTempDir('hexwatch-probe-');
    makeCertificates(dir.path);
    plain = await startNats();
    users = await startNatsWith(dir.path, 'users', 'jetstream {}\nauthorization {\n  users = [ { user: analyst, password: "right-Pa55" } ]\n}\n');
    tls = await startNatsWith(
      dir.path,
      'tls',
      `tls {\n  cert_file: ${JSON.stringify(file('server.pem'))}\n  key_file: ${JSON.stringify(file('server-key.pem'))}\n}\n`,
    );
  });
  afterAll(async () => {
    await plain?.stop();
    await users?.stop();
    await tls?.stop();
    await dir?.remove();
  });

  it('says who the server is, its version and what JetStream holds', async () => {
    const result = await probeNats(natsSettings({ servers: [plain.url] }), {});
    expect(result).toMatchObject({ ok: true, server: { url: plain.url, jetstream: true, stream: { name: 'POSITIONS', exists: false } } });
    if (!result.ok) throw new Error(result.error);
    expect(result.server.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.server.name).not.toBe('');
  });

  it('passes on the server’s refusal of a wrong password, and connects with the right one', async () => {
    const wrong = await probeNats(natsSettings({ servers: [users.url], user: 'analyst' }), { HEXWATCH_NATS_PASSWORD: 'wrong' });
    expect(wrong).toEqual({ ok: false, error: expect.stringMatching(/Authorization Violation/) });
    expect(JSON.stringify(wrong)).not.toContain('wrong"');
    const right = await probeNats(natsSettings({ servers: [users.url], user: 'analyst' }), { HEXWATCH_NATS_PASSWORD: 'right-Pa55' });
    expect(right).toMatchObject({ ok: true, server: { jetstream: true } });
  });

  it('names the certificate a TLS server showed when it cannot be verified, and connects once given its CA', async () => {
    const untrusted = await probeNats(natsSettings({ servers: [tls.url.replace('nats:', 'tls:')] }), {});
    if (untrusted.ok) throw new Error('connected without the CA');
    expect(untrusted.error).toMatch(/certificate/i);
    expect(untrusted.error).toContain('CN=127.0.0.1');
    expect(untrusted.error).toContain('issued by CN=hexwatch test CA');
    const trusted = await probeNats(natsSettings({ servers: [tls.url.replace('nats:', 'tls:')], tlsCaFile: file('ca.pem') }), {});
    expect(trusted).toMatchObject({ ok: true, server: { jetstream: true, stream: { exists: false } } });
  });

  it('says which address refused, or did not answer in time', async () => {
    const port = await freePort();
    const refused = await probeNats(natsSettings({ servers: [`nats://127.0.0.1:${port}`] }), {});
    expect(refused).toEqual({ ok: false, error: expect.stringMatching(new RegExp(`127\\.0\\.0\\.1:${port}.*ECONNREFUSED`)) });
    // A server that accepts and says nothing.
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const silentPort = (silent.address() as { port: number }).port;
    try {
      const quiet = await probeNats(natsSettings({ servers: [`nats://127.0.0.1:${silentPort}`] }), {}, 500);
      expect(quiet).toEqual({ ok: false, error: `nats://127.0.0.1:${silentPort}: no answer in 0.5 s` });
    } finally {
      silent.close();
    }
  });
});

describe.skipIf(!tile38ServerPath())('testing a Tile38 connection', () => {
  let tile38: RunningServer;
  beforeAll(async () => {
    tile38 = await startTile38();
    // Tile38 takes its password as a setting (CONFIG SET requirepass), kept for the run.
    const { Redis } = await import('ioredis');
    const admin = new Redis({ host: '127.0.0.1', port: tile38.port, lazyConnect: true });
    await admin.connect();
    await admin.call('CONFIG', 'SET', 'requirepass', 'tile-Pa55');
    admin.disconnect();
  });
  afterAll(async () => {
    await tile38?.stop();
  });

  it('shows its version with the right password, and its refusal of a wrong one or none', async () => {
    const right = await probeTile38({ host: '127.0.0.1', port: tile38.port, tls: false, password: 'tile-Pa55' });
    expect(right).toMatchObject({ ok: true, server: { address: `127.0.0.1:${tile38.port}`, version: expect.stringMatching(/^\d+\.\d+/) } });
    const wrong = await probeTile38({ host: '127.0.0.1', port: tile38.port, tls: false, password: 'nope' });
    expect(wrong).toEqual({ ok: false, error: expect.stringMatching(/refused the password/) });
    const none = await probeTile38({ host: '127.0.0.1', port: tile38.port, tls: false });
    expect(none).toEqual({ ok: false, error: expect.stringMatching(/asks for a password|refused/) });
  });

  it('says which address refused the connection', async () => {
    const port = await freePort();
    expect(await probeTile38({ host: '127.0.0.1', port, tls: false })).toEqual({ ok: false, error: expect.stringMatching(/refused the connection/) });
  });
});
