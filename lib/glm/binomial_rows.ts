/**
 * The rows of a binomial fit with prior weights, an offset and any of the four links, as R's
 * `glm.fit` computes them, written for reading and in R's order of operations: the start
 * (`binomial()$initialize`: y set to 0 where the weight is 0, the "non-integer" test,
 * μ = (w·y + ½)/(w + 1), η = linkfun(μ)), the update after each solve (η = Xβ + offset, μ, the
 * unit deviances 2w(y log(y/μ) + (1 − y) log((1 − y)/(1 − μ)))), and each step's working weights
 * √W = √(w μ.η²/V(μ)) and responses z√W = ((η − offset) + (y − μ)/μ.η)·√W. The loop around them
 * is `binomial_loop.ts`.
 *
 * @module
 */

import { linearPredictorRows, type Matrix } from "../core/matrix.ts";

import { clampedExp, muEta as logitMuEta } from "../r/logit.ts";
import type { Link } from "./glm_fit.ts";
import { binomialLink } from "./links.ts";
import { log } from "../core/math.ts";

/** The per-row state of the iteration. */
export interface State {
  readonly n: number;
  readonly link: Link;
  /** R's `y` after `initialize` (0 where the weight is 0), filled by {@linkcode startRows}. */
  readonly y: Float64Array;
  readonly w: Float64Array | null;
  readonly offset: Float64Array | null;
  readonly eta: Float64Array;
  readonly mu: Float64Array;
  /** For the logit: exp(η) clamped as linkinv clamps it (kept for mu.eta). */
  readonly ex: Float64Array;
  /** Each row's unit deviance 2 w (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))). */
  readonly dev: Float64Array;
  /** Whether every μ computed since it was last set is valid (finite, strictly in (0, 1)). */
  valid: boolean;
}

/**
 * An empty {@linkcode State} for n rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createState } from "./binomial_rows.ts";
 * const s = createState(3, "probit", null, null);
 * assert.ok(s.mu.length === 3 && s.ex.length === 0 && s.valid);
 * ```
 */
export function createState(
  n: number,
  link: Link,
  w: Float64Array | null,
  offset: Float64Array | null,
): State {
  return {
    n,
    link,
    y: new Float64Array(n),
    w,
    offset,
    eta: new Float64Array(n),
    mu: new Float64Array(n),
    ex: link === "logit" ? new Float64Array(n) : new Float64Array(0),
    dev: new Float64Array(n),
    valid: true,
  };
}

/**
 * Rows from..to−1's μ = linkinv(η) (for the logit also the clamped exp(η), as R's C code) and
 * unit deviances 2 w (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))) (R's C `binomial_dev_resids`),
 * stored; their sum is added to `acc` = [sum, compensation] (Neumaier: a unit deviance can be −0
 * or, by rounding, a hair below 0 where y = μ). Clears `s.valid` if some μ is not in (0, 1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createState, muDevRows } from "./binomial_rows.ts";
 * const s = createState(2, "logit", Float64Array.of(1, 3), null);
 * s.y.set([1, 0]); // η = 0: μ = ½, unit deviances 2·1·log 2 and 2·3·log 2
 * const acc = new Float64Array(2);
 * muDevRows(s, 0, 2, acc);
 * assert.ok(s.mu[0] === 0.5 && Math.abs(acc[0] + acc[1] - 8 * Math.LN2) < 1e-15);
 * ```
 */
export function muDevRows(s: State, from: number, to: number, acc: Float64Array): void {
  const { eta, mu, ex, y, w, dev } = s;
  const logit = s.link === "logit";
  const inv = binomialLink(s.link).linkinv;
  let sum = acc[0], comp = acc[1], valid = true;
  for (let r = from; r < to; r++) {
    const e = eta[r];
    let m: number;
    if (logit) {
      const t = clampedExp(e);
      ex[r] = t;
      m = t / (1 + t);
    } else {
      m = inv(e);
    }
    mu[r] = m;
    if (!(m > 0 && m < 1)) valid = false;
    const yi = y[r];
    // One of the two terms is 0 for y ∈ {0, 1}.
    const u = yi === 1
      ? log(1 / m)
      : yi === 0
      ? log(1 / (1 - m))
      : yi * log(yi / m) + (1 - yi) * log((1 - yi) / (1 - m));
    const d = 2 * (w === null ? 1 : w[r]) * u;
    dev[r] = d;
    const t = sum + d;
    comp += Math.abs(sum) >= Math.abs(d) ? (sum - t) + d : (d - t) + sum;
    sum = t;
  }
  acc[0] = sum;
  acc[1] = comp;
  if (!valid) s.valid = false;
}

/**
 * R's `binomial()$initialize` and glm.fit's start: y (0 where the weight is 0), the
 * "non-integer" test, η = etastart or linkfun(mustart) with mustart = (w·y + ½)/(w + 1) unless
 * given, then μ and the deviance (returned, with the test's result).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createState, startRows } from "./binomial_rows.ts";
 * const s = createState(2, "logit", Float64Array.of(2, 0), null);
 * const { nonInteger } = startRows(s, [0.5, 0.7], undefined, undefined);
 * assert.deepEqual(Array.from(s.y), [0.5, 0]); // weight 0: y is set to 0
 * assert.ok(!nonInteger && s.eta[1] === 0); // 2 · 0.5 successes; μ = ½ where w = 0
 * ```
 */
export function startRows(
  s: State,
  yIn: ArrayLike<number>,
  etastart: Float64Array | undefined,
  mustart: Float64Array | undefined,
): { deviance: number; nonInteger: boolean } {
  const { n, y, w, eta } = s;
  const logit = s.link === "logit";
  const linkfun = binomialLink(s.link).linkfun;
  let nonInteger = false;
  for (let i = 0; i < n; i++) {
    const wi = w === null ? 1 : w[i];
    const yi = wi === 0 ? 0 : yIn[i];
    y[i] = yi;
    if (!nonInteger) {
      // |m − round(m)| does not depend on how halves are rounded.
      const m = wi * yi;
      if (Math.abs(m - Math.round(m)) > 1e-3) nonInteger = true;
    }
    if (etastart !== undefined) {
      eta[i] = etastart[i];
    } else {
      const ms = mustart !== undefined ? mustart[i] : (wi * yi + 0.5) / (wi + 1);
      eta[i] = logit ? log(ms / (1 - ms)) : linkfun(ms);
    }
  }
  const acc = new Float64Array(2);
  s.valid = true;
  muDevRows(s, 0, n, acc);
  return { deviance: acc[0] + acc[1], nonInteger };
}

/**
 * η = Xβ + offset for every row (each row's terms in column order, as R's dgemv adds them, then
 * the offset; four rows at a time for four independent chains), then μ and the unit deviances,
 * a block of rows at a time; returns the deviance and sets `s.valid`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createState, updateRows } from "./binomial_rows.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const s = createState(2, "cloglog", null, Float64Array.of(0.5, 0.5));
 * s.y.set([1, 0]);
 * updateRows(fromRows([[1], [-1]]), false, Float64Array.of(0.25), s);
 * assert.ok(s.eta[0] === 0.75 && s.eta[1] === 0.25);
 * ```
 */
export function updateRows(X: Matrix, intercept: boolean, beta: Float64Array, s: State): number {
  const n = X.rows;
  const { eta, offset } = s;
  const acc = new Float64Array(2);
  s.valid = true;
  const BLOCK = 1024; // rows whose η are computed before their μ and deviances (cache-sized)
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const iEnd = Math.min(i0 + BLOCK, n);
    linearPredictorRows(X, intercept, beta, eta, i0, iEnd);
    if (offset !== null) { for (let r = i0; r < iEnd; r++) eta[r] += offset[r]; }
    muDevRows(s, i0, iEnd, acc);
  }
  return acc[0] + acc[1];
}

/**
 * √W and z·√W of rows start..start+count−1 (R's `w` and `z * w` of the rows of positive weight;
 * 0 where the weight is 0, so that those rows add nothing to XᵀWX).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createState, fillRows, muDevRows } from "./binomial_rows.ts";
 * const s = createState(1, "logit", Float64Array.of(4), null);
 * s.y.set([1]);
 * muDevRows(s, 0, 1, new Float64Array(2)); // η = 0: μ = ½, μ.η = ¼
 * const sw = new Float64Array(1), zw = new Float64Array(1);
 * fillRows(s, 0, 1, sw, zw);
 * assert.ok(sw[0] === 1 && zw[0] === 2); // √(4 · ¼), (0 + ½/¼) · 1
 * ```
 */
export function fillRows(
  s: State,
  start: number,
  count: number,
  sw: Float64Array,
  zw: Float64Array,
): void {
  const { eta, mu, ex, y, w, offset } = s;
  if (s.link === "logit") {
    for (let r = 0, i = start; r < count; r++, i++) {
      const e = eta[i], t = ex[i], m = mu[i];
      const wi = w === null ? 1 : w[i];
      if (!(wi > 0)) {
        sw[r] = 0;
        zw[r] = 0;
        continue;
      }
      const me = logitMuEta(e, t);
      const sqrtW = Math.sqrt((wi * (me * me)) / (m * (1 - m)));
      sw[r] = sqrtW;
      zw[r] = ((offset === null ? e : e - offset[i]) + (y[i] - m) / me) * sqrtW;
    }
    return;
  }
  const muEta = binomialLink(s.link).muEta;
  for (let r = 0, i = start; r < count; r++, i++) {
    const e = eta[i], m = mu[i];
    const wi = w === null ? 1 : w[i];
    if (!(wi > 0)) {
      sw[r] = 0;
      zw[r] = 0;
      continue;
    }
    const me = muEta(e);
    const sqrtW = Math.sqrt((wi * (me * me)) / (m * (1 - m)));
    sw[r] = sqrtW;
    zw[r] = ((offset === null ? e : e - offset[i]) + (y[i] - m) / me) * sqrtW;
  }
}
