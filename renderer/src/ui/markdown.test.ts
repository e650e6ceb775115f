import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown';

describe('markdown', () => {
  it('reads headings with ids, paragraphs, lists, tables, code and quotes', () => {
    const blocks = parseMarkdown(
      [
        '# The guide',
        'A first line',
        'carried on.',
        '',
        '## Keys',
        '| key | action |',
        '|---|---|',
        '| `m` | next measure |',
        '| `a \\| b` | both |',
        '',
        '- one',
        '  more of one',
        '- two',
        '1. first',
        '2. second',
        '```sql',
        'SELECT 1',
        '```',
        '> a note',
        '## Keys',
      ].join('\n'),
    );
    expect(blocks).toEqual([
      { kind: 'heading', level: 1, text: 'The guide', id: 'the-guide' },
      { kind: 'paragraph', text: 'A first line carried on.' },
      { kind: 'heading', level: 2, text: 'Keys', id: 'keys' },
      {
        kind: 'table',
        head: ['key', 'action'],
        rows: [
          ['`m`', 'next measure'],
          ['`a | b`', 'both'],
        ],
      },
      { kind: 'list', ordered: false, items: ['one more of one', 'two'] },
      { kind: 'list', ordered: true, items: ['first', 'second'] },
      { kind: 'code', text: 'SELECT 1' },
      { kind: 'quote', text: 'a note' },
      { kind: 'heading', level: 2, text: 'Keys', id: 'keys-2' },
    ]);
  });

  it('reads code, bold, italic and links inline, and leaves the rest as text', () => {
    expect(parseInline('Press `m`, **then** *look* at [the map](#map).')).toEqual([
      { kind: 'text', text: 'Press ' },
      { kind: 'code', text: 'm' },
      { kind: 'text', text: ', ' },
      { kind: 'strong', text: 'then' },
      { kind: 'text', text: ' ' },
      { kind: 'em', text: 'look' },
      { kind: 'text', text: ' at ' },
      { kind: 'link', text: 'the map', href: '#map' },
      { kind: 'text', text: '.' },
    ]);
    expect(parseInline('2 * 3 * 4')).toEqual([{ kind: 'text', text: '2 * 3 * 4' }]);
  });
});
