/**
 * The binomial family with the logit link as R's `glm.fit` uses it, row by row, written for
 * reading: the start (`family$initialize`), the working response and weights of each IRLS step,
 * and, after each weighted least-squares solve, the update of η, μ and the deviance. The C-level
 * pieces (the clamped link, dμ/dη, the unit deviance) are R's, in `lib/r/logit.ts`.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { clampedExp, devResid, MTHRESH, THRESH } from "../r/logit.ts";

/**
 * R's start for a binomial fit: μ = (y + 1/2)/2, so η = log(μ/(1 − μ)) is −log 3 for y = 0 and
 * log 3 for y = 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startEta } from "./family.ts";
 * assert.ok(Math.abs(startEta(1) - Math.log(3)) < 1e-15 && startEta(0) === -startEta(1));
 * ```
 */
export function startEta(y: number): number {
  const mu = (y + 0.5) / 2;
  return Math.log(mu / (1 - mu));
}

/**
 * R's working weights √w and weighted working responses z·√w of rows start..start+count−1 into
 * `sw[0..count)` and `zw[0..count)`, from η, the clamped exp(η) and μ:
 * w = (dμ/dη)²/(μ(1 − μ)) and z = η + (y − μ)/(dμ/dη), as `glm.fit` forms them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workingWeights } from "./family.ts";
 * const sw = new Float64Array(1), zw = new Float64Array(1);
 * workingWeights(0, 1, Float64Array.of(0), Float64Array.of(1), Float64Array.of(0.5), Float64Array.of(1), sw, zw);
 * assert.ok(sw[0] === 0.5 && zw[0] === 1); // w = 1/4, z = 0 + (1 − 1/2)/(1/4) = 2
 * ```
 */
export function workingWeights(
  start: number,
  count: number,
  eta: Float64Array,
  ex: Float64Array,
  mu: Float64Array,
  y: Float64Array,
  sw: Float64Array,
  zw: Float64Array,
): void {
  for (let r = 0, i = start; r < count; r++, i++) {
    const e = eta[i], t = ex[i], m = mu[i];
    // dμ/dη, R's logit_mu_eta (as muEta in lib/r/logit.ts), written out: a call returning a
    // double would box it, once per row per iteration.
    const me = e > THRESH || e < MTHRESH ? Number.EPSILON : t / ((1 + t) * (1 + t));
    const wi = Math.sqrt((me * me) / (m * (1 - m)));
    sw[r] = wi;
    zw[r] = (e + (y[i] - m) / me) * wi;
  }
}

/**
 * After a solve, row by row: η = Xβ (the intercept first, then the columns in order, as R's
 * `X %*% beta`), exp(η) clamped as R's linkinv clamps it (kept in `ex` for dμ/dη), μ, and the
 * deviance Σ devResid(yᵢ, μᵢ), summed with Kahan's compensation (R sums in long double). Returns
 * the deviance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { updateRows } from "./family.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const eta = new Float64Array(2), ex = new Float64Array(2), mu = new Float64Array(2);
 * const dev = updateRows(fromRows([[1], [-1]]), false, Float64Array.of(0), Float64Array.of(1, 0), eta, ex, mu);
 * assert.ok(mu[0] === 0.5 && Math.abs(dev - 4 * Math.LN2) < 1e-15); // μ = 1/2: 2 log 2 a row
 * ```
 */
export function updateRows(
  X: Matrix,
  intercept: boolean,
  beta: Float64Array,
  y: Float64Array,
  eta: Float64Array,
  ex: Float64Array,
  mu: Float64Array,
): number {
  const k = X.cols, off = intercept ? 1 : 0;
  let sum = 0, comp = 0;
  for (let i = 0; i < X.rows; i++) {
    let s = intercept ? beta[0] : 0;
    for (let j = 0; j < k; j++) s += X.data[i * k + j] * beta[j + off];
    eta[i] = s;
    ex[i] = clampedExp(s);
    mu[i] = ex[i] / (1 + ex[i]);
    const t = devResid(y[i], mu[i]) - comp, next = sum + t; // Kahan: every term is ≥ 0
    comp = (next - sum) - t;
    sum = next;
  }
  return sum - comp;
}

/**
 * The deviance at the final μ, row by row as R's `binomial_dev_resids` (Kahan-summed), with the
 * deviance residuals sign(y − μ)·√dᵢ written into `residuals`; also whether some μ is within
 * 10 ε of 0 or 1 (R's warning "fitted probabilities numerically 0 or 1 occurred").
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { finalDeviance } from "./family.ts";
 * const res = new Float64Array(2);
 * const { deviance } = finalDeviance(Float64Array.of(1, 0), Float64Array.of(0.5, 0.5), res);
 * assert.ok(Math.abs(deviance - 4 * Math.LN2) < 1e-15 && res[0] > 0 && res[1] < 0);
 * ```
 */
export function finalDeviance(
  y: Float64Array,
  mu: Float64Array,
  residuals: Float64Array,
): { deviance: number; extreme: boolean } {
  const eps = 10 * Number.EPSILON;
  let extreme = false, sum = 0, comp = 0;
  for (let i = 0; i < y.length; i++) {
    const m = mu[i];
    if (m > 1 - eps || m < eps) extreme = true;
    const u = devResid(y[i], m);
    const t = u - comp, next = sum + t;
    comp = (next - sum) - t;
    sum = next;
    const d = Math.sqrt(Math.max(u, 0));
    residuals[i] = y[i] > m ? d : -d;
  }
  return { deviance: sum - comp, extreme };
}
