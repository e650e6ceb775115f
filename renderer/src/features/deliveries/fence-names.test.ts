import { expect, it } from 'vitest';
import { fenceIdOf, fenceIdsOf } from './fence-names';

const fences = [
  { id: 'depot', name: 'Depot' },
  { id: 'north-gate', name: 'Gate' },
  { id: 'south-gate', name: 'gate' },
];

it('reads a typed fence as its id, its name in any case, or the word itself', () => {
  expect(fenceIdOf(' depot ', fences)).toEqual({ id: 'depot' });
  expect(fenceIdOf('DEPOT', fences)).toEqual({ id: 'depot', named: 'Depot' });
  expect(fenceIdOf('Gate', fences)).toEqual({ id: 'Gate', ambiguous: ['north-gate', 'south-gate'] });
  expect(fenceIdOf('gone-fence', fences)).toEqual({ id: 'gone-fence' });
  expect(fenceIdOf('  ', fences)).toEqual({ id: '' });
});

it('reads a list of names and ids, every fence of a shared name', () => {
  expect(fenceIdsOf('Depot, gate\nold-one,', fences)).toEqual(['depot', 'north-gate', 'south-gate', 'old-one']);
  expect(fenceIdsOf('', fences)).toEqual([]);
});
