/**
 * Which of `partitions` partitions a device's positions land in: the same number nats-server's subject
 * transform `partition(n, 1)` gives `pos.<device>` — FNV-1a 32-bit over the token's UTF-8 bytes, modulo n.
 * Pure (no Node APIs): the engine splits the archive by it, and a screen may show it.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a 32-bit of a string's UTF-8 bytes, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    // Math.imul keeps the product in 32 bits, as Go's uint32 multiplication does.
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** The partition (0..partitions-1) of a device; 0 when partitioning is off (`partitions` ≤ 1). */
export function partitionOf(deviceId: string, partitions: number): number {
  if (!(partitions > 1)) return 0;
  return fnv1a32(deviceId) % Math.trunc(partitions);
}
