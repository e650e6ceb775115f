import { describe, expect, it } from 'vitest';
import { badInputCorpus, corpusBytes } from '../../tests/helpers/bad-input';
import { DemandSimulator } from '../simulator';
import { decodeDemand, DemandReader } from './demand-decode';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('a demand message', () => {
  it('is read with its kind, extra fields dropped', () => {
    expect(decodeDemand(bytes('{"id":"r-1","lat":40.7,"lon":-73.9,"ts":1764960000000,"kind":"xl","rider":"ann"}'), 65536)).toEqual({
      ok: true,
      event: { id: 'r-1', lat: 40.7, lon: -73.9, ts: 1764960000000, kind: 'xl' },
    });
  });

  it.each([
    ['', 'empty'],
    ['not json', 'invalid_json'],
    ['[1,2]', 'not_object'],
    ['"r-1"', 'not_object'],
    ['{"lat":1,"lon":1,"ts":1}', 'invalid_id'],
    ['{"id":"r","lat":91,"lon":1,"ts":1}', 'invalid_lat'],
    ['{"id":"r","lat":1,"lon":"east","ts":1}', 'invalid_lon'],
    ['{"id":"r","lat":1,"lon":1,"ts":1.5}', 'invalid_ts'],
    ['{"id":"r","lat":1,"lon":1,"ts":99999999999999999}', 'invalid_ts'],
    ['{"id":"r","lat":1,"lon":1,"ts":1,"kind":""}', 'invalid_field'],
    ['{"id":"r","lat":1,"lon":1,"ts":1,"x":[[[[[[1]]]]]]}', 'too_deep'],
    ['\xff\xfe{}', 'invalid_json'],
  ])('%j is refused as %s, saying what', (text, reason) => {
    const d = decodeDemand(typeof text === 'string' && text.startsWith('\xff') ? new Uint8Array([0xff, 0xfe, 0x7b, 0x7d]) : bytes(text), 65536);
    expect(d).toMatchObject({ ok: false, reason });
    expect(d.ok ? '' : d.detail).not.toBe('');
  });

  it('is refused whole when over the size limit, before it is parsed', () => {
    expect(decodeDemand(bytes(`{"id":"${'r'.repeat(400)}","lat":1,"lon":1,"ts":1}`), 256)).toMatchObject({ ok: false, reason: 'oversize' });
  });
});

describe('the fast way through requests', () => {
  it('reads exactly what decodeDemand reads, or hands the message to it', () => {
    const reader = new DemandReader();
    const sim = new DemandSimulator({ center: [-73.98, 40.75], radiusKm: 8 }, 3, 1);
    const corpus = [
      ...sim.take(500, Date.UTC(2026, 11, 5)).map((r, i) => JSON.stringify(i % 3 ? r : { ...r, kind: i % 2 ? 'xl' : 'standard', rider: { vip: true } })),
      '{"id":"r","lat":1,"lon":1,"ts":1,"kind":""}',
      '{"id":"r","lat":1,"lon":1,"ts":1,"speed":-3}',
      '{"id":"r\\u00e9","lat":1,"lon":1,"ts":1}',
    ];
    const all = [...corpus.map(bytes), ...badInputCorpus().map((c) => corpusBytes(c.body))];
    for (const b of all) {
      const fast = reader.read(b, 0, b.length, 65536);
      expect(JSON.parse(JSON.stringify(fast)), Buffer.from(b).toString('utf8').slice(0, 80)).toEqual(decodeDemand(b, 65536));
    }
  });
});
