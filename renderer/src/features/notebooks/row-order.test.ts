import { tableFromArrays } from 'apache-arrow';
import { expect, it } from 'vitest';
import type { ResultColumn } from '../../../../shared/rpc';
import { rowOrder } from './row-order';

const table = tableFromArrays({ name: ['walker-2', null, 'walker-10', 'Bus-1'], n: Float64Array.from([5, 7, NaN, 7]) });
const columns: ResultColumn[] = [
  { name: 'name', type: 'VARCHAR', kind: 'text' },
  { name: 'n', type: 'DOUBLE', kind: 'float' },
];

it('sorts by a column either way, stable, nulls last', () => {
  expect([...rowOrder(table, columns, { column: 0, descending: false })]).toEqual([3, 2, 0, 1]);
  expect([...rowOrder(table, columns, { column: 0, descending: true })]).toEqual([0, 2, 3, 1]);
  // Two sevens keep their order; NaN is no number to sort by.
  expect([...rowOrder(table, columns, { column: 1, descending: true })].slice(0, 3)).toEqual([1, 3, 0]);
});

it('keeps the rows with a cell holding the filter text, in any case', () => {
  expect([...rowOrder(table, columns, undefined, 'WALKER')]).toEqual([0, 2]);
  expect([...rowOrder(table, columns, undefined, '7')]).toEqual([1, 3]);
  expect([...rowOrder(table, columns, undefined, 'null')]).toEqual([1]);
  expect([...rowOrder(table, columns)]).toEqual([0, 1, 2, 3]);
});
