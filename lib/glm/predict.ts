/**
 * Predictions from a fitted {@linkcode GlmFit} on new rows, as R's `predict.glm`: the linear
 * predictor η = xβ + offset or the probability μ = g⁻¹(η), and with `seFit: true` their standard
 * errors (R's `se.fit = TRUE`): √(x V xᵀ) on the link scale, times |dμ/dη| on the response scale,
 * V the unscaled covariance of the fit (the dispersion of the binomial family is 1).
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { ArgumentError } from "../core/errors.ts";
import { checkMatrix } from "../core/validate.ts";
import type { GlmFit } from "./glm_fit.ts";
import { binomialLink } from "./links.ts";

/** R's warning when new rows are predicted from a fit with aliased coefficients. */
export const WARNING_RANK_DEFICIENT_PREDICTION =
  "prediction from a rank-deficient fit may be misleading";

/** Options of {@linkcode predict}. */
export interface PredictOptions {
  /** `"link"` for η = xβ + offset, `"response"` for probabilities μ; default `"link"` as in R. */
  type?: "link" | "response";
  /**
   * The offset of the new rows, one per row. Required when the fit has an offset (R evaluates the
   * fit's offset in the new data; zeros predict without it); added to η also when it has none.
   */
  offset?: ArrayLike<number>;
  /** Also return standard errors (R's `se.fit = TRUE`); default false. */
  seFit?: boolean;
}

/** What {@linkcode predict} returns with `seFit: true`, as R's `predict.glm(se.fit = TRUE)`. */
export interface Prediction {
  /** The predictions, on the scale asked for. */
  fit: Float64Array;
  /** Their standard errors, on the same scale. */
  seFit: Float64Array;
  /** R's `residual.scale`: √dispersion, 1 for the binomial family. */
  residualScale: number;
  /** R's warnings (a rank-deficient fit). */
  warnings: string[];
}

/**
 * Predictions of a fitted {@linkcode GlmFit} for new rows `X` (same columns as the fit, without
 * the intercept column), like R's `predict.glm`. Aliased (`null`) coefficients are left out of
 * the sum, which is what R does for a rank-deficient fit (with `seFit`, the result carries R's
 * warning "prediction from a rank-deficient fit may be misleading").
 *
 * Without `seFit` it returns the predictions; with `seFit: true`, `{ fit, seFit }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, predict } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1], [2], [3], [4], [5], [6]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true });
 * const p = predict(fit, X, { type: "response" });
 * assert.ok(Math.abs(p[2] - fit.fitted[2]) < 1e-12);
 * const { fit: eta, seFit } = predict(fit, fromRows([[3.5]]), { seFit: true });
 * assert.ok(Math.abs(eta[0]) < 0.5 && seFit[0] > 0);
 * ```
 */
export function predict(
  fit: GlmFit,
  X: Matrix,
  options?: PredictOptions & { seFit?: false },
): Float64Array;
/**
 * With `seFit: true`: the predictions and their standard errors, as R's
 * `predict(fit, newdata, type, se.fit = TRUE)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, predict } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const fit = glm(fromRows([[1], [2], [3], [4]]), [0, 1, 0, 1], { intercept: true });
 * const p = predict(fit, fromRows([[2.5]]), { type: "response", seFit: true });
 * assert.ok(Math.abs(p.fit[0] - 0.5) < 1e-9 && p.seFit[0] > 0 && p.residualScale === 1);
 * ```
 */
export function predict(
  fit: GlmFit,
  X: Matrix,
  options: PredictOptions & { seFit: true },
): Prediction;
export function predict(
  fit: GlmFit,
  X: Matrix,
  options: PredictOptions = {},
): Float64Array | Prediction {
  const { type = "link", seFit = false } = options;
  if (type !== "link" && type !== "response") {
    throw new ArgumentError("options.type", `must be "link" or "response", got ${String(type)}`);
  }
  if (typeof seFit !== "boolean") {
    throw new ArgumentError("options.seFit", `must be true or false, got ${String(seFit)}`);
  }
  const off = fit.intercept ? 1 : 0;
  const p = fit.coefficients.length;
  const k = p - off;
  checkMatrix("X", X, { cols: k });
  const n = X.rows;
  let offset: Float64Array | null = null;
  if (options.offset !== undefined) {
    const o = options.offset;
    if (o === null || typeof o !== "object" || o.length !== n) {
      throw new ArgumentError(
        "options.offset",
        `must hold one number per row of X (${n}), got ${
          o !== null && typeof o === "object" ? o.length : String(o)
        }`,
      );
    }
    offset = Float64Array.from(o);
    const bad = offset.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new ArgumentError(
        "options.offset",
        `holds ${offset[bad]} at position ${bad + 1}; every entry must be finite`,
      );
    }
  } else if (fit.offset !== null) {
    throw new ArgumentError(
      "options.offset",
      "is required: the fit has an offset, so give the new rows' offsets (zeros to leave it out)",
    );
  }
  const beta = fit.coefficients;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = off && beta[0] !== null ? beta[0] : 0;
    for (let j = 0; j < k; j++) {
      const b = beta[j + off];
      if (b !== null) s += X.data[i * k + j] * b;
    }
    eta[i] = offset === null ? s : s + offset[i];
  }
  const link = binomialLink(fit.link ?? "logit");
  if (!seFit) return type === "link" ? eta : eta.map(link.linkinv);

  // se = √(x V xᵀ) over the estimated coefficients (R: rowSums((X[, piv] %*% R⁻¹)²)).
  const V = fit.covariance;
  const est = beta.map((b, j) => (b === null ? -1 : j)).filter((j) => j >= 0);
  const se = new Float64Array(n);
  const x = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    if (off) x[0] = 1;
    for (let j = 0; j < k; j++) x[j + off] = X.data[i * k + j];
    let q = 0;
    for (const a of est) {
      let t = 0;
      for (const b of est) t += V[a * p + b] * x[b];
      q += x[a] * t;
    }
    se[i] = Math.sqrt(Math.max(q, 0));
  }
  const warnings = est.length < p ? [WARNING_RANK_DEFICIENT_PREDICTION] : [];
  if (type === "link") return { fit: eta, seFit: se, residualScale: 1, warnings };
  return {
    fit: eta.map(link.linkinv),
    seFit: se.map((s, i) => s * Math.abs(link.muEta(eta[i]))),
    residualScale: 1,
    warnings,
  };
}
