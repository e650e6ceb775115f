import { expect, it } from 'vitest';
import { EMPTY_FORM, filterOf, pagesOf, scopeOf } from './dead-letter-query';

it('turns the form into the engine’s filter, leaving blanks and unreadable times out', () => {
  expect(filterOf(EMPTY_FORM)).toEqual({});
  const f = filterOf({ ...EMPTY_FORM, targetId: 'hook', fenceId: ' depot ', error: '500', from: '2026-11-26T08:00', to: 'not a time' });
  expect(f).toEqual({ targetId: 'hook', fenceId: 'depot', error: '500', from: new Date('2026-11-26T08:00').getTime() });
});

it('applies actions to the ticked rows, else to everything the filter matches, and says which', () => {
  expect(scopeOf({ targetId: 'hook' }, new Set(['a', 'b']), 500)).toEqual({ params: { ids: ['a', 'b'] }, count: 2, words: 'the 2 selected' });
  expect(scopeOf({ targetId: 'hook' }, new Set(), 1500)).toEqual({ params: { targetId: 'hook' }, count: 1500, words: 'all 1,500 matching the filter' });
  expect(scopeOf({}, new Set(), 7).words).toBe('all 7');
});

it('names the pages a window of rows spans', () => {
  expect(pagesOf(0, 14)).toEqual([0]);
  expect(pagesOf(95, 110)).toEqual([0, 1]);
  expect(pagesOf(250, 250)).toEqual([2]);
});
