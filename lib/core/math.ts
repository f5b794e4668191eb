/**
 * `exp`, `log`, `log1p` and `log10` correctly rounded (the double nearest the exact value), computed in
 * JavaScript arithmetic alone, so that the lib gives the same bits on every JavaScript engine.
 *
 * `Math.exp` and friends are each engine's own: Deno 2.9.6 (V8 15.0, with LLVM's libc) rounds
 * them correctly, while Debian's Chromium hands them to the C library (glibc), whose results differ
 * in the last bit on about one argument in 2,000 (`exp`, `log`) to one in 20 (`log1p`); other
 * engines and older V8s differ again. The lib computes with these three instead, so the book's
 * pages compute in the browser exactly what the notebooks compute under Deno, and no number of the
 * lib changes under Deno, where they equal `Math.exp`, `Math.log` and `Math.log1p` (tested on
 * millions of arguments in `tests/math_test.ts`).
 *
 * How: a first evaluation in double arithmetic with one exact product (a table of 2^(j/64) for
 * exp, of 193 reciprocals for log, a short series for the rest) is accurate to about 2^-67; its
 * rounding is accepted when that error bound cannot change it (Ziv's test), which is the case for
 * all but about one argument in a thousand. Those few go to a double-double evaluation (exp) or
 * straight to the exact computation of `math_exact.ts`, as do arguments whose result would be
 * subnormal or overflow. About 2–4 times the cost of `Math.exp`.
 *
 * @module
 */

import { expExact, log10Exact, log1pExact, logExact } from "./math_exact.ts";
import { EXP2, LN2, LN2_BY_64, LOG_RECIP } from "./math_tables.ts";

const SPLIT = 134217729; // 2^27 + 1: Veltkamp's splitter for Dekker's exact product
const [C1, C2, C3] = LN2_BY_64;
const [L1, L2, L3] = LN2;
const INV_C = 64 / Math.LN2;
/** 2^(i − 1075), i = 0..2099: exact scaling without Math.pow. */
const POW2 = Float64Array.from({ length: 2100 }, (_, i) => 2 ** (i - 1075));
/** 1/(0.75 + i/256) rounded, i = 0..192 (exactly 1 at i = 64). */
const RECIP = Float64Array.from({ length: 193 }, (_, i) => 1 / (0.75 + i / 256));
// 1/6 as a double-double
const SIXTH_HI = 1 / 6, SIXTH_LO = 9.25185853854297e-18;
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const HI = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;

/** Rounds hi + lo when an error of at most d cannot change the result; NaN when it could. */
function ziv(hi: number, lo: number, d: number): number {
  const up = hi + (lo + d), down = hi + (lo - d);
  return up === down ? up : NaN;
}

/**
 * e^x, correctly rounded, the same on every JavaScript engine (and equal to Deno 2.9.6's
 * `Math.exp`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exp } from "./math.ts";
 * assert.equal(exp(0), 1);
 * assert.equal(exp(1), Math.E);
 * assert.equal(exp(-Infinity), 0);
 * assert.equal(exp(-2.5), 0.0820849986238988);
 * ```
 */
export function exp(x: number): number {
  if (!(x < 708 && x > -708)) return expExact(x); // NaN, ±Infinity, overflow, subnormal results
  if (x < 2 ** -54 && x > -(2 ** -54)) return 1 + x;
  const k = Math.round(x * INV_C);
  // r = x − k·ln2/64 = rh + rl: k·C1 is exact and so is x − k·C1 (Sterbenz); |r| ≤ 0.0055
  const a = x - k * C1, b = k * C2;
  const rh = a - b, bb = rh - a;
  const rl = ((a - (rh - bb)) + (-b - bb)) - k * C3;
  const j = k & 63, th = EXP2[2 * j], tl = EXP2[2 * j + 1];
  // 2^(j/64)·e^r = th·(1 + rh + q + rl) + tl·(1 + rh), q = e^rh − 1 − rh
  const q = rh * rh *
    (0.5 + rh * (1 / 6 + rh * (1 / 24 + rh * (1 / 120 + rh * (1 / 720 + rh / 5040)))));
  const u = th * rh; // th·rh exactly: u + ue (Dekker)
  let t = SPLIT * th;
  const thh = t - (t - th), thl = th - thh;
  t = SPLIT * rh;
  const rhh = t - (t - rh), rhl = rh - rhh;
  const ue = ((thh * rhh - u) + thh * rhl + thl * rhh) + thl * rhl;
  const s = th + u, sb = s - th;
  const lo = ((th - (s - sb)) + (u - sb)) + ue + th * (q + rl) + tl * (1 + rh);
  const y = ziv(s, lo, 2 ** -65 * s);
  const m = (k - j) / 64;
  if (y === y) return y * POW2[m + 1075];
  return expDD(x, k, rh, rl, th, tl) * POW2[m + 1075];
}

// The double-double helpers leave their result in DD: the high part in DD[0], the low in DD[1].
const DD = new Float64Array(2);

/** (ah + al)·(bh + bl) into DD. */
function mulDD(ah: number, al: number, bh: number, bl: number): void {
  const p = ah * bh;
  let t = SPLIT * ah;
  const ahh = t - (t - ah), ahl = ah - ahh;
  t = SPLIT * bh;
  const bhh = t - (t - bh), bhl = bh - bhh;
  const e = (((ahh * bhh - p) + ahh * bhl + ahl * bhh) + ahl * bhl) + (ah * bl + al * bh);
  const s = p + e;
  DD[0] = s;
  DD[1] = e - (s - p);
}

/** (ah + al) + (bh + bl) into DD. */
function addDD(ah: number, al: number, bh: number, bl: number): void {
  const s = ah + bh, bb = s - ah;
  const e = ((ah - (s - bb)) + (bh - bb)) + al + bl;
  const r = s + e;
  DD[0] = r;
  DD[1] = e - (r - s);
}

/**
 * 2^(j/64)·e^r in double-double arithmetic (error below 2^-90), rounded, for the arguments the
 * first evaluation of {@linkcode exp} could not decide; the exact computation when this cannot
 * either. Returns the result before scaling by 2^m (a value in [0.7, 1.5)).
 */
function expDD(x: number, k: number, rh: number, rl: number, th: number, tl: number): number {
  // e^r − 1 = r·(1 + r·(1/2 + r·(1/6 + r·(1/24 + r·q)))): from r⁵ on in double, then Horner in
  // double-double; r = rh + rl (rl has the k·C3 term already)
  const q = 1 / 120 + rh * (1 / 720 + rh * (1 / 5040 + rh * (1 / 40320 + rh / 362880)));
  addDD(rh * q, 0, SIXTH_HI / 4, SIXTH_LO / 4);
  mulDD(DD[0], DD[1], rh, rl);
  addDD(DD[0], DD[1], SIXTH_HI, SIXTH_LO);
  mulDD(DD[0], DD[1], rh, rl);
  addDD(DD[0], DD[1], 0.5, 0);
  mulDD(DD[0], DD[1], rh, rl);
  addDD(DD[0], DD[1], 1, 0);
  mulDD(DD[0], DD[1], rh, rl);
  mulDD(th, tl, DD[0], DD[1]);
  addDD(th, tl, DD[0], DD[1]);
  const y = ziv(DD[0], DD[1], 2 ** -88 * DD[0]);
  if (y === y) return y;
  const m = (k - (k & 63)) / 64;
  return expExact(x) * POW2[1075 - m]; // e^x·2^-m: exact, the result being normal
}

/**
 * log(xh + xl) for a positive normal or subnormal double xh and |xl| ≤ ulp(xh)/2, as the
 * double-double DD[0] + DD[1]; returns a bound on its error.
 */
function logFirst(xh: number, xl: number): number {
  // xh = m·2^e with m in [0.75, 1.5): without looking at the bits for xh in [0.75, 3)
  let m = xh, e = 0;
  if (xh >= 1.5 && xh < 3) {
    m = xh * 0.5;
    e = 1;
  } else if (!(xh >= 0.75 && xh < 1.5)) {
    F64[0] = xh;
    if (U32[HI] < 0x00100000) { // subnormal: scale by 2^54 first
      F64[0] = xh * 18014398509481984;
      xl *= 18014398509481984;
      e = -54;
    }
    const hw = U32[HI];
    e += (hw >>> 20) - 1023;
    U32[HI] = (hw & 0xfffff) | 0x3ff00000; // F64[0] = m in [1, 2)
    m = F64[0];
    if (m >= 1.5) {
      m *= 0.5;
      e += 1;
    }
  }
  // m·r − 1 exactly, for r = 1/c with c the table point nearest m: |z| ≤ 2^-8.58
  const i = Math.round((m - 0.75) * 256), r = RECIP[i];
  const p = m * r;
  let t = SPLIT * m;
  const mh = t - (t - m), ml = m - mh;
  t = SPLIT * r;
  const rh = t - (t - r), rl = r - rh;
  const pe = ((mh * rh - p) + mh * rl + ml * rh) + ml * rl;
  const z0 = p - 1, w0 = xl === 0 ? pe : pe + xl * POW2[1075 - e] * r;
  const zh = z0 + w0, zb = zh - z0;
  const zl = (z0 - (zh - zb)) + (w0 - zb);
  // log(1 + z) = z + w, w = −z²/2 + z³/3 − …, to z⁸ (the rest below 2^-71.8·|z|)
  const w = zh * zh * (-0.5 + zh * (1 / 3 + zh *
              (-0.25 + zh * (0.2 + zh * (-1 / 6 + zh * (1 / 7 + zh * -0.125)))))) - zh * zl;
  // e·ln2 − log r + zh + (the small parts)
  const A = e * L1, B = LOG_RECIP[2 * i];
  const s1 = A + B, b1 = s1 - A;
  const e1 = (A - (s1 - b1)) + (B - b1);
  const s2 = s1 + zh, b2 = s2 - s1;
  const e2 = (s1 - (s2 - b2)) + (zh - b2);
  const lo = e1 + e2 + LOG_RECIP[2 * i + 1] + e * L2 + zl + w + e * L3;
  DD[0] = s2;
  DD[1] = lo;
  return 2 ** -50 * zh * zh + 2 ** -70 * Math.abs(zh) + 2 ** -84;
}

/**
 * The natural logarithm, correctly rounded, the same on every JavaScript engine (and equal to
 * Deno 2.9.6's `Math.log`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log } from "./math.ts";
 * assert.equal(log(1), 0);
 * assert.equal(log(Math.E), 1);
 * assert.equal(log(0), -Infinity);
 * assert.ok(Number.isNaN(log(-1)));
 * ```
 */
export function log(x: number): number {
  if (!(x > 0 && x < Infinity)) return logExact(x); // 0, negative, NaN, Infinity
  const d = logFirst(x, 0);
  const y = ziv(DD[0], DD[1], d);
  return y === y ? y : logExact(x);
}

/**
 * log(1 + x), correctly rounded, the same on every JavaScript engine (and equal to Deno 2.9.6's
 * `Math.log1p`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log1p } from "./math.ts";
 * assert.equal(log1p(0), 0);
 * assert.equal(log1p(1e-20), 1e-20);
 * assert.equal(log1p(1), Math.LN2);
 * assert.equal(log1p(-1), -Infinity);
 * ```
 */
export function log1p(x: number): number {
  if (!(x > -1 && x < Infinity) || (x < 2 ** -60 && x > -(2 ** -60))) return log1pExact(x);
  const h = 1 + x; // 1 + x = h + l exactly
  const bb = h - 1;
  const l = (1 - (h - bb)) + (x - bb);
  const d = logFirst(h, l);
  const y = ziv(DD[0], DD[1], d);
  return y === y ? y : log1pExact(x);
}

// 1/ln 10 as a double-double
const INV_LN10_HI = 0.4342944819032518, INV_LN10_LO = 1.098319650216765e-17;

/**
 * The base-10 logarithm, correctly rounded, the same on every JavaScript engine (and equal to
 * Deno 2.9.6's `Math.log10`): exact at the powers of ten, where R's formatting needs it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log10 } from "./math.ts";
 * assert.equal(log10(1000), 3);
 * assert.equal(log10(1e-5), -5);
 * assert.equal(log10(2), 0.3010299956639812);
 * ```
 */
export function log10(x: number): number {
  if (!(x > 0 && x < Infinity)) return log10Exact(x);
  const d = logFirst(x, 0);
  mulDD(DD[0], DD[1], INV_LN10_HI, INV_LN10_LO);
  const y = ziv(DD[0], DD[1], d * 0.44 + 2 ** -100 * Math.abs(DD[0]));
  return y === y ? y : log10Exact(x);
}

/**
 * e^x − 1 without the cancellation of `exp(x) - 1` near 0, the same on every JavaScript engine:
 * Kahan's formula (u − 1)·x / log(u) with u = e^x from {@linkcode exp} and {@linkcode log}, within
 * a few units in the last place (not correctly rounded, unlike the functions above). R's cloglog
 * link needs it (`-expm1(-exp(eta))`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expm1 } from "./math.ts";
 * assert.equal(expm1(0), 0);
 * assert.equal(expm1(1e-300), 1e-300);
 * assert.equal(expm1(-Infinity), -1);
 * assert.ok(Math.abs(expm1(1e-10) / 1.00000000005e-10 - 1) < 4e-16);
 * assert.ok(Math.abs(expm1(1) / (Math.E - 1) - 1) < 4e-16);
 * ```
 */
export function expm1(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === -Infinity) return -1;
  const u = exp(x);
  if (u === 1) return x; // |x| below about 1.1e-16: e^x − 1 = x to double precision
  const um1 = u - 1;
  if (um1 === -1) return -1;
  if (u === Infinity) return Infinity;
  return um1 * x / log(u);
}
