import { describe, expect, it } from 'vitest';
import { SeqSet } from './seq-set';

describe('SeqSet', () => {
  it('holds sequences in order and lets a batch of them go', () => {
    const s = new SeqSet();
    for (let seq = 1; seq <= 5000; seq++) expect(s.add(seq)).toBe(true);
    expect(s.add(4000)).toBe(false);
    for (let seq = 1; seq <= 2500; seq++) s.delete(seq);
    expect(s.size).toBe(2500);
    expect(s.has(2500)).toBe(false);
    expect(s.has(2501)).toBe(true);
    expect(s.add(2500)).toBe(true);
  });

  it('keeps sequences far below and far above the window, and finds them again once it slides', () => {
    const s = new SeqSet();
    s.add(1_000_000);
    s.add(3); // long before: beside the ring
    s.add(1_000_000 + 2 ** 20); // beyond the window while 1,000,000 is held
    expect([s.has(3), s.has(1_000_000), s.has(1_000_000 + 2 ** 20)]).toEqual([true, true, true]);
    s.delete(1_000_000); // the ring is empty: the next far sequence moves the window
    s.add(1_000_000 + 2 ** 20 + 5);
    expect([s.has(1_000_000 + 2 ** 20), s.has(1_000_000 + 2 ** 20 + 5), s.has(3)]).toEqual([true, true, true]);
    expect(s.add(1_000_000 + 2 ** 20)).toBe(false);
    s.delete(1_000_000 + 2 ** 20);
    s.delete(3);
    expect(s.size).toBe(1);
  });

  it('slides past sequences it has let go, over many trips round the ring (stream sequences past 2^31 too)', () => {
    const s = new SeqSet();
    const start = 2 ** 31 - 100_000;
    for (let seq = start; seq < start + 3_000_000; seq++) {
      s.add(seq);
      if (seq - start >= 40_000) s.delete(seq - 40_000);
    }
    expect(s.size).toBe(40_000);
    expect(s.has(start + 3_000_000 - 40_001)).toBe(false);
    expect(s.has(start + 3_000_000 - 40_000)).toBe(true);
  });

  it('agrees with a Set under redeliveries, gaps and batches settled out of order', () => {
    let x = 7;
    const random = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const s = new SeqSet();
    const model = new Set<number>();
    let next = 1;
    const batches: number[][] = [];
    let batch: number[] = [];
    for (let step = 0; step < 200_000; step++) {
      const r = random();
      let seq: number;
      if (r < 0.9) seq = next++;
      else if (r < 0.95)
        seq = Math.max(1, next - Math.floor(random() * 60_000)); // a redelivery, perhaps of one still held
      else seq = next += Math.floor(random() * 400_000); // a gap: messages deleted, or another engine's
      const added = !model.has(seq);
      if (added) model.add(seq);
      expect(s.add(seq)).toBe(added);
      if (added) batch.push(seq);
      if (batch.length >= 500) {
        batches.push(batch);
        batch = [];
      }
      if (batches.length > 8 || (batches.length > 0 && random() < 0.01)) {
        const done = batches.splice(Math.floor(random() * batches.length), 1)[0];
        for (const q of done) {
          s.delete(q);
          model.delete(q);
        }
      }
      if (step % 997 === 0) {
        const probe = Math.floor(random() * next);
        expect(s.has(probe)).toBe(model.has(probe));
      }
    }
    expect(s.size).toBe(model.size);
    for (const q of model) expect(s.has(q)).toBe(true);
  });
});
