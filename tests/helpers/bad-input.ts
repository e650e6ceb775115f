/**
 * The bad-input corpus (fixtures/bad-input/positions.json): each case a message body and the reason it
 * must be quarantined with ("ok" when valid). A body is a string, raw bytes, or made by a rule when
 * it is too large to keep as text: a fill, props nested N deep, or props of N bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';

export type CorpusBody = string | { base64: string } | { fill: string; bytes: number } | { nest: 'object' | 'array'; depth: number } | { propsBytes: number };

export interface CorpusCase {
  name: string;
  expect: string;
  body: CorpusBody;
}

export function badInputCorpus(): CorpusCase[] {
  return (JSON.parse(readFileSync(join(repoRoot, 'fixtures/bad-input/positions.json'), 'utf8')) as { cases: CorpusCase[] }).cases;
}

const POSITION = '"id":"device-props","lat":40.75,"lon":-73.98,"ts":1704067200000';

export function corpusBytes(body: CorpusBody): Uint8Array {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if ('base64' in body) return new Uint8Array(Buffer.from(body.base64, 'base64'));
  if ('fill' in body) return new Uint8Array(body.bytes).fill(body.fill.charCodeAt(0));
  if ('nest' in body) {
    const [open, close] = body.nest === 'object' ? ['{"a":', '}'] : ['[', ']'];
    return new TextEncoder().encode(`{${POSITION},"props":{"x":${open.repeat(body.depth)}1${close.repeat(body.depth)}}}`);
  }
  return new TextEncoder().encode(`{${POSITION},"props":{"note":"${'n'.repeat(body.propsBytes)}"}}`);
}
