import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from './load';
import { saveSettings } from './settings-file';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-settings-'));
  file = join(dir, 'settings.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('saving settings', () => {
  it('changes what it is given and keeps every other setting of the file', () => {
    writeFileSync(file, JSON.stringify({ simulator: { devices: 5000 }, nats: { stream: 'FLEET' } }));
    saveSettings(file, { 'nats.servers': ['nats://10.0.0.5:4222'], 'nats.user': 'analyst', source: 'nats' });
    const { config, origins } = loadConfig({ argv: ['--data-dir', dir], env: {} });
    expect(config.simulator.devices).toBe(5000);
    expect(config.nats).toMatchObject({ servers: ['nats://10.0.0.5:4222'], user: 'analyst', stream: 'FLEET' });
    expect(config.source).toBe('nats');
    expect(origins['nats.user']).toBe(file);
  });

  it('removes a key given as undefined', () => {
    saveSettings(file, { 'tile38.host': 'tile38.internal', 'tile38.port': 9852 });
    saveSettings(file, { 'tile38.host': undefined });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ tile38: { port: 9852 } });
  });

  it('refuses an invalid value with the key and what is wrong, and leaves the file as it was', () => {
    writeFileSync(file, '{"nats":{"stream":"FLEET"}}');
    expect(() => saveSettings(file, { 'nats.servers': ['http://x'] })).toThrow(
      /nats\.servers\.0: must be a nats:\/\/, tls:\/\/ or ws\(s\):\/\/ URL \(from the Connections screen\)/,
    );
    expect(readFileSync(file, 'utf8')).toBe('{"nats":{"stream":"FLEET"}}');
  });

  it('never writes a secret', () => {
    expect(() => saveSettings(file, { 'nats.password': 'hunter2' })).toThrow(/secrets are not saved/);
    expect(() => readFileSync(file, 'utf8')).toThrow();
  });
});
