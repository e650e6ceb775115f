import { describe, expect, it } from 'vitest';
import type { Fence } from '../../shared/fence';
import { FenceEngine, type Fix } from './fence-engine';

const box = (id: string, bbox: [number, number, number, number], extra: Partial<Fence> = {}): Fence => ({
  id,
  name: id,
  geometry: { type: 'Rectangle', bbox },
  detect: ['enter', 'exit', 'dwell'],
  dwell_s: 60,
  targets: [],
  enabled: true,
  version: 1,
  ...extra,
});
const depot = box('depot', [0, 0, 10, 10]);
const yard = box('yard', [20, 0, 30, 10], { detect: ['enter', 'exit'], dwell_s: undefined });
const fix = (id: string, lon: number, lat: number, s: number): Fix => ({ id, lon, lat, ts: s * 1000 });
const kinds = (events: { event_type: string; fence_id: string; device_id: string; timestamp: number }[]) =>
  events.map((e) => `${e.device_id}:${e.fence_id}:${e.event_type}@${e.timestamp / 1000}`);

describe("a partition's device state handed to another engine", () => {
  it('goes on as if one engine had seen everything: no second enter, the exit, dwell at its time', () => {
    const before = [fix('a', 5, 5, 0), fix('b', 25, 5, 0), fix('c', 50, 50, 0), fix('a', 6, 5, 30)];
    const after = [fix('a', 7, 5, 70), fix('b', 40, 5, 80), fix('c', 5, 5, 90), fix('a', 50, 5, 100)];
    const one = new FenceEngine([depot, yard]);
    one.update(before);
    const reference = kinds(one.update(after));

    const old = new FenceEngine([depot, yard]);
    old.update(before);
    const checkpoint = old.exportDevices(() => true);
    expect(checkpoint.find((d) => d.id === 'a')).toEqual({ id: 'a', lat: 5, lon: 6, ts: 30_000, inside: [{ fence: 'depot', since: 0, dwelt: false }] });
    const next = new FenceEngine([depot, yard]);
    expect(next.loadDevices(JSON.parse(JSON.stringify(checkpoint)), old.fenceVersions(), 99_000)).toEqual([]);
    expect(kinds(next.update(after))).toEqual(reference);
    expect(reference).toEqual(['a:depot:dwell@60', 'b:yard:exit@80', 'c:depot:enter@90', 'a:depot:exit@100']);
  });

  it('exports only the devices asked for, and dropping them stops their dwell here', () => {
    const e = new FenceEngine([depot]);
    e.update([fix('a', 5, 5, 0), fix('b', 5, 5, 0)]);
    expect(e.exportDevices((id) => id === 'b').map((d) => d.id)).toEqual(['b']);
    expect(e.dropDevices((id) => id === 'a')).toBe(1);
    expect(e.deviceCount).toBe(1);
    expect(kinds(e.tick(61_000))).toEqual(['b:depot:dwell@60']);
    // A dropped device's next fix is a first fix (its new owner holds its state, not this engine).
    expect(kinds(e.update([fix('a', 5, 5, 70)]))).toEqual(['a:depot:enter@70']);
  });

  it('under fences edited since: a stay kept while the new shape holds the fix, else a synthetic exit stamped now', () => {
    const old = new FenceEngine([depot, yard, box('gone', [0, 0, 100, 100], { detect: ['enter', 'exit'] })]);
    old.update([fix('a', 5, 5, 0), fix('b', 25, 5, 0)]);
    const devices = old.exportDevices(() => true);
    const versions = old.fenceVersions();
    // depot shrinks off a's fix; yard is edited but still holds b; gone is deleted.
    const next = new FenceEngine([box('depot', [0, 0, 4, 4], { version: 2 }), { ...yard, version: 3, name: 'Yard' }]);
    expect(kinds(next.loadDevices(devices, versions, 500_000)).sort()).toEqual(['a:depot:exit@500', 'a:gone:exit@500', 'b:gone:exit@500']);
    expect(next.exportDevices((id) => id === 'b')[0].inside).toEqual([{ fence: 'yard', since: 0, dwelt: false }]);
    expect(next.exportDevices((id) => id === 'a')[0].inside).toEqual([]);
  });
});
