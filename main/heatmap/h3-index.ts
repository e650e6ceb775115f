import { cellToLatLng, getIcosahedronFaces, getPentagons, getRes0Cells, latLngToCell } from 'h3-js';
import { hexToCell } from '../../shared/h3-cell';

/**
 * The resolution-15 H3 cell of a position, as hi/lo halves in out[0..1]; coarser cells derive from it
 * by bit operations.
 *
 * h3-js's latLngToCell costs ~1.3 µs (its asm.js core, then a hex string we parse back): on the ingest
 * path that was a fifth of the engine's main thread. This is H3's own algorithm (faceijk.c and
 * h3Index.c of H3 4.5, the version h3-js 4.5 compiles) written out in plain JS with the same
 * floating-point operations in the same order, so the cells are h3-js's bit for bit (a test compares
 * them on a million points). Its grid tables are not copied: the icosahedron faces are read from
 * h3-js's base cells at first use, and which base cell and rotation each face position maps to is
 * learnt from h3-js the first time a position lands there. Pentagon base cells (mostly ocean) and
 * anything unexpected go to h3-js.
 */
export function indexPosition(lat: number, lon: number, out: Uint32Array | number[]): void {
  if (!indexFast(lat, lon, out)) {
    counters.h3js++;
    hexToCell(latLngToCell(lat, lon, RES), out);
  }
}

/** Builds the face table now (tens of milliseconds), so the first positions indexed do not wait for it. */
export function prepareIndex(): void {
  faces ??= buildFaces();
}

/** How many positions each path indexed (tests hold the fast path to being the one used). */
export const counters = { fast: 0, h3js: 0 };

const RES = 15;
// H3's constants (constants.h): the grid's definition, not tuning.
const INV_RES0_U_GNOMONIC = 2.61803398874989588842;
const M_SQRT7 = 2.6457513110645905905016157536392604257102;
const M_AP7_ROT_RADS = 0.333473172251832115336090755351601070065900389;
const M_RSIN60 = 1.1547005383792515290182975610039149112953;
const M_ONESEVENTH = 0.14285714285714285714285714285714285;
const M_2PI = 6.28318530717958647692528676655900576839433;
const EPSILON = 0.0000000000000001;
const FACES = 20;

/** Digit d rotated 60° counter-clockwise r times: ROT[r * 8 + d]. */
const ROT = new Uint8Array(6 * 8);
{
  const ccw = [0, 5, 3, 1, 6, 4, 2]; // K→IK, J→JK, JK→K, I→IJ, IK→I, IJ→J (H3's _rotate60ccw)
  for (let d = 0; d < 7; d++) ROT[d] = d;
  for (let r = 1; r < 6; r++) for (let d = 0; d < 7; d++) ROT[r * 8 + d] = ccw[ROT[(r - 1) * 8 + d]];
}

/** Per face: centre, tangent basis (north, east) and the azimuth of one lattice axis. */
let faces: Float64Array | undefined;
const F = 10; // doubles per face: cx cy cz nx ny nz ex ey ez axis
/** Per (face, res-0 i, j, k): base cell * 8 + rotations, or UNKNOWN, or VIA_H3JS. */
const baseCells = new Int16Array(FACES * 27).fill(-1);
const UNKNOWN = -1;
const VIA_H3JS = -2;
let pentagons: Set<number> | undefined;

const posAngle = (rads: number): number => {
  let tmp = rads < 0 ? rads + M_2PI : rads;
  if (rads >= M_2PI) tmp -= M_2PI;
  return tmp;
};

function degsToRads(deg: number): number {
  return (deg * Math.PI) / 180; // as h3-js converts
}

/**
 * The faces in H3's numbering (ties between equidistant faces go to the lower number, as in H3): each
 * face's centre is the base cell on that face alone nearest its three vertices' centroid, and its
 * lattice axis points at one vertex (a pentagon). Any of the six axes serves: the base-cell table is
 * learnt in whichever frame this picks.
 */
function buildFaces(): Float64Array {
  const vec = (cell: string): [number, number, number] => {
    const [lat, lng] = cellToLatLng(cell);
    const la = degsToRads(lat);
    const ln = degsToRads(lng);
    const r = Math.cos(la);
    return [Math.cos(ln) * r, Math.sin(ln) * r, Math.sin(la)];
  };
  const pents = getPentagons(0);
  const baseOf = (hex: string) => {
    hexToCell(hex, h3);
    return baseCellOf(h3[0]);
  };
  pentagons = new Set(pents.map(baseOf));
  const res0 = getRes0Cells().filter((c) => !pentagons!.has(baseOf(c)));
  const out = new Float64Array(FACES * F);
  for (let f = 0; f < FACES; f++) {
    const verts = pents.filter((p) => getIcosahedronFaces(p).includes(f)).map(vec);
    if (verts.length !== 3) throw new Error(`h3 face ${f}: expected 3 vertices, found ${verts.length}`);
    const mid = [0, 1, 2].map((i) => verts[0][i] + verts[1][i] + verts[2][i]);
    let best: [number, number, number] | undefined;
    let bestDot = -Infinity;
    for (const c of res0) {
      const faceList = getIcosahedronFaces(c);
      if (faceList.length !== 1 || faceList[0] !== f) continue;
      const v = vec(c);
      const d = v[0] * mid[0] + v[1] * mid[1] + v[2] * mid[2];
      if (d > bestDot) [best, bestDot] = [v, d];
    }
    if (!best) throw new Error(`h3 face ${f}: no centre cell`);
    const [x, y, z] = best;
    // Tangent basis at the centre, as H3's _vec3TangentBasis computes it.
    let nx = -z * x;
    let ny = -z * y;
    let nz = 1 - z * z;
    const nn = Math.sqrt(nx * nx + ny * ny + nz * nz);
    const s = nn > 0 ? 1 / nn : 0;
    nx *= s;
    ny *= s;
    nz *= s;
    const o = f * F;
    out.set([x, y, z, nx, ny, nz, ny * z - nz * y, nz * x - nx * z, nx * y - ny * x], o);
    out[o + 9] = posAngle(azimuth(out, o, verts[0][0], verts[0][1], verts[0][2]));
  }
  return out;
}

/** H3's _vec3AzimuthRads from face `o`'s centre to p. */
function azimuth(t: Float64Array, o: number, px: number, py: number, pz: number): number {
  const cx = t[o];
  const cy = t[o + 1];
  const cz = t[o + 2];
  const d = px * cx + py * cy + pz * cz;
  let qx = px + -d * cx;
  let qy = py + -d * cy;
  let qz = pz + -d * cz;
  const qn = Math.sqrt(qx * qx + qy * qy + qz * qz);
  const s = qn > 0 ? 1 / qn : 0;
  qx *= s;
  qy *= s;
  qz *= s;
  return Math.atan2(qx * t[o + 6] + qy * t[o + 7] + qz * t[o + 8], qx * t[o + 3] + qy * t[o + 4] + qz * t[o + 5]);
}

/** The base cell of a cell, from its high half. */
function baseCellOf(hi: number): number {
  return (hi >>> 13) & 0x7f;
}

/** Digit `res` (1–15) of a cell given as hi/lo halves. */
function digitOf(hi: number, lo: number, res: number): number {
  const shift = (RES - res) * 3;
  if (shift >= 32) return (hi >>> (shift - 32)) & 7;
  if (shift <= 29) return (lo >>> shift) & 7;
  return ((lo >>> 30) | ((hi & 1) << 2)) & 7; // digit 5 straddles the halves
}

/** The digit of a unit step (da, db) in axial coordinates, at (da + 1) * 3 + db + 1; -1: not a unit step. */
const AXIAL_DIGIT = [1, 3, -1, 5, 0, 2, -1, 4, 6]; // K (-1,-1), IK (0,-1), JK (-1,0), I (1,0), J (0,1), IJ (1,1)

// Scratch: the position's ijk at each step and its 15 digits (index 1..15), in the face's frame.
const digits = new Uint8Array(16);
const h3 = new Uint32Array(2);

function indexFast(lat: number, lon: number, out: Uint32Array | number[]): boolean {
  const t = (faces ??= buildFaces());
  // latLngToVec3
  const la = degsToRads(lat);
  const ln = degsToRads(lon);
  const rc = Math.cos(la);
  const px = Math.cos(ln) * rc;
  const py = Math.sin(ln) * rc;
  const pz = Math.sin(la);
  if (!Number.isFinite(px + py + pz)) return false;
  // _vec3ToClosestFace
  let face = 0;
  let sqd = 5;
  for (let f = 0; f < FACES; f++) {
    const o = f * F;
    const dx = t[o] - px;
    const dy = t[o + 1] - py;
    const dz = t[o + 2] - pz;
    const d = dx * dx + dy * dy + dz * dz;
    if (d < sqd) {
      face = f;
      sqd = d;
    }
  }
  // _vec3ToHex2d (resolution 15 is Class III)
  const o = face * F;
  let r = Math.acos(1 - sqd * 0.5);
  let x = 0;
  let y = 0;
  if (!(r < EPSILON)) {
    let theta = posAngle(t[o + 9] - posAngle(azimuth(t, o, px, py, pz)));
    theta = posAngle(theta - M_AP7_ROT_RADS);
    r = Math.tan(r);
    r *= INV_RES0_U_GNOMONIC;
    for (let k = 0; k < RES; k++) r *= M_SQRT7;
    x = r * Math.cos(theta);
    y = r * Math.sin(theta);
  }
  // _hex2dToCoordIJK
  const a1 = Math.abs(x);
  const a2 = Math.abs(y);
  const x2 = a2 * M_RSIN60;
  const x1 = a1 + x2 / 2.0;
  const m1 = Math.trunc(x1);
  const m2 = Math.trunc(x2);
  const r1 = x1 - m1;
  const r2 = x2 - m2;
  let i: number;
  let j: number;
  if (r1 < 0.5) {
    if (r1 < 1.0 / 3.0) {
      i = m1;
      j = r2 < (1.0 + r1) / 2.0 ? m2 : m2 + 1;
    } else {
      j = r2 < 1.0 - r1 ? m2 : m2 + 1;
      i = 1.0 - r1 <= r2 && r2 < 2.0 * r1 ? m1 + 1 : m1;
    }
  } else if (r1 < 2.0 / 3.0) {
    j = r2 < 1.0 - r1 ? m2 : m2 + 1;
    i = 2.0 * r1 - 1.0 < r2 && r2 < 1.0 - r1 ? m1 : m1 + 1;
  } else {
    i = m1 + 1;
    j = r2 < r1 / 2.0 ? m2 : m2 + 1;
  }
  if (x < 0.0) {
    if (j % 2 === 0) i = Math.trunc(i - 2.0 * (i - j / 2));
    else i = Math.trunc(i - (2.0 * (i - (j + 1) / 2) + 1));
  }
  if (y < 0.0) {
    i = i - Math.trunc((2 * j + 1) / 2);
    j = -j;
  }
  // _faceIjkToH3 in axial coordinates (i - k, j - k), which H3's ijk normalisation leaves unchanged:
  // digits from the finest resolution up; odd resolutions are Class III (ccw). No rounding meets a
  // tie: the products are multiples of 1/7.
  let a = i;
  let b = j;
  for (let res = RES; res >= 1; res--) {
    let pa: number;
    let pb: number;
    let da: number;
    let db: number;
    if (res % 2 === 1) {
      pa = Math.round((3 * a - b) * M_ONESEVENTH); // _upAp7
      pb = Math.round((a + 2 * b) * M_ONESEVENTH);
      da = a - (2 * pa + pb); // minus the parent's centre, _downAp7
      db = b - (3 * pb - pa);
    } else {
      pa = Math.round((2 * a + b) * M_ONESEVENTH); // _upAp7r
      pb = Math.round((3 * b - a) * M_ONESEVENTH);
      da = a - (3 * pa - pb); // _downAp7r
      db = b - (pa + 2 * pb);
    }
    const digit = da >= -1 && da <= 1 && db >= -1 && db <= 1 ? AXIAL_DIGIT[(da + 1) * 3 + db + 1] : -1;
    if (digit < 0) return false; // not a unit step: cannot happen, but never guess
    digits[res] = digit;
    a = pa;
    b = pb;
  }
  norm(a, b, 0);
  i = I;
  j = J;
  const k = K;
  if (i > 2 || j > 2 || k > 2) return false;
  const key = face * 27 + i * 9 + j * 3 + k;
  let entry = baseCells[key];
  if (entry === UNKNOWN) entry = learn(key, lat, lon);
  if (entry < 0) return false;
  const rot = (entry & 7) * 8;
  let hi = (1 << 27) | (RES << 20) | ((entry >> 3) << 13);
  let lo = 0;
  for (let res = 1; res <= RES; res++) {
    const d = ROT[rot + digits[res]];
    const shift = (RES - res) * 3;
    if (shift >= 32) hi |= d << (shift - 32);
    else if (shift <= 29) lo |= d << shift;
    else {
      lo |= (d & 3) << 30;
      hi |= d >> 2;
    }
  }
  out[0] = hi >>> 0;
  out[1] = lo >>> 0;
  counters.fast++;
  return true;
}

// norm's result (module scratch rather than a returned array: this runs 46 times per position).
let I = 0;
let J = 0;
let K = 0;
/** H3's _ijkNormalize, into I, J, K. */
function norm(i: number, j: number, k: number): void {
  if (i < 0) {
    j -= i;
    k -= i;
    i = 0;
  }
  if (j < 0) {
    i -= j;
    k -= j;
    j = 0;
  }
  if (k < 0) {
    i -= k;
    j -= k;
    k = 0;
  }
  let min = i;
  if (j < min) min = j;
  if (k < min) min = k;
  if (min > 0) {
    i -= min;
    j -= min;
    k -= min;
  }
  I = i;
  J = j;
  K = k;
}

/**
 * Which base cell, and how many 60° turns of the digits, face position `key` stands for: read off
 * h3-js's cell for this position (H3 looks both up by exactly this key). Pentagon base cells stay
 * with h3-js (their digits follow special rules), as does a position whose digits are all centre
 * (any rotation fits them).
 */
function learn(key: number, lat: number, lon: number): number {
  hexToCell(latLngToCell(lat, lon, RES), h3);
  const base = baseCellOf(h3[0]);
  if (pentagons!.has(base)) return (baseCells[key] = VIA_H3JS);
  if (digits.every((d) => d === 0)) return UNKNOWN;
  for (let rot = 0; rot < 6; rot++) {
    let same = true;
    for (let res = 1; res <= RES && same; res++) same = ROT[rot * 8 + digits[res]] === digitOf(h3[0], h3[1], res);
    if (same) return (baseCells[key] = base * 8 + rot);
  }
  return (baseCells[key] = VIA_H3JS);
}
