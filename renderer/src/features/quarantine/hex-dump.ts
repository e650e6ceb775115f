/** Bytes as a hex dump: 16 a line, offset, hex pairs, and the printable ASCII beside them ('.' for the rest). */
export function hexDump(bytes: Uint8Array, maxLines = 256): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length && lines.length < maxLines; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const text = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${text}`);
  }
  if (bytes.length > maxLines * 16) lines.push(`… ${(bytes.length - maxLines * 16).toLocaleString()} more bytes`);
  return lines.join('\n');
}

/** Bytes as text when they are UTF-8, else undefined. */
export function textOf(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

export function bytesOfBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
