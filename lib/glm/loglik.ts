/**
 * The log-likelihood of a binomial fit and the information criteria built on it, as R computes
 * them: `binomial()$aic` (which calls `dbinom(round(w·y), round(w), μ, log = TRUE)`, ported in
 * `lib/r/dbinom.ts`), `logLik.glm`, `AIC` and `BIC`.
 *
 * R counts observations two ways, and both are kept: `nobs(fit)` counts the rows of non-zero
 * weight, while `logLik(fit)`'s `"nobs"` attribute — the one `BIC` uses — counts every row.
 *
 * @module
 */

import { logDbinom } from "../r/dbinom.ts";
import { roundHalfEven } from "../r/distributions.ts";
import type { GlmFit } from "./glm_fit.ts";
import { log } from "../core/math.ts";

/**
 * −2 × R's binomial log-likelihood Σ log dbinom(round(wᵢyᵢ), round(wᵢ), μᵢ) over the rows of
 * positive weight (`binomial()$aic` without the 2·rank): what `fit$aic` adds 2·rank to. The sum
 * is compensated (Neumaier), close to R's long-double accumulation. `w` null means all weights 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialMinus2LogLik } from "./loglik.ts";
 * const v = binomialMinus2LogLik(Float64Array.of(1, 0), Float64Array.of(0.5, 0.5), null);
 * assert.ok(Math.abs(v - 4 * Math.LN2) < 1e-15);
 * ```
 */
export function binomialMinus2LogLik(
  y: ArrayLike<number>,
  mu: ArrayLike<number>,
  w: ArrayLike<number> | null,
): number {
  let s = 0, c = 0;
  for (let i = 0; i < y.length; i++) {
    const m = w === null ? 1 : w[i];
    if (!(m > 0)) continue;
    // R: ifelse(m > 0, wt/m, 0) * dbinom(...), with m = wt, so the factor is 1.
    const x = logDbinom(roundHalfEven(m * y[i]), roundHalfEven(m), mu[i]);
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return -2 * (s + c);
}

/** R's `logLik(fit)`: the value with its `df` and `nobs` attributes. */
export interface LogLik {
  /** The maximised log-likelihood, rank − AIC/2 as R's `logLik.glm` computes it. */
  value: number;
  /** Degrees of freedom: the rank of the fit (R's `attr(, "df")`). */
  df: number;
  /** Every row, also those of weight 0 (R's `attr(, "nobs")`, the n of {@linkcode BIC}). */
  nobs: number;
}

/**
 * R's `logLik(fit)` for a binomial glm: `rank − aic/2`, with `df = rank` and `nobs` = the number
 * of rows (zero-weight rows included, as R counts them there).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, logLik } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const fit = glm(fromRows([[1], [2], [3], [4], [5]]), [0, 1, 0, 1, 1], { intercept: true });
 * const ll = logLik(fit);
 * assert.ok(ll.df === 2 && ll.nobs === 5 && Math.abs(-2 * ll.value + 4 - fit.aic) < 1e-12);
 * ```
 */
export function logLik(fit: GlmFit): LogLik {
  return { value: fit.rank - fit.aic / 2, df: fit.rank, nobs: fit.fitted.length };
}

/**
 * R's `AIC(fit)`: −2 logLik + 2 df (equal to `fit.aic` up to rounding).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AIC, glm } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const fit = glm(fromRows([[1], [2], [3], [4], [5]]), [0, 1, 0, 1, 1], { intercept: true });
 * assert.ok(Math.abs(AIC(fit) - fit.aic) < 1e-12);
 * ```
 */
export function AIC(fit: GlmFit): number {
  const ll = logLik(fit);
  return -2 * ll.value + 2 * ll.df;
}

/**
 * R's `BIC(fit)`: −2 logLik + log(n) df, with n = logLik's `nobs` — every row, including rows of
 * weight 0 (as R does, although the residual degrees of freedom leave those rows out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BIC, glm } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const fit = glm(fromRows([[1], [2], [3], [4], [5]]), [0, 1, 0, 1, 1], { intercept: true });
 * assert.ok(Math.abs(BIC(fit) - (fit.aic - 4 + 2 * Math.log(5))) < 1e-12);
 * ```
 */
export function BIC(fit: GlmFit): number {
  const ll = logLik(fit);
  return -2 * ll.value + log(ll.nobs) * ll.df;
}

/**
 * R's `nobs(fit)` for a glm: the number of rows with a non-zero prior weight.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, nobs } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1], [2], [3], [4], [5], [6]]);
 * const fit = glm(X, [0, 1, 0, 1, 1, 0], { intercept: true, weights: [1, 1, 1, 1, 1, 0] });
 * assert.ok(nobs(fit) === 5 && fit.dfResidual === 3);
 * ```
 */
export function nobs(fit: GlmFit): number {
  const w = fit.priorWeights;
  if (w === null) return fit.fitted.length;
  let n = 0;
  for (let i = 0; i < w.length; i++) if (w[i] !== 0) n++;
  return n;
}
