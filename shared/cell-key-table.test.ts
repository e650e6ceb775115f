import { describe, expect, it } from 'vitest';
import { CellKeyTable } from './cell-key-table';

describe('CellKeyTable', () => {
  it('keeps every key apart through growth, as a Map would', () => {
    const table = new CellKeyTable(4);
    const map = new Map<number, number>();
    // keys like cellKey's: 52-bit integers differing in the low digits and in the base cell
    for (let i = 0; i < 50_000; i++) {
      const key = (i % 122) * 2 ** 45 + ((i * 2654435761) % 2 ** 40);
      const want = map.get(key) ?? map.size;
      map.set(key, want);
      expect(table.getOrSet(key, table.size)).toBe(want);
    }
    expect(table.size).toBe(map.size);
    for (const [key, value] of map) expect(table.get(key)).toBe(value);
    expect(table.get(2 ** 52 - 1)).toBe(-1);
    table.clear();
    expect(table.size).toBe(0);
    expect(table.get(map.keys().next().value!)).toBe(-1);
  });
});
