import { describe, expect, it } from 'vitest';
import { PositionSchema } from '../../shared/position';
import { badInputCorpus, corpusBytes } from '../../tests/helpers/bad-input';
import { decodePosition, nestingDepth } from './decode';

const corpus = { cases: badInputCorpus() };
const bytesOf = corpusBytes;

describe('decodePosition over the bad-input corpus', () => {
  for (const c of corpus.cases) {
    it(`${c.name} → ${c.expect}`, () => {
      const d = decodePosition(bytesOf(c.body), 65_536);
      if (c.expect === 'ok') expect(d).toMatchObject({ ok: true });
      else {
        expect(d).toMatchObject({ ok: false, reason: c.expect });
        if (!d.ok) expect(d.detail.length).toBeGreaterThan(3);
      }
    });
  }

  it('agrees with the shared Position schema on every JSON case', () => {
    for (const c of corpus.cases) {
      if (typeof c.body !== 'string') continue;
      let json: unknown;
      try {
        json = JSON.parse(c.body);
      } catch {
        continue;
      }
      const d = decodePosition(bytesOf(c.body), 65_536);
      expect({ name: c.name, ok: d.ok }).toEqual({ name: c.name, ok: PositionSchema.safeParse(json).success });
      if (d.ok) expect(d.position).toEqual(PositionSchema.parse(json));
    }
  });

  it('says what is wrong in words', () => {
    const d = decodePosition(new TextEncoder().encode('{"id":"a","lat":91,"lon":0,"ts":1}'), 1000);
    expect(d).toEqual({ ok: false, reason: 'invalid_lat', detail: 'lat must be a number in [-90, 90], got 91' });
  });
});

describe('nestingDepth', () => {
  const depth = (text: string) => nestingDepth(new TextEncoder().encode(text), 100);
  it('counts objects and arrays, not brackets in strings or after escapes', () => {
    expect([depth('1'), depth('{}'), depth('[[]]'), depth('{"a":[{"b":1}]}'), depth('{"a":"[[[{"}'), depth('{"a":"\\"[["}')]).toEqual([0, 1, 2, 3, 1, 1]);
  });
  it('stops counting past the limit, without recursion, however deep the input', () => {
    const deep = new TextEncoder().encode('['.repeat(1_000_000));
    expect(nestingDepth(deep, 32)).toBe(33);
  });
});
