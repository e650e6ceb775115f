import { describe, expect, it } from 'vitest';
import { fnv1a32, partitionOf } from './partition';

describe('partitionOf', () => {
  it('is FNV-1a 32-bit (the published test vectors) modulo n', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
    expect(partitionOf('foobar', 8)).toBe(0xbf9cf968 % 8);
  });

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    // "é" is two bytes in UTF-8: 0xc3 0xa9.
    let h = 0x811c9dc5;
    for (const b of [0xc3, 0xa9]) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    expect(fnv1a32('é')).toBe(h);
  });

  it('is 0 with partitioning off, and always inside 0..n-1', () => {
    expect(partitionOf('truck-1', 0)).toBe(0);
    expect(partitionOf('truck-1', 1)).toBe(0);
    for (let i = 0; i < 500; i++) expect(partitionOf(`d${i}`, 7)).toBeLessThan(7);
  });
});
