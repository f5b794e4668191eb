/**
 * R's `glm.fit` (and `glm()`, for the null deviance) for the binomial family in full: prior
 * weights (rows of weight 0 dropped from the least-squares problem and the degrees of freedom),
 * grouped data (y a proportion of successes, the weights the numbers of trials), an offset in the
 * linear predictor, and the four links of `binomial(link = …)` (`links.ts`). {@linkcode glm}
 * comes here whenever one of these is asked for; a plain logit fit without weights or offset
 * keeps the tutorial's own loop (`irls_loop.ts`), whose numbers are unchanged to the bit.
 *
 * The least-squares problems are solved as for the plain fit: by R's QR on exactly the rows of
 * positive weight, in R's order of operations (`binomial_loop.ts`, `binomial_rows.ts`), or — for
 * large, well-conditioned data, under the same rules and fallbacks as the plain fit — by the
 * normal equations: with the fast engine in fused passes over X (the door is `engine.ts`), with
 * `engine: "reference"` by the readable loop around the readable normal equations. The null
 * deviance is R's: at the weighted mean of y with an intercept, at η = offset without one, and —
 * with both an intercept and an offset — the deviance of a second, intercept-only fit started
 * from the full fit's μ, as `glm()` computes it. The AIC is R's, from
 * `dbinom(round(w·y), round(w), μ)` (`loglik.ts`).
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { checkMatrix } from "../core/validate.ts";
import { pnorm } from "../r/nmath.ts";
import { binomialLoop, type LoopResult, type LoopSettings } from "./binomial_loop.ts";
import { choleskySolver, MAX_AUTO_CONDITION } from "./cholesky.ts";
import { aicAndResiduals, fusedBinomialLoop, normalEquationsFor } from "./engine.ts";
import { type GlmFit, WARNING_NON_INTEGER, WARNING_NULL_NOT_CONVERGED } from "./glm_fit.ts";
import { binomialLink } from "./links.ts";
import type { FamilySettings } from "./family_options.ts";
import { binomialMinus2LogLik } from "./loglik.ts";
import { nullDevianceAt } from "./null_deviance.ts";
import type { NormalEquationsSource } from "./normal_equations.ts";
import { qrSolver } from "./wls.ts";

export { type FamilySettings, validateFamilyOptions } from "./family_options.ts";

/** The checked options of `glm` (see `GlmOptions` in `glm.ts`). */
export interface GlmSettings {
  /** Whether to prepend an intercept column. */
  intercept: boolean;
  /** Maximum number of iterations. */
  maxit: number;
  /** Convergence tolerance. */
  epsilon: number;
  /** The coefficients' names, `(Intercept)` first when there is one. */
  names: string[];
  /** The solver asked for. */
  method: "auto" | "qr" | "cholesky";
  /** The code of the fast parts. */
  engine: "fast" | "reference";
}

/** The rows of positive weight, or null when every row has one. */
function goodRows(w: Float64Array | null): Int32Array | null {
  if (w === null) return null;
  let m = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) m++;
  if (m === w.length) return null;
  const rows = new Int32Array(m);
  for (let i = 0, r = 0; i < w.length; i++) if (w[i] > 0) rows[r++] = i;
  return rows;
}

/**
 * Runs the loop the settings ask for: the normal equations (fused passes with the fast engine,
 * the readable loop with the reference one) when chosen, else — or when they give up, or for
 * `"auto"` when the fit ends with a warning of glm.fit — R's QR on the rows of positive weight.
 */
function fitLoop(
  X: Matrix,
  s: GlmSettings,
  f: FamilySettings,
): { loop: LoopResult; method: "qr" | "cholesky" } {
  const n = X.rows, p = X.cols + (s.intercept ? 1 : 0);
  const loopSettings: LoopSettings = { ...s, ...f };
  let checked = f.xChecked === true;
  if (
    X.cols > 0 && (s.method === "cholesky" ||
      (s.method === "auto" && n >= 20 * p && n * p >= 100_000))
  ) {
    const maxCond = s.method === "auto" ? MAX_AUTO_CONDITION : Infinity;
    const solverOn = (source: NormalEquationsSource | null) =>
      choleskySolver(source ?? normalEquationsFor(X, s.intercept, s.engine), p, maxCond);
    let loop: LoopResult | null;
    if (s.engine === "fast") {
      const nullAtOffset = f.nullDeviance !== false && !s.intercept;
      const fused = fusedBinomialLoop({
        ...loopSettings,
        X,
        link: binomialLink(f.link),
        nullAtOffset,
      }, solverOn);
      loop = fused === null
        ? null
        : { ...fused, aliased: new Uint8Array(p), rank: p, boundary: false };
    } else {
      loop = binomialLoop(X, loopSettings, solverOn(null));
    }
    // A fit at all means that every XᵀWX had a finite diagonal: X is finite (a non-finite entry
    // gives NaN even on a row of weight 0, as 0 · ∞ is NaN).
    if (loop !== null) checked = true;
    if (loop !== null && (s.method === "cholesky" || loop.warnings.length === 0)) {
      return { loop, method: "cholesky" };
    }
  }
  if (!checked) checkMatrix("X", X);
  const tol = Math.min(1e-7, s.epsilon / 1000);
  const solver = qrSolver(X, s.intercept, tol, goodRows(f.weights));
  return { loop: binomialLoop(X, loopSettings, solver)!, method: "qr" };
}

/**
 * Fits a binomial GLM with prior weights, an offset and any of the four links as R's `glm.fit`
 * (and `glm()`, for the null deviance) does; `glm` calls it whenever one of those options is
 * given, with the settings already checked ({@linkcode validateFamilyOptions} for the family's).
 * R's `etastart`/`mustart` serve refits (profiles, the null model).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialFit, validateFamilyOptions } from "./binomial_fit.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // 20 trials at each of three doses: 4, 10 and 16 successes.
 * const X = fromRows([[0], [1], [2]]), y = [0.2, 0.5, 0.8];
 * const family = validateFamilyOptions(3, y, { weights: [20, 20, 20], link: "probit" });
 * const settings = {
 *   intercept: true, maxit: 25, epsilon: 1e-8, names: ["(Intercept)", "dose"],
 *   method: "qr" as const, engine: "fast" as const,
 * };
 * const fit = binomialFit(X, settings, family);
 * assert.ok(fit.converged && fit.dfResidual === 1 && fit.link === "probit");
 * ```
 */
export function binomialFit(X: Matrix, s: GlmSettings, f: FamilySettings): GlmFit {
  const { loop, method } = fitLoop(X, s, f);
  const n = X.rows, w = f.weights;
  const { y, mu } = loop;
  const table = coefficientTable(loop);
  // R's AIC, and the deviance residuals sign(y − μ)·√dᵢ (R's ifelse(y > mu, d, -d)) in the unit
  // deviances' place: on the fast normal-equations path in one pass, the AIC from the deviances.
  const devianceResiduals = loop.dev;
  let m2ll: number;
  if (loop.minus2LogLik !== undefined) {
    m2ll = loop.minus2LogLik; // the row kernel's last run, which also stored the residuals
  } else if (method === "cholesky" && s.engine === "fast") {
    m2ll = aicAndResiduals(y, mu, w, devianceResiduals);
  } else {
    m2ll = binomialMinus2LogLik(y, mu, w);
    for (let i = 0; i < n; i++) {
      const d = Math.sqrt(Math.max(devianceResiduals[i], 0));
      devianceResiduals[i] = y[i] > mu[i] ? d : -d;
    }
  }
  const aic = m2ll + 2 * loop.rank;
  const nOk = n - zeros(w);
  const warnings = [...(loop.nonInteger ? [WARNING_NON_INTEGER] : []), ...loop.warnings];
  const nullDeviance = f.nullDeviance === false ? NaN : nullDevianceOf(X, s, f, loop, warnings);
  return {
    names: s.names,
    ...table,
    deviance: loop.deviance,
    nullDeviance,
    dfResidual: nOk - loop.rank,
    dfNull: nOk - (s.intercept ? 1 : 0),
    aic,
    iterations: loop.iter,
    converged: loop.conv,
    boundary: loop.boundary,
    warnings,
    fitted: mu,
    linearPredictors: loop.eta,
    devianceResiduals,
    rank: loop.rank,
    intercept: s.intercept,
    trace: loop.trace,
    method,
    link: f.link,
    y,
    priorWeights: loop.weights !== undefined ? loop.weights : own(w, f),
    offset: loop.offset !== undefined ? loop.offset : own(f.offset, f),
    covariance: loop.covariance,
    control: { maxit: s.maxit, epsilon: s.epsilon },
    X,
  };
}

/** The number of zero weights (in blocks: a small function called often is optimised early). */
function zeros(w: Float64Array | null): number {
  let count = 0;
  if (w !== null) {
    for (let i = 0; i < w.length; i += 8192) count += zerosIn(w, i, Math.min(w.length, i + 8192));
  }
  return count;
}

/** The number of zeros among w[from..to−1]. */
function zerosIn(w: Float64Array, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) count += w[i] === 0 ? 1 : 0;
  return count;
}

/** A vector the fit keeps: copied when it may be the caller's. */
function own(v: Float64Array | null, f: FamilySettings): Float64Array | null {
  return v === null || f.shared !== true ? v : v.slice();
}

/** summary.glm's table: estimates, standard errors, Wald z and two-sided p; null where aliased. */
function coefficientTable(loop: LoopResult) {
  const p = loop.coef.length;
  const coefficients: (number | null)[] = Array.from(
    loop.coef,
    (b, j) => loop.aliased[j] ? null : b,
  );
  const standardErrors: (number | null)[] = new Array(p).fill(null);
  const zValues: (number | null)[] = new Array(p).fill(null);
  const pValues: (number | null)[] = new Array(p).fill(null);
  for (let j = 0; j < p; j++) {
    if (loop.aliased[j]) continue;
    const se = loop.standardErrors[j];
    standardErrors[j] = se;
    const zv = loop.coef[j] / se;
    zValues[j] = zv;
    pValues[j] = 2 * pnorm(-Math.abs(zv));
  }
  return { coefficients, standardErrors, zValues, pValues };
}

/**
 * R's null deviance: with an intercept and an offset, the deviance of the intercept-only model
 * with that offset, fitted from the full fit's μ (its warnings join the fit's, as in R); else
 * glm.fit's, at the weighted mean of y or at η = offset.
 */
function nullDevianceOf(
  X: Matrix,
  s: GlmSettings,
  f: FamilySettings,
  loop: LoopResult,
  warnings: string[],
): number {
  if (s.intercept && f.offset !== null) {
    const none: Matrix = { rows: X.rows, cols: 0, data: new Float64Array(0) };
    const nullFit = binomialFit(none, { ...s, names: ["(Intercept)"], method: "qr" }, {
      ...f,
      mustart: loop.mu,
      etastart: undefined,
      nullDeviance: false,
      xChecked: true,
    });
    warnings.push(...nullFit.warnings);
    if (!nullFit.converged) warnings.push(WARNING_NULL_NOT_CONVERGED);
    return nullFit.deviance;
  }
  if (!Number.isNaN(loop.nullDeviance)) return loop.nullDeviance; // summed by the fused pass
  return nullDevianceAt(loop.y, f.weights, s.intercept ? null : f.offset, s.intercept, f.link);
}
