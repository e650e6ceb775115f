// The fleet's fence registry on a real nats-server (KV is JetStream: no stand-in), two engines' caches side by side.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FenceInput } from '../../shared/fence';
import { ConfigSchema } from '../config/schema';
import { repoRoot } from '../../tests/helpers/paths';
import { startNats, type RunningServer } from '../../tests/helpers/servers';
import { waitFor } from '../../tests/helpers/process';
import { DeployLease } from './deploy-lease';
import { FENCES_BUCKET, FenceBucket, keyOfFence } from './fence-bucket';
import { FenceRegistry } from './fence-registry';

let nats: RunningServer;
let dir: string;
const open: { bucket: FenceBucket; cache: FenceRegistry }[] = [];
const natsConfig = () => ({ ...ConfigSchema.parse({}).nats, servers: [nats.url] });
const fence = (id: string, west = 0): FenceInput => ({
  id,
  name: id,
  geometry: { type: 'Rectangle', bbox: [west, 0, west + 1, 1] },
  detect: ['enter', 'exit'],
  targets: [],
  enabled: true,
});

/** One engine's side: its cache file and its view of the bucket. */
async function engine(name: string, seedWith: FenceInput[] = []): Promise<{ bucket: FenceBucket; cache: FenceRegistry; lines: string[] }> {
  const cache = FenceRegistry.open(join(dir, `${name}.sqlite`));
  for (const f of seedWith) cache.save(f);
  const lines: string[] = [];
  const bucket = new FenceBucket({ nats: natsConfig(), env: {}, engineId: name, cache, log: (l) => lines.push(l) });
  await bucket.start();
  open.push({ bucket, cache });
  return { bucket, cache, lines };
}

beforeAll(async () => {
  // npm test names the server (HEXWATCH_NATS_SERVER); run alone, the one npm test builds, else the PATH's.
  const built = join(repoRoot, '.cache', 'bin', 'nats-server');
  nats = await startNats(!process.env.HEXWATCH_NATS_SERVER && existsSync(built) ? { binary: built } : {});
});
afterAll(() => nats?.stop());
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hexwatch-fence-bucket-'));
});
afterEach(async () => {
  for (const { bucket, cache } of open.splice(0)) {
    await bucket.stop();
    cache.close();
  }
  // Each test starts from an empty bucket: the first engine seeds it again.
  const { connect } = await import('@nats-io/transport-node');
  const { Kvm } = await import('@nats-io/kv');
  const nc = await connect({ servers: nats.url });
  await (await new Kvm(nc).open(FENCES_BUCKET)).destroy().catch(() => undefined);
  await nc.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the fleet’s fence registry (a NATS key-value bucket)', () => {
  it('is seeded once by the first engine, adopted by the next, and every save reaches every cache', async () => {
    const a = await engine('a', [fence('depot'), fence('yard.north:1', 2)]);
    const b = await engine('b', [fence('only-on-b', 4)]);
    expect(a.lines.join('\n')).toMatch(/seeded the fleet's registry .* with 2 fences/);
    expect(b.cache.list().map((f) => f.id)).toEqual(['depot', 'yard.north:1']);
    expect(b.lines.join('\n')).toMatch(/1 fences of this engine's fences.sqlite are not in the fleet's registry .*only-on-b/);

    await b.bucket.save({ ...fence('depot'), name: 'Depot (edited on b)' }, 1);
    await waitFor(() => a.cache.get('depot')?.version === 2, { timeoutMs: 10_000, what: 'the edit on b in a’s cache' });
    expect(a.cache.get('depot')!.name).toBe('Depot (edited on b)');
    expect(a.cache.history('depot').map((v) => v.version)).toEqual([1, 2]);
  });

  it('refuses an edit of a version another engine has saved meanwhile, with the conflict the panel shows', async () => {
    const a = await engine('a', [fence('depot')]);
    const b = await engine('b');
    await a.bucket.save({ ...fence('depot'), name: 'from a' }, 1);
    await expect(b.bucket.save({ ...fence('depot'), name: 'from b' }, 1)).rejects.toThrow(/version: was edited meanwhile: it is at version 2, not 1/);
    // Both at once, from the same version: exactly one wins.
    const both = await Promise.allSettled([a.bucket.save({ ...fence('depot'), name: 'a2' }, 2), b.bucket.save({ ...fence('depot'), name: 'b2' }, 2)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(both.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([
      expect.stringMatching(/edited meanwhile: it is at version 3, not 2/),
    ]);
    // Saves without an expected version (an import) retry on the new revision: none is lost.
    await Promise.all([...Array(6).keys()].map((i) => (i % 2 ? a : b).bucket.save({ ...fence('depot'), name: `n${i}` })));
    await waitFor(() => a.cache.get('depot')?.version === 9 && b.cache.get('depot')?.version === 9, {
      timeoutMs: 10_000,
      what: 'nine versions in both caches',
    });
  });

  it('deletes as a version of its own, re-creates after it, enables and imports through the bucket', async () => {
    const a = await engine('a', [fence('depot')]);
    const b = await engine('b');
    expect(await b.bucket.remove('depot')).toBe(true);
    expect(await b.bucket.remove('depot')).toBe(false);
    await waitFor(() => a.cache.get('depot') === undefined, { timeoutMs: 10_000, what: 'the delete in a’s cache' });
    // A new fence of the same id expects version 0; its numbers go on after the deletion's.
    expect((await a.bucket.save(fence('depot'), 0)).version).toBe(3);
    expect((await a.bucket.setEnabled('depot', false)).enabled).toBe(false);
    const result = await b.bucket.importCollection({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
          properties: { id: 'imported' },
        },
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 1],
                [1, 0],
                [0, 1],
                [0, 0],
              ],
            ],
          },
          properties: { id: 'bowtie' },
        },
      ],
    });
    expect(result.saved).toEqual(['imported']);
    expect(result.errors[0]).toMatchObject({ index: 1, id: 'bowtie' });
    await waitFor(() => a.cache.get('imported') !== undefined && a.cache.get('depot')?.enabled === false, {
      timeoutMs: 10_000,
      what: 'the import in a’s cache',
    });
    expect(a.cache.history('depot').map((v) => [v.version, v.fence ? 'fence' : 'deleted'])).toEqual([
      [1, 'fence'],
      [2, 'deleted'],
      [3, 'fence'],
      [4, 'fence'],
    ]);
  });

  it('skips what is not a fence in the bucket, saying so once, and keeps watching', async () => {
    const a = await engine('a');
    const { connect } = await import('@nats-io/transport-node');
    const { Kvm } = await import('@nats-io/kv');
    const nc = await connect({ servers: nats.url });
    const kv = await new Kvm(nc).open(FENCES_BUCKET);
    await kv.put(keyOfFence('junk'), 'not json');
    await kv.put(keyOfFence('junk'), JSON.stringify({ id: 'junk', version: 1, fence: { id: 'junk' } }));
    await nc.close();
    await a.bucket.save(fence('after'));
    await waitFor(() => a.lines.some((l) => /skipped f.junk/.test(l)), { timeoutMs: 10_000, what: 'the refusal logged' });
    expect(a.lines.filter((l) => /skipped f.junk/.test(l))).toHaveLength(1);
    expect(a.cache.list().map((f) => f.id)).toEqual(['after']);
  });

  it('gives the Tile38 deploy lease to one engine, back on a stop at once, and over when the holder goes silent', async () => {
    await engine('a');
    const kv = await open[0].bucket.whenOpen();
    const holding: Record<string, boolean> = {};
    let now = 1_000_000;
    const lease = (name: string) => new DeployLease(kv, { engineId: name, leaseMs: 3000, clock: () => now, onChange: (h) => (holding[name] = h) });
    const [x, y] = [lease('x'), lease('y')];
    await x.start();
    await y.start();
    expect(holding).toEqual({ x: true });
    await x.stop();
    await waitFor(() => holding.y === true, { timeoutMs: 10_000, what: 'y taking the lease x handed back' });
    expect(holding.x).toBe(false);
    // y goes silent (its timer stopped, its key left behind): x sees the revision stand still for a whole lease.
    await y.stop().catch(() => undefined);
    const z = lease('z');
    await kv.put('_deployer', JSON.stringify({ engine: 'y', at: now }));
    await z.start();
    expect(holding.z).toBeUndefined();
    now += 3500;
    await waitFor(() => holding.z === true, { timeoutMs: 10_000, what: 'z taking over the lapsed lease' });
    await z.stop();
  });
});
