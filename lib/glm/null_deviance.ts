/**
 * The null deviance of a binomial fit as R's `glm.fit` computes it: the deviance of the model
 * with only an intercept (at the weighted mean of y) or, without one, of η = offset.
 *
 * @module
 */

import type { Link } from "./glm_fit.ts";
import { binomialLink } from "./links.ts";
import { log } from "../core/math.ts";

/** R's `y_log_y`: y log(y/μ), 0 for y = 0. */
function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * log(y / mu) : 0;
}

/**
 * glm.fit's null deviance: Σ dev.resids(y, wtdmu, w) with wtdmu = Σwy/Σw (intercept) or
 * linkinv(offset) (none; offset 0 when there is none). With an intercept and an offset R's
 * `glm()` replaces it by the deviance of an intercept-only refit (`binomial_fit.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nullDevianceAt } from "./null_deviance.ts";
 * // Weighted mean ½: each of 4 (weighted) trials contributes 2 log 2.
 * const dev = nullDevianceAt(Float64Array.of(1, 0), Float64Array.of(2, 2), null, true, "logit");
 * assert.ok(Math.abs(dev - 8 * Math.LN2) < 1e-14);
 * ```
 */
export function nullDevianceAt(
  y: Float64Array,
  w: Float64Array | null,
  offset: Float64Array | null,
  intercept: boolean,
  link: Link,
): number {
  const n = y.length, linkinv = binomialLink(link).linkinv;
  // One μ for every row (with an intercept, or without an offset): its two logarithms once.
  const mu0 = intercept ? weightedMean(y, w) : linkinv(0);
  const l1 = log(1 / mu0), l0 = log(1 / (1 - mu0));
  const acc = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    let u: number;
    if (intercept || offset === null) {
      u = yi === 1 ? l1 : yi === 0 ? l0 : yLogY(yi, mu0) + yLogY(1 - yi, 1 - mu0);
    } else {
      const m = linkinv(offset[i]);
      u = yi === 1 ? log(1 / m) : yi === 0 ? log(1 / (1 - m)) : yLogY(yi, m) + yLogY(1 - yi, 1 - m);
    }
    neumaier(acc, 2 * (w === null ? 1 : w[i]) * u);
  }
  return acc[0] + acc[1];
}

/** Σwy/Σw, both sums compensated (R sums in long double). */
function weightedMean(y: Float64Array, w: Float64Array | null): number {
  const wy = new Float64Array(2), sw = new Float64Array(2);
  for (let i = 0; i < y.length; i++) {
    const wi = w === null ? 1 : w[i];
    neumaier(wy, wi * y[i]);
    neumaier(sw, wi);
  }
  return (wy[0] + wy[1]) / (sw[0] + sw[1]);
}

/** Neumaier's compensated addition of x to acc = [sum, compensation]. */
function neumaier(acc: Float64Array, x: number): void {
  const s = acc[0], t = s + x;
  acc[1] += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
  acc[0] = t;
}
