import { describe, expect, it } from 'vitest';
import { BatchBuilder } from './batch-builder';
import { HeldMessages, Lane, lanesFor, lastTokenNumber, partitionOfSubject, pinIdOf } from './pull-lanes';
import { partitionLayout } from '../config';
import { ConfigSchema } from '../config/schema';

const layout = partitionLayout(ConfigSchema.parse({ cluster: { partitions: 8, group: 'fleet', pinTimeoutS: 7 } }))!;

describe('pull requests', () => {
  it('a pinned lane pulls in its group, with its pin once it has one; a plain lane pulls as before', () => {
    const [plain] = lanesFor('POSITIONS', 'hexwatch', undefined);
    expect(JSON.parse(plain.pullRequest(100, 10_000, 1000))).toEqual({ batch: 100, expires: 10_000_000_000, idle_heartbeat: 1_000_000_000 });
    const lane = lanesFor('POSITIONS', 'hexwatch', layout)[3];
    expect(lane.next).toBe('$JS.API.CONSUMER.MSG.NEXT.POSITIONS.hexwatch-p3');
    expect(JSON.parse(lane.pullRequest(100, 10_000, 1000))).toEqual({ batch: 100, expires: 10_000_000_000, idle_heartbeat: 1_000_000_000, group: 'fleet' });
    lane.pinned('PIN1');
    expect(JSON.parse(lane.pullRequest(100, 10_000, 1000))).toMatchObject({ group: 'fleet', id: 'PIN1' });
  });
});

describe('lane state', () => {
  it('a first pin is a gain that holds deliveries; the same pin again is not; a loss hands the held ones back as naks', () => {
    const lane = new Lane(2, 'hexwatch-p2', 'next', 'hexwatch');
    expect(lane.pinned('A')).toBe(true);
    expect([lane.owned, lane.epoch, lane.held?.count]).toEqual([true, 1, 0]);
    expect(lane.pinned('A')).toBe(false);
    const buf = Buffer.from('pos.d1.2$JS.ACK.S.C.1.7.7.0.0{"id":"d1"}');
    lane.held!.add(buf, 0, 8, 8, 29, 29, buf.length, 7);
    const { was, naks } = lane.lost(true);
    expect([was, lane.owned, lane.pin, lane.held]).toEqual([true, false, '', undefined]);
    expect(naks?.toString()).toBe('PUB $JS.ACK.S.C.1.7.7.0.0 4\r\n-NAK\r\n');
    expect(lane.lost(true).was).toBe(false);
    // Regained later: a new epoch, so a go-ahead meant for the first gain releases nothing.
    lane.pinned('B');
    expect(lane.epoch).toBe(2);
  });

  it('held deliveries are gathered into the next batch as they came', () => {
    const held = new HeldMessages();
    const a = Buffer.from('xxpos.a.1REPLYA{"id":"a"}yy');
    held.add(a, 2, 9, 9, 15, 15, 25, 11);
    const b = Buffer.from('pos.b.1REPLYB{"id":"b"}');
    held.add(b, 0, 7, 7, 13, 13, b.length, 12);
    const builder = new BatchBuilder();
    held.gatherInto(builder);
    const { batch, acks } = builder.take(1);
    expect([...batch.seqs]).toEqual([11, 12]);
    expect(batch.subjects).toEqual(['pos.a.1', 'pos.b.1']);
    expect(Buffer.from(batch.data).toString('utf8', batch.offsets[0], batch.offsets[2])).toBe('{"id":"a"}{"id":"b"}');
    expect(acks.toString()).toBe('PUB REPLYA 0\r\n\r\nPUB REPLYB 0\r\n\r\n');
  });
});

describe('subjects and headers', () => {
  it('a stored subject’s partition is the token after the prefix; the device id after it is left alone', () => {
    expect(partitionOfSubject('pos.5.truck-7', 1)).toBe(5);
    expect(partitionOfSubject('pos.63.12', 1)).toBe(63);
    expect(partitionOfSubject('acme.pos.7.truck-7', 2)).toBe(7);
    expect(partitionOfSubject('pos.truck-7', 1)).toBe(-1);
    expect(partitionOfSubject('pos.7x.a', 1)).toBe(-1);
    expect(partitionOfSubject('pos', 1)).toBe(-1);
    expect(partitionOfSubject('pos..a', 1)).toBe(-1);
    const inbox = Buffer.from('_INBOX.abcdef.3');
    expect(lastTokenNumber(inbox, 0, inbox.length)).toBe(3);
    expect(lastTokenNumber(Buffer.from('pos.a.'), 0, 6)).toBe(-1);
  });

  it('reads the pin from a delivery’s headers', () => {
    const h = Buffer.from('NATS/1.0\r\nNats-Pin-Id: Kx81\r\n\r\n');
    expect(pinIdOf(h, 0, h.length)).toBe('Kx81');
    const none = Buffer.from('NATS/1.0\r\nOther: 1\r\n\r\n');
    expect(pinIdOf(none, 0, none.length)).toBe('');
    expect(pinIdOf(h, 3, 3)).toBe('');
  });
});
