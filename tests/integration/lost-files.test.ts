// A data dir that has been used remembers its database files: one emptied or deleted behind the
// engine's back is refused with a message saying what happened and what to do, never recreated empty,
// while a fresh data dir starts clean.
import { existsSync, readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../main';
import { makeTempDir, NO_DEMO, typedCall, type Call } from '../helpers';

async function run(dataDir: string, check: (call: Call) => Promise<void>): Promise<void> {
  const engine = await startEngine({ argv: ['--data-dir', dataDir, ...NO_DEMO], env: {}, log: () => {} });
  const client = engine.connect();
  try {
    await check(typedCall((method, params) => client.call(method, params)));
  } finally {
    client.close();
    await engine.stop();
  }
}

describe('lost database files', () => {
  it('a fresh data dir starts with every file, and lists them', async () => {
    const dir = await makeTempDir('hexwatch-fresh-');
    await run(dir.path, async (call) => {
      await expect(call('deliveries.health')).resolves.toMatchObject({ status: 'Healthy' });
      await expect(call('fences.list')).resolves.toEqual([]);
    });
    const manifest = JSON.parse(readFileSync(join(dir.path, 'hexwatch-files.json'), 'utf8')) as { files: Record<string, unknown> };
    expect(Object.keys(manifest.files).sort()).toEqual(['fences.sqlite', 'history.duckdb', 'market.sqlite', 'queue.sqlite']);
    await dir.remove();
  });

  for (const [file, method, what] of [
    ['queue.sqlite', 'deliveries.health', 'the delivery queue'],
    ['fences.sqlite', 'fences.list', 'fences'],
    ['market.sqlite', 'market.metrics', 'the market'],
    // The simulator runs on without its history; with NATS ingest it is needed and refuses to start.
    ['history.duckdb', 'history.counts', 'the history'],
  ] as const) {
    for (const [how, damage, says] of [
      ['emptied', (p: string) => truncateSync(p, 0), /is empty \(0 bytes\), though this data dir has held it since \d{4}-/],
      ['deleted', (p: string) => unlinkSync(p), /is missing, though this data dir has held it since \d{4}-/],
    ] as const) {
      it(`${file} ${how} in a used data dir: ${what} refused with why, nothing recreated, the rest runs`, async () => {
        const dir = await makeTempDir('hexwatch-lost-');
        const path = join(dir.path, file);
        await run(dir.path, async (call) => {
          await call(method);
        });
        for (const side of ['-wal', '-shm']) if (existsSync(path + side)) unlinkSync(path + side);
        damage(path);
        await run(dir.path, async (call) => {
          await expect(call(method)).rejects.toThrow(says);
          await expect(call(method)).rejects.toThrow(
            /restore it from a backup, or remove "[a-z]+\.(sqlite|duckdb)" from .*hexwatch-files\.json to start it empty/,
          );
          // The engine itself runs on.
          await expect(call('status.get')).resolves.toMatchObject({ source: 'simulator' });
        });
        if (how === 'emptied') expect(statSync(path).size).toBe(0);
        else expect(existsSync(path)).toBe(false);
        await dir.remove();
      });
    }
  }
});
