/**
 * R's log-likelihood of a binomial fit (`binomial()$aic` without 2·rank) from the fit's unit
 * deviances, for the fused passes: in JavaScript with the deviance residuals
 * ({@linkcode minus2LogLikAndResiduals}), or — after the row kernel summed the ordinary rows (its
 * `ROWS` runs, `logit_rows_wasm.ts`) — for the exception rows only ({@linkcode exceptionsLogLik}).
 *
 * @module
 */

import { roundHalfEven } from "../r/distributions.ts";
import { logDbinom } from "../r/dbinom.ts";

/**
 * Σ log dbinom(round(w·y), round(w), μ) over the rows before `end` that the row kernel leaves out
 * of its sum: round(w) > 0 and not (y ∈ {0, 1} with the probability of the observed outcome,
 * μ or 1 − μ, at most 0.9). The same tests as the kernel's, on the same doubles.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exceptionsLogLik } from "./fused_aic.ts";
 * import { logDbinom } from "../r/dbinom.ts";
 * const y = Float64Array.of(1, 0, 0.5), mu = Float64Array.of(0.95, 0.5, 0.4), w = Float64Array.of(1, 1, 2);
 * assert.equal(exceptionsLogLik(y, mu, w, 3), logDbinom(1, 1, 0.95) + logDbinom(1, 2, 0.4));
 * ```
 */
export function exceptionsLogLik(
  y: Float64Array,
  mu: Float64Array,
  w: Float64Array | null,
  end: number,
): number {
  let s = 0;
  for (let i = 0; i < end; i++) {
    const wi = w === null ? 1 : w[i], yi = y[i], m = mu[i];
    const n = w === null ? 1 : roundHalfEven(wi);
    const pObs = yi * m + (1 - yi) * (1 - m);
    if (n > 0 && !(yi * (1 - yi) === 0 && pObs <= 0.9)) {
      s += logDbinom(roundHalfEven(wi * yi), n, m);
    }
  }
  return s;
}

/**
 * −2 Σ log dbinom(round(w·y), round(w), μ) (R's `binomial()$aic` without 2·rank) from the unit
 * deviances of the fit, without a logarithm per row, and — in the same pass — the unit deviances
 * turned into the deviance residuals sign(y − μ)·√dᵢ, in place. For y ∈ {0, 1}, R's `dbinom_raw`
 * takes round(w)·log(μ) or round(w)·log(1 − μ): minus round(w) times the deviance's log(1/μ) or
 * log(1/(1 − μ)), which is dᵢ/(2wᵢ); where the probability of the observed outcome exceeds 0.9
 * (R's `bd0` branch) or y is fractional, the row takes `logDbinom` itself. Equal to R's value to
 * rounding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minus2LogLikAndResiduals } from "./fused_aic.ts";
 * import { logDbinom } from "../r/dbinom.ts";
 * const y = Float64Array.of(1, 0, 1), mu = Float64Array.of(0.3, 0.4, 0.95), w = Float64Array.of(2, 1, 1);
 * const dev = Float64Array.from(y, (v, i) => 2 * w[i] * Math.log(1 / (v === 1 ? mu[i] : 1 - mu[i])));
 * const exact = -2 * (logDbinom(2, 2, 0.3) + logDbinom(0, 1, 0.4) + logDbinom(1, 1, 0.95));
 * const d0 = Math.sqrt(dev[0]);
 * assert.ok(Math.abs(minus2LogLikAndResiduals(y, mu, w, dev) - exact) < 1e-14 * exact);
 * assert.ok(dev[0] === d0 && dev[1] < 0); // residuals now: + where y > μ
 * ```
 */
export function minus2LogLikAndResiduals(
  y: Float64Array,
  mu: Float64Array,
  w: Float64Array | null,
  dev: Float64Array,
): number {
  // Kahan's compensated sum (every term is ≤ 0). No `continue` in the loop: V8 would box the
  // sums on every row.
  let s = 0, c = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === null ? 1 : w[i], yi = y[i], m = mu[i], d = dev[i];
    // sign(y − μ)·√d (−√d where y = μ, as R's ifelse(y > mu, d, -d)), without a branch on y
    dev[i] = Math.sqrt(Math.max(d, 0)) * (+(yi > m) * 2 - 1);
    // round(w) as R (halves to even); 1 without weights
    let n = 1;
    if (w !== null) {
      n = Math.round(wi);
      if (n - wi === 0.5) n = 2 * Math.round(wi / 2); // the even neighbour
    }
    let x = 0; // a weight of 0, or dbinom(0, 0, μ) = 1
    if (wi > 0 && n > 0) {
      // y = 0 or 1, and the probability of the observed outcome at most 0.9 (no branch on y)
      const pObs = yi * m + (1 - yi) * (1 - m);
      x = yi * (1 - yi) === 0 && pObs <= 0.9
        ? -n * (d / (2 * wi))
        : logDbinom(roundHalfEven(wi * yi), n, m);
    }
    const yk = x - c, t = s + yk;
    c = (t - s) - yk;
    s = t;
  }
  return -2 * s;
}
