import { describe, expect, it } from 'vitest';
import { partitionLayout } from '../config';
import { ConfigSchema } from '../config/schema';
import type { NatsSocket } from '../nats';
import { PartitionPins } from './partition-pins';

const layout = partitionLayout(ConfigSchema.parse({ cluster: { partitions: 8 } }))!;

/** A connection whose CONSUMER.INFO answers with `waiting` pulls on every consumer (and a pin by `pinnedTo` on those in it), and which records the rest. */
function fakeSocket(waiting: number, pinnedTo: Record<number, string> = {}) {
  const asked: string[] = [];
  const socket = {
    request: (subject: string) => {
      asked.push(subject);
      const p = Number(subject.split('-p').at(-1));
      const pin = pinnedTo[p] ? { priority_groups: [{ group: layout.group, pinned_client_id: pinnedTo[p] }] } : {};
      const info = subject.includes('.INFO.') ? { num_pending: 5, num_waiting: waiting, ...pin } : {};
      return Promise.resolve(Buffer.from(JSON.stringify(info)));
    },
  } as unknown as NatsSocket;
  return { socket, asked };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('evening out partitions', () => {
  it('an engine pinned everywhere while another waits gives one partition away per survey, once its messages are acked', async () => {
    const changes: string[] = [];
    const pins = new PartitionPins(
      'POSITIONS',
      'hexwatch',
      layout,
      () => {},
      (p, owned) => changes.push(`${p}:${owned}`),
    );
    pins.lanes.forEach((lane, i) => (lane.pinned(`pin${i}`), (lane.held = undefined), (lane.outstanding = 10)));
    const { socket, asked } = fakeSocket(2);
    pins.survey(socket, 10_000);
    await settle();
    expect(pins.states().map((s) => s.pending)).toEqual(Array(8).fill(5));
    const yielding = pins.lanes.filter((l) => l.yielding);
    expect(yielding.map((l) => l.partition)).toEqual([7]);
    // Not before its last messages are settled.
    yielding[0].unsettled = 3;
    pins.unpinYielded(socket);
    expect(asked.filter((s) => s.includes('UNPIN'))).toEqual([]);
    yielding[0].unsettled = 0;
    pins.unpinYielded(socket);
    expect(asked.filter((s) => s.includes('UNPIN'))).toEqual(['$JS.API.CONSUMER.UNPIN.POSITIONS.hexwatch-p7']);
    expect(changes).toEqual(['7:false']);
    // Over its share (4 of 8 with two engines) it waits on no other partition.
    expect(pins.wantsPull(pins.lanes[7])).toBe(false);
  });

  it('holding its share, an engine stops waiting on the others’ partitions; alone, it waits on all of them', async () => {
    const pins = new PartitionPins('POSITIONS', 'hexwatch', layout, () => {});
    pins.lanes.slice(0, 4).forEach((lane, i) => (lane.pinned(`pin${i}`), (lane.held = undefined), (lane.outstanding = 10)));
    const theOthers = { 4: 'b', 5: 'b', 6: 'b', 7: 'b' };
    pins.survey(fakeSocket(2, theOthers).socket, 10_000);
    await settle();
    expect(pins.lanes.some((l) => l.yielding)).toBe(false);
    expect([pins.wantsPull(pins.lanes[0]), pins.wantsPull(pins.lanes[5])]).toEqual([true, false]);
    // The other engine went: nobody else waits, and the partitions it left are waited on again.
    pins.survey(fakeSocket(1, theOthers).socket, 20_000);
    await settle();
    expect(pins.wantsPull(pins.lanes[5])).toBe(true);
  });

  it('at its share of the fleet, an engine does not wait on a partition another gives up for a newcomer, but waits on one nobody holds', async () => {
    const pins = new PartitionPins('POSITIONS', 'hexwatch', layout, () => {});
    pins.lanes.slice(0, 2).forEach((lane, i) => (lane.pinned(`pin${i}`), (lane.held = undefined), (lane.outstanding = 10)));
    // A fleet of four; only the newcomer waits anywhere, so the waiting pulls alone would count two engines and a share of 4.
    pins.fleetSize = 4;
    pins.survey(fakeSocket(1, { 2: 'b', 3: 'b', 4: 'c', 5: 'c', 6: 'd', 7: 'd' }).socket, 10_000);
    await settle();
    expect(pins.wantsPull(pins.lanes[4])).toBe(false);
    // c gives partition 4 up: unpinned for a moment, then the newcomer's.
    pins.survey(fakeSocket(1, { 2: 'b', 3: 'b', 5: 'c', 6: 'd', 7: 'd' }).socket, 20_000);
    await settle();
    expect(pins.wantsPull(pins.lanes[4])).toBe(true);
  });

  it('a partition this engine gave away is not waited on again', async () => {
    const pins = new PartitionPins('POSITIONS', 'hexwatch', layout, () => {});
    pins.lanes.slice(0, 3).forEach((lane, i) => (lane.pinned(`pin${i}`), (lane.held = undefined), (lane.outstanding = 10)));
    pins.fleetSize = 4;
    const { socket } = fakeSocket(2, { 3: 'b', 4: 'b', 5: 'c', 6: 'c', 7: 'd' });
    pins.survey(socket, 10_000);
    await settle();
    const given = pins.lanes.find((l) => l.yielding)!;
    pins.unpinYielded(socket);
    expect([given.owned, pins.wantsPull(given)]).toEqual([false, false]);
  });

  it('an engine joining a settled fleet of three is given partitions: giving away follows the fleet’s count of engines', async () => {
    const pins = new PartitionPins('POSITIONS', 'hexwatch', layout, () => {});
    pins.lanes.slice(0, 3).forEach((lane, i) => (lane.pinned(`pin${i}`), (lane.held = undefined), (lane.outstanding = 10)));
    // Only the newcomer waits here: the waiting pulls count two engines, a share of 4, and 3 held is under it.
    pins.survey(fakeSocket(2).socket, 10_000);
    await settle();
    expect(pins.lanes.some((l) => l.yielding)).toBe(false);
    // The heartbeats count four: a share of 2, so one of the three goes to the engine waiting for it.
    pins.fleetSize = 4;
    pins.survey(fakeSocket(2).socket, 20_000);
    await settle();
    expect(pins.lanes.filter((l) => l.yielding).map((l) => l.partition)).toEqual([2]);
  });

  it('a partition just gained is held until taken over: no pull, and never given away', () => {
    const pins = new PartitionPins('POSITIONS', 'hexwatch', layout, () => {});
    pins.lanes[2].pinned('x');
    expect(pins.wantsPull(pins.lanes[2])).toBe(false);
  });

  it('tells the fleet’s ack floor (the lowest of every partition’s) once all have answered', async () => {
    const floors: number[] = [];
    const pins = new PartitionPins(
      'POSITIONS',
      'hexwatch',
      layout,
      () => {},
      undefined,
      10_000,
      (seq) => floors.push(seq),
    );
    const answering = (missing?: string) =>
      ({
        request: (subject: string) => {
          const p = Number(subject.split('-p').at(-1));
          if (subject.endsWith(missing ?? '?')) return Promise.reject(new Error('timeout'));
          return Promise.resolve(Buffer.from(JSON.stringify({ num_pending: 0, num_waiting: 0, ack_floor: { stream_seq: 1000 + 10 * p } })));
        },
      }) as unknown as NatsSocket;
    pins.survey(answering('hexwatch-p5'), 10_000);
    await settle();
    expect(floors).toEqual([]);
    pins.survey(answering(), 20_000);
    await settle();
    expect(floors).toEqual([1000]);
  });
});
