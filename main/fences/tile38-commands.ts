/**
 * Fences and positions as Tile38 commands, and Tile38's fence messages as FenceEvents: plain
 * functions, so the adapter around them only moves bytes.
 */
import type { Fence } from '../../shared/fence';
import type { FenceEvent } from '../../shared/fence-event';
import { isFixTime } from '../../shared/position';
import { rectangleRing } from '../../shared/fence-rings';
import type { Tile38Detect } from './detect';

const TILE38_DETECT: readonly Tile38Detect[] = ['enter', 'exit', 'inside', 'outside', 'cross'];

/** The detect list Tile38 is given: ours without `dwell` (the engine's own), never empty. */
export function tile38Detect(fence: Fence): string {
  const d = TILE38_DETECT.filter((k) => fence.detect.includes(k));
  return (d.length ? d : ['enter', 'exit']).join(',');
}

/** The fence part of SETCHAN / SETHOOK: `WITHIN key FENCE DETECT … OBJECT {…}` or `NEARBY key FENCE DETECT … POINT lat lon m`. */
export function fenceQuery(fence: Fence, key: string): string[] {
  const g = fence.geometry;
  const head = [key, 'FENCE', 'DETECT', tile38Detect(fence)];
  switch (g.type) {
    case 'Circle':
      return ['NEARBY', ...head, 'POINT', String(g.center[1]), String(g.center[0]), String(g.radius_m)];
    case 'Rectangle':
      return ['WITHIN', ...head, 'OBJECT', JSON.stringify({ type: 'Polygon', coordinates: [rectangleRing(g.bbox)] })];
    default:
      return ['WITHIN', ...head, 'OBJECT', JSON.stringify({ type: g.type, coordinates: g.coordinates })];
  }
}

/** The hook's name in Tile38: a prefix marks ours, so reconciling never touches anyone else's. */
export const hookName = (prefix: string, fenceId: string) => `${prefix}${fenceId}`;

/** `SET key id FIELD ts <ms> [EX s] POINT lat lon`: the fix time rides along as a field, so events carry it. */
export function setCommand(key: string, fix: { id: string; lat: number; lon: number; ts: number }, expireS: number): string[] {
  return ['SET', key, fix.id, 'FIELD', 'ts', String(fix.ts), ...(expireS > 0 ? ['EX', String(expireS)] : []), 'POINT', String(fix.lat), String(fix.lon)];
}

interface Tile38Message {
  command?: string;
  detect?: string;
  hook?: string;
  id?: string;
  time?: string;
  object?: { type?: string; coordinates?: number[] };
  fields?: { ts?: number };
}

const KINDS = new Set<string>(TILE38_DETECT);

/**
 * A Tile38 fence message as a FenceEvent (undefined for what is not one: `del`, `drop`, roam, another
 * prefix's hook). The event time is the fix's `ts` field, else Tile38's own time.
 */
export function eventOfMessage(text: string, prefix: string): FenceEvent | undefined {
  let m: Tile38Message;
  try {
    m = JSON.parse(text) as Tile38Message;
  } catch {
    return undefined;
  }
  if (m.command !== 'set' || !m.detect || !KINDS.has(m.detect) || !m.hook?.startsWith(prefix) || !m.id) return undefined;
  const c = m.object?.type === 'Point' ? m.object.coordinates : undefined;
  if (!c || c.length < 2 || !(c[1] >= -90 && c[1] <= 90) || !(c[0] >= -180 && c[0] <= 180)) return undefined;
  if (typeof m.id !== 'string' || m.id.length > 256) return undefined;
  // The fix's own time when it carries one a Date can hold, else when Tile38 saw it.
  const parsed = Date.parse(m.time ?? '');
  const ts = isFixTime(m.fields?.ts) ? m.fields?.ts : isFixTime(parsed) ? parsed : undefined;
  if (ts === undefined) return undefined;
  return {
    event_type: m.detect as Tile38Detect,
    fence_id: m.hook.slice(prefix.length),
    device_id: m.id,
    position: { lat: c[1], lon: c[0] },
    timestamp: ts,
    source: 'tile38',
  };
}
