import { describe, expect, it } from 'vitest';
import { sequenceOf } from './nats-reader';

describe('sequenceOf', () => {
  it('reads the stream sequence from both forms of JetStream ack subject', () => {
    expect(sequenceOf('$JS.ACK.POSITIONS.hexwatch.1.4096.4001.1704067200000000000.12')).toBe(4096);
    expect(sequenceOf('$JS.ACK.hub.ACCHASH.POSITIONS.hexwatch.2.77.70.1704067200000000000.0.xyz')).toBe(77);
  });
});
