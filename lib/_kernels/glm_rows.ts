/**
 * The fused pass of `glm`'s IRLS loop: after each weighted least-squares solve, one pass over the
 * rows computes η = Xβ, R's clamped exp(η), μ and the deviance together, with η of four rows at a
 * time (four independent dependency chains) and, on the normal-equations path, one logarithm per
 * four rows. The readable counterpart is `glm/family.ts`'s row-by-row update; with `grouped`
 * false this pass gives its η, μ and exp(η) to the bit and its deviance to a few ε (tested).
 * Internal: only `glm/engine.ts` uses it.
 *
 * @module
 */

import { exp, log } from "../core/math.ts";
import { INVEPS, MTHRESH, THRESH } from "../r/logit.ts";
import { linearPredictorRows } from "../core/matrix.ts";

/**
 * One pass over the rows for new coefficients: η = Xβ (each row's terms added in column order, as
 * R's dgemv does; four rows at a time for four independent dependency chains), then per row R's C
 * linkinv (exp(η), clamped, kept in `ex` for mu.eta), μ, and the deviance: the sum of the binomial
 * unit deviances 2 log(1/aᵢ), aᵢ = μᵢ (yᵢ = 1) or 1 − μᵢ (yᵢ = 0), as R's binomial_dev_resids. With
 * `grouped`, a group of four rows' terms is summed as 2 log(1/(a₁a₂a₃a₄)): one logarithm per four
 * rows; the product of four numbers ≥ ε/(1+ε) neither underflows nor loses more than 3 ε, so each
 * group's sum has an absolute error of a few ε, like four separately rounded logarithms. All inline
 * (a helper returning a double would box it on every call). Returns the deviance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { updateRows } from "./glm_rows.ts";
 * const X = { rows: 2, cols: 1, data: Float64Array.of(1, -1) };
 * const eta = new Float64Array(2), ex = new Float64Array(2), mu = new Float64Array(2);
 * const dev = updateRows(X, false, Float64Array.of(0), Float64Array.of(1, 0), eta, ex, mu, false);
 * assert.ok(mu[0] === 0.5 && Math.abs(dev - 4 * Math.LN2) < 1e-15); // μ = 1/2: 2 log 2 a row
 * ```
 */
export function updateRows(
  X: { rows: number; cols: number; data: Float64Array },
  intercept: boolean,
  beta: Float64Array,
  yv: Float64Array,
  eta: Float64Array,
  ex: Float64Array,
  mu: Float64Array,
  grouped: boolean,
): number {
  const n = X.rows;
  let sum = 0, comp = 0; // Kahan: the unit deviances are ≥ 0, so this is as good as Neumaier
  for (let i = 0; i < n; i += 4) {
    const end = Math.min(i + 4, n);
    linearPredictorRows(X, intercept, beta, eta, i, end);
    let group = 0, prod = 1;
    for (let r = i; r < end; r++) {
      const e = eta[r];
      const t = e < MTHRESH ? Number.EPSILON : e > THRESH ? INVEPS : exp(e);
      const m = t / (1 + t);
      ex[r] = t;
      mu[r] = m;
      // y log(y/μ) + (1 − y) log((1 − y)/(1 − μ)) has one term 0: log(1/a) with a = μ for y = 1,
      // 1 − μ for y = 0, selected without a branch and exactly (0 + 1·μ, 1 + (−1)·μ).
      const yi = yv[r];
      const arg = (1 - yi) + (2 * yi - 1) * m;
      if (grouped) prod *= arg;
      else group += 2 * log(1 / arg);
    }
    if (grouped) group = 2 * log(1 / prod);
    const yk = group - comp, t = sum + yk;
    comp = (t - sum) - yk;
    sum = t;
  }
  return sum - comp;
}
