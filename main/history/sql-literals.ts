/** Values written into SQL text (commits send theirs with the COMMIT, in one trip): checked, never interpolated raw. */
export function tsLiteral(ms: number): string {
  return `epoch_ms(${safeInt(ms)}::BIGINT)::TIMESTAMP_MS`;
}

export function safeInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${n} is not an integer`);
  return n;
}
