import { expect, it } from 'vitest';
import { parseNotebook, serializeNotebook, type Cell } from './notebook-file';

const strip = (cells: Cell[]) => cells.map(({ id: _id, ...c }) => c);

it('writes cells as a .sql script and reads them back the same', () => {
  const cells: Cell[] = [
    { id: 'a', kind: 'markdown', source: '# Busy cells\n\nWhere the fleet was last week.' },
    {
      id: 'b',
      kind: 'sql',
      name: 'busy',
      source: 'SELECT h3_string(h3_parent(h3, 7)) AS cell, count(*) AS n\nFROM positions\nGROUP BY ALL',
      view: { kind: 'map', colour: 'n' },
    },
    { id: 'c', kind: 'sql', source: "SELECT '-- %%' AS not_a_separator" },
  ];
  const text = serializeNotebook(cells);
  expect(text).toBe(
    [
      '-- %% md',
      '-- # Busy cells',
      '--',
      '-- Where the fleet was last week.',
      '',
      '-- %%',
      '-- name: busy',
      '-- view: {"kind":"map","colour":"n"}',
      'SELECT h3_string(h3_parent(h3, 7)) AS cell, count(*) AS n',
      'FROM positions',
      'GROUP BY ALL',
      '',
      '-- %%',
      "SELECT '-- %%' AS not_a_separator",
      '',
    ].join('\n'),
  );
  expect(strip(parseNotebook(text))).toEqual(strip(cells));
});

it('reads a plain SQL script as one cell, and keeps a view line that is not JSON as SQL', () => {
  expect(strip(parseNotebook('SELECT 1;\r\nSELECT 2;\r\n'))).toEqual([{ kind: 'sql', source: 'SELECT 1;\nSELECT 2;' }]);
  expect(strip(parseNotebook('-- %%\n-- view: not json\nSELECT 1'))).toEqual([{ kind: 'sql', source: '-- view: not json\nSELECT 1' }]);
});
