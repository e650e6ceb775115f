/**
 * Sine, cosine, arcsine and arctangent computed as Go's math package computes them (its pure-Go code,
 * which Tile38's amd64 builds run: the Cephes polynomials, the same range reduction, the same order of
 * operations, no fused multiply-add). V8's Math functions are accurate too, but not bit-identical to
 * Go's, and a fix one float step from a circle's edge must be decided as Tile38 decides it.
 *
 * Only arguments below 2^29 take Go's short range reduction; every angle the fence geometry makes is
 * far below (it is at most a few times 2π). Larger ones would need Go's Payne–Hanek reduction.
 */

// Coefficients of the polynomials (Cephes sin.c, atan.c), as Go's math package holds them.
const SIN = [
  1.5896230157654656806e-10, -2.50507477628578072866e-8, 2.75573136213857245213e-6, -1.98412698295895385996e-4, 8.33333333332211858878e-3,
  -1.66666666666666307295e-1,
];
const COS = [
  -1.135853652138768173e-11, 2.08757008419747316778e-9, -2.75573141792967388112e-7, 2.48015872888517045348e-5, -1.38888888888730564116e-3,
  4.16666666666665929218e-2,
];
// π/4 in three parts, so x − j·π/4 keeps its precision.
const PI4A = 7.85398125648498535156e-1;
const PI4B = 3.77489470793079817668e-8;
const PI4C = 2.69515142907905952645e-15;
/** 4/π rounded once (Go's constant expression `4 / Pi`; here it rounds to the same double). */
const FOUR_OVER_PI = 1.2732395447351628;
const REDUCE_THRESHOLD = 1 << 29;

const ATAN_P = [-8.750608600031904122785e-1, -1.615753718733365076637e1, -7.50085579231470466734e1, -1.22886668449013617341e2, -6.485021904942025371773e1];
const ATAN_Q = [2.485846490142306297962e1, 1.650270098316988542046e2, 4.328810604912902668951e2, 4.853903996359136964868e2, 1.945506571482613964425e2];
/** π/2 = PI_2 + MOREBITS */
const MOREBITS = 6.12323399573676588613e-17;
const TAN_3PI_8 = 2.4142135623730950488;
const PI_2 = Math.PI / 2;
const PI_4 = Math.PI / 4;

function sinPoly(z: number, zz: number): number {
  return z + z * zz * (((((SIN[0] * zz + SIN[1]) * zz + SIN[2]) * zz + SIN[3]) * zz + SIN[4]) * zz + SIN[5]);
}

function cosPoly(zz: number): number {
  return 1.0 - 0.5 * zz + zz * zz * (((((COS[0] * zz + COS[1]) * zz + COS[2]) * zz + COS[3]) * zz + COS[4]) * zz + COS[5]);
}

/** The octant j (0–7) of x ≥ 0 with its zeros mapped to the origin, and x reduced into it. */
function reduce(x: number): [j: number, z: number] {
  let j = Math.trunc(x * FOUR_OVER_PI);
  let y = j;
  if (j & 1) {
    j++;
    y++;
  }
  j &= 7;
  return [j, x - y * PI4A - y * PI4B - y * PI4C];
}

export function goSin(x: number): number {
  if (x === 0 || Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return NaN;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  if (x >= REDUCE_THRESHOLD) return sign ? -Math.sin(x) : Math.sin(x);
  const [octant, z] = reduce(x);
  let j = octant;
  if (j > 3) {
    sign = !sign;
    j -= 4;
  }
  const zz = z * z;
  const y = j === 1 || j === 2 ? cosPoly(zz) : sinPoly(z, zz);
  return sign ? -y : y;
}

export function goCos(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  x = Math.abs(x);
  if (x >= REDUCE_THRESHOLD) return Math.cos(x);
  let sign = false;
  const [octant, z] = reduce(x);
  let j = octant;
  if (j > 3) {
    j -= 4;
    sign = !sign;
  }
  if (j > 1) sign = !sign;
  const zz = z * z;
  const y = j === 1 || j === 2 ? sinPoly(z, zz) : cosPoly(zz);
  return sign ? -y : y;
}

/** atan(x) for 0 ≤ x ≤ 0.66. */
function xatan(x: number): number {
  let z = x * x;
  z =
    (z * ((((ATAN_P[0] * z + ATAN_P[1]) * z + ATAN_P[2]) * z + ATAN_P[3]) * z + ATAN_P[4])) /
    (((((z + ATAN_Q[0]) * z + ATAN_Q[1]) * z + ATAN_Q[2]) * z + ATAN_Q[3]) * z + ATAN_Q[4]);
  return x * z + x;
}

/** atan(x) for x ≥ 0, reduced into [0, 0.66]. */
function satan(x: number): number {
  if (x <= 0.66) return xatan(x);
  if (x > TAN_3PI_8) return PI_2 - xatan(1 / x) + MOREBITS;
  return PI_4 + xatan((x - 1) / (x + 1)) + 0.5 * MOREBITS;
}

export function goAtan(x: number): number {
  if (x === 0) return x;
  return x > 0 ? satan(x) : -satan(-x);
}

export function goAsin(x: number): number {
  if (x === 0) return x;
  let sign = false;
  if (x < 0) {
    x = -x;
    sign = true;
  }
  if (x > 1) return NaN;
  let t = Math.sqrt(1 - x * x);
  t = x > 0.7 ? PI_2 - satan(t / x) : satan(x / t);
  return sign ? -t : t;
}

const copysign = (magnitude: number, sign: number) => (sign < 0 || Object.is(sign, -0) ? -Math.abs(magnitude) : Math.abs(magnitude));

export function goAtan2(y: number, x: number): number {
  if (Number.isNaN(y) || Number.isNaN(x)) return NaN;
  if (y === 0) return x >= 0 && !Object.is(x, -0) ? copysign(0, y) : copysign(Math.PI, y);
  if (x === 0) return copysign(PI_2, y);
  if (!Number.isFinite(x)) {
    if (x > 0) return Number.isFinite(y) ? copysign(0, y) : copysign(PI_4, y);
    return Number.isFinite(y) ? copysign(Math.PI, y) : copysign((3 * Math.PI) / 4, y);
  }
  if (!Number.isFinite(y)) return copysign(PI_2, y);
  const q = goAtan(y / x);
  if (x < 0) return q <= 0 ? q + Math.PI : q - Math.PI;
  return q;
}
