import { expect, it } from 'vitest';
import { bytesOfBase64, hexDump, textOf } from './hex-dump';

it('dumps bytes 16 a line with offsets and printable text', () => {
  const bytes = new Uint8Array([...new TextEncoder().encode('{"lat":91}'), 0, 0xff, 0x0a, ...new TextEncoder().encode('tail of it')]);
  expect(hexDump(bytes).split('\n')).toEqual([
    '00000000  7b 22 6c 61 74 22 3a 39 31 7d 00 ff 0a 74 61 69  {"lat":91}...tai',
    '00000010  6c 20 6f 66 20 69 74                             l of it',
  ]);
  expect(hexDump(new Uint8Array(40), 1).split('\n')).toEqual([
    '00000000  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................',
    '… 24 more bytes',
  ]);
});

it('reads UTF-8 as text and refuses what is not', () => {
  expect(textOf(new TextEncoder().encode('héllo'))).toBe('héllo');
  expect(textOf(new Uint8Array([0xff, 0xfe]))).toBeUndefined();
  expect([...bytesOfBase64(btoa('\u0000\u00ffA'))]).toEqual([0, 255, 65]);
});
