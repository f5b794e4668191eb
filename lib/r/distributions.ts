/**
 * Ports of R 4.2's src/nmath that the binomial links and the AIC need: the normal density
 * (dnorm.c), the Cauchy distribution (pcauchy.c, qcauchy.c, dcauchy.c, with `tanpi` of cospi.c),
 * and C's `nearbyint` as R's `round()` uses it. The normal distribution function and quantile are
 * `nmath.ts`'s `pnorm` and `qnorm.ts`.
 *
 * @module
 */
import { exp } from "../core/math.ts";

/** 1/√(2π), R's M_1_SQRT_2PI. */
const M_1_SQRT_2PI = 0.398942280401432677939946059934;
/** sqrt(−2 log(2) (DBL_MIN_EXP + 1 − DBL_MANT_DIG)): beyond it dnorm underflows to 0. */
const DNORM_UNDERFLOW = Math.sqrt(-2 * Math.LN2 * (-1021 + 1 - 53));

/**
 * The standard normal density, a port of R's `dnorm(x)` (nmath/dnorm.c, R 4.2): exp(−x²/2)/√(2π),
 * with x split into a 16-bit head and a tail for |x| ≥ 5 so that x² loses nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dnorm } from "./distributions.ts";
 * assert.ok(Math.abs(dnorm(0) - 0.3989422804014327) < 1e-16 && dnorm(40) === 0);
 * ```
 */
export function dnorm(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return 0;
  x = Math.abs(x);
  if (x >= 2 * Math.sqrt(Number.MAX_VALUE)) return 0;
  if (x < 5) return M_1_SQRT_2PI * exp(-0.5 * x * x);
  if (x > DNORM_UNDERFLOW) return 0;
  const x1 = roundHalfEven(x * 65536) / 65536;
  const x2 = x - x1;
  return M_1_SQRT_2PI * (exp(-0.5 * x1 * x1) * exp((-0.5 * x2 - x1) * x2));
}

/**
 * C's `nearbyint` in the default rounding mode (R's `R_forceint` and `round(x)`): to the nearest
 * integer, halves to the even one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundHalfEven } from "./distributions.ts";
 * assert.deepEqual([0.5, 1.5, 2.5, -2.5, 2.6].map(roundHalfEven), [0, 2, 2, -2, 3]);
 * ```
 */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x); // halves go up
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** R's `Rtanpi` (nmath/cospi.c): tan(πx), exact at the quarter points. */
function tanpi(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return NaN;
  x = x % 1; // C's fmod: keeps the sign of x
  if (x <= -0.5) x++;
  else if (x > 0.5) x--;
  return x === 0 ? 0 : x === 0.5 ? NaN : x === 0.25 ? 1 : x === -0.25 ? -1 : Math.tan(Math.PI * x);
}

/**
 * R's `pcauchy(x)` (nmath/pcauchy.c, without `atanpi`, as R is built on glibc): for |x| > 1 by
 * atan(1/x), which keeps the tails accurate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pcauchy } from "./distributions.ts";
 * assert.ok(pcauchy(0) === 0.5 && pcauchy(1) === 0.75 && pcauchy(-Infinity) === 0);
 * ```
 */
export function pcauchy(x: number): number {
  if (Number.isNaN(x)) return x;
  if (!Number.isFinite(x)) return x < 0 ? 0 : 1;
  if (Math.abs(x) > 1) {
    const y = Math.atan(1 / x) / Math.PI;
    return x > 0 ? 0.5 - y + 0.5 : -y;
  }
  return 0.5 + Math.atan(x) / Math.PI;
}

/**
 * R's `qcauchy(p)` (nmath/qcauchy.c), lower tail, not on the log scale: −1/tan(πp) by R's `tanpi`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qcauchy } from "./distributions.ts";
 * assert.ok(qcauchy(0.5) === 0 && qcauchy(0.75) === 1 && qcauchy(0.25) === -1);
 * ```
 */
export function qcauchy(p: number): number {
  if (Number.isNaN(p)) return p;
  if (p < 0 || p > 1) return NaN;
  let lower = true;
  if (p > 0.5) {
    if (p === 1) return Infinity;
    p = 1 - p;
    lower = false;
  }
  if (p === 0.5) return 0;
  if (p === 0) return lower ? -Infinity : Infinity;
  return (lower ? -1 : 1) / tanpi(p);
}

/**
 * R's `dcauchy(x)`: 1/(π(1 + x²)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dcauchy } from "./distributions.ts";
 * assert.ok(dcauchy(0) === 1 / Math.PI);
 * ```
 */
export function dcauchy(x: number): number {
  return 1 / (Math.PI * (1 + x * x));
}
