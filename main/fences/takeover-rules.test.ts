import { describe, expect, it } from 'vitest';
import { routeOf, takeoverPart, whenTaken, type TakenState } from './takeover-rules';

describe("the handover's decisions about a partition", () => {
  it('a checkpoint found written by another engine: taken over again only while the pin is still here, with its next delivery', () => {
    const cases: [TakenState, ReturnType<typeof whenTaken>][] = [
      // The failure the R3 cluster showed: JetStream still delivers the partition here, so its state must stay current.
      [{ pinned: true, stopping: false, retaking: false }, 'take-over-again-when-delivered'],
      [{ pinned: true, stopping: false, retaking: true }, 'nothing'],
      // Its pin is gone (a loss told): the other engine's state counts.
      [{ pinned: false, stopping: false, retaking: false }, 'let-go'],
      [{ pinned: false, stopping: false, retaking: true }, 'let-go'],
      // A stopping engine writes its last checkpoints and nothing more.
      [{ pinned: true, stopping: true, retaking: false }, 'let-go'],
    ];
    for (const [state, action] of cases) expect({ state, action: whenTaken(state) }).toEqual({ state, action });
  });

  it('a sequence read in a takeover: in the checkpoint, acked (silent), delivered never acked (with events), or newer than the marks', () => {
    const marks = { from: 100, floor: 140, delivered: 150 };
    expect([99, 100, 101, 140, 141, 150, 151].map((seq) => takeoverPart(seq, marks))).toEqual([
      'checkpoint',
      'checkpoint',
      'replay',
      'replay',
      'tail',
      'tail',
      'newer',
    ]);
    // A checkpoint written past the ack floor (committed, not acked yet when it was written): nothing to replay silently.
    expect([121, 125, 126].map((seq) => takeoverPart(seq, { from: 120, floor: 110, delivered: 125 }))).toEqual(['tail', 'tail', 'newer']);
  });

  it("a committed position: through the fences only when this engine's state counts and does not hold it yet", () => {
    expect(routeOf({ owned: true, appliedUpTo: 150 }, 151)).toBe('fences');
    expect(routeOf({ owned: true, appliedUpTo: 150 }, 150)).toBe('history-only');
    expect(routeOf({ owned: false, appliedUpTo: 0 }, 151)).toBe('history-only');
  });
});
