/** The nats-server release each feature hexwatch uses needs (the README's table says the same). */
export const NATS_NEEDS = {
  /** Streams and durable pull consumers: every NATS source. */
  jetstream: '2.2.0',
  /** Key-value buckets (the fleet's heartbeats, fence registry, fence state). */
  kv: '2.6.0',
  /** Partitions: pull consumers with a priority group and the pinned_client policy. */
  partitions: '2.11.0',
} as const;

/** Whether release `found` ("2.9.10", "v2.11.0-beta.1") is `needed` or later; an unreadable one is taken as new enough (a development build). */
export function versionAtLeast(found: string, needed: string): boolean {
  const have = parts(found);
  if (!have) return true;
  const want = parts(needed)!;
  for (let i = 0; i < 3; i++) if (have[i] !== want[i]) return have[i] > want[i];
  return true;
}

/** Why a server of release `found` cannot serve `feature` (the setting that asks for it named), or undefined when it can. */
export function tooOld(found: string, feature: keyof typeof NATS_NEEDS, asked: string): string | undefined {
  const needed = NATS_NEEDS[feature];
  if (versionAtLeast(found, needed)) return undefined;
  return `nats-server ${found} is too old for ${asked}: it needs nats-server ${needed} or newer`;
}

function parts(version: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}
