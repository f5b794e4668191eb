/**
 * exp(x) and log(1 + u) for the normal-equations fit's per-row pass, in plain TypeScript that V8
 * inlines into the loop (a call to `Math.exp` or `Math.log` costs 8–9 ns here; these about a
 * third of that). Both are table-driven, with errors below 1 ulp measured against `Math.exp` and
 * `Math.log1p` over their ranges (tests/fastmath_test.ts), so they change results by rounding
 * only — which the normal-equations path does anyway; R's own arithmetic stays on the QR path.
 *
 * - {@linkcode expTable}: exp(x) = 2^e · 2^(j/64) · exp(r), |r| ≤ ln 2 / 128, exp(r) − 1 by a
 *   degree-6 polynomial; for |x| ≤ 708.
 * - {@linkcode log1pUnit}: log(1 + u) for u in [0, 1] = log(1 + c) + log(1 + r),
 *   c = ⌊128 u⌋ / 128, r = (u − c)/(1 + c) < 1/128, log(1 + r) by a degree-8 polynomial.
 *
 * @module
 */
import { log1p } from "../core/math.ts";

/** Table size of {@linkcode expTable}: exp(x) = 2^e · 2^(j/N) · exp(r). */
export const EXP_N = 64;
const N = EXP_N;
/** 1.5 · 2^52: adding and subtracting it rounds a double (|x| < 2^51) to an integer. */
export const SHIFT = 6755399441055744;
/** N / ln 2. */
export const INV_LN2_N = N / Math.LN2;
// ln 2 / N in two parts (fdlibm's ln2_hi, whose low 21 bits are 0, and ln2_lo, over N): k · LN2_HI
// is exact for |k| < 2^21.
/** High part of ln 2 / N. */
export const LN2_HI = 6.93147180369123816490e-01 / N;
/** Low part of ln 2 / N. */
export const LN2_LO = 1.90821492927058770002e-10 / N;
/** 2^(j/N), j = 0..N−1. */
export const EXP_T: Float64Array = Float64Array.from({ length: N }, (_, j) => 2 ** (j / N));
/** 2^e for e = −1100..1100 (index e + 1100), subnormals and 0 at the low end. */
export const POW2: Float64Array = Float64Array.from({ length: 2201 }, (_, i) => 2 ** (i - 1100));
const T = EXP_T;

/**
 * exp(x) to within an ulp, for |x| ≤ 708 (beyond, the result is not guaranteed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expTable } from "./fastmath.ts";
 * assert.ok(expTable(0) === 1);
 * assert.ok(Math.abs(expTable(1) - Math.E) <= 4.5e-16 && Math.abs(expTable(-30) / Math.exp(-30) - 1) < 3e-16);
 * ```
 */
export function expTable(x: number): number {
  const kd = (x * INV_LN2_N + SHIFT) - SHIFT;
  const k = kd | 0;
  const r = (x - kd * LN2_HI) - kd * LN2_LO;
  const j = k & (N - 1);
  const e = (k - j) / N;
  const p = r + r * r *
      (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))));
  const t = T[j];
  return POW2[e + 1100] * (t + t * p);
}

/** Table size of {@linkcode log1pUnit}. */
export const LOG1P_M = 128;
const M = LOG1P_M;
/** log(1 + i/M), i = 0..M. */
export const LOG1P_C: Float64Array = Float64Array.from(
  { length: M + 1 },
  (_, i) => log1p(i / M),
);
/** 1/(1 + i/M), i = 0..M. */
export const INV_1P_C: Float64Array = Float64Array.from(
  { length: M + 1 },
  (_, i) => 1 / (1 + i / M),
);

/**
 * log(1 + u) to within an ulp, for 0 ≤ u ≤ 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log1pUnit } from "./fastmath.ts";
 * assert.ok(log1pUnit(0) === 0 && log1pUnit(1e-20) === 1e-20);
 * assert.ok(Math.abs(log1pUnit(1) - Math.LN2) <= 1.2e-16);
 * ```
 */
export function log1pUnit(u: number): number {
  const i = (u * M) | 0;
  const c = i / M;
  const r = (u - c) * INV_1P_C[i];
  const r2 = r * r;
  const p = r -
    r2 * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6 - r * (1 / 7 - r * 0.125))))));
  return LOG1P_C[i] + p;
}
