import { describe, expect, it } from 'vitest';
import type { Detect } from '../../shared/fence';
import { detectEvents } from './detect';

const all = new Set<Detect>(['enter', 'exit', 'inside', 'outside', 'cross']);
const only = (...d: Detect[]) => new Set<Detect>(d);
const never = () => {
  throw new Error('cross asked when it must not be');
};

describe('Tile38 detection', () => {
  it('first fix inside → enter then inside; first fix outside → outside, never exit or cross', () => {
    expect(detectEvents(undefined, true, never, all)).toEqual(['enter', 'inside']);
    expect(detectEvents(undefined, false, never, all)).toEqual(['outside']);
  });
  it('in → out is exit then outside; out → in enter then inside; in → in inside', () => {
    expect(detectEvents(true, false, never, all)).toEqual(['exit', 'outside']);
    expect(detectEvents(false, true, never, all)).toEqual(['enter', 'inside']);
    expect(detectEvents(true, true, never, all)).toEqual(['inside']);
  });
  it('out → out over the fence is cross then outside; without the crossing, outside', () => {
    expect(detectEvents(false, false, () => true, all)).toEqual(['cross', 'outside']);
    expect(detectEvents(false, false, () => false, all)).toEqual(['outside']);
  });
  it('falls back as Tile38 does when a kind is not detected', () => {
    expect(detectEvents(false, true, never, only('inside'))).toEqual(['inside']);
    expect(detectEvents(true, false, never, only('outside'))).toEqual(['outside']);
    expect(detectEvents(false, false, () => true, only('enter', 'exit'))).toEqual([]);
    expect(detectEvents(false, false, () => true, only('cross'))).toEqual(['cross']);
    expect(detectEvents(true, true, never, only('enter', 'exit'))).toEqual([]);
    expect(detectEvents(false, true, never, only('enter', 'exit'))).toEqual(['enter']);
  });
});
