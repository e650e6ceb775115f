/**
 * The characters deck.gl's TextLayers draw, grown as new names appear and shared by every label layer:
 * a TextLayer builds a font atlas per character set, so handing it each view's own set ("auto") builds
 * one at every move of the map. Here the set changes only when a name brings a character not seen yet.
 */
const seen = new Set<string>();
for (let c = 32; c < 127; c++) seen.add(String.fromCharCode(c));
let current = [...seen].join('');

export function glyphsFor(texts: Iterable<string>): string {
  const before = seen.size;
  for (const t of texts) for (const ch of t) seen.add(ch);
  if (seen.size !== before) current = [...seen].join('');
  return current;
}
