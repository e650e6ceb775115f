import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAG_ALIASES } from '../main/config';
import { MAX_NOTEBOOK_BYTES, OpenFilesInbox, openActions, openRequests, splitLaunchArgs } from './open-files';

describe('splitLaunchArgs', () => {
  it('keeps the engine its settings flags and takes out the files, leaving Chromium and launcher switches', () => {
    const argv = [
      '--no-sandbox',
      'fleet.parquet',
      '--nats.servers',
      'nats://127.0.0.1:4222',
      '--port=8080',
      '--devices',
      '500',
      'Q3.SQL',
      '--enable-features=X',
      'notes.txt',
      '--data-dir',
      '/srv/hw',
    ];
    expect(splitLaunchArgs(argv, FLAG_ALIASES)).toEqual({
      engine: ['--nats.servers', 'nats://127.0.0.1:4222', '--port=8080', '--devices', '500', '--data-dir', '/srv/hw'],
      files: ['fleet.parquet', 'Q3.SQL'],
    });
  });

  it('does not take a flag’s value for a file', () => {
    expect(splitLaunchArgs(['--notebooks.roots', 'a.csv'], FLAG_ALIASES)).toEqual({ engine: ['--notebooks.roots', 'a.csv'], files: [] });
  });
});

describe('openActions', () => {
  it('opens .sql as a notebook and .parquet, .geojson and .csv in Notebooks, relative paths from the launch directory', () => {
    expect(openActions(['q.sql', '/data/zones.GeoJSON', 'fleet.parquet', 'trips.csv', 'notes.txt'], '/home/ana')).toEqual([
      { kind: 'notebook', path: '/home/ana/q.sql' },
      { kind: 'open', path: '/data/zones.GeoJSON' },
      { kind: 'open', path: '/home/ana/fleet.parquet' },
      { kind: 'open', path: '/home/ana/trips.csv' },
    ]);
  });
});

describe('openRequests', () => {
  const readText = async (path: string, maxBytes: number) => {
    if ((await stat(path)).size > maxBytes) throw new Error('larger than a notebook can be');
    return readFile(path, 'utf8');
  };

  it('sends a notebook with its text and a data file by its path, and reports a notebook it cannot read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexwatch-open-'));
    try {
      writeFileSync(join(dir, 'busy.sql'), '-- %%\nSELECT 1\n');
      writeFileSync(join(dir, 'huge.sql'), Buffer.alloc(MAX_NOTEBOOK_BYTES + 1, 0x20));
      const { requests, failures } = await openRequests(
        [
          { kind: 'notebook', path: join(dir, 'busy.sql') },
          { kind: 'open', path: join(dir, 'fleet.parquet') },
          { kind: 'notebook', path: join(dir, 'gone.sql') },
          { kind: 'notebook', path: join(dir, 'huge.sql') },
        ],
        readText,
      );
      expect(requests).toEqual([
        { kind: 'notebook', path: join(dir, 'busy.sql'), name: 'busy.sql', text: '-- %%\nSELECT 1\n' },
        { kind: 'open', path: join(dir, 'fleet.parquet') },
      ]);
      expect(failures).toEqual([expect.stringMatching(/gone\.sql: ENOENT/), expect.stringMatching(/huge\.sql: larger than a notebook/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('OpenFilesInbox', () => {
  it('holds files until the page listens, then hands them over as they come, and holds them again while it reloads', () => {
    const inbox = new OpenFilesInbox<string>();
    const got: string[][] = [];
    inbox.push(['a']);
    inbox.push(['b', 'c']);
    inbox.push([]);
    expect(got).toEqual([]);
    inbox.ready((items) => got.push(items));
    expect(got).toEqual([['a', 'b', 'c']]);
    inbox.push(['d']);
    expect(got).toEqual([['a', 'b', 'c'], ['d']]);
    inbox.unready();
    inbox.push(['e']);
    expect(got.length).toBe(2);
    inbox.ready((items) => got.push(items));
    expect(got[2]).toEqual(['e']);
  });
});
