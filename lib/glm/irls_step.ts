/**
 * One step of iteratively reweighted least squares, spelled out for reading.
 *
 * {@linkcode glm} runs these steps in a loop (with R's convergence test, step-halving and warnings);
 * this file exposes a single step so that a notebook can show what happens inside: from the current
 * linear predictor η, form the working response z and the weights W, and solve the weighted
 * least-squares problem min ‖W^{1/2}(z − Xβ)‖², which is the Fisher-scoring (here also Newton)
 * update for the logistic log-likelihood.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import type { Matrix } from "../core/matrix.ts";
import { checkLabels, checkMatrix } from "../core/validate.ts";
import { clampedExp, linkinv, muEta } from "../r/logit.ts";
import { qrls } from "../r/qr.ts";
import { startEta } from "./family.ts";

/** What one IRLS step computed. */
export interface IrlsStep {
  /** The linear predictor the step started from, η = Xβ (or R's starting value). */
  readonly eta: Float64Array;
  /** The fitted probabilities at the start of the step, μ = σ(η). */
  readonly mu: Float64Array;
  /** The IRLS weights W = μ(1 − μ), the variance of each label under the current fit. */
  readonly weights: Float64Array;
  /** The working response z = η + (y − μ)/(μ(1 − μ)). */
  readonly z: Float64Array;
  /** The weighted least-squares solution: the new coefficients β. */
  readonly beta: Float64Array;
  /** The new linear predictor Xβ, where the next step starts. */
  readonly nextEta: Float64Array;
}

/**
 * R's starting point for a binomial fit: μ = (y + 0.5)/2, so η = log(μ/(1 − μ)) is ±log 3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { irlsStart } from "./irls_step.ts";
 * const eta = irlsStart([0, 1]);
 * assert.ok(Math.abs(eta[1] - Math.log(3)) < 1e-15 && eta[0] === -eta[1]);
 * ```
 */
export function irlsStart(y: ArrayLike<number>): Float64Array {
  checkLabels("y", y, y.length);
  return Float64Array.from(y, startEta);
}

/**
 * One IRLS (Fisher-scoring) step for logistic regression without extra options: given the current
 * linear predictor `eta`, returns the working response, the weights and the new coefficients,
 * solved by the same pivoted QR R uses, with R's rank tolerance `tol` (`min(1e-7, epsilon/1000)`).
 * Iterating it from {@linkcode irlsStart} retraces `glm`; aliased coefficients come back as NaN.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { irlsStart, irlsStep } from "./irls_step.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1, 0.5], [1, -1], [1, 2], [1, 0]]);
 * const y = [1, 0, 1, 0];
 * let eta = irlsStart(y);
 * for (let i = 0; i < 3; i++) eta = irlsStep(X, y, eta).nextEta;
 * assert.ok(eta.length === 4);
 * ```
 */
export function irlsStep(
  X: Matrix,
  y: ArrayLike<number>,
  eta: Float64Array,
  { tol = 1e-11 }: { tol?: number } = {},
): IrlsStep {
  checkMatrix("X", X);
  checkLabels("y", y, X.rows);
  if (!(eta instanceof Float64Array) || eta.length !== X.rows) {
    throw new ArgumentError(
      "eta",
      `must be a Float64Array with one entry per row of X (${X.rows})`,
    );
  }
  return irlsStepUnchecked(X, y, eta, tol);
}

/**
 * {@linkcode irlsStep} for arguments checked already (for callers that iterate it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { irlsStart, irlsStepUnchecked } from "./irls_step.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const s = irlsStepUnchecked(fromRows([[1], [2]]), [1, 0], irlsStart([1, 0]), 1e-11);
 * assert.equal(s.beta.length, 1);
 * ```
 */
export function irlsStepUnchecked(
  X: Matrix,
  y: ArrayLike<number>,
  eta: Float64Array,
  tol: number,
): IrlsStep {
  const n = X.rows, k = X.cols;
  const mu = new Float64Array(n), weights = new Float64Array(n), z = new Float64Array(n);
  // R solves with sqrt(W)·X and sqrt(W)·z, column-major for LINPACK.
  const wx = new Float64Array(n * k), wz = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = linkinv(eta[i]);
    const dmu = muEta(eta[i], clampedExp(eta[i])); // dμ/dη for the logit link, as R computes it
    const variance = mu[i] * (1 - mu[i]);
    weights[i] = (dmu * dmu) / variance; // = μ(1 − μ) for the canonical link
    z[i] = eta[i] + (y[i] - mu[i]) / dmu;
    const sw = Math.sqrt(weights[i]);
    wz[i] = z[i] * sw;
    for (let j = 0; j < k; j++) wx[j * n + i] = X.data[i * k + j] * sw;
  }
  const ls = qrls(wx, n, k, wz, tol);
  const beta = new Float64Array(k);
  for (let j = 0; j < k; j++) beta[ls.pivot[j]] = j < ls.rank ? ls.coefficients[j] : NaN;
  const nextEta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) if (!Number.isNaN(beta[j])) s += X.data[i * k + j] * beta[j];
    nextEta[i] = s;
  }
  return { eta, mu, weights, z, beta, nextEta };
}
