import { pubCommand } from '../nats';
import type { PartitionPins } from './partition-pins';
import type { Lane } from './pull-lanes';

/**
 * How many messages each lane has asked for and not received, and the pulls that keep them coming: a
 * lane keeps its share of two batches asked for (one pull at a time when pinned, so the pulls waiting on
 * its consumer count engines); a partition held (full pipeline, a takeover) is still pulled from, a
 * message at a time, so its pin does not lapse. Pulls expire and carry heartbeats.
 */
export class PullWindow {
  private readonly lanes: readonly Lane[];

  constructor(
    private readonly pins: PartitionPins,
    private readonly batchSize: number,
    private readonly heartbeatMs: number,
  ) {
    this.lanes = pins.lanes;
  }

  /** A new connection, a silent server or a leaderless consumer: no pull of before is counted on. */
  forgetAll(): void {
    for (const lane of this.lanes) lane.outstanding = 0;
  }

  /** One message came on the lane. */
  delivered(lane: Lane): void {
    if (lane.outstanding > 0) lane.outstanding--;
  }

  /** A pull of the lane ended (404, 408, 409) owing `pending` messages (0: unknown, so none is counted on). */
  ended(lane: Lane, pending: number): void {
    lane.outstanding = pending > 0 ? Math.max(0, lane.outstanding - pending) : 0;
  }

  /** The pulls due now, each a PUB to its consumer's CONSUMER.MSG.NEXT with lane i's reply at `<inbox>.<i>`; `full`: no batch is taken. */
  pulls(inbox: string, now: number, full: boolean): Buffer[] {
    const out: Buffer[] = [];
    const share = Math.max(64, Math.ceil((2 * this.batchSize) / this.lanes.length));
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[i];
      // Every pull of a lane has expired by now: what it still counts as asked for will never come (its status was lost).
      if (lane.outstanding > 0 && now - lane.pulledAt > this.pins.pullExpiresMs + 2 * this.heartbeatMs) lane.outstanding = 0;
      const wanted = !full && this.pins.wantsPull(lane) && lane.outstanding <= (lane.group ? 0 : share / 2);
      const keepPin = !wanted && lane.owned && !lane.yielding && lane.outstanding === 0 && now - lane.pulledAt >= this.pins.keepPinMs;
      if (!wanted && !keepPin) continue;
      const n = wanted ? share - lane.outstanding : 1;
      lane.outstanding += n;
      lane.pulledAt = now;
      out.push(pubCommand(lane.next, lane.pullRequest(n, this.pins.pullExpiresMs, this.heartbeatMs), `${inbox}.${i}`));
    }
    return out;
  }
}
