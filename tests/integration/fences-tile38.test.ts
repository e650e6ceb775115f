// The embedded engine against a real Tile38: the same fences and positions must give the same events
// per (device, fence); and a Tile38 restarted mid-stream gets its fences back without anyone asking.
import { afterEach, describe, expect, it } from 'vitest';
import { FenceSchema } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import { FenceEngine, Tile38Adapter, type Tile38Settings } from '../../main/fences';
import { differingPairs, eventsByPair, fenceScenario, type RunningServer, sentinelFence, startTile38, tile38ServerPath, waitFor } from '../helpers';

const settings = (port: number): Tile38Settings => ({ host: '127.0.0.1', port, tls: false, key: 'fleet', expireS: 0, mode: 'channel', prefix: 'hw.' });
const SENTINEL = sentinelFence([0, 0, 1, 1]);

let server: RunningServer | undefined;
let adapter: Tile38Adapter | undefined;
afterEach(async () => {
  await adapter?.stop();
  await server?.stop();
  adapter = server = undefined;
});

/** Publishes fixes, then a sentinel fix whose event arrives after every event they caused. */
async function publishAndDrain(a: Tile38Adapter, received: FenceEvent[], fixes: Parameters<Tile38Adapter['publish']>[0], round: number): Promise<void> {
  for (let i = 0; i < fixes.length; i += 1000) await a.publish(fixes.slice(i, i + 1000));
  await a.publish([{ id: `sentinel-${round}`, lat: 0.5, lon: 0.5, ts: round }]);
  await waitFor(() => received.some((e) => e.device_id === `sentinel-${round}`), { timeoutMs: 60_000, what: 'the sentinel event' });
}

describe.skipIf(!tile38ServerPath())('against a real Tile38 (tile38-server from .cache/bin, PATH or HEXWATCH_TILE38_SERVER)', () => {
  it('gives identical event sequences per (device, fence) for 10k positions over 20+ fences', async () => {
    const { fences, fixes } = fenceScenario();
    for (const f of fences) expect(FenceSchema.safeParse(f).error?.issues ?? [], f.id).toEqual([]);
    expect(fences.length).toBeGreaterThanOrEqual(20);
    expect(fixes.length).toBeGreaterThanOrEqual(10_000);

    const engine = new FenceEngine(fences);
    const expected = engine.update(fixes);

    server = await startTile38();
    const received: FenceEvent[] = [];
    adapter = new Tile38Adapter(settings(server.port), { onEvent: (e) => received.push(e) });
    await adapter.start();
    await adapter.setFences([...fences, SENTINEL]);
    expect(Object.values(adapter.state.fences).every((s) => s.state === 'deployed')).toBe(true);
    await publishAndDrain(adapter, received, fixes, 1);

    const got = eventsByPair(received.filter((e) => e.fence_id !== SENTINEL.id && !e.device_id.startsWith('sentinel-')));
    const want = eventsByPair(expected);
    expect(differingPairs(got, want)).toEqual([]);
    // The scenario really exercises what it claims to.
    const kinds = new Set(expected.map((e) => e.event_type));
    expect([...kinds].sort()).toEqual(['cross', 'enter', 'exit', 'inside', 'outside']);
    expect(want.get('first-inside | rect-west')?.[0]).toMatch(/^enter@/);
    expect(want.get('on-vertex | rect-west')?.[0]).toMatch(/^enter@/);
    expect(
      [...want.keys()]
        .filter((k) => k.startsWith('crosser'))
        .flatMap((k) => want.get(k)!)
        .some((e) => e.startsWith('cross@')),
    ).toBe(true);
    expect(expected.length).toBeGreaterThan(5000);
  }, 180_000);

  it('authenticates with a password, and a wrong one is reported in the status while the engine runs on', async () => {
    server = await startTile38();
    const admin = new Tile38Adapter(settings(server.port), { onEvent: () => {} });
    await admin.start();
    await admin.command('CONFIG', 'SET', 'requirepass', 's3cret');
    await admin.stop();

    const wrong = new Tile38Adapter({ ...settings(server.port), password: 'nope' }, { onEvent: () => {} });
    await wrong.start();
    await waitFor(() => /invalid password|NOAUTH|auth/i.test(wrong.state.error ?? ''), {
      timeoutMs: 10_000,
      what: 'the refusal in the status',
      detail: () => JSON.stringify(wrong.state),
    });
    expect(wrong.state.connection).not.toBe('connected');
    await wrong.stop();

    const received: FenceEvent[] = [];
    adapter = new Tile38Adapter({ ...settings(server.port), password: 's3cret' }, { onEvent: (e) => received.push(e) });
    await adapter.start();
    await adapter.setFences([SENTINEL]);
    expect(adapter.state).toMatchObject({ connection: 'connected', fences: { [SENTINEL.id]: { state: 'deployed' } } });
    await adapter.publish([{ id: 'sentinel-1', lat: 0.5, lon: 0.5, ts: 1 }]);
    await waitFor(() => received.length === 1, { timeoutMs: 10_000, what: 'an event through the password-protected Tile38' });
  });

  it('redeploys the fences to a restarted Tile38 by itself; events resume and the status shows it', async () => {
    const { fences, fixes } = fenceScenario({ devices: 50, fixesPerDevice: 20 });
    server = await startTile38();
    const port = server.port;
    const received: FenceEvent[] = [];
    adapter = new Tile38Adapter(settings(port), { onEvent: (e) => received.push(e) });
    await adapter.start();
    await adapter.setFences([...fences, SENTINEL]);
    const half = fixes.length / 2;
    await publishAndDrain(adapter, received, fixes.slice(0, half), 1);
    const before = received.length;

    await server.stop();
    await waitFor(() => adapter!.state.connection === 'reconnecting', { timeoutMs: 10_000, what: 'the adapter to notice' });
    expect(Object.values(adapter.state.fences).every((s) => s.state === 'pending')).toBe(true);
    server = await startTile38({ port }); // empty: it knows no fences
    await waitFor(() => adapter!.state.connection === 'connected' && Object.values(adapter!.state.fences).every((s) => s.state === 'deployed'), {
      timeoutMs: 30_000,
      what: 'the fences redeployed',
    });
    await publishAndDrain(adapter, received, fixes.slice(half), 2);
    expect(received.length).toBeGreaterThan(before + 10);
    // After the restart Tile38 knows no previous positions: each device's first fix there is a first fix again.
    const engine = new FenceEngine(fences);
    const expected = [...engine.update(fixes.slice(0, half)), ...new FenceEngine(fences).update(fixes.slice(half))];
    const got = eventsByPair(received.filter((e) => e.fence_id !== SENTINEL.id && !e.device_id.startsWith('sentinel-')));
    const want = eventsByPair(expected);
    expect(differingPairs(got, want)).toEqual([]);
  }, 120_000);
});
