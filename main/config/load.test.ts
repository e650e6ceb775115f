import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, envName, loadConfig } from './load';

function dataDirWith(settings?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hexwatch-config-'));
  if (settings !== undefined) writeFileSync(join(dir, 'settings.json'), settings);
  return dir;
}

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the settings to be refused');
}

describe('loadConfig precedence', () => {
  it('uses the defaults when nothing is configured', () => {
    const { config } = loadConfig({ argv: [], env: {}, defaultDataDir: dataDirWith() });
    expect(config.server.host).toBe('127.0.0.1');
    expect(config.simulator.devices).toBe(1000);
    expect(config.live.maxResolution).toBe(11);
    expect(config.source).toBe('auto');
  });

  it('layers defaults → settings file → environment → flags, the later winning per key', () => {
    const dir = dataDirWith(JSON.stringify({ simulator: { devices: 50, ratePerSec: 100, radiusKm: 3 }, live: { windowS: 30 } }));
    const env = { HEXWATCH_SIMULATOR_RATE_PER_SEC: '200', HEXWATCH_SIMULATOR_RADIUS_KM: '4' };
    const { config, settingsPath } = loadConfig({ argv: ['--simulator.radiusKm', '5', '--port=8123'], env, defaultDataDir: dir });
    expect(settingsPath).toBe(join(dir, 'settings.json'));
    expect(config.simulator.devices).toBe(50); // file
    expect(config.simulator.ratePerSec).toBe(200); // env over file
    expect(config.simulator.radiusKm).toBe(5); // flag over env over file
    expect(config.server.port).toBe(8123); // alias flag
    expect(config.live.windowS).toBe(30);
    expect(config.live.bucketS).toBe(5); // untouched default
  });

  it('takes the data folder from --data-dir over HEXWATCH_DATA_DIR over the default', () => {
    const a = dataDirWith(JSON.stringify({ simulator: { devices: 7 } }));
    const b = dataDirWith(JSON.stringify({ simulator: { devices: 8 } }));
    expect(loadConfig({ argv: [], env: { HEXWATCH_DATA_DIR: a }, defaultDataDir: b }).config.simulator.devices).toBe(7);
    expect(loadConfig({ argv: ['--data-dir', b], env: { HEXWATCH_DATA_DIR: a } }).config.simulator.devices).toBe(8);
  });

  it('parses lists from the environment and flags', () => {
    const { config } = loadConfig({
      argv: ['--nats', 'nats://a:4222, nats://b:4222'],
      env: { HEXWATCH_SIMULATOR_CENTER: '2.35,48.85' },
      defaultDataDir: dataDirWith(),
    });
    expect(config.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(config.simulator.center).toEqual([2.35, 48.85]);
  });

  it('names environment variables after the dotted key', () => {
    expect(envName('simulator.ratePerSec')).toBe('HEXWATCH_SIMULATOR_RATE_PER_SEC');
    expect(envName('live.maxResolution')).toBe('HEXWATCH_LIVE_MAX_RESOLUTION');
  });
});

describe('loadConfig refusal', () => {
  it('refuses an out-of-range value, naming the key, the problem and the file', () => {
    const dir = dataDirWith(JSON.stringify({ live: { windowS: -5 } }));
    const msg = refusal(() => loadConfig({ argv: [], env: {}, defaultDataDir: dir }));
    expect(msg).toMatch(/live\.windowS: .*>=5/);
    expect(msg).toContain(join(dir, 'settings.json'));
  });

  it('refuses an unknown key and suggests the near one', () => {
    const msg = refusal(() => loadConfig({ argv: [], env: {}, defaultDataDir: dataDirWith('{"simulator":{"devicez":10}}') }));
    expect(msg).toContain('simulator.devicez: unknown setting (did you mean simulator.devices?)');
  });

  it('refuses malformed JSON with the line and column', () => {
    const msg = refusal(() => loadConfig({ argv: [], env: {}, defaultDataDir: dataDirWith('{\n  "live": {\n    "windowS": 30,\n  }\n}') }));
    expect(msg).toMatch(/settings\.json is not valid JSON at line 4, column 3/);
  });

  it('refuses a non-number in the environment, naming the variable', () => {
    const msg = refusal(() => loadConfig({ argv: [], env: { HEXWATCH_SERVER_PORT: 'eighty' }, defaultDataDir: dataDirWith() }));
    expect(msg).toContain('server.port: expected a number, got "eighty" (from HEXWATCH_SERVER_PORT)');
  });

  it('refuses an unknown flag and a non-loopback host', () => {
    expect(refusal(() => loadConfig({ argv: ['--simulator.devicess', '3'], env: {}, defaultDataDir: dataDirWith() }))).toContain(
      'simulator.devicess: unknown setting',
    );
    expect(refusal(() => loadConfig({ argv: ['--host', '0.0.0.0'], env: {}, defaultDataDir: dataDirWith() }))).toMatch(
      /server\.host: must be a loopback address.*\(from --host\)/,
    );
  });

  it('refuses a bucket longer than the window', () => {
    const msg = refusal(() => loadConfig({ argv: ['--live.windowS', '10', '--live.bucketS', '20'], env: {}, defaultDataDir: dataDirWith() }));
    expect(msg).toContain('live.bucketS: must not exceed live.windowS');
  });
});

describe('secrets', () => {
  it('refuses a password in settings.json and says where it belongs', () => {
    const msg = refusal(() =>
      loadConfig({ argv: [], env: {}, defaultDataDir: dataDirWith('{"nats":{"servers":["nats://127.0.0.1:4222"],"password":"hunter2"}}') }),
    );
    expect(msg).toContain('nats.password: secrets are not read from settings files: set HEXWATCH_NATS_PASSWORD or nats.passwordFile');
    expect(msg).not.toContain('hunter2');
  });
});

describe('cluster settings', () => {
  it('refuses partitions over subjects whose device id is not one last token, naming the setting and why', () => {
    const settings = JSON.stringify({ nats: { subjects: ['pos.>', 'gps.>'] }, cluster: { partitions: 8 } });
    expect(refusal(() => loadConfig({ argv: [], env: {}, defaultDataDir: dataDirWith(settings) }))).toBe(
      'invalid settings:\n  nats.subjects: cluster.partitions needs nats.subjects to be one subject whose last token is the device id, such as ["pos.>"] or ["pos.*"] (got ["pos.>","gps.>"])',
    );
    // The same subjects are fine with partitions off.
    expect(loadConfig({ argv: ['--cluster.partitions', '0'], env: {}, defaultDataDir: dataDirWith(settings) }).config.cluster.partitions).toBe(0);
  });

  it('takes the cluster section from flags and the environment, and refuses a group the server would', () => {
    const { config } = loadConfig({ argv: ['--cluster.partitions', '8'], env: { HEXWATCH_CLUSTER_PIN_TIMEOUT_S: '4' }, defaultDataDir: dataDirWith() });
    expect(config.cluster).toEqual({ partitions: 8, pinTimeoutS: 4, group: 'hexwatch', engineName: '' });
    expect(refusal(() => loadConfig({ argv: ['--cluster.group', 'a.b'], env: {}, defaultDataDir: dataDirWith() }))).toContain('cluster.group');
  });
});
