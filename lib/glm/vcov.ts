/**
 * The covariance matrix of a fit's coefficients, as R's `vcov(fit)` gives it for a binomial glm:
 * (XᵀWX)⁻¹ at the weights of the last weighted least-squares fit (dispersion 1), with `NA` rows
 * and columns for aliased coefficients (here `null`).
 *
 * @module
 */

import type { GlmFit } from "./glm_fit.ts";

/**
 * R's `vcov(fit)`: the K × K covariance matrix of the coefficients, as rows in the order of
 * `fit.names`, `null` in the rows and columns of aliased coefficients. Its diagonal is the square
 * of `fit.standardErrors`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, vcov } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const fit = glm(fromRows([[1], [2], [3], [4], [5], [6]]), [0, 0, 1, 0, 1, 1], { intercept: true });
 * const V = vcov(fit);
 * assert.ok(V.length === 2 && V[0][1] === V[1][0]);
 * assert.ok(Math.abs(Math.sqrt(V[1][1]!) - fit.standardErrors[1]!) < 1e-12);
 * ```
 */
export function vcov(fit: GlmFit): (number | null)[][] {
  const p = fit.coefficients.length;
  const V = fit.covariance;
  return Array.from({ length: p }, (_, i) =>
    Array.from({ length: p }, (_, j) => {
      const v = V[i * p + j];
      return fit.coefficients[i] === null || fit.coefficients[j] === null || Number.isNaN(v)
        ? null
        : v;
    }));
}
