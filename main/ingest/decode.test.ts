import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PositionSchema } from '../../shared/position';
import { decodePosition } from './decode';

interface Case {
  name: string;
  expect: string;
  body: string | { base64: string } | { fill: string; bytes: number };
}
const corpus = JSON.parse(readFileSync(new URL('../../fixtures/bad-input/positions.json', import.meta.url), 'utf8')) as { cases: Case[] };
const bytesOf = (body: Case['body']): Uint8Array =>
  typeof body === 'string' ? new TextEncoder().encode(body) : 'base64' in body ? Buffer.from(body.base64, 'base64') : new Uint8Array(body.bytes).fill(body.fill.charCodeAt(0));

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
