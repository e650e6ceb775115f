// NATS authentication and TLS for ingest, against a real nats-server with JetStream: a token, an NKey
// user, TLS with a private CA (and mutual TLS), and credentials in the server URL. With the right
// settings every published position is committed; with wrong ones the status says what is wrong, the
// engine keeps answering, and no secret reaches the status or a log line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, nkeyAuthenticator, nkeys, type NodeConnectionOptions } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Status } from '../../shared/rpc';
import { startEngine, type Engine } from '../../main';
import { Simulator } from '../../main/simulator';
import { makeCertificates, makeTempDir, type RunningServer, startNats, startNatsWith, type TempDir, waitFor } from '../helpers';

const COUNT = 2000;

/** COUNT positions (20 rounds of 100 walkers) into a new POSITIONS stream, published on pos.x with JetStream acks. */
async function publishPositions(options: NodeConnectionOptions): Promise<void> {
  const nc = await connect(options);
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'POSITIONS', subjects: ['pos.>'] });
    const js = jetstream(nc);
    const sim = new Simulator({ devices: 100, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 5, speedMps: 9, fleet: 'auth', seed: 7 });
    const start = Date.now() - 1000;
    for (let round = 0; round < COUNT / 100; round++) {
      await Promise.all(sim.take(100, start + round * 10).map((p) => js.publish('pos.x', JSON.stringify(p))));
    }
    expect((await jsm.streams.info('POSITIONS')).state.messages).toBe(COUNT);
  } finally {
    await nc.close();
  }
}

/** An engine on a fresh data dir with `argv` and `env`, its log lines kept; stopped and its dir removed after `body`. */
async function withEngine(argv: string[], env: Record<string, string>, body: (engine: Engine, lines: string[]) => Promise<void>): Promise<void> {
  const dir = await makeTempDir('hexwatch-nats-auth-');
  const lines: string[] = [];
  const engine = await startEngine({ argv: ['--data-dir', dir.path, ...argv], env, log: (l) => lines.push(l) });
  try {
    await body(engine, lines);
  } finally {
    await engine.stop();
    await dir.remove();
  }
}

/** Every published position committed; an error state on the way fails at once, with its detail. */
async function expectAllCommitted(engine: Engine): Promise<void> {
  const status = await waitFor(
    () => {
      const s = engine.status();
      return s.ingest?.committed === COUNT || s.sourceState === 'error' ? s : null;
    },
    { timeoutMs: 30_000, what: `${COUNT} committed`, detail: () => JSON.stringify(engine.status()) },
  );
  expect(status.sourceState, status.sourceDetail).toBe('running');
  expect(status.ingest?.committed).toBe(COUNT);
}

function errorState(engine: Engine): Promise<Status> {
  return waitFor(() => (engine.status().sourceState === 'error' ? engine.status() : null), {
    timeoutMs: 15_000,
    what: 'an error state',
    detail: () => JSON.stringify(engine.status()),
  });
}

function expectNoSecret(engine: Engine, lines: string[], ...secrets: string[]): void {
  const status = JSON.stringify(engine.status());
  const log = lines.join('\n');
  for (const secret of secrets) {
    expect(status).not.toContain(secret);
    expect(log).not.toContain(secret);
  }
}

/** A nats-server whose extra settings come from a config file (`-c`); JetStream and the port from startNats' flags. */

describe('NATS token authentication', () => {
  const token = 'fleet-T0ken-9f3ab';
  let nats: RunningServer;
  beforeAll(async () => {
    nats = await startNats({ args: ['--auth', token] });
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('says a wrong token is refused, without the token in the status or a log line', async () => {
    const wrong = 'wrong-T0ken-51c7e';
    await withEngine(['--nats', nats.url], { HEXWATCH_NATS_TOKEN: wrong }, async (engine, lines) => {
      const status = await errorState(engine);
      expect(status.sourceDetail).toMatch(/authoriz/i);
      expect(lines.some((l) => /^nats: error: /.test(l))).toBe(true);
      expectNoSecret(engine, lines, wrong, token);
    });
  });

  it('commits what was published with the token from HEXWATCH_NATS_TOKEN', async () => {
    await publishPositions({ servers: nats.url, token });
    await withEngine(['--nats', nats.url], { HEXWATCH_NATS_TOKEN: token }, async (engine, lines) => {
      await expectAllCommitted(engine);
      expectNoSecret(engine, lines, token);
    });
  });
});

describe('NATS NKey authentication', () => {
  let dir: TempDir;
  let nats: RunningServer;
  let seed: string;
  let seedFile: string;
  beforeAll(async () => {
    dir = await makeTempDir('hexwatch-nkey-');
    const user = nkeys.createUser();
    seed = new TextDecoder().decode(user.getSeed());
    seedFile = join(dir.path, 'user.nk');
    writeFileSync(seedFile, `${seed}\n`, { mode: 0o600 });
    nats = await startNatsWith(dir.path, 'nkey', `authorization {\n  users = [ { nkey: ${JSON.stringify(user.getPublicKey())} } ]\n}\n`);
  });
  afterAll(async () => {
    await nats?.stop();
    await dir?.remove();
  });

  it('commits what was published, signing the nonce with the seed from nats.nkeySeedFile', async () => {
    await publishPositions({ servers: nats.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)) });
    await withEngine(['--nats', nats.url, '--nats.nkeySeedFile', seedFile], {}, async (engine, lines) => {
      await expectAllCommitted(engine);
      expectNoSecret(engine, lines, seed);
    });
  });
});

/**
 * TLS options for the test's own nats.js publisher. nats.js hands Node no host name for an IP address,
 * so Node checks the certificate against "localhost" (nats-io/nats.js#303); `host` (passed through to
 * tls.connect) makes it check 127.0.0.1, which the server certificate names.
 */
function publisherTls(files: { caFile: string; certFile?: string; keyFile?: string }): NodeConnectionOptions['tls'] {
  return { ...files, host: '127.0.0.1' } as NodeConnectionOptions['tls'];
}

describe('NATS over TLS with a private CA', () => {
  let dir: TempDir;
  let tlsServer: RunningServer;
  let mtlsServer: RunningServer;
  const file = (name: string) => join(dir.path, name);
  beforeAll(async () => {
    dir = await makeTempDir('hexwatch-tls-');
    makeCertificates(dir.path);
    const serverTls = `  cert_file: ${JSON.stringify(file('server.pem'))}\n  key_file: ${JSON.stringify(file('server-key.pem'))}\n`;
    tlsServer = await startNatsWith(dir.path, 'tls', `tls {\n${serverTls}}\n`);
    mtlsServer = await startNatsWith(dir.path, 'mtls', `tls {\n${serverTls}  ca_file: ${JSON.stringify(file('ca.pem'))}\n  verify: true\n}\n`);
  });
  afterAll(async () => {
    await tlsServer?.stop();
    await mtlsServer?.stop();
    await dir?.remove();
  });

  it('commits what was published, trusting the server through nats.tlsCaFile', async () => {
    await publishPositions({ servers: tlsServer.url, tls: publisherTls({ caFile: file('ca.pem') }) });
    await withEngine(['--nats', tlsServer.url, '--nats.tlsCaFile', file('ca.pem')], {}, async (engine) => {
      await expectAllCommitted(engine);
    });
  });

  it('says the server certificate cannot be verified without the CA, and keeps answering', async () => {
    await withEngine(['--nats', tlsServer.url], {}, async (engine) => {
      const status = await errorState(engine);
      expect(status.sourceDetail).toMatch(/certificate|self[- ]signed|unable to verify/i);
      expect(status.sourceDetail).toMatch(/retrying in \d+ s/);
      const client = engine.connect();
      await expect(client.call('status.get', {})).resolves.toMatchObject({ source: 'nats', sourceState: expect.any(String) });
      await expect(client.call('history.counts', {})).resolves.toEqual({ hot: 0, archived: 0, quarantined: 0 });
    });
  });

  it('commits what was published with a client certificate when the server verifies clients (mutual TLS)', async () => {
    const tls = { caFile: file('ca.pem'), certFile: file('client.pem'), keyFile: file('client-key.pem') };
    await publishPositions({ servers: mtlsServer.url, tls: publisherTls(tls) });
    await withEngine(
      ['--nats', mtlsServer.url, '--nats.tlsCaFile', tls.caFile, '--nats.tlsCertFile', tls.certFile, '--nats.tlsKeyFile', tls.keyFile],
      {},
      async (engine) => {
        await expectAllCommitted(engine);
      },
    );
  });
});

describe('NATS credentials in the server URL', () => {
  const password = 'pw-in-URL-4d2e9';
  let nats: RunningServer;
  beforeAll(async () => {
    nats = await startNats({ args: ['--user', 'fleet', '--pass', password] });
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('commits what was published with user:password from nats://fleet:…@host:port, the password in no status or log line', async () => {
    await publishPositions({ servers: nats.url, user: 'fleet', pass: password });
    const url = `nats://fleet:${password}@127.0.0.1:${nats.port}`;
    await withEngine(['--nats', url], {}, async (engine, lines) => {
      await expectAllCommitted(engine);
      expectNoSecret(engine, lines, password);
      const settings = await engine.connect().call('config.get', {});
      expect(JSON.stringify(settings)).not.toContain(password);
      expect(JSON.stringify(settings)).toContain(`nats://127.0.0.1:${nats.port}`);
    });
  });
});

describe('NATS permissions', () => {
  let dir: TempDir;
  let nats: RunningServer;
  beforeAll(async () => {
    dir = await makeTempDir('hexwatch-perm-');
    // May look at streams and consumers, may not pull from them.
    const users = `authorization {\n  users = [\n    { user: admin, password: admin-pw }\n    { user: viewer, password: viewer-pw, permissions: { publish: { deny: ["$JS.API.CONSUMER.MSG.NEXT.>"] } } }\n  ]\n}\n`;
    nats = await startNatsWith(dir.path, 'perm', users);
  });
  afterAll(async () => {
    await nats?.stop();
    await dir?.remove();
  });

  it('says what the server refused when the user may not pull, instead of running with nothing to read', async () => {
    await publishPositions({ servers: nats.url, user: 'admin', pass: 'admin-pw' });
    await withEngine(['--nats', nats.url, '--nats.user', 'viewer'], { HEXWATCH_NATS_PASSWORD: 'viewer-pw' }, async (engine, lines) => {
      const status = await errorState(engine);
      expect(status.sourceDetail).toMatch(/permissions violation for publish to "?\$JS\.API\.CONSUMER\.MSG\.NEXT\.POSITIONS\.hexwatch/i);
      expect(status.sourceDetail).toMatch(/retrying in \d+ s/);
      expect(status.ingest?.committed).toBe(0);
      expectNoSecret(engine, lines, 'viewer-pw');
    });
  });
});
