/**
 * R's binomial density on the log scale, `dbinom(x, size, prob, log = TRUE)`, as R 4.2 computes it
 * (src/nmath/dbinom.c `dbinom_raw`, with `stirlerr.c` and `bd0.c`): Loader's saddle-point form,
 * accurate where the probability is tiny. `binomial()$aic` sums it over the rows of a fit.
 *
 * @module
 */

import { roundHalfEven } from "./distributions.ts";
import { log, log1p } from "../core/math.ts";

/** log(2π), R's M_LN_2PI. */
const M_LN_2PI = 1.837877066409345483560659472811;

/** stirlerr(n) = log(n!) − log(√(2π n) (n/e)ⁿ) at 0, ½, 1, …, 15 (R's `sferr_halves`). */
const SFERR_HALVES = [
  0.0,
  0.1534264097200273452913848,
  0.0810614667953272582196702,
  0.0548141210519176538961390,
  0.0413406959554092940938221,
  0.03316287351993628748511048,
  0.02767792568499833914878929,
  0.02374616365629749597132920,
  0.02079067210376509311152277,
  0.01848845053267318523077934,
  0.01664469118982119216319487,
  0.01513497322191737887351255,
  0.01387612882307074799874573,
  0.01281046524292022692424986,
  0.01189670994589177009505572,
  0.01110455975820691732662991,
  0.010411265261972096497478567,
  0.009799416126158803298389475,
  0.009255462182712732917728637,
  0.008768700134139385462952823,
  0.008330563433362871256469318,
  0.007934114564314020547248100,
  0.007573675487951840794972024,
  0.007244554301320383179543912,
  0.006942840107209529865664152,
  0.006665247032707682442354394,
  0.006408994188004207068439631,
  0.006171712263039457647532867,
  0.005951370112758847735624416,
  0.005746216513010115682023589,
  0.005554733551962801371038690,
];

/**
 * R's `stirlerr(n)` (nmath/stirlerr.c, R 4.2) for the whole numbers `dbinom` passes it here: the
 * table up to 15, the asymptotic series beyond.
 */
function stirlerr(n: number): number {
  const S0 = 0.083333333333333333333;
  const S1 = 0.00277777777777777777778;
  const S2 = 0.00079365079365079365079365;
  const S3 = 0.000595238095238095238095238;
  const S4 = 0.0008417508417508417508417508;
  if (n <= 15) {
    const nn = n + n;
    if (nn === Math.trunc(nn)) return SFERR_HALVES[nn];
    throw new RangeError(`stirlerr: ${n} is not a multiple of 1/2`);
  }
  const nn = n * n;
  if (n > 500) return (S0 - S1 / nn) / n;
  if (n > 80) return (S0 - (S1 - S2 / nn) / nn) / n;
  if (n > 35) return (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n;
  return (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n;
}

/** R's `bd0(x, np)` (nmath/bd0.c, R 4.2): x log(x/np) + np − x, accurately. */
function bd0(x: number, np: number): number {
  if (!Number.isFinite(x) || !Number.isFinite(np) || np === 0) return NaN;
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < 2.2250738585072014e-308) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / ((j << 1) + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * log(x / np) + np - x;
}

/**
 * log of R's `dbinom(x, size, prob)` for whole numbers 0 ≤ x ≤ size (a port of `dbinom_raw` with
 * `give_log`, nmath/dbinom.c, R 4.2): Loader's saddle-point form, accurate also where the
 * probability is tiny.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logDbinom } from "./dbinom.ts";
 * // dbinom(3, 10, 0.4) = 120 · 0.4³ · 0.6⁷
 * assert.ok(Math.abs(logDbinom(3, 10, 0.4) - Math.log(120 * 0.064 * 0.6 ** 7)) < 1e-14);
 * assert.ok(logDbinom(0, 0, 0.3) === 0);
 * ```
 */
export function logDbinom(x: number, size: number, prob: number): number {
  if (Number.isNaN(x) || Number.isNaN(size) || Number.isNaN(prob)) return x + size + prob;
  if (prob < 0 || prob > 1 || size < 0) return NaN;
  if (x < 0 || !Number.isFinite(x)) return -Infinity;
  const n = roundHalfEven(size), k = roundHalfEven(x);
  const p = prob, q = 1 - prob;
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (q === 0) return k === n ? 0 : -Infinity;
  if (k === 0) {
    if (n === 0) return 0;
    return p < 0.1 ? -bd0(n, n * q) - n * p : n * log(q);
  }
  if (k === n) return q < 0.1 ? -bd0(n, n * p) - n * q : n * log(p);
  if (k < 0 || k > n) return -Infinity;
  const lc = stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * q);
  const lf = M_LN_2PI + log(k) + log1p(-k / n);
  return lc - 0.5 * lf;
}
