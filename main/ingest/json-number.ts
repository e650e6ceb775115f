/**
 * JSON numbers read straight from UTF-8 bytes for the ingest fast path (position-scan.ts), each value the
 * double JSON.parse would give, bit for bit: Clinger's fast path where the digits allow it, an exact
 * quotient for 16–19 significant digits, Number() on the token for the rest. position-scan.test.ts holds it to that.
 */

// 10^0…10^22 are exact doubles: the range of Clinger's fast path.
const POW10 = new Float64Array(23);
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10[k] = p;

// --- exact decimal → double for 16–19 significant digits, where W ≥ 2^53 rules out Clinger's fast path ---

// Powers of two built by exact doubling and halving (no reliance on Math.pow's accuracy).
const POW2_BIAS = 200;
const POW2 = new Float64Array(2 * POW2_BIAS + 1);
POW2[POW2_BIAS] = 1;
for (let k = 1; k <= POW2_BIAS; k++) {
  POW2[POW2_BIAS + k] = POW2[POW2_BIAS + k - 1] * 2;
  POW2[POW2_BIAS - k] = POW2[POW2_BIAS - k + 1] / 2;
}
// The bit pattern of a double, to read its exponent and last mantissa bit; the exact path is off on a big-endian host.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
F64[0] = 1;
const LITTLE_ENDIAN = U32[1] === 0x3ff00000;

// Results beside a function's return value, in typed arrays: a module-level `let` holding a double allocates on each write.
export const NUM = new Float64Array(1); // exactQuotient's and parseNumber's value

/** a·b − p exactly, for p = fl(a·b) (Dekker's product with Veltkamp's split; no overflow or underflow here). */
function productError(a: number, b: number, p: number): number {
  let t = 134217729 * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = 134217729 * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Puts in NUM[0] the double nearest to W / 10^p (ties to even), where W is the integer of the nd
 * significant digits held in c1 (the first 8), c2 (the next 8), c3 (the rest), 2^53 ≤ W < 10^19 and
 * 1 ≤ p ≤ 20. From the guess fl(fl(W) / 10^p), within about an ulp, x moves while the residue
 * R = W − x·10^p lies beyond half an ulp of x times 10^p. false if it gives up (it should not).
 * Small integers in, a typed array out: a double passed to or returned from a call that V8 does not inline is boxed.
 *
 * Why R is exact in doubles: x·10^p = P + E exactly (productError); A and P are within a factor of 2,
 * so A − P is exact (Sterbenz); with q = 2^min(0, k+p) for x = M·2^k, every term is a multiple of q,
 * and each partial sum (A − P) + L = E + R − Ae, + Ae, − E is below 4·5^p·q ≤ 2^49·q, so it fits
 * in 53 bits. That bound is why p stops at 20 (5^21 would leave too thin a margin).
 */
function exactQuotient(c1: number, c2: number, c3: number, nd: number, p: number): boolean {
  // W = A + Ae + L exactly: A + Ae = c1·10^(nd−8) (productError), L < 10^11; Ae + L is exact (integers under 2^38).
  const L = nd <= 16 ? c2 : c2 * POW10[nd - 16] + c3;
  const A = c1 * POW10[nd - 8];
  const Ae = productError(c1, POW10[nd - 8], A);
  const ten = POW10[p];
  let x = (A + (Ae + L)) / ten;
  for (let step = 0; step < 4; step++) {
    F64[0] = x;
    const hi = U32[1];
    const k = (hi >>> 20) - 1075; // x = M·2^k, normal and positive here
    const odd = (U32[0] & 1) === 1;
    const P = x * ten;
    const R = A - P + L + Ae - productError(x, ten, P);
    const half = POW2[POW2_BIAS + k - 1] * ten; // exact: a power of two times 10^p
    if (R > half || (R === half && odd)) {
      x += POW2[POW2_BIAS + k];
      continue;
    }
    // At the bottom of a binade the neighbour below is half as far.
    const lowest = (hi & 0xfffff) === 0 && U32[0] === 0;
    const below = lowest ? half / 2 : half;
    if (R < -below || (R === -below && odd)) {
      x -= lowest ? POW2[POW2_BIAS + k - 1] : POW2[POW2_BIAS + k];
      continue;
    }
    NUM[0] = x;
    return true;
  }
  return false;
}

/** Index after the JSON number at i, or -1 if JSON's grammar says it is none; only checks, for fields nobody reads. */
export function skipNumber(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d && ++i >= end) return -1;
  let c = b[i];
  if (c === 0x30) i++;
  else if (c > 0x30 && c <= 0x39) {
    do i++;
    while (i < end && (c = b[i]) >= 0x30 && c <= 0x39);
  } else return -1;
  if (i < end && b[i] === 0x2e) {
    const s = ++i;
    while (i < end && (c = b[i]) >= 0x30 && c <= 0x39) i++;
    if (i === s) return -1;
  }
  if (i < end && ((c = b[i]) === 0x65 || c === 0x45)) {
    if (++i < end && ((c = b[i]) === 0x2b || c === 0x2d)) i++;
    const s = i;
    while (i < end && (c = b[i]) >= 0x30 && c <= 0x39) i++;
    if (i === s) return -1;
  }
  return i;
}

/** Index after the JSON number at i (its value in NUM[0], as JSON.parse gives it), or -1 if JSON's grammar says it is none. */
export function parseNumber(b: Uint8Array, view: DataView<ArrayBufferLike>, i: number, end: number): number {
  const s = i;
  const neg = b[i] === 0x2d;
  if (neg && ++i >= end) return -1;
  let c = b[i];
  // Significant digits in small integers (short dependency chains): the first 8, the next 8, the next 3.
  let c1 = 0;
  let c2 = 0;
  let c3 = 0;
  let nd = 0;
  if (c === 0x30) i++;
  else if (c > 0x30 && c <= 0x39) {
    do {
      if (nd < 8) c1 = c1 * 10 + (c - 0x30);
      else if (nd < 16) c2 = c2 * 10 + (c - 0x30);
      else if (nd < 19) c3 = c3 * 10 + (c - 0x30);
      nd++;
      i++;
    } while (i < end && (c = b[i]) >= 0x30 && c <= 0x39);
  } else return -1;
  let e = 0; // decimal exponent of the significant digits read as an integer
  if (i < end && b[i] === 0x2e) {
    const fs = ++i;
    while (i < end) {
      if (nd > 0 && (nd <= 4 || (nd >= 8 && nd <= 12)) && i + 4 <= end) {
        // Four digits at once when they fit the current small integer (SWAR): a byte is a digit iff its high nibble is 3 and stays 3 after adding 6.
        const w = view.getUint32(i, true);
        if (((w & 0xf0f0f0f0) | (((w + 0x06060606) & 0xf0f0f0f0) >>> 4)) === 0x33333333) {
          const x = w - 0x30303030;
          const t = (x * 10 + (x >>> 8)) & 0x00ff00ff; // two-digit numbers in bytes 0 and 2 (the first digit is byte 0)
          const g = (t * 100 + (t >>> 16)) & 0x3fff;
          if (nd < 8) c1 = c1 * 10000 + g;
          else c2 = c2 * 10000 + g;
          nd += 4;
          i += 4;
          continue;
        }
      }
      c = b[i];
      if (c < 0x30 || c > 0x39) break;
      if (nd > 0 || c !== 0x30) {
        if (nd < 8) c1 = c1 * 10 + (c - 0x30);
        else if (nd < 16) c2 = c2 * 10 + (c - 0x30);
        else if (nd < 19) c3 = c3 * 10 + (c - 0x30);
        nd++;
      }
      i++;
    }
    if (i === fs) return -1;
    e = fs - i;
  }
  if (i < end && ((c = b[i]) === 0x65 || c === 0x45)) {
    let eneg = false;
    if (++i < end && ((c = b[i]) === 0x2b || c === 0x2d)) {
      eneg = c === 0x2d;
      i++;
    }
    const es = i;
    let x = 0;
    while (i < end && (c = b[i]) >= 0x30 && c <= 0x39) {
      if (x < 1e6) x = x * 10 + (c - 0x30); // past any double's range either way; Number() below decides
      i++;
    }
    if (i === es) return -1;
    e += eneg ? -x : x;
  }
  let v = NaN;
  if (nd === 0) v = 0;
  else if (nd <= 15) {
    // W < 10^15 < 2^53, exact; Clinger: with 10^|e| exact too, one correctly rounded operation.
    const W = nd <= 8 ? c1 : c1 * POW10[nd - 8] + c2;
    if (e >= 0 && e <= 22) v = W * POW10[e];
    else if (e < 0 && e >= -22) v = W / POW10[-e];
  } else if (nd <= 19 && e <= 22 && e >= -22) {
    // W = c1·10^(nd−8) + L, L < 10^11; A = fl(c1·10^(nd−8)) is exact, and so is A + L, when that sum is below 2^53.
    const L = nd <= 16 ? c2 : c2 * POW10[nd - 16] + c3;
    const A = c1 * POW10[nd - 8];
    const W = A + L;
    if (W < 9007199254740992) v = e < 0 ? W / POW10[-e] : W * POW10[e];
    else if (e < 0 && e >= -20 && LITTLE_ENDIAN && exactQuotient(c1, c2, c3, nd, -e)) v = NUM[0];
  }
  if (v !== v) {
    // Rare (over 19 digits, large exponents): the token as a string; its grammar is checked, so Number() reads it as JSON.parse does.
    let t = '';
    for (let k = s; k < i; k++) t += String.fromCharCode(b[k]);
    NUM[0] = Number(t);
    return i;
  }
  NUM[0] = neg ? -v : v;
  return i;
}
