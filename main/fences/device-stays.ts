/**
 * A device's stays in fences as the embedded engine keeps them: a short array in the order entered (what
 * a checkpoint lists), scanned rather than a Map per device — a device is inside a few fences at most.
 */

/** A stay in a fence: the fence's index in FenceEngine.fences, when the device entered, whether its dwell fired. */
export interface Stay {
  fence: number;
  since: number;
  dwelt: boolean;
}

/** Where fence i is in a device's stays, or -1. */
export function stayAt(stays: readonly Stay[], i: number): number {
  for (let k = 0; k < stays.length; k++) if (stays[k].fence === i) return k;
  return -1;
}

/** Sorts xs[from … to - 1] ascending in place (an insertion sort: a device's few stays). */
export function sortRun(xs: number[], from: number, to: number): void {
  for (let k = from + 1; k < to; k++) {
    const v = xs[k];
    let j = k - 1;
    for (; j >= from && xs[j] > v; j--) xs[j + 1] = xs[j];
    xs[j + 1] = v;
  }
}
