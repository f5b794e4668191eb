/**
 * R's `glm.fit` for the binomial family in full: prior weights (rows of weight 0 dropped from the
 * least-squares problem and the degrees of freedom), grouped data (y a proportion of successes,
 * the weights the numbers of trials), an offset in the linear predictor, and the four links of
 * `binomial(link = …)` (see `links.ts`). {@linkcode glm} comes here whenever one of these is
 * asked for; a plain logit fit without weights or offset keeps the tutorial's own loop in
 * `glm.ts`, whose numbers are unchanged to the bit.
 *
 * Step by step as R 4.2 (src/library/stats/R/glm.R, family.R): `binomial()$initialize` sets y to
 * 0 where the weight is 0, checks 0 ≤ y ≤ 1, warns "non-integer #successes in a binomial glm!"
 * when some |w·y − round(w·y)| exceeds 0.001, and starts from μ = (w·y + ½)/(w + 1); each
 * iteration forms z = (η − offset) + (y − μ)/μ.η and √W = √(w μ.η² / V(μ)) on the rows of
 * positive weight, solves the weighted least-squares problem, updates η = Xβ + offset, and applies
 * R's divergence and out-of-bounds step-halving, convergence test and warnings. The least-squares
 * problems are solved as for the plain fit: by R's QR on exactly the rows of positive weight, in
 * R's order of operations (this file's loop), or — for large, well-conditioned data, under the
 * same rules and fallbacks as the plain fit — by the normal equations, in fused passes over X
 * (`_kernels/fused_irls.ts`), equal to R to rounding. The null
 * deviance is R's: the weighted mean of y with an intercept, η = offset without one, and — with
 * both an intercept and an offset — the deviance of a second, intercept-only fit started from
 * the full fit's μ, as `glm()` computes it. The AIC is R's, from `dbinom(round(w·y), round(w), μ)`.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { ArgumentError, checkMatrix } from "../core/validate.ts";
import { qrls } from "../r/qr.ts";
import type { RowWeights } from "../_kernels/crossprod.ts";
import {
  choleskySolver,
  covarianceFromR,
  type GlmFit,
  type GlmOptions,
  type GlmSettings,
  type GlmTraceStep,
  MAX_AUTO_CONDITION,
  pnorm,
  seFromR,
  WARNING_FITTED_0_1,
  WARNING_NOT_CONVERGED,
  type WlsSolver,
  type WlsStep,
} from "./glm.ts";
import { binomialLink, type Link, LINKS } from "./links.ts";
import { binomialMinus2LogLik } from "./loglik.ts";
import { fusedIrls, minus2LogLikFromDeviance } from "../_kernels/fused_irls.ts";

const DBL_EPSILON = 2.220446049250313e-16;
const THRESH = 30;
const MTHRESH = -30;
const INVEPS = 1 / DBL_EPSILON;

/**
 * R's warning when some row's number of successes w·y is not a whole number (to 0.001): a
 * proportion y whose weights are not the numbers of trials.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, WARNING_NON_INTEGER } from "../mod.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // 0.5 × 1 successes: not a whole number.
 * const fit = glm(fromRows([[1], [2], [3]]), [1, 0, 1], { weights: [0.5, 1, 2] });
 * assert.deepEqual(fit.warnings, [WARNING_NON_INTEGER]);
 * ```
 */
export const WARNING_NON_INTEGER = "non-integer #successes in a binomial glm!";

/** R's warning when the intercept-only refit behind the null deviance did not converge. */
export const WARNING_NULL_NOT_CONVERGED =
  "fitting to calculate the null deviance did not converge -- increase 'maxit'?";

/** The checked family options: what {@linkcode glmFit} needs besides `validateOptions`'. */
export interface FamilySettings {
  /** The link. */
  link: Link;
  /** The response as given (proportions in [0, 1] where the weight is positive); not copied. */
  y: ArrayLike<number>;
  /** Prior weights, or null for all 1. */
  weights: Float64Array | null;
  /** Offset, or null for none. */
  offset: Float64Array | null;
}

/** Everything {@linkcode glmFit} takes. */
export type FitSettings = GlmSettings & FamilySettings & {
  /** A starting linear predictor (R's `etastart`), instead of the family's start. */
  etastart?: Float64Array;
  /** Starting fitted values (R's `mustart`), instead of the family's start. */
  mustart?: Float64Array;
  /** Whether to compute the null deviance (with its refit); default true. */
  nullDeviance?: boolean;
  /** Whether X is known to be finite (else it is checked, or certified by the first XᵀWX). */
  xChecked?: boolean;
};

function toVector(name: string, v: ArrayLike<number>, n: number, what: string): Float64Array {
  if (v === null || typeof v !== "object" || typeof v.length !== "number") {
    throw new ArgumentError(name, `must be an array of ${what}, one per row of X`);
  }
  if (v.length !== n) {
    throw new ArgumentError(name, `has ${v.length} entries but X has ${n} rows`);
  }
  return new Float64Array(v); // a copy: the fit keeps it
}

/**
 * Checks the options that go beyond the plain logit fit — `y` as proportions, `weights`,
 * `offset`, `link` — and returns them as arrays (copies). Errors name the argument.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateFamilyOptions } from "./binomial_fit.ts";
 * const s = validateFamilyOptions(2, [0.5, 1], { weights: [2, 1], link: "probit" });
 * assert.ok(s.link === "probit" && s.weights![0] === 2 && s.offset === null);
 * assert.throws(() => validateFamilyOptions(2, [0, 1], { weights: [1, -1] }), /`options.weights`/);
 * ```
 */
export function validateFamilyOptions(
  n: number,
  y: ArrayLike<number>,
  options: Pick<GlmOptions, "weights" | "offset" | "link">,
): FamilySettings {
  const link = options.link ?? "logit";
  if (!(LINKS as readonly string[]).includes(link)) {
    throw new ArgumentError(
      "options.link",
      `must be one of ${LINKS.map((l) => `"${l}"`).join(", ")}, got ${String(link)}`,
    );
  }
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new ArgumentError("y", "must be an array of 0/1 labels or proportions in [0, 1]");
  }
  if (y.length !== n) throw new ArgumentError("y", `has ${y.length} labels but X has ${n} rows`);
  const weights = options.weights === undefined
    ? null
    : toVector("options.weights", options.weights, n, "non-negative weights");
  if (weights !== null) {
    let positive = false;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(Number.isFinite(w) && w >= 0)) {
        throw new ArgumentError(
          "options.weights",
          `holds ${w} at position ${i + 1}; weights must be finite and non-negative`,
        );
      }
      if (w > 0) positive = true;
    }
    if (!positive) {
      throw new ArgumentError(
        "options.weights",
        "are all 0: at least one row needs a positive weight",
      );
    }
  }
  for (let i = 0; i < n; i++) {
    if (weights !== null && weights[i] === 0) continue; // R: anything goes where the weight is 0
    const v = y[i];
    if (!(v >= 0 && v <= 1)) {
      throw new ArgumentError(
        "y",
        `holds ${v} at position ${i + 1}; y must be 0/1 labels or proportions in [0, 1]`,
      );
    }
  }
  const offset = options.offset === undefined
    ? null
    : toVector("options.offset", options.offset, n, "finite numbers");
  if (offset !== null) {
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(offset[i])) {
        throw new ArgumentError(
          "options.offset",
          `holds ${offset[i]} at position ${i + 1}; every entry must be finite`,
        );
      }
    }
  }
  return { link, y, weights, offset };
}

/**
 * R's QR path on the rows of positive weight only (`x[good, ] * w`, as `glm.fit` passes them to
 * `C_Cdqrls`): `rows` lists them, or is null when every row counts.
 */
function qrRowsSolver(
  X: Matrix,
  intercept: boolean,
  tol: number,
  rows: Int32Array | null,
): WlsSolver {
  const n = X.rows, k = X.cols, Xd = X.data;
  const off = intercept ? 1 : 0;
  const p = k + off;
  const m = rows === null ? n : rows.length;
  const A = new Float64Array(m * p);
  const w = new Float64Array(n), zw = new Float64Array(n), zc = new Float64Array(m);
  let last: ReturnType<typeof qrls> | null = null;
  return {
    solve(fill) {
      fill(0, n, w, zw);
      for (let r = 0; r < m; r++) {
        const i = rows === null ? r : rows[r];
        const wi = w[i], b = i * k;
        if (intercept) A[r] = wi;
        for (let j = 0; j < k; j++) A[(j + off) * m + r] = Xd[b + j] * wi;
        zc[r] = zw[i];
      }
      const fit = qrls(A, m, p, zc, tol);
      last = fit;
      const coefficients = new Float64Array(p);
      const aliased = new Uint8Array(p);
      for (let j = 0; j < p; j++) coefficients[fit.pivot[j]] = fit.coefficients[j];
      for (let j = fit.rank; j < p; j++) aliased[fit.pivot[j]] = 1;
      return { coefficients, aliased, rank: fit.rank };
    },
    standardErrors() {
      const qr = last!;
      const se = seFromR(qr.qr, qr.n, qr.rank);
      const out = new Float64Array(p).fill(NaN);
      for (let a = 0; a < qr.rank; a++) out[qr.pivot[a]] = se[a];
      return out;
    },
    covariance() {
      const qr = last!;
      return covarianceFromR(qr.qr, qr.n, qr.rank, qr.pivot, p);
    },
  };
}

/** The per-row state of the iteration. */
interface State {
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
 * Rows from..to−1's μ = linkinv(η) (for the logit also the clamped exp(η), as R's C code) and
 * unit deviances 2 w (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))) (R's C `binomial_dev_resids`),
 * stored; their sum is added to `acc` = [sum, compensation] (Neumaier: a unit deviance can be −0
 * or, by rounding, a hair below 0 where y = μ). Clears `s.valid` if some μ is not in (0, 1).
 */
function muDevRows(s: State, from: number, to: number, acc: Float64Array): void {
  const { eta, mu, ex, y, w, dev } = s;
  const logit = s.link === "logit";
  const inv = binomialLink(s.link).linkinv;
  let sum = acc[0], comp = acc[1], valid = true;
  for (let r = from; r < to; r++) {
    const e = eta[r];
    let m: number;
    if (logit) {
      const t = e < MTHRESH ? DBL_EPSILON : e > THRESH ? INVEPS : Math.exp(e);
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
      ? Math.log(1 / m)
      : yi === 0
      ? Math.log(1 / (1 - m))
      : yi * Math.log(yi / m) + (1 - yi) * Math.log((1 - yi) / (1 - m));
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
 */
function startRows(
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
      eta[i] = logit ? Math.log(ms / (1 - ms)) : linkfun(ms);
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
 */
function updateRows(X: Matrix, intercept: boolean, beta: Float64Array, s: State): number {
  const n = X.rows, k = X.cols, Xd = X.data, off = intercept ? 1 : 0;
  const b0 = intercept ? beta[0] : 0;
  const { eta, offset } = s;
  const acc = new Float64Array(2);
  s.valid = true;
  const BLOCK = 1024; // rows whose η are computed before their μ and deviances (cache-sized)
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const iEnd = Math.min(i0 + BLOCK, n);
    for (let i = i0; i < iEnd; i += 4) {
      const end = Math.min(i + 4, iEnd);
      if (end - i === 4) {
        let s0 = b0, s1 = b0, s2 = b0, s3 = b0;
        const r0 = i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
        for (let j = 0; j < k; j++) {
          const bj = beta[j + off];
          s0 += Xd[r0 + j] * bj;
          s1 += Xd[r1 + j] * bj;
          s2 += Xd[r2 + j] * bj;
          s3 += Xd[r3 + j] * bj;
        }
        eta[i] = s0;
        eta[i + 1] = s1;
        eta[i + 2] = s2;
        eta[i + 3] = s3;
      } else {
        for (let r = i; r < end; r++) {
          let t = b0;
          for (let j = 0; j < k; j++) t += Xd[r * k + j] * beta[j + off];
          eta[r] = t;
        }
      }
    }
    if (offset !== null) { for (let r = i0; r < iEnd; r++) eta[r] += offset[r]; }
    muDevRows(s, i0, iEnd, acc);
  }
  return acc[0] + acc[1];
}

/**
 * √W and z·√W of rows start..start+count−1 (R's `w` and `z * w` of the rows of positive weight;
 * 0 where the weight is 0, so that those rows add nothing to XᵀWX).
 */
function fillRows(
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
      const me = e > THRESH || e < MTHRESH ? DBL_EPSILON : t / ((1 + t) * (1 + t));
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

/** What one run of the IRLS loop produced (before the null deviance and the AIC). */
interface LoopResult {
  /** R's y (0 where the weight is 0), η, μ and the unit deviances of the final fit. */
  y: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  dev: Float64Array;
  /** Whether the family's "non-integer #successes" test failed. */
  nonInteger: boolean;
  /** Coefficients (0 where aliased). */
  coef: Float64Array;
  /** Aliased columns (1), in the original order. */
  aliased: Uint8Array;
  rank: number;
  iter: number;
  conv: boolean;
  boundary: boolean;
  /** glm.fit's own warnings (not the family's "non-integer" one). */
  warnings: string[];
  trace: GlmTraceStep[];
  deviance: number;
  standardErrors: Float64Array;
  covariance: Float64Array;
  /** The null deviance at η = offset, if the loop computed it (else NaN). */
  nullDeviance: number;
}

/** The IRLS loop of R's glm.fit, step by step, around a solver; null if the solver gave up. */
function irlsLoop(
  X: Matrix,
  s: FitSettings,
  yIn: ArrayLike<number>,
  solver: WlsSolver,
): LoopResult | null {
  const { intercept, maxit, epsilon } = s;
  const n = X.rows, p = X.cols + (intercept ? 1 : 0);
  const state: State = {
    n,
    link: s.link,
    y: new Float64Array(n),
    w: s.weights,
    offset: s.offset,
    eta: new Float64Array(n),
    mu: new Float64Array(n),
    ex: s.link === "logit" ? new Float64Array(n) : new Float64Array(0),
    dev: new Float64Array(n),
    valid: true,
  };
  const start0 = startRows(state, yIn, s.etastart, s.mustart);
  if (!state.valid) {
    throw new ArgumentError(
      "options",
      "give no valid starting values (fitted probabilities outside (0, 1))",
    );
  }
  let devold = start0.deviance;
  const fill: RowWeights = (start, count, sw, zw) => fillRows(state, start, count, sw, zw);
  const update = (beta: Float64Array) => updateRows(X, intercept, beta, state);

  let dev = devold;
  let coefold: Float64Array | null = null;
  let start: Float64Array = new Float64Array(p);
  let coef: Float64Array = new Float64Array(p);
  let conv = false, boundary = false;
  let iter = 0;
  const warnings: string[] = [];
  const trace: GlmTraceStep[] = [];
  let step: WlsStep | null = null;
  for (iter = 1; iter <= maxit; iter++) {
    const next = solver.solve(fill);
    if (next === null) return null;
    step = next;
    let finite = true;
    for (let j = 0; j < p; j++) if (!Number.isFinite(step.coefficients[j])) finite = false;
    if (!finite) {
      conv = false;
      warnings.push(`non-finite coefficients at iteration ${iter}`);
      break;
    }
    start = step.coefficients;
    dev = update(start);
    boundary = false;
    if (!Number.isFinite(dev)) {
      if (coefold === null) {
        throw new Error(
          "glm: no valid set of coefficients has been found: please supply starting values",
        );
      }
      warnings.push("step size truncated due to divergence");
      let ii = 1;
      while (!Number.isFinite(dev)) {
        if (ii > maxit) throw new Error("glm: inner loop 1; cannot correct step size");
        ii++;
        for (let j = 0; j < p; j++) start[j] = (start[j] + coefold[j]) / 2;
        dev = update(start);
      }
      boundary = true;
    }
    if (!state.valid) {
      if (coefold === null) {
        throw new Error(
          "glm: no valid set of coefficients has been found: please supply starting values",
        );
      }
      warnings.push("step size truncated: out of bounds");
      let ii = 1;
      while (!state.valid) {
        if (ii > maxit) throw new Error("glm: inner loop 2; cannot correct step size");
        ii++;
        for (let j = 0; j < p; j++) start[j] = (start[j] + coefold[j]) / 2;
        dev = update(start);
      }
      boundary = true;
    }
    const aliasedNow = step.aliased;
    trace.push({
      deviance: dev,
      coefficients: Array.from(start, (b, j) => (aliasedNow[j] ? null : b)),
    });
    if (Math.abs(dev - devold) / (0.1 + Math.abs(dev)) < epsilon) {
      conv = true;
      coef = start;
      break;
    }
    devold = dev;
    coef = coefold = start;
  }
  if (iter > maxit) iter = maxit;
  if (!conv) warnings.push(WARNING_NOT_CONVERGED);
  if (boundary) warnings.push("glm.fit: algorithm stopped at boundary value");
  const eps = 10 * DBL_EPSILON;
  for (let i = 0; i < n; i++) {
    if (state.mu[i] > 1 - eps || state.mu[i] < eps) {
      warnings.push(WARNING_FITTED_0_1);
      break;
    }
  }
  return {
    y: state.y,
    eta: state.eta,
    mu: state.mu,
    dev: state.dev,
    nonInteger: start0.nonInteger,
    coef,
    aliased: step!.aliased,
    rank: step!.rank,
    iter,
    conv,
    boundary,
    warnings,
    trace,
    deviance: dev,
    standardErrors: solver.standardErrors(),
    covariance: solver.covariance(),
    nullDeviance: NaN,
  };
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

/** An n × 0 design: the intercept-only model's columns besides the intercept. */
function noColumns(n: number): Matrix {
  return { rows: n, cols: 0, data: new Float64Array(0) };
}

/**
 * Fits a binomial GLM with prior weights, an offset and any of the four links as R's `glm.fit`
 * (and `glm()`, for the null deviance) does. {@linkcode glm} calls it whenever one of those options
 * is given; it takes the settings already checked ({@linkcode validateFamilyOptions} for the
 * family's), plus R's `etastart`/`mustart` for refits (profiles, the null model).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glmFit, validateFamilyOptions } from "./binomial_fit.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // 20 trials at each of three doses: 4, 10 and 16 successes.
 * const X = fromRows([[0], [1], [2]]), y = [0.2, 0.5, 0.8];
 * const family = validateFamilyOptions(3, y, { weights: [20, 20, 20], link: "probit" });
 * const settings = { intercept: true, maxit: 25, epsilon: 1e-8, colNames: ["dose"] };
 * const fit = glmFit(X, y, { ...settings, method: "qr", ...family });
 * assert.ok(fit.converged && fit.dfResidual === 1 && fit.link === "probit");
 * ```
 */
export function glmFit(X: Matrix, yIn0: ArrayLike<number>, s: FitSettings): GlmFit {
  const n = X.rows, k = X.cols, p = k + (s.intercept ? 1 : 0);
  const w = s.weights;
  const lk = binomialLink(s.link);
  const yIn = s.y ?? yIn0;
  const tol = Math.min(1e-7, s.epsilon / 1000);
  let loop: LoopResult | null = null;
  let method: "qr" | "cholesky" = "qr";
  const useCholesky = k > 0 && (s.method === "cholesky" ||
    (s.method === "auto" && n >= 20 * p && n * p >= 100_000));
  let checked = s.xChecked === true;
  if (useCholesky) {
    const maxCond = s.method === "auto" ? MAX_AUTO_CONDITION : Infinity;
    const fused = fusedIrls({
      X,
      intercept: s.intercept,
      link: lk,
      y: yIn,
      weights: w,
      offset: s.offset,
      etastart: s.etastart,
      mustart: s.mustart,
      maxit: s.maxit,
      epsilon: s.epsilon,
      nullAtOffset: s.nullDeviance !== false && !s.intercept,
    }, choleskySolver(X, s.intercept, maxCond));
    // A fit at all means that every XᵀWX had a finite diagonal: X is finite (a non-finite entry
    // gives NaN even on a row of weight 0, as 0 · ∞ is NaN).
    if (fused !== null) checked = true;
    // As for the plain fit, "auto" redoes by QR a fit that ends with one of glm.fit's warnings.
    if (fused !== null && (s.method === "cholesky" || fused.warnings.length === 0)) {
      loop = {
        ...fused,
        aliased: new Uint8Array(p),
        rank: p,
        boundary: false,
        trace: fused.trace.map((t) => ({ deviance: t.deviance, coefficients: t.coefficients })),
      };
      method = "cholesky";
    }
  }
  if (loop === null) {
    if (!checked) checkMatrix("X", X);
    loop = irlsLoop(X, s, yIn, qrRowsSolver(X, s.intercept, tol, goodRows(w)))!;
  }
  const familyWarnings = loop.nonInteger ? [WARNING_NON_INTEGER] : [];
  const { y, mu } = loop;
  const step = loop;
  const coef = loop.coef;

  const rank = step.rank;
  const names = s.intercept ? ["(Intercept)", ...s.colNames] : s.colNames;
  const coefficients: (number | null)[] = Array.from(coef, (b, j) => step.aliased[j] ? null : b);
  const standardErrors: (number | null)[] = new Array(p).fill(null);
  const zValues: (number | null)[] = new Array(p).fill(null);
  const pValues: (number | null)[] = new Array(p).fill(null);
  for (let j = 0; j < p; j++) {
    if (step.aliased[j]) continue;
    const se = loop.standardErrors[j];
    standardErrors[j] = se;
    const zv = (coefficients[j] as number) / se;
    zValues[j] = zv;
    pValues[j] = 2 * pnorm(-Math.abs(zv));
  }
  // Deviance residuals sign(y − μ)·√dᵢ (R's ifelse(y > mu, d, -d)).
  // R's AIC; on the normal-equations path from the deviances, equal to rounding.
  const aic =
    (method === "cholesky"
      ? minus2LogLikFromDeviance(y, mu, w, loop.dev)
      : binomialMinus2LogLik(y, mu, w)) + 2 * rank;
  const devianceResiduals = loop.dev; // the unit deviances are not needed after this
  for (let i = 0; i < n; i++) {
    const d = Math.sqrt(Math.max(devianceResiduals[i], 0));
    devianceResiduals[i] = y[i] > mu[i] ? d : -d;
  }

  let nOk = n;
  if (w !== null) { for (let i = 0; i < n; i++) if (w[i] === 0) nOk--; }
  const warnings = [...familyWarnings, ...loop.warnings];
  let nullDeviance = NaN;
  if (s.nullDeviance !== false) {
    if (s.intercept && s.offset !== null) {
      // glm(): the intercept-only model with the offset, fitted from the full fit's μ.
      const nullFit = glmFit(noColumns(n), y, {
        ...s,
        colNames: [],
        method: "qr",
        mustart: mu,
        xChecked: true,
        etastart: undefined,
        nullDeviance: false,
      });
      nullDeviance = nullFit.deviance;
      warnings.push(...nullFit.warnings);
      if (!nullFit.converged) warnings.push(WARNING_NULL_NOT_CONVERGED);
    } else if (!Number.isNaN(loop.nullDeviance)) {
      nullDeviance = loop.nullDeviance; // summed by the fused start pass
    } else {
      nullDeviance = nullDevianceAt(y, w, s.intercept ? null : s.offset, s.intercept, lk.linkinv);
    }
  }
  return {
    names,
    coefficients,
    standardErrors,
    zValues,
    pValues,
    deviance: loop.deviance,
    nullDeviance,
    dfResidual: nOk - rank,
    dfNull: nOk - (s.intercept ? 1 : 0),
    aic,
    iterations: loop.iter,
    converged: loop.conv,
    boundary: loop.boundary,
    warnings,
    fitted: mu,
    linearPredictors: loop.eta,
    devianceResiduals,
    rank,
    intercept: s.intercept,
    trace: loop.trace,
    method,
    link: s.link,
    y,
    priorWeights: w,
    offset: s.offset,
    covariance: loop.covariance,
    control: { maxit: s.maxit, epsilon: s.epsilon },
  };
}

/** R's `y_log_y`: y log(y/μ), 0 for y = 0. */
function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/**
 * glm.fit's null deviance: Σ dev.resids(y, wtdmu, w) with wtdmu = Σwy/Σw (intercept) or
 * linkinv(offset) (none; offset 0 when there is none).
 */
function nullDevianceAt(
  y: Float64Array,
  w: Float64Array | null,
  offset: Float64Array | null,
  intercept: boolean,
  linkinv: (eta: number) => number,
): number {
  const n = y.length;
  let wtdmu = NaN;
  if (intercept) {
    let swy = 0, sw = 0, cwy = 0, cw = 0;
    for (let i = 0; i < n; i++) {
      const wi = w === null ? 1 : w[i];
      const a = wi * y[i];
      let t = swy + a;
      cwy += Math.abs(swy) >= Math.abs(a) ? (swy - t) + a : (a - t) + swy;
      swy = t;
      t = sw + wi;
      cw += Math.abs(sw) >= Math.abs(wi) ? (sw - t) + wi : (wi - t) + sw;
      sw = t;
    }
    wtdmu = (swy + cwy) / (sw + cw);
  }
  // One μ for every row (with an intercept, or without an offset): its two logarithms once.
  const mu0 = intercept ? wtdmu : linkinv(0);
  const l1 = Math.log(1 / mu0), l0 = Math.log(1 / (1 - mu0));
  let sum = 0, comp = 0;
  for (let i = 0; i < n; i++) {
    const yi = y[i];
    let u: number;
    if (intercept || offset === null) {
      u = yi === 1 ? l1 : yi === 0 ? l0 : yLogY(yi, mu0) + yLogY(1 - yi, 1 - mu0);
    } else {
      const m = linkinv(offset[i]);
      u = yi === 1
        ? Math.log(1 / m)
        : yi === 0
        ? Math.log(1 / (1 - m))
        : yLogY(yi, m) + yLogY(1 - yi, 1 - m);
    }
    const d = 2 * (w === null ? 1 : w[i]) * u;
    const t = sum + d;
    comp += Math.abs(sum) >= Math.abs(d) ? (sum - t) + d : (d - t) + sum;
    sum = t;
  }
  return sum + comp;
}
