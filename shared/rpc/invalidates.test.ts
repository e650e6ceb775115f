// What a mutation makes stale is declared once, beside the method in its contract file: the renderer's
// useMutation and mutate() read it there, so every call site of a method refreshes the same answers.
import { describe, expect, it } from 'vitest';
import { invalidatesOf, isMethodName, methods, type MethodName } from '.';

const entries = Object.entries(methods) as [MethodName, { invalidates?: readonly string[] }][];
const declaring = entries.filter(([, m]) => m.invalidates !== undefined);

describe('invalidates', () => {
  it('is declared by the methods that change what others answer', () => {
    expect(declaring.map(([name]) => name)).toEqual(
      expect.arrayContaining(['deliveries.requeue', 'deliveries.discard', 'fences.save', 'fences.import', 'notebooks.open', 'quarantine.purge']),
    );
  });

  it.each(declaring)('%s lists only methods, each once, never itself', (name, { invalidates }) => {
    expect(invalidates!.filter((n) => !isMethodName(n))).toEqual([]);
    expect(new Set(invalidates).size).toBe(invalidates!.length);
    expect(invalidates).not.toContain(name);
    expect(invalidatesOf(name)).toBe(invalidates);
  });

  it('is empty for a method that changes nothing', () => {
    expect(invalidatesOf('fences.list')).toEqual([]);
    expect(invalidatesOf('deliveries.testTarget')).toEqual([]);
  });
});
