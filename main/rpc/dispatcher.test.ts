import { describe, expect, it } from 'vitest';
import { RpcError } from '../../shared/rpc';
import { dispatch, type Handlers } from './dispatcher';

const status = {
  version: '0',
  source: 'simulator' as const,
  sourceState: 'running' as const,
  positionsPerSec: 1,
  positionsTotal: 1,
  devices: 1,
  cells: 1,
  windowS: 60,
  maxResolution: 9,
  uptimeS: 0,
};
const calls: unknown[] = [];
// The dispatcher is the subject here, so only the services these tests call are given.
const handlers = {
  'status.get': () => status,
  'heatmap.viewport': (v, client) => {
    calls.push([v, client]);
    return { resolution: 6, frameIntervalMs: 500 };
  },
  'heatmap.snapshot': () => {
    throw new Error('disk on fire');
  },
  'config.get': () => ({ settingsPath: '/x', config: {} }),
} as Partial<Handlers<string>> as Handlers<string>;

async function rejection(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(RpcError);
    return err as RpcError;
  }
  throw new Error('expected a rejection');
}

describe('dispatch', () => {
  it('passes validated params and the calling client to the service', async () => {
    const viewport = { bounds: { west: -74, south: 40, east: -73, north: 41 }, zoom: 11 };
    await expect(dispatch(handlers, 'heatmap.viewport', viewport, 'client-1')).resolves.toEqual({ resolution: 6, frameIntervalMs: 500 });
    expect(calls.at(-1)).toEqual([viewport, 'client-1']);
  });

  it('names every invalid field', async () => {
    const err = await rejection(dispatch(handlers, 'heatmap.viewport', { bounds: { west: 'x', south: 0, east: 1, north: 1 }, zoom: 99 }, 'c'));
    expect(err.code).toBe('invalid_params');
    expect(err.issues.map((i) => i.path)).toEqual(['bounds.west', 'zoom']);
    expect(err.message).toContain('bounds.west');
    const extra = await rejection(dispatch(handlers, 'status.get', { verbose: true }, 'c'));
    expect(extra.issues[0].message).toContain('verbose');
  });

  it('refuses unknown methods, including inherited property names', async () => {
    expect((await rejection(dispatch(handlers, 'engine.shutdown', {}, 'c'))).code).toBe('unknown_method');
    expect((await rejection(dispatch(handlers, 'toString', {}, 'c'))).code).toBe('unknown_method');
  });

  it('turns a failing service into an internal error and keeps answering', async () => {
    const lines: string[] = [];
    const vp = { bounds: { west: -74, south: 40, east: -73, north: 41 }, zoom: 11 };
    const err = await rejection(dispatch(handlers, 'heatmap.snapshot', vp, 'c', (l) => lines.push(l)));
    expect(err.code).toBe('internal');
    expect(err.message).toBe('heatmap.snapshot failed: disk on fire');
    expect(lines[0]).toContain('disk on fire');
    await expect(dispatch(handlers, 'status.get', {}, 'c')).resolves.toEqual(status);
  });
});
