/**
 * What `glm` returns: the fitted model with what R's `glm` object and `summary.glm` report, and
 * R's warning texts.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";

/**
 * R's warning when `maxit` iterations did not meet the convergence test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm } from "./glm.ts";
 * import { WARNING_NOT_CONVERGED } from "./glm_fit.ts";
 * import { generateData } from "../data/dataset.ts";
 * const { X, y } = generateData({ n: 100, k: 2 });
 * assert.ok(glm(X, y, { maxit: 1 }).warnings.includes(WARNING_NOT_CONVERGED));
 * ```
 */
export const WARNING_NOT_CONVERGED = "glm.fit: algorithm did not converge";
/**
 * R's warning when some fitted probability is within 10 ε of 0 or 1 (separation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm } from "./glm.ts";
 * import { WARNING_FITTED_0_1 } from "./glm_fit.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // x separates the labels completely: the likelihood has no maximum.
 * const fit = glm(fromRows([[-2], [-1], [1], [2]]), [0, 0, 1, 1], { intercept: true });
 * assert.ok(fit.warnings.includes(WARNING_FITTED_0_1));
 * ```
 */
export const WARNING_FITTED_0_1 = "glm.fit: fitted probabilities numerically 0 or 1 occurred";

/**
 * R's warning when some row's number of successes w·y is not a whole number (to 0.001): a
 * proportion y whose weights are not the numbers of trials.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm } from "./glm.ts";
 * import { WARNING_NON_INTEGER } from "./glm_fit.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // 0.5 × 1 successes: not a whole number.
 * const fit = glm(fromRows([[1], [2], [3]]), [1, 0, 1], { weights: [0.5, 1, 2] });
 * assert.deepEqual(fit.warnings, [WARNING_NON_INTEGER]);
 * ```
 */
export const WARNING_NON_INTEGER = "non-integer #successes in a binomial glm!";

/**
 * R's warning when the intercept-only refit behind the null deviance (a model with an intercept
 * and an offset) did not converge.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { WARNING_NULL_NOT_CONVERGED } from "./glm_fit.ts";
 * assert.match(WARNING_NULL_NOT_CONVERGED, /increase 'maxit'/);
 * ```
 */
export const WARNING_NULL_NOT_CONVERGED =
  "fitting to calculate the null deviance did not converge -- increase 'maxit'?";

/** The links of R's binomial family that `glm` fits (see `links.ts`). */
export type Link = "logit" | "probit" | "cloglog" | "cauchit";

/** One Fisher-scoring iteration: the deviance and coefficients after it (0 where aliased). */
export interface GlmTraceStep {
  /** Deviance after this iteration's update. */
  deviance: number;
  /** Coefficients after this iteration; `null` where the column was aliased in this step. */
  coefficients: (number | null)[];
}

/** A fitted binomial GLM, with what R's `glm` object and `summary.glm` report. */
export interface GlmFit {
  /** Coefficient names (with `(Intercept)` first when fitted with an intercept). */
  names: string[];
  /** Estimates; `null` where the column is aliased (R's `NA`). */
  coefficients: (number | null)[];
  /** Standard errors (dispersion 1), from the last weighted least-squares fit; `null` if aliased. */
  standardErrors: (number | null)[];
  /** Wald z values (estimate / standard error). */
  zValues: (number | null)[];
  /** Two-sided p values `2 Φ(−|z|)`. */
  pValues: (number | null)[];
  /** Residual deviance. */
  deviance: number;
  /**
   * Null deviance: at the weighted mean of y with an intercept (with an offset too: of the
   * intercept-only fit with that offset, as R's `glm()`), at η = offset without one.
   */
  nullDeviance: number;
  /** Residual degrees of freedom, N − rank (N: the rows of non-zero weight). */
  dfResidual: number;
  /** Null degrees of freedom, N − (1 if intercept). */
  dfNull: number;
  /** Akaike's information criterion, −2 log-likelihood + 2 rank. */
  aic: number;
  /** Number of Fisher-scoring iterations run. */
  iterations: number;
  /** Whether the convergence test was met within `maxit` iterations. */
  converged: boolean;
  /** Whether a step had to be halved (R's `boundary`). */
  boundary: boolean;
  /** R's warnings, with R's texts, in R's order. */
  warnings: string[];
  /** Fitted probabilities μ (every row, also those of weight 0). */
  fitted: Float64Array;
  /** Linear predictors η = Xβ + offset. */
  linearPredictors: Float64Array;
  /** Deviance residuals sign(y − μ)·√dᵢ (dᵢ with the prior weight; 0 where it is 0). */
  devianceResiduals: Float64Array;
  /** Numerical rank of X. */
  rank: number;
  /** Whether an intercept column was prepended. */
  intercept: boolean;
  /** The per-iteration path: deviance and coefficients after each iteration. */
  trace: GlmTraceStep[];
  /** How the weighted least-squares steps were solved (see `GlmOptions.method`). */
  method: "qr" | "cholesky";
  /** The link of the binomial family. */
  link: Link;
  /** The response as R keeps it (`fit$y`): the given y, with 0 on rows of weight 0. */
  y: Float64Array;
  /** The prior weights (R's `fit$prior.weights`), or `null` when all are 1 (none given). */
  priorWeights: Float64Array | null;
  /** The offset added to the linear predictor, or `null` for none. */
  offset: Float64Array | null;
  /**
   * The unscaled covariance matrix of the coefficients, (XᵀWX)⁻¹ at the weights of the last
   * weighted least-squares fit (R's `summary(fit)$cov.unscaled`, equal to `vcov(fit)` for the
   * binomial family): K × K, row-major, in the order of `names`, NaN in the rows and columns of
   * aliased coefficients.
   */
  covariance: Float64Array;
  /** The fit's control settings (R's `fit$control`), used again when the fit is profiled. */
  control: { maxit: number; epsilon: number };
  /**
   * The design the fit was made from (without the intercept column): the caller's matrix, not a
   * copy, kept as R keeps the model frame, for profiling (`confint`).
   */
  X: Matrix;
}
