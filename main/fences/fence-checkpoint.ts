/**
 * A partition's fence state as the key-value bucket holds it: the devices' state, the stream sequence it
 * reflects, the fence versions it was computed under, who wrote it and when. Gzipped JSON with the
 * devices as arrays (12.5k devices ≈ 0.2 MB), read back through a schema: a damaged value is refused, never loaded.
 */
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { z } from 'zod';
import type { DeviceCheckpoint } from './fence-engine';

export interface FenceCheckpoint {
  stream: string;
  partition: number;
  /** How many partitions the stream had: a checkpoint of another layout is someone else's devices. */
  partitions: number;
  /** The highest stream sequence of this partition whose effects are in the state (0: none yet). */
  seq: number;
  /** The enabled fences' versions when it was computed. */
  fences: Record<string, number>;
  engine: string;
  at: number;
  devices: DeviceCheckpoint[];
}

/** The bucket's key of a partition's checkpoint (KV keys take dots, letters, digits, - and _). */
export function checkpointKey(stream: string, partition: number): string {
  return `${stream}.p${partition}`;
}

const gzipAsync = promisify(gzip);
const finite = z.number().finite();
/** [id, lat, lon, ts, then per fence inside: index into `names`, since, dwelt 0/1]. */
const DeviceRow = z.array(z.union([z.string(), finite])).min(4);
const Wire = z.object({
  v: z.literal(1),
  stream: z.string(),
  partition: z.number().int().min(0),
  partitions: z.number().int().min(1),
  seq: z.number().int().min(0),
  fences: z.record(z.string(), z.number().int()),
  engine: z.string(),
  at: finite,
  names: z.array(z.string()),
  devices: z.array(DeviceRow),
});

/** Compressed on libuv's threads: a partition of many devices must not hold up ingest's commits. */
export async function encodeCheckpoint(c: FenceCheckpoint): Promise<Uint8Array> {
  const names: string[] = [];
  const index = new Map<string, number>();
  const nameOf = (fence: string) => {
    let i = index.get(fence);
    if (i === undefined) index.set(fence, (i = names.push(fence) - 1));
    return i;
  };
  const devices = c.devices.map((d) => [d.id, d.lat, d.lon, d.ts, ...d.inside.flatMap((s) => [nameOf(s.fence), s.since, s.dwelt ? 1 : 0])]);
  const { devices: _, ...head } = c;
  return gzipAsync(JSON.stringify({ v: 1, ...head, names, devices }));
}

/** The checkpoint in a value, or why it cannot be used. */
export function decodeCheckpoint(bytes: Uint8Array): { ok: true; checkpoint: FenceCheckpoint } | { ok: false; reason: string } {
  let wire: z.infer<typeof Wire>;
  try {
    wire = Wire.parse(JSON.parse(gunzipSync(bytes).toString('utf8')));
  } catch (err) {
    return { ok: false, reason: `not a fence checkpoint: ${(err as Error).message.slice(0, 200)}` };
  }
  const devices: DeviceCheckpoint[] = [];
  for (const row of wire.devices) {
    const [id, lat, lon, ts] = row;
    const tail = row.slice(4);
    if (typeof id !== 'string' || typeof lat !== 'number' || typeof lon !== 'number' || typeof ts !== 'number' || tail.length % 3 !== 0)
      return { ok: false, reason: `a device row is malformed: ${JSON.stringify(row).slice(0, 80)}` };
    const inside: DeviceCheckpoint['inside'] = [];
    for (let i = 0; i < tail.length; i += 3) {
      const [n, since, dwelt] = tail.slice(i, i + 3);
      const fence = typeof n === 'number' ? wire.names[n] : undefined;
      if (fence === undefined || typeof since !== 'number') return { ok: false, reason: `device ${id} names no known fence` };
      inside.push({ fence, since, dwelt: dwelt === 1 });
    }
    devices.push({ id, lat, lon, ts, inside });
  }
  const { v: _, names: __, devices: ___, ...head } = wire;
  return { ok: true, checkpoint: { ...head, devices } };
}
