/**
 * The residuals of a binomial fit, as R's `residuals.glm` computes them from the fit's `y` (0 on
 * rows of weight 0), μ, η and the prior weights w:
 * - `"deviance"`: sign(y − μ) √dᵢ, dᵢ the row's contribution to the deviance (all 0 when the fit
 *   has no residual degrees of freedom);
 * - `"pearson"`: (y − μ) √w / √(μ(1 − μ));
 * - `"working"`: (y − μ) / (dμ/dη), the residuals of the last weighted least-squares problem;
 * - `"response"`: y − μ.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import type { GlmFit } from "./glm_fit.ts";
import { binomialLink } from "./links.ts";

/** The kinds of residuals of {@linkcode residuals}. */
export type ResidualType = "deviance" | "pearson" | "working" | "response";

/**
 * R's `residuals(fit, type)` for a binomial glm (default `"deviance"`), one per row of the data,
 * rows of weight 0 included (their deviance and Pearson residuals are 0).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, residuals } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const fit = glm(fromRows([[1], [2], [3], [4], [5], [6]]), [0, 0, 1, 0, 1, 1], { intercept: true });
 * const r = residuals(fit, "response");
 * assert.ok(Math.abs(r[0] - (0 - fit.fitted[0])) === 0);
 * const d = residuals(fit);
 * assert.ok(Math.abs(d.reduce((s, x) => s + x * x, 0) - fit.deviance) < 1e-10);
 * ```
 */
export function residuals(fit: GlmFit, type: ResidualType = "deviance"): Float64Array {
  const { y, fitted: mu, linearPredictors: eta, priorWeights: w } = fit;
  const n = mu.length;
  switch (type) {
    case "deviance":
      return fit.dfResidual > 0 ? Float64Array.from(fit.devianceResiduals) : new Float64Array(n);
    case "pearson":
      return Float64Array.from(
        mu,
        (m, i) => (y[i] - m) * Math.sqrt(w === null ? 1 : w[i]) / Math.sqrt(m * (1 - m)),
      );
    case "working": {
      const muEta = binomialLink(fit.link).muEta;
      return Float64Array.from(mu, (m, i) => (y[i] - m) / muEta(eta[i]));
    }
    case "response":
      return Float64Array.from(mu, (m, i) => y[i] - m);
    default:
      throw new ArgumentError(
        "type",
        `must be "deviance", "pearson", "working" or "response", got ${String(type)}`,
      );
  }
}
