import { describe, expect, it } from 'vitest';
import { Simulator } from '../simulator/simulator';
import { decodePosition } from './decode';
import { newScannedPosition, scanPosition, type ScannedPosition } from './position-scan';

const MAX = 65_536;
const enc = new TextEncoder();
const out = newScannedPosition();

/** scanPosition over a whole string. */
const scan = (text: string, maxBytes = MAX): boolean => {
  const b = enc.encode(text);
  return scanPosition(b, 0, b.length, maxBytes, out);
};
/** The scan, or false, as a plain object for readable failures. */
const scanned = (text: string): ScannedPosition | false => (scan(text) ? { ...out } : false);

/** Where scanPosition (which said true) and decodePosition differ, in words; '' when they agree. */
function disagreement(bytes: Uint8Array, start: number, end: number, maxBytes: number, s: ScannedPosition): string {
  const d = decodePosition(bytes.subarray(start, end), maxBytes);
  if (!d.ok) return `scan took what decodePosition refuses (${d.reason}: ${d.detail})`;
  const p = d.position;
  if (p.props !== undefined || p.h3_index !== undefined) return 'scan took props or h3_index';
  const want: ScannedPosition = {
    id: p.id,
    lat: p.lat,
    lon: p.lon,
    ts: p.ts,
    speed: p.speed ?? NaN,
    heading: p.heading ?? NaN,
    accuracy: p.accuracy ?? NaN,
    kind: p.kind ?? null,
  };
  for (const k of ['id', 'lat', 'lon', 'ts', 'speed', 'heading', 'accuracy', 'kind'] as const) {
    if (!Object.is(want[k], s[k])) return `${k}: scan ${String(s[k])}, decodePosition ${String(want[k])}`;
  }
  return '';
}

/** Seeded PRNG (mulberry32): the corpus is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Messages packed into one buffer, as a batch is, with junk between them so that a read past `end` would show. */
interface Corpus {
  bytes: Uint8Array;
  starts: number[];
  ends: number[];
  maxBytes: number[];
  simple: boolean[];
}
function pack(messages: { bytes: Uint8Array; maxBytes: number; simple: boolean }[], rnd: () => number): Corpus {
  const junk = [0x7d, 0x22, 0x30, 0x20, 0x2c, 0x5c, 0x35];
  let total = 0;
  for (const m of messages) total += m.bytes.length + 3;
  const bytes = new Uint8Array(total);
  const c: Corpus = { bytes, starts: [], ends: [], maxBytes: [], simple: [] };
  let o = 0;
  for (const m of messages) {
    for (let k = Math.floor(rnd() * 4); k > 0; k--) bytes[o++] = junk[Math.floor(rnd() * junk.length)];
    bytes.set(m.bytes, o);
    c.starts.push(o);
    c.ends.push(o + m.bytes.length);
    c.maxBytes.push(m.maxBytes);
    c.simple.push(m.simple);
    o += m.bytes.length;
  }
  return c;
}

interface Verdict {
  failures: string[];
  failureCount: number;
  scanned: number;
  decodedOk: number;
  /** Messages the scanner should handle (no feature it leaves to decodePosition) where it fell back although decodePosition took them. */
  missed: string[];
}
function judge(c: Corpus): Verdict {
  const v: Verdict = { failures: [], failureCount: 0, scanned: 0, decodedOk: 0, missed: [] };
  const s = newScannedPosition();
  const text = new TextDecoder('utf-8', { fatal: false });
  for (let i = 0; i < c.starts.length; i++) {
    const [start, end, maxBytes] = [c.starts[i], c.ends[i], c.maxBytes[i]];
    const took = scanPosition(c.bytes, start, end, maxBytes, s);
    const ok = decodePosition(c.bytes.subarray(start, end), maxBytes).ok;
    if (ok) v.decodedOk++;
    if (took) {
      v.scanned++;
      const why = disagreement(c.bytes, start, end, maxBytes, s);
      if (why !== '') {
        v.failureCount++;
        if (v.failures.length < 8) v.failures.push(`${why} in ${JSON.stringify(text.decode(c.bytes.subarray(start, end)))}`);
      }
    } else if (ok && c.simple[i] && v.missed.length < 8) v.missed.push(text.decode(c.bytes.subarray(start, end)));
  }
  return v;
}

// --- generators ---

const SPECIAL_NUMBERS = [
  '0',
  '-0',
  '0.0',
  '-0.0',
  '0e5',
  '-0E-5',
  '1E2',
  '1e2',
  '1e+2',
  '1E-2',
  '0.1e-5',
  '40.0',
  '40.50',
  '1e400',
  '-1e400',
  '1e-400',
  '5e-324',
  '2.2250738585072014e-308',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '90',
  '90.0',
  '90.00000000000001',
  '-90',
  '-90.000000000000001',
  '180',
  '-180.0',
  '180.00000000000003',
  '360',
  '360.0000000000001',
  '359.99999999999999999',
  '9007199254740993',
  '9007199254740993.0',
  '90071992547409930e-1',
  '1764000000000',
  '1764000000000.5',
  '1.764e12',
  '1764e9',
  '17640000000000000000000e-10',
  '1e21',
  '1e22',
  '1e23',
  '123456789012345678901234567890',
  '0.000000000000000000000000000001',
  '-1',
  '-1e-9',
  '0.30000000000000004',
  '1.00000000000000011102230246251565404236316680908203125',
  // not JSON numbers
  '01',
  '00',
  '-01',
  '+1',
  '.5',
  '5.',
  '-',
  '1e',
  '1e+',
  '1.e3',
  '--1',
  '0x10',
  'Infinity',
  '-Infinity',
  'NaN',
  '1_000',
  '1.5.5',
  '1e5e5',
  '٣',
  'true',
  'null',
  '"5"',
  '5 5',
  '- 5',
];

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function randomDigits(rnd: () => number, n: number, leading = true): string {
  let s = leading ? String(1 + Math.floor(rnd() * 9)) : '';
  while (s.length < n) s += String(Math.floor(rnd() * 10));
  return s;
}

/** A JSON number token of almost any shape, mostly valid. */
function numberToken(rnd: () => number): string {
  const r = rnd();
  if (r < 0.1) return SPECIAL_NUMBERS[Math.floor(rnd() * SPECIAL_NUMBERS.length)];
  if (r < 0.3) {
    // a random bit pattern (NaN and Infinity stringify as null)
    const dv = new DataView(new ArrayBuffer(8));
    dv.setUint32(0, Math.floor(rnd() * 2 ** 32));
    dv.setUint32(4, Math.floor(rnd() * 2 ** 32));
    return JSON.stringify(dv.getFloat64(0));
  }
  if (r < 0.7) {
    // values in and around the fields' ranges, as JSON.stringify writes them
    const scale = [1, 90, 180, 360, 10, 1000, 1e-3, 2e12][Math.floor(rnd() * 8)];
    const v = (rnd() * 2.2 - 1.1) * scale;
    const form = rnd();
    if (form < 0.7) return JSON.stringify(v);
    if (form < 0.8) return v.toFixed(Math.floor(rnd() * 18));
    if (form < 0.9) return v.toPrecision(1 + Math.floor(rnd() * 21));
    return v.toExponential(Math.floor(rnd() * 19));
  }
  // a digit string by the grammar, with any count of digits and any exponent
  let s = rnd() < 0.3 ? '-' : '';
  s += rnd() < 0.2 ? '0' : randomDigits(rnd, 1 + Math.floor(rnd() * 20));
  if (rnd() < 0.7) s += '.' + randomDigits(rnd, 1 + Math.floor(rnd() * 22), false);
  if (rnd() < 0.3) s += (rnd() < 0.5 ? 'e' : 'E') + ['', '+', '-'][Math.floor(rnd() * 3)] + Math.floor(rnd() * (rnd() < 0.8 ? 30 : 500));
  return s;
}

const ID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/ ~!@#$%^&*()[]{}<>?,;=+|`'";
function plainString(rnd: () => number, n: number): string {
  let s = '';
  for (let k = 0; k < n; k++) s += ID_CHARS[Math.floor(rnd() * ID_CHARS.length)];
  return s;
}

/** A string token: mostly plain ASCII; sometimes escapes, non-ASCII, raw control bytes. Says whether the scanner should handle it. */
function stringToken(rnd: () => number, maxLen: number): { text: string; simple: boolean } {
  const r = rnd();
  const n = Math.floor(rnd() * maxLen);
  if (r < 0.85) return { text: `"${plainString(rnd, n)}"`, simple: true };
  if (r < 0.9) return { text: JSON.stringify(plainString(rnd, n) + ['"', '\\', '\n', '\u0001', '/'][Math.floor(rnd() * 5)]), simple: false };
  if (r < 0.95) return { text: JSON.stringify(plainString(rnd, n) + ['é', '€', '😀', '\u2028', '\ud800'][Math.floor(rnd() * 5)]), simple: false };
  return { text: `"${plainString(rnd, n)}${['\t', '\n', '\u0000', '\u001f'][Math.floor(rnd() * 4)]}"`, simple: true }; // invalid JSON
}

const WS = [' ', '\n', '\t', '\r', '  \r\n  '];
function ws(rnd: () => number): string {
  const r = rnd();
  if (r < 0.75) return '';
  if (r < 0.995) return WS[Math.floor(rnd() * WS.length)];
  return ['\f', '\v', '\u00a0', '\u3000'][Math.floor(rnd() * 4)]; // not JSON whitespace
}

/** Any JSON value for a field nobody reads (and a few that are not JSON). */
function anyValue(rnd: () => number): { text: string; simple: boolean } {
  const r = rnd();
  if (r < 0.3) return stringToken(rnd, 30);
  if (r < 0.6) return { text: numberToken(rnd), simple: true };
  if (r < 0.8) return { text: ['true', 'false', 'null', 'tru', 'nul', 'True', 'NULL', 'falsey'][Math.floor(rnd() * 8)], simple: true };
  return { text: ['{}', '[]', '{"a":1}', '[1,2,{"b":[null]}]', '{"lat":5}', '[', '{'][Math.floor(rnd() * 7)], simple: false };
}

const UNKNOWN_KEYS = ['fleet', 'seq', '__proto__', 'constructor', 'toString', 'ID', 'Lat', 'lat ', 'lo', 'latitude', 'speed_', 'headings', 'a', ''];

/** A message of random shape: known fields with values of every kind, unknown fields, duplicates, any key order and whitespace. */
function randomMessage(rnd: () => number): { text: string; simple: boolean } {
  let simple = true;
  const fields: [string, string][] = [];
  const add = (key: string, v: { text: string; simple: boolean }) => {
    simple &&= v.simple;
    fields.push([JSON.stringify(key), v.text]);
  };
  // Mostly values of the right type and range; otherwise any token. A token of the wrong type is not simple: a later
  // duplicate could mend the message, and the scanner leaves that to decodePosition.
  const num = (likely: () => string) => (): { text: string; simple: boolean } => {
    const text = rnd() < 0.8 ? likely() : numberToken(rnd);
    return { text, simple: JSON_NUMBER.test(text) };
  };
  const notSimple = (v: { text: string }) => ({ text: v.text, simple: false });
  const idValue = () => (rnd() < 0.9 ? stringToken(rnd, rnd() < 0.05 ? 300 : 20) : notSimple(anyValue(rnd)));
  const kindValue = () => (rnd() < 0.9 ? stringToken(rnd, rnd() < 0.1 ? 80 : 10) : notSimple(anyValue(rnd)));
  const known: [string, () => { text: string; simple: boolean }, number][] = [
    ['id', idValue, 0.97],
    ['lat', num(() => JSON.stringify(rnd() * 180 - 90)), 0.97],
    ['lon', num(() => JSON.stringify(rnd() * 360 - 180)), 0.97],
    ['ts', num(() => String(Math.floor(rnd() * 2e12)) + ['', '', '.0', 'e0', '.000e+3'][Math.floor(rnd() * 5)]), 0.97],
    ['speed', num(() => JSON.stringify(rnd() * 30)), 0.5],
    ['heading', num(() => JSON.stringify(rnd() * 360)), 0.5],
    ['accuracy', num(() => JSON.stringify(rnd() * 100)), 0.3],
    ['kind', kindValue, 0.5],
  ];
  for (const [key, value, p] of known) {
    if (rnd() >= p) continue;
    // A wrong type for a known field makes the message invalid (a later duplicate could mend it: decodePosition's call).
    if (rnd() < 0.03) add(key, notSimple(anyValue(rnd)));
    else add(key, value());
  }
  for (let k = Math.floor(rnd() * rnd() * 5); k > 0; k--) add(UNKNOWN_KEYS[Math.floor(rnd() * UNKNOWN_KEYS.length)], anyValue(rnd));
  if (rnd() < 0.03) add('props', rnd() < 0.7 ? { text: '{"x":1}', simple: false } : anyValue(rnd));
  if (rnd() < 0.03) add('h3_index', { text: rnd() < 0.5 ? '"8a2a1072b59ffff"' : '"zz"', simple: false });
  // shuffle, then duplicate a known field now and then (the last occurrence wins)
  for (let k = fields.length - 1; k > 0; k--) {
    const j = Math.floor(rnd() * (k + 1));
    [fields[k], fields[j]] = [fields[j], fields[k]];
  }
  if (rnd() < 0.15 && fields.length > 0) {
    const [key, value] = known[Math.floor(rnd() * known.length)];
    const v = value();
    fields.splice(Math.floor(rnd() * (fields.length + 1)), 0, [JSON.stringify(key), v.text]);
    simple &&= v.simple;
  }
  let text = `${ws(rnd)}{${ws(rnd)}`;
  text += fields.map(([k, v]) => `${k}${ws(rnd)}:${ws(rnd)}${v}`).join(`${ws(rnd)},${ws(rnd)}`);
  text += `${ws(rnd)}}${ws(rnd)}`;
  return { text, simple };
}

/** A byte-level mutation of a message: flips, deletions, insertions, truncations, wrappers. */
function mutate(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const at = Math.floor(rnd() * (bytes.length + 1));
  const r = rnd();
  const insert = (extra: number[]) => Uint8Array.from([...bytes.subarray(0, at), ...extra, ...bytes.subarray(at)]);
  if (r < 0.2) {
    const b = bytes.slice();
    if (b.length > 0) b[Math.min(at, b.length - 1)] = Math.floor(rnd() * 256);
    return b;
  }
  if (r < 0.35) return Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
  if (r < 0.7) {
    const extras = [
      [0x5c],
      [0x22],
      [0x2c],
      [0x7d],
      [0x7b],
      [0x5b],
      [0x00],
      [0x80],
      [0xc3, 0xa9],
      [0xff],
      [0xed, 0xa0, 0x80],
      [0x20],
      [0x30],
      [0x2d],
      [0x2e],
      [0x65],
      [0x31, 0x65, 0x34, 0x30, 0x30],
    ];
    return insert(extras[Math.floor(rnd() * extras.length)]);
  }
  if (r < 0.85) return bytes.slice(0, at);
  const wrappers: [string, string][] = [
    ['\ufeff', ''],
    ['[', ']'],
    ['', ' x'],
    ['', '}'],
    ['', ','],
    ['', '\u0000'],
    ['"', '"'],
    [' ', ' '],
  ];
  const [pre, post] = wrappers[Math.floor(rnd() * wrappers.length)];
  return Uint8Array.from([...enc.encode(pre), ...bytes, ...enc.encode(post)]);
}

/** Replaces one number value in a message's text with another token. */
function swapNumber(text: string, rnd: () => number): string {
  const spots = [...text.matchAll(/:(-?\d[\d.eE+-]*)/g)];
  if (spots.length === 0) return text;
  const m = spots[Math.floor(rnd() * spots.length)];
  return text.slice(0, m.index + 1) + numberToken(rnd) + text.slice(m.index + m[0].length);
}

function simulatorTexts(n: number, devices: number, seed: number): string[] {
  const sim = new Simulator({ devices, ratePerSec: 1, center: [-73.9851, 40.7589], radiusKm: 20, speedMps: 9, fleet: 'bench', seed });
  const texts: string[] = [];
  for (let now = 1_764_000_000_000; texts.length < n; now += 1000)
    for (const p of sim.take(Math.min(5000, n - texts.length), now)) texts.push(JSON.stringify(p));
  return texts;
}

// --- tests ---

describe('scanPosition, case by case', () => {
  const sim =
    '{"id":"bench-00001","lat":40.75891234567891,"lon":-73.98512345678912,"ts":1764000000000,"speed":8.912345678901234,"heading":123.45678901234567,"kind":"supply"}';

  it('reads a simulator message exactly as decodePosition does', () => {
    expect(scanned(sim)).toEqual({
      id: 'bench-00001',
      lat: 40.75891234567891,
      lon: -73.98512345678912,
      ts: 1764000000000,
      speed: 8.912345678901234,
      heading: 123.45678901234567,
      accuracy: NaN,
      kind: 'supply',
    });
  });

  it('reads absent optional fields as NaN and null', () => {
    expect(scanned('{"id":"a","lat":1,"lon":2,"ts":3}')).toEqual({ id: 'a', lat: 1, lon: 2, ts: 3, speed: NaN, heading: NaN, accuracy: NaN, kind: null });
    expect(scanned('{"kind":"","accuracy":0,"ts":0,"lon":0,"lat":0,"id":"b"}')).toMatchObject({ kind: '', accuracy: 0 });
  });

  it('a message with props falls back', () => {
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3,"props":{"x":1}}')).toBe(false);
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3,"props":5}')).toBe(false);
  });

  it('a message with h3_index falls back', () => {
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3,"h3_index":"8a2a1072b59ffff"}')).toBe(false);
  });

  it('escapes and non-ASCII in any string fall back', () => {
    expect(scan('{"id":"a\\"b","lat":1,"lon":2,"ts":3}')).toBe(false);
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3,"note":"\\u00e9"}')).toBe(false);
    expect(scan('{"id":"café","lat":1,"lon":2,"ts":3}')).toBe(false);
    expect(scan('{"l\\u0061t":1,"id":"a","lat":1,"lon":2,"ts":3}')).toBe(false);
  });

  it('a nested value, even of an unknown field, falls back', () => {
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3,"extra":{"lat":100}}')).toBe(false);
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3,"extra":[1,2]}')).toBe(false);
  });

  it('unknown fields of every flat JSON type are skipped', () => {
    expect(scanned('{"a":"x","id":"a","b":-1.5e-3,"lat":1,"c":true,"lon":2,"d":false,"ts":3,"e":null,"f":1e400}')).toMatchObject({
      id: 'a',
      lat: 1,
      lon: 2,
      ts: 3,
    });
  });

  it('1e400 for lat is refused', () => {
    expect(scan('{"id":"a","lat":1e400,"lon":2,"ts":3}')).toBe(false);
  });

  it('duplicate lat keeps the last', () => {
    expect(scanned('{"id":"a","lat":100,"lon":2,"ts":3,"lat":45.5}')).toMatchObject({ lat: 45.5 });
    expect(scan('{"id":"a","lat":45.5,"lon":2,"ts":3,"lat":100}')).toBe(false);
    expect(scanned('{"id":"a","kind":"x","lat":1,"lon":2,"ts":3,"kind":"y","id":"b"}')).toMatchObject({ id: 'b', kind: 'y' });
  });

  it('-0 stays -0, and is a valid ts', () => {
    // toEqual tells -0 from 0.
    expect(scanned('{"id":"a","lat":-0,"lon":-0.0,"ts":-0,"speed":-0e3}')).toEqual({
      id: 'a',
      lat: -0,
      lon: -0,
      ts: -0,
      speed: -0,
      heading: NaN,
      accuracy: NaN,
      kind: null,
    });
  });

  it('gives the doubles JSON.parse gives for exponents, long mantissas and halfway cases', () => {
    const tokens = [
      '1E2',
      '1e+2',
      '0.1e-5',
      '40.0',
      '12345678901234567890123',
      '9007199254740993',
      '9007199254740993.0',
      '90071992547409930e-1',
      '9007199254740995.0',
      '0.30000000000000004',
      '1.00000000000000011102230246251565404236316680908203125',
      '5e-324',
      '1e-400',
      '123.45678901234567',
      '8.912345678901234',
    ];
    for (const t of tokens)
      expect({ t, speed: (scanned(`{"id":"a","lat":0,"lon":0,"ts":0,"speed":${t}}`) as ScannedPosition).speed }).toEqual({ t, speed: JSON.parse(t) });
  });

  it('leading zeros, +, .5, 5., Infinity and NaN are refused', () => {
    for (const t of ['01', '-01', '00', '+1', '.5', '5.', '-', '1e', '1e+', '1.e3', 'Infinity', 'NaN', '0x1', '1.5.5']) {
      expect({ t, known: scan(`{"id":"a","lat":0,"lon":0,"ts":0,"speed":${t}}`), unknown: scan(`{"id":"a","lat":0,"lon":0,"ts":0,"x":${t}}`) }).toEqual({
        t,
        known: false,
        unknown: false,
      });
    }
  });

  it('true, false and null are refused as values of known fields', () => {
    expect(scan('{"id":"a","lat":true,"lon":2,"ts":3}')).toBe(false);
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3,"kind":null}')).toBe(false);
    expect(scan('{"id":null,"lat":1,"lon":2,"ts":3}')).toBe(false);
  });

  it('holds the ranges and lengths of decodePosition', () => {
    const m = (fields: string) => scan(`{"id":"a","lat":1,"lon":2,"ts":3,${fields}}`);
    expect([m('"lat":90'), m('"lat":-90'), m('"lat":90.00000000000001'), m('"lon":-180'), m('"lon":180.00000000000003')]).toEqual([
      true,
      true,
      false,
      true,
      false,
    ]);
    expect([m('"ts":1.5'), m('"ts":-1'), m('"ts":1e3'), m('"ts":1.764e12'), m('"ts":1e400')]).toEqual([false, false, true, true, false]);
    expect([m('"speed":0'), m('"speed":-1e-300'), m('"speed":1e308'), m('"speed":1e309')]).toEqual([true, false, true, false]);
    expect([m('"heading":360'), m('"heading":360.0000000000001'), m('"heading":-0.1'), m('"accuracy":-1'), m('"accuracy":5e-324')]).toEqual([
      true,
      false,
      false,
      false,
      true,
    ]);
    expect([m(`"id":"${'x'.repeat(256)}"`), m(`"id":"${'x'.repeat(257)}"`), m('"id":""')]).toEqual([true, false, false]);
    expect([m(`"kind":"${'k'.repeat(64)}"`), m(`"kind":"${'k'.repeat(65)}"`)]).toEqual([true, false]);
  });

  it('takes whitespace where JSON allows it and refuses other whitespace', () => {
    expect(scanned(' \r\n\t{ "id" :\t"a" ,\n"lat" : 1 , "lon":2,"ts" :3 \n} \n')).toMatchObject({ id: 'a', lat: 1, lon: 2, ts: 3 });
    expect(scan('{"id":"a",\f"lat":1,"lon":2,"ts":3}')).toBe(false);
    expect(scan('{"id":"a","lat":1,"lon":2,"ts":3}\u00a0')).toBe(false);
  });

  it('refuses trailing garbage, an empty body, oversize, a BOM and what is not an object', () => {
    const ok = '{"id":"a","lat":1,"lon":2,"ts":3}';
    expect([
      scan(`${ok}x`),
      scan(`${ok},`),
      scan(`${ok}${ok}`),
      scan(''),
      scan('   '),
      scan(`\ufeff${ok}`),
      scan(`[${ok}]`),
      scan('"x"'),
      scan('{}'),
      scan('{"id":"a","lat":1,"lon":2,"ts":3,}'),
    ]).toEqual(Array(10).fill(false));
    expect([scan(ok, ok.length), scan(ok, ok.length - 1)]).toEqual([true, false]);
  });

  it('reads only bytes[start, end) of a larger buffer', () => {
    const first = '{"id":"a","lat":1,"lon":2,"ts":3}';
    const b = enc.encode(`${first}{"id":"b","lat":1,"lon":2,"ts":45}`);
    const n = first.length;
    expect(scanPosition(b, n, b.length, MAX, out)).toBe(true);
    expect(out).toMatchObject({ id: 'b', ts: 45 });
    expect(scanPosition(b, 0, n, MAX, out)).toBe(true);
    expect(out).toMatchObject({ id: 'a', ts: 3 });
    expect([scanPosition(b, 0, n - 1, MAX, out), scanPosition(b, n, b.length - 2, MAX, out), scanPosition(b, 0, b.length + 1, MAX, out)]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('never confuses ids that share a cache slot', () => {
    // 100k distinct ids through a cache of 32k slots: many collide; each read must still give its own id.
    const wrong: string[] = [];
    for (let k = 0; k < 300_000; k++) {
      const id = `d-${(k * 7919) % 100_000}`;
      if (!scan(`{"id":"${id}","lat":1,"lon":2,"ts":3}`) || out.id !== id) wrong.push(id);
    }
    expect(wrong).toEqual([]);
  });
});

describe('scanPosition against decodePosition', () => {
  it('agrees on simulator messages and takes at least 99% of them', () => {
    const rnd = prng(1);
    const texts = simulatorTexts(60_000, 10_000, 7);
    const c = pack(
      texts.map((t) => ({ bytes: enc.encode(t), maxBytes: MAX, simple: true })),
      rnd,
    );
    const v = judge(c);
    expect(v.failures).toEqual([]);
    expect(v.decodedOk).toBe(texts.length);
    expect(v.scanned / texts.length).toBeGreaterThanOrEqual(0.99);
  }, 60_000);

  it('never disagrees over 240k generated and mutated messages, and takes every simple one decodePosition takes', () => {
    const rnd = prng(2);
    const sims = simulatorTexts(2000, 2000, 11);
    const messages: { bytes: Uint8Array; maxBytes: number; simple: boolean }[] = [];
    const maxBytesFor = (n: number) => (rnd() < 0.03 ? n - 1 + Math.floor(rnd() * 3) : MAX);
    for (let k = 0; k < 100_000; k++) {
      const m = randomMessage(rnd);
      const bytes = enc.encode(m.text);
      messages.push({ bytes, maxBytes: maxBytesFor(bytes.length), simple: m.simple });
    }
    for (let k = 0; k < 60_000; k++) {
      // simulator messages with one number swapped for any token, and valid doubles of random bit patterns
      const text = swapNumber(sims[k % sims.length], rnd);
      messages.push({ bytes: enc.encode(text), maxBytes: MAX, simple: true });
    }
    for (let k = 0; k < 80_000; k++) {
      const base = rnd() < 0.5 ? enc.encode(sims[k % sims.length]) : enc.encode(randomMessage(rnd).text);
      let bytes = mutate(base, rnd);
      if (rnd() < 0.2) bytes = mutate(bytes, rnd);
      messages.push({ bytes, maxBytes: MAX, simple: false });
    }
    const v = judge(pack(messages, rnd));
    expect({ failures: v.failureCount, examples: v.failures }).toEqual({ failures: 0, examples: [] });
    expect(v.missed).toEqual([]);
    // The corpus must hold plenty of both: messages taken by the fast path, and messages decodePosition refuses.
    expect(v.scanned).toBeGreaterThan(40_000);
    expect(messages.length - v.decodedOk).toBeGreaterThan(100_000);
  }, 120_000);

  it('reads every JSON number as JSON.parse does, over 250k tokens', () => {
    const rnd = prng(3);
    const s = newScannedPosition();
    const bad: string[] = [];
    let taken = 0;
    const check = (token: string) => {
      const b = enc.encode(`{"id":"n","lat":0,"lon":0,"ts":0,"speed":${token}}`);
      const d = decodePosition(b, MAX);
      const took = scanPosition(b, 0, b.length, MAX, s);
      if (took) taken++;
      // Every number is the fast path's business: the answer must match decodePosition's both ways.
      if (took !== d.ok || (d.ok && !Object.is(s.speed, d.position.speed)))
        bad.push(`${token}: scan ${took ? s.speed : 'refused'}, decodePosition ${d.ok ? d.position.speed : d.reason}`);
    };
    for (let k = 0; k < 150_000; k++) {
      const t = numberToken(rnd);
      check(t.startsWith('-') ? t.slice(1) : t);
    }
    for (let k = 0; k < 50_000; k++) {
      // halfway between two doubles, exactly and just off, with up to 19 digits (the exact path's hard cases)
      const kk = Math.floor(rnd() * 11) - 3;
      const M = BigInt(2 ** 52 + Math.floor(rnd() * 2 ** 52));
      const mid = M * 2n + 1n;
      const den = kk >= 1 ? 1n : 2n ** BigInt(1 - kk);
      const num = kk >= 1 ? mid << BigInt(kk - 1) : mid;
      const whole = (num / den).toString();
      const fd = kk >= 1 ? 1 : 1 - kk;
      const frac = (((num % den) * 10n ** BigInt(fd)) / den).toString().padStart(fd, '0');
      check(`${whole}.${frac}`);
      check(`${whole}.${frac}1`);
      if (frac.at(-1) !== '0') check(`${whole}.${frac.slice(0, -1)}${Number(frac.slice(-1)) - 1}9`);
    }
    for (let k = 0; k < 50_000; k++) {
      // 16 to 19 significant digits over every power of ten the exact path handles, and past it
      const d = randomDigits(rnd, 16 + Math.floor(rnd() * 4));
      check(`${d}e-${1 + Math.floor(rnd() * 24)}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
    expect(taken).toBeGreaterThan(200_000);
  }, 120_000);
});
