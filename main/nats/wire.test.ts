import { describe, expect, it } from 'vitest';
import { WireParser, WireProtocolError, ackDeliverySequence, ackPending, pubCommand, readAckSubject, readStatus, repliesWith } from './wire';

type Seen = { op: string; subject?: string; reply?: string; headers?: string; data?: string; arg?: string };

function collect(): { parser: WireParser; seen: Seen[] } {
  const seen: Seen[] = [];
  const text = (b: Buffer, s: number, e: number) => b.toString('latin1', s, e);
  const parser = new WireParser({
    message: (sid, b, ss, se, rs, re, hs, ds, de) =>
      seen.push({ op: `MSG ${sid}`, subject: text(b, ss, se), reply: text(b, rs, re), headers: text(b, hs, ds), data: text(b, ds, de) }),
    control: (op, arg) => seen.push({ op, arg }),
  });
  return { parser, seen };
}

const STREAM =
  'INFO {"server_id":"x","headers":true}\r\n' +
  'MSG pos.a 1 $JS.ACK.POSITIONS.hexwatch.1.4096.4001.1704067200000000000.12 11\r\n{"id":"d1"}\r\n' +
  'PING\r\n' +
  'MSG pos.b 27 2\r\nhi\r\n' +
  'HMSG _INBOX.abc 1 59 59\r\nNATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 42\r\n\r\n\r\n' +
  'HMSG pos.c 1 $JS.ACK.POSITIONS.hexwatch.1.7.7.1.0 12 17\r\nNATS/1.0\r\n\r\nhello\r\n' +
  '+OK\r\n' +
  "-ERR 'Permissions Violation'\r\n" +
  'MSG pos.d  1\t$JS.ACK.POSITIONS.hexwatch.1.8.8.1.0   4\r\n\r\n\r\n\r\n' +
  'MSG pos.e 1 $JS.ACK.POSITIONS.hexwatch.1.9.9.1.0 0\r\n\r\n' +
  'PONG\r\n';

const EXPECTED: Seen[] = [
  { op: 'INFO', arg: '{"server_id":"x","headers":true}' },
  { op: 'MSG 1', subject: 'pos.a', reply: '$JS.ACK.POSITIONS.hexwatch.1.4096.4001.1704067200000000000.12', headers: '', data: '{"id":"d1"}' },
  { op: 'PING', arg: '' },
  { op: 'MSG 27', subject: 'pos.b', reply: '', headers: '', data: 'hi' },
  { op: 'MSG 1', subject: '_INBOX.abc', reply: '', headers: 'NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 42\r\n\r\n', data: '' },
  { op: 'MSG 1', subject: 'pos.c', reply: '$JS.ACK.POSITIONS.hexwatch.1.7.7.1.0', headers: 'NATS/1.0\r\n\r\n', data: 'hello' },
  { op: '+OK', arg: '' },
  { op: '-ERR', arg: "'Permissions Violation'" },
  { op: 'MSG 1', subject: 'pos.d', reply: '$JS.ACK.POSITIONS.hexwatch.1.8.8.1.0', headers: '', data: '\r\n\r\n' },
  { op: 'MSG 1', subject: 'pos.e', reply: '$JS.ACK.POSITIONS.hexwatch.1.9.9.1.0', headers: '', data: '' },
  { op: 'PONG', arg: '' },
];

describe('WireParser', () => {
  it('reads messages, headers, statuses and control lines from one chunk', () => {
    const { parser, seen } = collect();
    parser.push(Buffer.from(STREAM, 'latin1'));
    expect(seen).toEqual(EXPECTED);
  });

  it('gives the same result however the bytes are split into chunks', () => {
    const bytes = Buffer.from(STREAM, 'latin1');
    for (let cut = 1; cut < bytes.length; cut++) {
      const { parser, seen } = collect();
      parser.push(bytes.subarray(0, cut));
      parser.push(bytes.subarray(cut));
      expect(seen, `split at ${cut}`).toEqual(EXPECTED);
    }
    // And one byte at a time.
    const { parser, seen } = collect();
    for (let i = 0; i < bytes.length; i++) parser.push(bytes.subarray(i, i + 1));
    expect(seen).toEqual(EXPECTED);
  });

  it('refuses what is not the NATS protocol, saying what it got', () => {
    const bad = [
      'MSG pos.a 1 5\r\nhello!!',
      'MSG pos.a 1 x\r\nhello\r\n',
      'HMSG pos.a 1 9 5\r\nhello\r\n',
      'MSG pos.a\r\n',
      'HELLO there\r\n',
      'MSG a b c d e f g\r\n',
    ];
    for (const text of bad) {
      const { parser } = collect();
      expect(() => parser.push(Buffer.from(text)), text).toThrow(WireProtocolError);
    }
  });
});

describe('readAckSubject', () => {
  const out = new Float64Array(3);
  const seqIn = (b: Buffer, s: number, e: number) => (readAckSubject(b, s, e, out) ? out[0] : -1);
  const seq = (s: string) => seqIn(Buffer.from(s), 0, s.length);
  it('reads the stream sequence from both forms of JetStream ack subject', () => {
    expect(seq('$JS.ACK.POSITIONS.hexwatch.1.4096.4001.1704067200000000000.12')).toBe(4096);
    expect(seq('$JS.ACK.hub.ACCHASH.POSITIONS.hexwatch.2.77.70.1704067200000000000.0.xyz')).toBe(77);
    expect(seq('$JS.ACK.hub.ACCHASH.POSITIONS.hexwatch.2.9007199254740.70.1704067200000000000.0')).toBe(9007199254740);
  });
  it('gives -1 for a subject that is not an ack subject', () => {
    expect(seq('_INBOX.abc')).toBe(-1);
    expect(seq('$JS.ACK.POSITIONS.hexwatch.1.x.1.1.0')).toBe(-1);
    expect(seq('$JS.ACK.POSITIONS.hexwatch.1..1.1.0')).toBe(-1);
  });
  it('reads a range inside a larger buffer', () => {
    const b = Buffer.from('xx $JS.ACK.S.C.1.55.1.1.0 yy');
    expect(seqIn(b, 3, 3 + '$JS.ACK.S.C.1.55.1.1.0'.length)).toBe(55);
  });
  it('reads the consumer’s backlog (messages not yet delivered) at the end', () => {
    const p = (s: string) => ackPending(Buffer.from(s), 0, s.length);
    expect(p('$JS.ACK.POSITIONS.hexwatch.1.4096.4001.1704067200000000000.12')).toBe(12);
    expect(p('$JS.ACK.hub.ACCHASH.POSITIONS.hexwatch.2.77.70.1704067200000000000.0.xyz')).toBe(0);
  });
  it('reads the consumer (delivery) sequence beside it', () => {
    const d = (s: string) => ackDeliverySequence(Buffer.from(s), 0, s.length);
    expect(d('$JS.ACK.POSITIONS.hexwatch.1.4096.4001.1704067200000000000.12')).toBe(4001);
    expect(d('$JS.ACK.hub.ACCHASH.POSITIONS.hexwatch.2.77.70.1704067200000000000.0.xyz')).toBe(70);
    expect(d('_INBOX.abc')).toBe(-1);
  });
  it('reads all three in one pass, and says -1 for a field that is not a number', () => {
    const out = new Float64Array(3);
    const read = (s: string) => (readAckSubject(Buffer.from(s), 0, s.length, out) ? [...out] : undefined);
    expect(read('$JS.ACK.POSITIONS.hexwatch.1.4096.4001.1704067200000000000.12')).toEqual([4096, 4001, 12]);
    expect(read('$JS.ACK.hub.ACCHASH.POSITIONS.hexwatch.2.77.70.1704067200000000000.0.xyz')).toEqual([77, 70, 0]);
    expect(read('$JS.ACK.hub.ACCHASH.POSITIONS.hexwatch.2.77.70.1704067200000000000.5')).toEqual([77, 70, 5]);
    expect(read('$JS.ACK.POSITIONS.hexwatch.1.4096.x.1.')).toEqual([4096, -1, -1]);
    expect(read('$JS.ACK.POSITIONS.hexwatch.1.x.4001.1.12')).toBeUndefined();
    expect(read('a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s')).toBeUndefined();
  });
});

describe('readStatus', () => {
  it('reads the code, description and pending count of a JetStream status', () => {
    const h = Buffer.from('NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 42\r\nNats-Pending-Bytes: 9\r\n\r\n');
    expect(readStatus(h, 0, h.length)).toEqual({ code: 408, description: 'Request Timeout', pending: 42 });
    const hb = Buffer.from('NATS/1.0 100 Idle Heartbeat\r\n\r\n');
    expect(readStatus(hb, 0, hb.length)).toEqual({ code: 100, description: 'Idle Heartbeat', pending: 0 });
  });
});

describe('commands', () => {
  it('writes a PUB with its byte length, reply subject and payload', () => {
    expect(pubCommand('a.b', 'héllo', '_INBOX.1').toString()).toBe('PUB a.b _INBOX.1 6\r\nhéllo\r\n');
    expect(pubCommand('a.b', new Uint8Array(0)).toString()).toBe('PUB a.b 0\r\n\r\n');
  });
  it('turns ack lines into naks with a redelivery delay, or into progress notes', () => {
    const acks = Buffer.from('PUB $JS.ACK.S.C.1.5.1.1.0 0\r\n\r\nPUB $JS.ACK.S.C.1.6.1.1.0 0\r\n\r\n');
    const nak = '-NAK {"delay": 5000000000}';
    expect(repliesWith(acks, nak).toString()).toBe(
      `PUB $JS.ACK.S.C.1.5.1.1.0 ${nak.length}\r\n${nak}\r\nPUB $JS.ACK.S.C.1.6.1.1.0 ${nak.length}\r\n${nak}\r\n`,
    );
    expect(repliesWith(acks, '+WPI').toString()).toBe('PUB $JS.ACK.S.C.1.5.1.1.0 4\r\n+WPI\r\nPUB $JS.ACK.S.C.1.6.1.1.0 4\r\n+WPI\r\n');
    expect(repliesWith(Buffer.alloc(0), '+WPI').length).toBe(0);
  });
});
