import { describe, expect, it } from 'vitest';
import { PositionBatch, type CommitBatch, type QuarantineRow } from '../history';
import { SimulatorCommits } from './simulator-commits';

const batch = (n: number, ts: number) => {
  const rows = new PositionBatch(n);
  for (let i = 0; i < n; i++) rows.add(0, `d${i}`, ts, 40.7, -73.9, 1, 2);
  return rows;
};
const refused = (reason: string): QuarantineRow => ({ seq: 0n, subject: 'pos.walkers', raw: new Uint8Array([123]), reason, detail: '', received: 0 });

describe('the simulator’s commits', () => {
  it('commit a tick’s positions (unsequenced) before accepting them, group ticks behind a commit, and number refusals after the last kept', async () => {
    const commits: CommitBatch[] = [];
    const accepted: number[] = [];
    let release = () => {};
    const history = {
      commit: async (b: CommitBatch) => {
        commits.push(b);
        if (commits.length === 1) await new Promise<void>((r) => (release = r));
      },
      quarantine: { lastSeq: async () => 41n },
    };
    const c = new SimulatorCommits(
      history,
      (rows) => accepted.push(rows.ts[0]!),
      () => {},
    );
    c.take(batch(3, 1), [refused('invalid_lat')]);
    await new Promise((r) => setTimeout(r, 10));
    // The first commit is under way: nothing accepted yet, and the next ticks wait behind it.
    expect(accepted).toEqual([]);
    c.take(batch(2, 2), []);
    c.take(batch(4, 3), [refused('invalid_json'), refused('not_object')]);
    release();
    await c.flush();
    expect(accepted).toEqual([1, 2, 3]);
    expect(commits.map((b) => [b.stream, b.rows.length, b.unsequenced])).toEqual([
      ['simulator', 3, true],
      ['simulator', 6, true],
    ]);
    expect(commits.flatMap((b) => b.quarantined.map((q) => [String(q.seq), q.reason]))).toEqual([
      ['42', 'invalid_lat'],
      ['43', 'invalid_json'],
      ['44', 'not_object'],
    ]);
  });

  it('accept positions a failing history will not take, and say so once until it takes them again', async () => {
    const lines: string[] = [];
    let failing = true;
    const history = {
      commit: async () => {
        if (failing) throw new Error('disk full');
      },
      quarantine: { lastSeq: async () => 0n },
    };
    let accepted = 0;
    const c = new SimulatorCommits(
      history,
      (rows) => (accepted += rows.length),
      (l) => lines.push(l),
    );
    for (let i = 0; i < 3; i++) {
      c.take(batch(2, i), []);
      await c.flush();
    }
    failing = false;
    c.take(batch(2, 9), []);
    await c.flush();
    expect(accepted).toBe(8);
    expect(lines).toEqual(['history: cannot commit 2 simulated positions: disk full', 'history: the simulator’s positions are committed again']);
  });
});
