/**
 * The ingest fast path: reads a position straight from its UTF-8 bytes, with no TextDecoder, no
 * JSON.parse and no intermediate object, for the common shape of message. Anything unusual (escapes,
 * non-ASCII, nested values, props, h3_index, invalid input) makes it answer false, and the caller
 * falls back to decodePosition, which stays the reference: when this answers true, decodePosition
 * would have accepted the message and given exactly these values (position-scan.test.ts holds it to that).
 *
 * Byte values are written as literals (0x22 is `"`), so the hot loops compare with immediates, not module bindings.
 * Measured on 1M simulator messages in one buffer: ~330 ns a message against decodePosition's ~900, and no garbage
 * but the strings of ids not in the cache.
 */
import { isFixTime } from '../../shared/position';

/** A reusable record the scanner fills; optional numbers are NaN when absent, kind is null when absent. */
export interface ScannedPosition {
  id: string;
  lat: number;
  lon: number;
  ts: number;
  speed: number;
  heading: number;
  accuracy: number;
  kind: string | null;
}

export function newScannedPosition(): ScannedPosition {
  return { id: '', lat: NaN, lon: NaN, ts: NaN, speed: NaN, heading: NaN, accuracy: NaN, kind: null };
}

// 1 for the bytes a string may hold as-is here: printable ASCII but `"` and `\` (control bytes are invalid JSON, the rest needs decoding).
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1;

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
const NUM = new Float64Array(1); // exactQuotient's and parseNumber's value

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

// --- tokens ---

const HASH = new Int32Array(1); // scanString's hash of the bytes (results beside the index returned, as NUM)
const KEY = new Int32Array(2); // scanKey's last eight bytes, packed

/** Index after the JSON whitespace at i. */
function skipWs(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/** Index of the closing quote of the plain string whose body starts at i, or -1 (end of input, escape, control or non-ASCII byte). */
function scanString(b: Uint8Array, i: number, end: number): number {
  let h = 0x811c9dc5;
  while (i < end) {
    const c = b[i];
    if (PLAIN[c] === 0) {
      if (c !== 0x22) return -1;
      HASH[0] = h;
      return i;
    }
    h = Math.imul(h ^ c, 16777619);
    i++;
  }
  return -1;
}

/** scanString for a key: instead of a hash, its last eight bytes packed in KEY, which name it exactly when it is that short. */
function scanKey(b: Uint8Array, i: number, end: number): number {
  let lo = 0;
  let hi = 0;
  while (i < end) {
    const c = b[i];
    if (PLAIN[c] === 0) {
      if (c !== 0x22) return -1;
      KEY[0] = lo;
      KEY[1] = hi;
      return i;
    }
    hi = (hi << 8) | (lo >>> 24);
    lo = (lo << 8) | c;
    i++;
  }
  return -1;
}

const K_OTHER = 0;
const K_ID = 1;
const K_LAT = 2;
const K_LON = 3;
const K_TS = 4;
const K_SPEED = 5;
const K_HEADING = 6;
const K_ACCURACY = 7;
const K_KIND = 8;
const K_REFUSE = 9; // props, h3_index: left to decodePosition

/** Which field a key of n bytes names, from scanKey's packing (big-endian ASCII: 0x6c6174 is "lat"). */
function keyOf(n: number, lo: number, hi: number): number {
  switch (n) {
    case 2:
      return lo === 0x6964 ? K_ID : lo === 0x7473 ? K_TS : K_OTHER;
    case 3:
      return lo === 0x6c6174 ? K_LAT : lo === 0x6c6f6e ? K_LON : K_OTHER;
    case 4:
      return lo === 0x6b696e64 ? K_KIND : K_OTHER;
    case 5:
      return hi === 0x73 && lo === 0x70656564 ? K_SPEED : hi === 0x70 && lo === 0x726f7073 ? K_REFUSE : K_OTHER;
    case 7:
      return hi === 0x686561 && lo === 0x64696e67 ? K_HEADING : K_OTHER;
    case 8:
      if (hi === 0x61636375 && lo === 0x72616379) return K_ACCURACY;
      return hi === 0x68335f69 && lo === 0x6e646578 ? K_REFUSE : K_OTHER;
    default:
      return K_OTHER;
  }
}

/** Index after the JSON number at i, or -1 if JSON's grammar says it is none; only checks, for fields nobody reads. */
function skipNumber(b: Uint8Array, i: number, end: number): number {
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
function parseNumber(b: Uint8Array, view: DataView<ArrayBufferLike>, i: number, end: number): number {
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

/** Index after a literal (true, false, null) at i, or -1. */
function skipLiteral(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  const n = c === 0x66 ? 5 : 4;
  if (i + n > end) return -1;
  if (c === 0x74) return b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? i + 4 : -1; // true
  if (c === 0x6e) return b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? i + 4 : -1; // null
  if (c === 0x66) return b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? i + 5 : -1; // false
  return -1; // objects and arrays too: refused
}

// Device ids and kinds repeat constantly: a direct-mapped cache by hash of the bytes (checked on a hit) spares a string per message.
const CACHE_SIZE = 1 << 15;
const cache: string[] = new Array<string>(CACHE_SIZE).fill('');
// Reused argument lists, one per length: String.fromCharCode.apply over a plain array is about twice as fast as over a subarray.
const CHARS: number[][] = [];

function stringOf(b: Uint8Array, s: number, e: number, hash: number): string {
  const slot = hash & (CACHE_SIZE - 1);
  const cached = cache[slot];
  const n = e - s;
  if (cached.length === n) {
    let k = 0;
    while (k < n && cached.charCodeAt(k) === b[s + k]) k++;
    if (k === n) return cached;
  }
  let chars = CHARS[n];
  if (chars === undefined) chars = CHARS[n] = new Array<number>(n).fill(0);
  for (let k = 0; k < n; k++) chars[k] = b[s + k];
  const str = String.fromCharCode.apply(null, chars);
  cache[slot] = str;
  return str;
}

// A DataView of the last batch scanned, for parseNumber's four-digit reads: one per batch, not per message (it keeps that batch alive until the next).
let viewOf: Uint8Array | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/**
 * true: bytes[start, end) is a position that decodePosition would accept, and `out` now holds exactly the values it would give
 * (same doubles bit for bit). false: the caller must use decodePosition (the message is invalid, or uses something this fast path
 * does not handle); `out` may then hold garbage.
 */
export function scanPosition(bytes: Uint8Array, start: number, end: number, maxBytes: number, out: ScannedPosition): boolean {
  if (!(end - start > 0 && end - start <= maxBytes && start >= 0 && end <= bytes.length)) return false;
  if (bytes !== viewOf) {
    viewOf = bytes;
    view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  let i = skipWs(bytes, start, end);
  if (i >= end || bytes[i] !== 0x7b) return false; // {
  i = skipWs(bytes, i + 1, end);
  out.lat = out.lon = out.ts = out.speed = out.heading = out.accuracy = NaN;
  // Strings are made once at the end, from their last occurrence (duplicate keys: the last one wins, as in JSON.parse).
  let idStart = -1;
  let idEnd = -1;
  let idHash = 0;
  let kindStart = -1;
  let kindEnd = -1;
  let kindHash = 0;
  for (;;) {
    if (i >= end || bytes[i] !== 0x22) return false; // also `{}` and a trailing comma
    const ke = scanKey(bytes, i + 1, end);
    if (ke < 0) return false;
    const key = keyOf(ke - i - 1, KEY[0], KEY[1]);
    i = skipWs(bytes, ke + 1, end);
    if (i >= end || bytes[i] !== 0x3a) return false; // :
    i = skipWs(bytes, i + 1, end);
    if (i >= end) return false;
    const c = bytes[i];
    if (key >= K_LAT && key <= K_ACCURACY) {
      i = parseNumber(bytes, view, i, end);
      if (i < 0) return false; // not a number: decodePosition refuses it, unless a later duplicate fixes it (rare; it decides)
      const v = NUM[0];
      if (key === K_LAT) out.lat = v;
      else if (key === K_LON) out.lon = v;
      else if (key === K_TS) out.ts = v;
      else if (key === K_SPEED) out.speed = v;
      else if (key === K_HEADING) out.heading = v;
      else out.accuracy = v;
    } else if (key === K_ID || key === K_KIND) {
      if (c !== 0x22) return false;
      const se = scanString(bytes, i + 1, end);
      if (se < 0) return false;
      if (key === K_ID) {
        idStart = i + 1;
        idEnd = se;
        idHash = HASH[0];
      } else {
        kindStart = i + 1;
        kindEnd = se;
        kindHash = HASH[0];
      }
      i = se + 1;
    } else if (key === K_REFUSE) return false;
    else {
      if (c === 0x22) {
        i = scanString(bytes, i + 1, end);
        if (i >= 0) i++;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) i = skipNumber(bytes, i, end);
      else i = skipLiteral(bytes, i, end);
      if (i < 0) return false;
    }
    i = skipWs(bytes, i, end);
    if (i >= end) return false;
    if (bytes[i] === 0x2c)
      i = skipWs(bytes, i + 1, end); // ,
    else if (bytes[i] === 0x7d)
      break; // }
    else return false;
  }
  if (skipWs(bytes, i + 1, end) !== end) return false;
  // decodePosition's rules; ASCII only, so a string's length is its byte count.
  const idLength = idEnd - idStart;
  if (idStart < 0 || idLength === 0 || idLength > 256) return false;
  if (!(out.lat >= -90 && out.lat <= 90)) return false;
  if (!(out.lon >= -180 && out.lon <= 180)) return false;
  if (!isFixTime(out.ts)) return false;
  const { speed, heading, accuracy } = out;
  if (speed === speed && !(speed >= 0 && speed < Infinity)) return false;
  if (heading === heading && !(heading >= 0 && heading <= 360)) return false;
  if (accuracy === accuracy && !(accuracy >= 0 && accuracy < Infinity)) return false;
  if (kindEnd - kindStart > 64) return false;
  out.id = stringOf(bytes, idStart, idEnd, idHash);
  out.kind = kindStart < 0 ? null : stringOf(bytes, kindStart, kindEnd, kindHash);
  return true;
}
