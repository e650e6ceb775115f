/** Bits in the window: far more than a consumer's acks pending (tens of thousands), 32 KB. */
const WINDOW = 1 << 18;
const MASK = WINDOW - 1;

/**
 * A set of stream sequences as the reader holds them: nearly all arrive in order and leave a batch at a
 * time, within a window far narrower than the sequences themselves. Those inside the window are bits
 * of a ring (no hashing, no allocation); the rare one outside (a redelivery from long ago, a window
 * that cannot slide yet) goes to a Set beside it.
 */
export class SeqSet {
  private readonly bits = new Int32Array(WINDOW / 32);
  /** Every sequence in the ring is in [low, low + WINDOW); `low` sits at ring position `lowAt`. */
  private low = 0;
  private lowAt = 0;
  private inRing = 0;
  private readonly outside = new Set<number>();

  get size(): number {
    return this.inRing + this.outside.size;
  }

  has(seq: number): boolean {
    const d = seq - this.low;
    if (d >= 0 && d < WINDOW) {
      const at = (this.lowAt + d) & MASK;
      if ((this.bits[at >>> 5] & (1 << (at & 31))) !== 0) return true;
    }
    return this.outside.size > 0 && this.outside.has(seq);
  }

  /** Adds `seq`; false when it is in already. */
  add(seq: number): boolean {
    if (this.has(seq)) return false;
    let d = seq - this.low;
    if (d >= WINDOW || (this.inRing === 0 && d < 0)) d = this.slideTo(seq);
    if (d < 0 || d >= WINDOW) {
      this.outside.add(seq);
      return true;
    }
    const at = (this.lowAt + d) & MASK;
    this.bits[at >>> 5] |= 1 << (at & 31);
    this.inRing++;
    return true;
  }

  delete(seq: number): void {
    const d = seq - this.low;
    if (d >= 0 && d < WINDOW) {
      const at = (this.lowAt + d) & MASK;
      const word = this.bits[at >>> 5];
      const bit = 1 << (at & 31);
      if ((word & bit) !== 0) {
        this.bits[at >>> 5] = word & ~bit;
        this.inRing--;
        return;
      }
    }
    if (this.outside.size > 0) this.outside.delete(seq);
  }

  /** Moves the window up to the lowest sequence in the ring (or to `seq` when the ring is empty); `seq`'s distance from its new start. */
  private slideTo(seq: number): number {
    if (this.inRing === 0) {
      this.low = seq;
      this.lowAt = 0;
      return 0;
    }
    // Word by word up to the first bit set: each word is passed once per trip round the ring.
    let at = this.lowAt;
    let low = this.low;
    while ((this.bits[at >>> 5] & (1 << (at & 31))) === 0) {
      if ((at & 31) === 0 && this.bits[at >>> 5] === 0) {
        at = (at + 32) & MASK;
        low += 32;
      } else {
        at = (at + 1) & MASK;
        low++;
      }
    }
    this.low = low;
    this.lowAt = at;
    return seq - low;
  }
}
