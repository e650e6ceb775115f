import { describe, expect, it } from 'vitest';
import { CellKeyTable } from './cell-key-table';

describe('CellKeyTable', () => {
  it('keeps every key apart through growth, as a Map would', () => {
    const table = new CellKeyTable(4);
    const map = new Map<number, number>();
    // Mismatches collected and checked once: 50,000 expect calls alone take seconds on a loaded machine.
    const wrong: number[] = [];
    // keys like cellKey's: 52-bit integers differing in the low digits and in the base cell
    for (let i = 0; i < 50_000; i++) {
      const key = (i % 122) * 2 ** 45 + ((i * 2654435761) % 2 ** 40);
      const want = map.get(key) ?? map.size;
      map.set(key, want);
      if (table.getOrSet(key, table.size) !== want) wrong.push(i);
    }
    expect(wrong).toEqual([]);
    expect(table.size).toBe(map.size);
    expect([...map].filter(([key, value]) => table.get(key) !== value)).toEqual([]);
    expect(table.get(2 ** 52 - 1)).toBe(-1);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(map.keys().next().value!)).toBe(-1);
  });

  it('sets and deletes keys in any order and still finds every other key, as a Map would', () => {
    const table = new CellKeyTable(4);
    const map = new Map<number, number>();
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    // few distinct keys, many operations: long probe runs that deletions must close up
    const keys = Array.from({ length: 3000 }, (_, i) => (i % 61) * 2 ** 45 + ((i * 2654435761) % 2 ** 40));
    const disagreed: number[] = [];
    for (let n = 0; n < 20_000; n++) {
      const key = keys[Math.floor(random() * keys.length)]!;
      if (random() < 0.45) {
        if (table.delete(key) !== map.delete(key)) disagreed.push(n);
      } else {
        table.set(key, n);
        map.set(key, n);
      }
    }
    expect(disagreed).toEqual([]);
    expect(table.size).toBe(map.size);
    expect(keys.filter((key) => table.get(key) !== (map.get(key) ?? -1))).toEqual([]);
  });
});
