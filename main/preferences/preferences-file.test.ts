import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreferencesFile } from './preferences-file';

let dir: string;
const lines: string[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-prefs-'));
  lines.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the preferences file', () => {
  it('keeps what was set across a restart, and forgets what was set to null', async () => {
    const a = new PreferencesFile(dir, (l) => lines.push(l), 0);
    a.set('heatmap.metric', 'positions');
    a.set('workbench.panelWidth', 480);
    a.set('workbench.panelWidth', null);
    await a.flush();
    expect(new PreferencesFile(dir, () => {}).all()).toEqual({ 'heatmap.metric': 'positions' });
  });

  it('sets a damaged file aside, says so, and starts from the defaults', () => {
    writeFileSync(join(dir, 'preferences.json'), '{"heatmap.metric": ');
    const p = new PreferencesFile(dir, (l) => lines.push(l));
    expect(p.all()).toEqual({});
    expect(readFileSync(join(dir, 'preferences.json.bad'), 'utf8')).toBe('{"heatmap.metric": ');
    expect(existsSync(join(dir, 'preferences.json'))).toBe(false);
    expect(lines.join('\n')).toMatch(/could not be read .*kept as preferences.json.bad/);
  });

  it('refuses a value that would make the file larger than its limit, keeping the rest', () => {
    const p = new PreferencesFile(dir, () => {});
    p.set('heatmap.metric', 'devices');
    expect(() => p.set('notebooks.huge', 'x'.repeat(1_100_000))).toThrow(/more than 1048576/);
    expect(p.all()).toEqual({ 'heatmap.metric': 'devices' });
  });
});
