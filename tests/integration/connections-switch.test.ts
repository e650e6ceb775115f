// Save and connect as the Connections screen does it, against a real nats-server with users: the engine
// switches from the simulator to NATS and back without its client reconnecting, keeps what it committed,
// and the password typed in reaches no file under the data dir and no log line.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionSecrets, startEngineHost, type Engine, type EngineClient } from '../../main';
import { Simulator } from '../../main/simulator';
import type { ParamsOf } from '../../shared/rpc';
import { engineEnv, makeTempDir, startNatsWith, typedCall, waitFor, type Call, type RunningServer, type TempDir } from '../helpers';

const PASSWORD = 'fleet-Pa55-7c1e';
let dir: TempDir;
let nats: RunningServer;
let host: Engine;
let client: EngineClient;
let call: Call;
const lines: string[] = [];
const channels: string[] = [];

beforeAll(async () => {
  dir = await makeTempDir('hexwatch-connections-');
  nats = await startNatsWith(dir.path, 'users', `authorization {\n  users = [ { user: analyst, password: "${PASSWORD}" } ]\n}\n`);
  host = await startEngineHost({
    argv: ['--data-dir', join(dir.path, 'data'), '--simulator.devices', '50', '--live.frameIntervalMs', '100'],
    env: engineEnv(),
    log: (l) => lines.push(l),
    connectionSecrets: sessionSecrets('kept for this run only'),
  });
  client = host.connect();
  client.onEvent((channel) => channels.push(channel));
  call = typedCall((method, params) => client.call(method, params));
  await call('heatmap.viewport', { bounds: { west: -180, south: -85, east: 180, north: 85 }, zoom: 2 });
});

afterAll(async () => {
  client?.close();
  await host?.stop();
  await nats?.stop();
  await dir?.remove();
});

/** Frames keep arriving on the client: count those after now. */
async function framesArrive(what: string): Promise<void> {
  const before = channels.filter((c) => c === 'heatmap.frame').length;
  await waitFor(() => channels.filter((c) => c === 'heatmap.frame').length >= before + 3, { timeoutMs: 20_000, what });
}

function natsSettings(password?: string): ParamsOf<'connections.save'> {
  return {
    source: 'nats',
    nats: {
      servers: [nats.url],
      user: 'analyst',
      passwordFile: '',
      tokenFile: '',
      nkeySeedFile: '',
      credsFile: '',
      tlsCaFile: '',
      tlsCertFile: '',
      tlsKeyFile: '',
      stream: 'POSITIONS',
      subjects: ['pos.>'],
      consumer: 'hexwatch',
    },
    tile38: { host: '', port: 9851, tls: false, passwordFile: '', mode: 'channel' },
    demand: { stream: 'DEMAND', subjects: ['demand.>'], consumer: 'hexwatch-demand' },
    ...(password ? { secrets: { natsPassword: password } } : {}),
  };
}

/** Every file under `root`, whatever it is (databases, WAL, Parquet, settings, logs). */
function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(root, e.name)) : [join(root, e.name)]));
}

describe('Save and connect', () => {
  it('tests NATS with the password typed in: the server’s refusal, then who it is', async () => {
    const settings = natsSettings();
    await expect(call('connections.testNats', { nats: settings.nats, password: 'wrong' })).resolves.toEqual({
      ok: false,
      error: expect.stringMatching(/Authorization Violation/),
    });
    await expect(call('connections.testNats', { nats: settings.nats, password: PASSWORD })).resolves.toMatchObject({ ok: true, server: { jetstream: true } });
  });

  it('switches the running engine from the simulator to NATS: positions published are committed and drawn, with no restart of the client', async () => {
    expect(host.status().source).toBe('simulator');
    await framesArrive('frames from the simulator');
    const saved = await call('connections.save', natsSettings(PASSWORD));
    expect(saved).toMatchObject({ saved: true, note: expect.stringMatching(/this run only/) });
    await waitFor(() => host.status().source === 'nats' && host.status().sourceState === 'running', {
      timeoutMs: 20_000,
      what: 'the engine reading NATS',
      detail: () => JSON.stringify(host.status()),
    });
    const nc = await connect({ servers: nats.url, user: 'analyst', pass: PASSWORD });
    try {
      const js = jetstream(nc);
      const sim = new Simulator({ devices: 100, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 5, speedMps: 9, fleet: 'switch', seed: 3 });
      for (let round = 0; round < 10; round++)
        await Promise.all(sim.take(100, Date.now() - 5000 + round * 100).map((p) => js.publish('pos.x', JSON.stringify(p))));
      expect((await (await jetstreamManager(nc)).streams.info('POSITIONS')).state.messages).toBe(1000);
    } finally {
      await nc.close();
    }
    await waitFor(() => host.status().ingest?.committed === 1000, { timeoutMs: 20_000, what: '1000 committed', detail: () => JSON.stringify(host.status()) });
    await framesArrive('frames from NATS on the same client');
    expect(await call('connections.get')).toMatchObject({
      source: 'nats',
      nats: { servers: [nats.url], user: 'analyst' },
      secrets: { natsPassword: 'session' },
    });
  });

  it('switches back to the simulator and keeps what NATS brought', async () => {
    await call('connections.save', { ...natsSettings(), source: 'simulator' });
    await waitFor(() => host.status().source === 'simulator', { timeoutMs: 20_000, what: 'the simulator again' });
    await framesArrive('frames from the simulator again');
    const { hot, archived } = await call('history.counts');
    expect(hot + archived).toBeGreaterThanOrEqual(1000);
  });

  it('writes the password into no file under the data dir and no log line', async () => {
    for (const file of filesUnder(join(dir.path, 'data'))) {
      if (statSync(file).size > 0) expect(readFileSync(file).includes(PASSWORD), file).toBe(false);
    }
    expect(lines.filter((l) => l.includes(PASSWORD))).toEqual([]);
    expect(JSON.parse(readFileSync(join(dir.path, 'data', 'settings.json'), 'utf8'))).toMatchObject({ nats: { user: 'analyst', servers: [nats.url] } });
  });

  it('refuses settings that do not hold together, saving nothing', async () => {
    const before = readFileSync(join(dir.path, 'data', 'settings.json'), 'utf8');
    await expect(call('connections.save', { ...natsSettings(), nats: { ...natsSettings().nats, servers: [] } })).rejects.toThrow(/nats\.servers|no server/);
    expect(readFileSync(join(dir.path, 'data', 'settings.json'), 'utf8')).toBe(before);
    expect(host.status().source).toBe('simulator');
  });
});
