/**
 * What `glm` returns: the fitted model with what R's `glm` object and `summary.glm` report, and
 * R's warning texts.
 *
 * @module
 */

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

/** One Fisher-scoring iteration: the deviance and coefficients after it (0 where aliased). */
export interface GlmTraceStep {
  /** Deviance after this iteration's update. */
  deviance: number;
  /** Coefficients after this iteration; `null` where the column was aliased in this step. */
  coefficients: (number | null)[];
}

/** A fitted binomial/logit GLM, with what R's `glm` object and `summary.glm` report. */
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
  /** Null deviance (fitted mean of y with an intercept, 0.5 without). */
  nullDeviance: number;
  /** Residual degrees of freedom, N − rank. */
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
  /** Fitted probabilities μ. */
  fitted: Float64Array;
  /** Linear predictors η = Xβ. */
  linearPredictors: Float64Array;
  /** Deviance residuals sign(y − μ)·√dᵢ. */
  devianceResiduals: Float64Array;
  /** Numerical rank of X. */
  rank: number;
  /** Whether an intercept column was prepended. */
  intercept: boolean;
  /** The per-iteration path: deviance and coefficients after each iteration. */
  trace: GlmTraceStep[];
  /** How the weighted least-squares steps were solved (see {@linkcode GlmOptions.method}). */
  method: "qr" | "cholesky";
}
