/**
 * Logistic regression as R fits it: `glm(..., family = binomial(link = "logit"))` by iteratively
 * reweighted least squares (Fisher scoring), following R's `glm.fit` step by step — its start
 * (`mustart = (y + 0.5) / 2`), its family functions (with the C code's clamping of η at ±30), its
 * weighted least-squares solve (LINPACK `dqrdc2`/`dqrsl`, see `qr.ts`), its convergence test
 * `|dev − devold| / (|dev| + 0.1) < epsilon`, its step-halving cases, its warnings and its handling
 * of aliased columns (coefficient `null`, R's `NA`).
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import {
  ArgumentError,
  checkFinite,
  checkInteger,
  checkLabels,
  checkMatrix,
} from "../core/validate.ts";
import { qrls } from "../r/qr.ts";
import { type RowWeights, weightedCrossprod } from "../_kernels/crossprod.ts";
import { glmFit, validateFamilyOptions } from "./binomial_fit.ts";
import type { Link } from "./links.ts";

const DBL_EPSILON = 2.220446049250313e-16;
const THRESH = 30;
const MTHRESH = -30;
const INVEPS = 1 / DBL_EPSILON;

/**
 * R's warning when `maxit` iterations did not meet the convergence test.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm, WARNING_NOT_CONVERGED } from "./glm.ts";
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
 * import { glm, WARNING_FITTED_0_1 } from "./glm.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // x separates the labels completely: the likelihood has no maximum.
 * const fit = glm(fromRows([[-2], [-1], [1], [2]]), [0, 0, 1, 1], { intercept: true });
 * assert.ok(fit.warnings.includes(WARNING_FITTED_0_1));
 * ```
 */
export const WARNING_FITTED_0_1 = "glm.fit: fitted probabilities numerically 0 or 1 occurred";

/** Options of {@linkcode glm}. */
export interface GlmOptions {
  /** Prepend a column of ones named `(Intercept)` (R: `y ~ x`); default `false` (`y ~ x - 1`). */
  intercept?: boolean;
  /** Maximum number of Fisher-scoring iterations (R's `control$maxit`), default 25. */
  maxit?: number;
  /** Convergence tolerance on the relative deviance change (R's `control$epsilon`), default 1e-8. */
  epsilon?: number;
  /** Names of the K columns of X (default `X1`..`XK`, as R prints `Y ~ X - 1` for a matrix `X`). */
  names?: string[];
  /**
   * How each IRLS step's weighted least-squares problem is solved (default `"auto"`):
   * - `"qr"`: R's own way, a Householder QR of √W X (LINPACK `dqrdc2`, see `qr.ts`) — the same
   *   arithmetic as R, to the last bit or two; O(N p²) with a large constant.
   * - `"cholesky"`: the normal equations XᵀWX β = XᵀWz, accumulated in one pass over X (a
   *   WebAssembly SIMD kernel, `crossprod.ts`) and solved by Cholesky; several times faster.
   *   Falls back to `"qr"` for the whole fit if a relative pivot of the factorisation drops below
   *   1e-10, i.e. wherever R's QR might find a column aliased, so R's `NA`s stay R's. The
   *   deviance of each iteration (for the convergence test and the trace) is summed with one
   *   logarithm per four rows (of the product of their terms' arguments), equal to R's sum to a
   *   few ε; the final deviance and residuals are computed row by row, as R does.
   * - `"auto"`: `"cholesky"` when N ≥ 20 p and N p ≥ 100 000 and, at every iteration, the
   *   condition number of the equilibrated XᵀWX is at most 1e6, and the fit ends without a
   *   warning (no convergence, fitted probabilities 0 or 1); otherwise `"qr"` (from the start).
   * The method actually used is reported in {@linkcode GlmFit.method}.
   */
  method?: "auto" | "qr" | "cholesky";
  /**
   * Prior weights, one per row (R's `weights =`), non-negative and finite; default all 1. Rows of
   * weight 0 drop out of the fit and of the degrees of freedom, as in R (their `y` is set to 0).
   * With `y` a proportion of successes, the weights are the numbers of trials (grouped data).
   */
  weights?: ArrayLike<number>;
  /** A known term added to the linear predictor, one per row (R's `offset =`); default none. */
  offset?: ArrayLike<number>;
  /** The link of R's `binomial(link = …)`: `"logit"` (default), `"probit"`, `"cloglog"`, `"cauchit"`. */
  link?: Link;
}

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
}

/**
 * Logistic function as R's C `logit_linkinv` computes it (η clamped at ±30).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { linkinv } from "./glm.ts";
 * assert.ok(linkinv(0) === 0.5 && linkinv(1000) < 1);
 * ```
 */
export function linkinv(eta: number): number {
  const tmp = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
  return tmp / (1 + tmp);
}

/** The clamped exp(η) of {@linkcode linkinv} and linkinv(η) itself. */
function linkinvParts(eta: number): [number, number] {
  const tmp = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
  return [tmp, tmp / (1 + tmp)];
}

function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/** Binomial unit deviance, R's C `binomial_dev_resids` with weight 1. */
function devResid(y: number, mu: number): number {
  return 2 * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
}

/** R's `bd0(x, np)` (nmath/bd0.c, R 4.2): x log(x/np) + np − x, accurately. */
function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    if (Math.abs(s) < Number.MIN_VALUE * 2 ** 52) return s;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / ((j << 1) + 1);
      if (s1 === s) return s1;
      s = s1;
    }
  }
  return x * Math.log(x / np) + np - x;
}

/** log of R's `dbinom(y, 1, p)` for y ∈ {0, 1} (nmath/dbinom.c `dbinom_raw`, R 4.2). */
function logDbinom1(y: number, p: number): number {
  const q = 1 - p;
  if (p === 0) return y === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (q === 0) return y === 1 ? 0 : Number.NEGATIVE_INFINITY;
  if (y === 0) return p < 0.1 ? -bd0(1, q) - p : Math.log(q);
  return q < 0.1 ? -bd0(1, p) - q : Math.log(p);
}

/**
 * The standard normal distribution function Φ(x), a port of R's `pnorm` (W. J. Cody's rational
 * Chebyshev approximations, nmath/pnorm.c), accurate far into the tails where `1 − Φ` would
 * underflow: `pnorm(-10)` is 7.6e-24, as in R.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pnorm } from "./glm.ts";
 * assert.ok(Math.abs(pnorm(1.959963984540054) - 0.975) < 1e-15);
 * ```
 */
export function pnorm(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  const y = Math.abs(x);
  let cum: number, ccum: number;
  if (y <= 0.66291) {
    const xsq = y > DBL_EPSILON * 0.5 ? x * x : 0;
    let xnum = 0.065682337918207449113 * xsq, xden = xsq;
    const a = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582];
    const b = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205];
    for (let i = 0; i < 3; i++) {
      xnum = (xnum + a[i]) * xsq;
      xden = (xden + b[i]) * xsq;
    }
    const temp = x * (xnum + 18154.981253343561249) / (xden + 45507.789335026729956);
    cum = 0.5 + temp;
    ccum = 0.5 - temp;
  } else if (y <= 5.656854249492380195206754896838) {
    const c = [
      0.39894151208813466764,
      8.8831497943883759412,
      93.506656132177855979,
      597.27027639480026226,
      2494.5375852903726711,
      6848.1904505362823326,
      11602.651437647350124,
    ];
    const d = [
      22.266688044328115691,
      235.38790178262499861,
      1519.377599407554805,
      6485.558298266760755,
      18615.571640885098091,
      34900.952721145977266,
      38912.003286093271411,
    ];
    let xnum = 1.0765576773720192317e-8 * y, xden = y;
    for (let i = 0; i < 7; i++) {
      xnum = (xnum + c[i]) * y;
      xden = (xden + d[i]) * y;
    }
    const temp = (xnum + 9842.7148383839780218) / (xden + 19685.429676859990727);
    const xsq = Math.trunc(y * 1.6) / 1.6;
    const del = (y - xsq) * (y + xsq);
    cum = Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * temp;
    ccum = 1 - cum;
    if (x > 0) [cum, ccum] = [ccum, cum];
  } else if (-37.5193 < x && x < 8.2924) {
    const p = [
      0.21589853405795699,
      0.1274011611602473639,
      0.022235277870649807,
      0.001421619193227893466,
      2.9112874951168792e-5,
    ];
    const q = [
      1.28426009614491121,
      0.468238212480865118,
      0.0659881378689285515,
      0.00378239633202758244,
      7.29751555083966205e-5,
    ];
    const xsq0 = 1 / (x * x);
    let xnum = 0.02307344176494017303 * xsq0, xden = xsq0;
    for (let i = 0; i < 4; i++) {
      xnum = (xnum + p[i]) * xsq0;
      xden = (xden + q[i]) * xsq0;
    }
    let temp = xsq0 * (xnum + p[4]) / (xden + q[4]);
    temp = (0.398942280401432677939946059934 - temp) / y;
    const xsq = Math.trunc(x * 1.6) / 1.6;
    const del = (x - xsq) * (x + xsq);
    cum = Math.exp(-xsq * xsq * 0.5) * Math.exp(-del * 0.5) * temp;
    ccum = 1 - cum;
    if (x > 0) [cum, ccum] = [ccum, cum];
  } else {
    cum = x > 0 ? 1 : 0;
    ccum = x > 0 ? 0 : 1;
  }
  if (cum < 2.2250738585072014e-308) cum = 0;
  return cum;
}

/** The checked options of {@linkcode glm} (see {@linkcode GlmOptions}). */
export interface GlmSettings {
  /** Whether to prepend an intercept column. */
  intercept: boolean;
  /** Maximum number of iterations. */
  maxit: number;
  /** Convergence tolerance. */
  epsilon: number;
  /** Names of X's columns (without the intercept). */
  colNames: string[];
  /** The solver asked for. */
  method: "auto" | "qr" | "cholesky";
}

function validateOptions(k: number, options: GlmOptions): GlmSettings {
  const { intercept = false, maxit = 25, epsilon = 1e-8, names, method = "auto" } = options;
  if (typeof intercept !== "boolean") {
    throw new ArgumentError("options.intercept", `must be true or false, got ${String(intercept)}`);
  }
  checkInteger("options.maxit", maxit, 1);
  checkFinite("options.epsilon", epsilon, { positive: true });
  if (method !== "auto" && method !== "qr" && method !== "cholesky") {
    throw new ArgumentError(
      "options.method",
      `must be "auto", "qr" or "cholesky", got ${String(method)}`,
    );
  }
  let colNames: string[];
  if (names === undefined) {
    colNames = Array.from({ length: k }, (_, j) => `X${j + 1}`);
  } else {
    if (!Array.isArray(names) || names.length !== k) {
      throw new ArgumentError(
        "options.names",
        `must hold one name per column of X (${k}), got ${
          Array.isArray(names) ? names.length : String(names)
        }`,
      );
    }
    colNames = names.map(String);
  }
  return { intercept, maxit, epsilon, colNames, method };
}

/**
 * One weighted least-squares solve per IRLS iteration: `solve` gets a function that writes R's
 * weights `w` (the square roots of the IRLS weights) and the weighted working response `zw = z·w`
 * of any range of rows, and returns the coefficients in the original column order, or `null` when
 * it cannot be trusted to give R's answer (the fit is then redone by QR).
 */
export interface WlsSolver {
  solve(fill: RowWeights): WlsStep | null;
  /** Standard errors (dispersion 1) of the last solve, original order; NaN where aliased. */
  standardErrors(): Float64Array;
  /** (XᵀWX)⁻¹ of the last solve, p × p row-major, original order; NaN where aliased. */
  covariance(): Float64Array;
}

/** One weighted least-squares solution (see {@linkcode WlsSolver}). */
export interface WlsStep {
  /** Coefficients in the original column order; 0 where aliased. */
  coefficients: Float64Array;
  /** Aliased columns (original order): R's `NA`. */
  aliased: Uint8Array;
  rank: number;
}

/** R's path: Householder QR (LINPACK dqrdc2/dqrsl) of √W X, exactly as `glm.fit` calls it. */
function qrSolver(X: Matrix, intercept: boolean, tol: number): WlsSolver {
  const n = X.rows, k = X.cols, Xd = X.data;
  const off = intercept ? 1 : 0;
  const p = k + off;
  const A = new Float64Array(n * p);
  const w = new Float64Array(n), zw = new Float64Array(n);
  let last: ReturnType<typeof qrls> | null = null;
  return {
    solve(fill) {
      fill(0, n, w, zw);
      // A = diag(w) X in column-major order.
      if (intercept) { for (let i = 0; i < n; i++) A[i] = w[i]; }
      for (let i = 0; i < n; i++) {
        const wi = w[i], r = i * k;
        for (let j = 0; j < k; j++) A[(j + off) * n + i] = Xd[r + j] * wi;
      }
      const fit = qrls(A, n, p, zw, tol);
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

/**
 * The smallest relative pivot the Cholesky path accepts. The j-th pivot of the equilibrated
 * matrix D^-½ XᵀWX D^-½ is (‖residual of column j of √W X after projecting out columns
 * 1..j−1‖ / ‖column j‖)², the square of the ratio R's dqrdc2 compares with `tol` (≤ 1e-7) to
 * declare a column aliased. Formed from XᵀWX it carries an absolute error of roughly p ε, so it
 * cannot tell 1e-14 from 0; demanding 1e-10 — a ratio of 1e-5, a hundred times R's `tol` —
 * means that wherever R might alias a column, we have fallen back to R's own QR.
 */
const MIN_RELATIVE_PIVOT = 1e-10;
/**
 * The largest 1-norm condition number of the equilibrated XᵀWX that `"auto"` accepts. The
 * normal equations square the condition number of √W X (cond(XᵀWX) = cond(√W X)²), and the
 * solution's relative error is about cond · ε in the worst case; 1e6 keeps that near 1e-10 and
 * typically far below (well-posed data such as the benchmark's have condition numbers < 10).
 * Scaling columns does not matter: the check is on the equilibrated matrix, and Cholesky's error
 * bound depends on that one (van der Sluis).
 */
export const MAX_AUTO_CONDITION = 1e6;

/**
 * The normal-equations path: A = XᵀWX and b = XᵀWz in one pass over X, then Cholesky on the
 * equilibrated A (so that badly scaled columns do no harm). Returns `null` from `solve` (→ QR)
 * when a relative pivot is below {@linkcode MIN_RELATIVE_PIVOT}, or (with `maxCondition`) when
 * the equilibrated A's condition number exceeds it.
 */
export function choleskySolver(X: Matrix, intercept: boolean, maxCondition: number): WlsSolver {
  const p = X.cols + (intercept ? 1 : 0);
  const cp = weightedCrossprod(X, { intercept });
  const L = new Float64Array(p * p); // lower triangle of the Cholesky factor of S, row-major
  const Sinv = new Float64Array(p * p); // S⁻¹ (full), S = D^-½ A D^-½
  const d = new Float64Array(p); // √diag(A)
  const y = new Float64Array(p);
  return {
    solve(fill) {
      const { A, b } = cp.computeRows(fill);
      for (let j = 0; j < p; j++) {
        const ajj = A[j * p + j];
        if (!(ajj > 0 && ajj < Infinity)) return null;
        d[j] = Math.sqrt(ajj);
      }
      // Cholesky S = L Lᵀ, row by row.
      for (let i = 0; i < p; i++) {
        const ri = i * p;
        for (let j = 0; j <= i; j++) {
          const rj = j * p;
          let s = A[ri + j] / (d[i] * d[j]);
          for (let m = 0; m < j; m++) s -= L[ri + m] * L[rj + m];
          if (i === j) {
            if (!(s >= MIN_RELATIVE_PIVOT)) return null;
            L[ri + i] = Math.sqrt(s);
          } else {
            L[ri + j] = s / L[rj + j];
          }
        }
      }
      // S (D β) = D⁻¹ b: forward then back substitution.
      for (let i = 0; i < p; i++) {
        let s = b[i] / d[i];
        for (let m = 0; m < i; m++) s -= L[i * p + m] * y[m];
        y[i] = s / L[i * p + i];
      }
      for (let i = p - 1; i >= 0; i--) {
        let s = y[i];
        for (let m = i + 1; m < p; m++) s -= L[m * p + i] * y[m];
        y[i] = s / L[i * p + i];
      }
      invertFromCholesky(L, p, Sinv);
      if (maxCondition < Infinity) {
        // cond₁(S) = ‖S‖₁ ‖S⁻¹‖₁ (both symmetric: max row sums).
        let nS = 0, nInv = 0;
        for (let i = 0; i < p; i++) {
          let a = 0, c = 0;
          for (let j = 0; j < p; j++) {
            a += Math.abs(A[i * p + j]) / (d[i] * d[j]);
            c += Math.abs(Sinv[i * p + j]);
          }
          nS = Math.max(nS, a);
          nInv = Math.max(nInv, c);
        }
        if (!(nS * nInv <= maxCondition)) return null;
      }
      const coefficients = new Float64Array(p);
      for (let j = 0; j < p; j++) coefficients[j] = y[j] / d[j];
      return { coefficients, aliased: new Uint8Array(p), rank: p };
    },
    standardErrors() {
      // diag(A⁻¹) = diag(S⁻¹) / d².
      return Float64Array.from(d, (dj, j) => Math.sqrt(Sinv[j * p + j]) / dj);
    },
    covariance() {
      // A⁻¹ = D^-½ S⁻¹ D^-½.
      const out = new Float64Array(p * p);
      for (let i = 0; i < p; i++) {
        for (let j = 0; j < p; j++) out[i * p + j] = Sinv[i * p + j] / (d[i] * d[j]);
      }
      return out;
    },
  };
}

/** S⁻¹ = L⁻ᵀ L⁻¹ from the lower Cholesky factor L (row-major p × p), into `out` (full). */
function invertFromCholesky(L: Float64Array, p: number, out: Float64Array): void {
  // M = L⁻¹ (lower), computed column by column into out's lower triangle.
  const M = new Float64Array(p * p);
  for (let c = 0; c < p; c++) {
    M[c * p + c] = 1 / L[c * p + c];
    for (let r = c + 1; r < p; r++) {
      let s = 0;
      for (let m = c; m < r; m++) s -= L[r * p + m] * M[m * p + c];
      M[r * p + c] = s / L[r * p + r];
    }
  }
  // (Mᵀ M)_ij = Σ_{m ≥ max(i,j)} M_mi M_mj.
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let m = i; m < p; m++) s += M[m * p + i] * M[m * p + j];
      out[i * p + j] = s;
      out[j * p + i] = s;
    }
  }
}

/**
 * Fits a logistic regression (binomial family, logit link) by IRLS exactly as R's `glm.fit` does.
 *
 * `X` is the N × K design without the intercept column; `intercept: true` prepends one (named
 * `(Intercept)`). Aliased columns (exact collinearity, a constant column next to the intercept,
 * columns beyond N when K > N) get `null` coefficients, like R's `NA`. Non-convergence and
 * fitted probabilities of 0 or 1 are reported in `warnings` with R's texts, not thrown.
 *
 * Each iteration's weighted least-squares problem is solved either by R's own QR or, for large
 * well-conditioned problems, by the normal equations (several times faster; see
 * {@linkcode GlmOptions.method}). Normal equations are safe here because the conditioning is
 * checked at every iteration: cond(XᵀWX) = cond(√W X)², harmless while it is far from 1/ε
 * (≈ 4.5e15); `"auto"` demands ≤ 1e6 for the equilibrated matrix, and any sign of rank
 * deficiency, a condition number above that, or a fit ending with a warning sends the fit back to
 * the QR path from the start, so aliasing (`null` coefficients) and R's exact behaviour stay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glm } from "./glm.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1], [2], [3], [4], [5], [6]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true });
 * assert.ok(fit.converged && fit.names[0] === "(Intercept)" && fit.iterations >= 3);
 * const fast = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true, method: "cholesky" });
 * assert.ok(fast.method === "cholesky" && Math.abs(fast.deviance - fit.deviance) < 1e-12);
 * ```
 */
export function glm(X: Matrix, y: ArrayLike<number>, options: GlmOptions = {}): GlmFit {
  if (
    options !== null && typeof options === "object" &&
    (options.weights !== undefined || options.offset !== undefined ||
      (options.link !== undefined && options.link !== "logit"))
  ) {
    // Prior weights, an offset or another link: R's glm.fit for the binomial family in full.
    // X's finiteness is checked there (or certified by the first XᵀWX, as below).
    if (!isShaped(X)) checkMatrix("X", X);
    try {
      const settings = validateOptions(X.cols, options);
      return glmFit(X, y, { ...settings, ...validateFamilyOptions(X.rows, y, options) });
    } catch (e) {
      if (e instanceof ArgumentError && e.argument !== "X") checkMatrix("X", X); // X first
      throw e;
    }
  }
  // X's entries are checked for finiteness by checkMatrix, a full pass over X — except on the
  // normal-equations path, where the first XᵀWX certifies them for free: its diagonal holds
  // Σᵢ wᵢ xᵢⱼ² with every wᵢ > 0, finite exactly when column j is (or else the solver gives up and
  // checkMatrix runs after all, throwing its usual error). Only the shape is checked up front.
  if (!isShaped(X)) checkMatrix("X", X);
  let settings: GlmSettings;
  try {
    checkLabels("y", y, X.rows);
    settings = validateOptions(X.cols, options);
  } catch (e) {
    checkMatrix("X", X); // a bad X is reported first, as R's model frame would
    throw e;
  }
  const n = X.rows, p = X.cols + (settings.intercept ? 1 : 0);
  const tol = Math.min(1e-7, settings.epsilon / 1000);
  const useCholesky = settings.method === "cholesky" ||
    (settings.method === "auto" && n >= 20 * p && n * p >= 100_000);
  let checked = false;
  if (useCholesky) {
    const maxCond = settings.method === "auto" ? MAX_AUTO_CONDITION : Infinity;
    const fit = irls(X, y, settings, choleskySolver(X, settings.intercept, maxCond), "cholesky");
    // A fit at all means every XᵀWX had a finite diagonal: X is finite.
    checked = fit !== null;
    // "auto" also redoes by QR any fit that ends with a warning (no convergence, separation):
    // there the iterates drift without converging and amplify rounding differences, so only R's
    // own arithmetic reproduces R's numbers.
    if (fit !== null && (settings.method === "cholesky" || fit.warnings.length === 0)) return fit;
  }
  if (!checked) checkMatrix("X", X);
  return irls(X, y, settings, qrSolver(X, settings.intercept, tol), "qr")!;
}

/** Whether X is a well-formed, non-empty Matrix (its entries are not looked at). */
function isShaped(X: Matrix): boolean {
  return X !== null && typeof X === "object" && X.data instanceof Float64Array &&
    X.rows > 0 && X.cols > 0 && X.data.length === X.rows * X.cols;
}

/**
 * R's working weights √w and weighted working responses z·√w of rows start..start+count−1 into
 * `sw[0..count)` and `zw[0..count)`, from η, the clamped exp(η) and μ (R's C logit_mu_eta: ε
 * outside ±30, else e / (1 + e)²). Module-level, not a closure, so that V8 keeps it optimised.
 */
function fillRows(
  start: number,
  count: number,
  eta: Float64Array,
  ex: Float64Array,
  mu: Float64Array,
  yv: Float64Array,
  sw: Float64Array,
  zw: Float64Array,
): void {
  for (let r = 0, i = start; r < count; r++, i++) {
    const e = eta[i], t = ex[i], m = mu[i];
    const me = e > THRESH || e < MTHRESH ? DBL_EPSILON : t / ((1 + t) * (1 + t));
    const wi = Math.sqrt((me * me) / (m * (1 - m)));
    sw[r] = wi;
    zw[r] = (e + (yv[i] - m) / me) * wi;
  }
}

/**
 * One pass over the rows for new coefficients: η = Xβ (each row's terms added in column order, as
 * R's dgemv does; four rows at a time for four independent dependency chains), then per row R's C
 * linkinv (exp(η), clamped, kept in `ex` for mu.eta), μ, and the deviance: the sum of the binomial
 * unit deviances 2 log(1/aᵢ), aᵢ = μᵢ (yᵢ = 1) or 1 − μᵢ (yᵢ = 0), as R's binomial_dev_resids. With
 * `grouped`, a group of four rows' terms is summed as 2 log(1/(a₁a₂a₃a₄)): one logarithm per four
 * rows; the product of four numbers ≥ ε/(1+ε) neither underflows nor loses more than 3 ε, so each
 * group's sum has an absolute error of a few ε, like four separately rounded logarithms. All inline
 * (a helper returning a double would box it on every call).
 */
function updateRows(
  X: Matrix,
  intercept: boolean,
  beta: Float64Array,
  yv: Float64Array,
  eta: Float64Array,
  ex: Float64Array,
  mu: Float64Array,
  grouped: boolean,
): number {
  const n = X.rows, k = X.cols, Xd = X.data, off = intercept ? 1 : 0;
  const b0 = intercept ? beta[0] : 0;
  let sum = 0, comp = 0; // Kahan: the unit deviances are ≥ 0, so this is as good as Neumaier
  for (let i = 0; i < n; i += 4) {
    const end = Math.min(i + 4, n);
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
        let s = b0;
        for (let j = 0; j < k; j++) s += Xd[r * k + j] * beta[j + off];
        eta[r] = s;
      }
    }
    let group = 0, prod = 1;
    for (let r = i; r < end; r++) {
      const e = eta[r];
      const t = e < MTHRESH ? DBL_EPSILON : e > THRESH ? INVEPS : Math.exp(e);
      const m = t / (1 + t);
      ex[r] = t;
      mu[r] = m;
      // y log(y/μ) + (1 − y) log((1 − y)/(1 − μ)) has one term 0: log(1/a) with a = μ for y = 1,
      // 1 − μ for y = 0, selected without a branch and exactly (0 + 1·μ, 1 + (−1)·μ).
      const yi = yv[r];
      const arg = (1 - yi) + (2 * yi - 1) * m;
      if (grouped) prod *= arg;
      else group += 2 * Math.log(1 / arg);
    }
    if (grouped) group = 2 * Math.log(1 / prod);
    const yk = group - comp, t = sum + yk;
    comp = (t - sum) - yk;
    sum = t;
  }
  return sum - comp;
}

/** R's `glm.fit` loop around a weighted least-squares solver; `null` if the solver gave up. */
function irls(
  X: Matrix,
  y: ArrayLike<number>,
  settings: GlmSettings,
  solver: WlsSolver,
  method: "qr" | "cholesky",
): GlmFit | null {
  const { intercept, maxit, epsilon, colNames } = settings;
  const n = X.rows, k = X.cols;
  const p = k + (intercept ? 1 : 0);
  const names = intercept ? ["(Intercept)", ...colNames] : colNames;

  const yv = y instanceof Float64Array ? y : Float64Array.from(y); // read only
  let ones = 0;
  for (let i = 0; i < n; i++) ones += yv[i];
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  // exp(η) as linkinv clamps it, kept for mu.eta (R's C code computes the same exp twice); its
  // storage becomes the deviance residuals at the end.
  const ex = new Float64Array(n);

  // family$initialize: mustart = (y + 0.5)/2; eta = linkfun(mustart); mu = linkinv(eta). With y
  // in {0, 1} every row holds one of two sets of values: computed once each, and written to the
  // N-long arrays only if they are ever read from there (a fit stopping before its first update).
  const startEta = [Math.log(0.25 / (1 - 0.25)), Math.log(0.75 / (1 - 0.75))];
  const startParts = startEta.map(linkinvParts);
  const startDev = [devResid(0, startParts[0][1]), devResid(1, startParts[1][1])];
  let atStart = true;
  const fillStart = () => {
    for (let i = 0; i < n; i++) {
      const c = yv[i] === 1 ? 1 : 0;
      eta[i] = startEta[c];
      ex[i] = startParts[c][0];
      mu[i] = startParts[c][1];
    }
  };
  // Σ dev.resids at the start: n₁ equal terms for y = 1 and n₀ for y = 0.
  let devold = ones * startDev[1] + (n - ones) * startDev[0];

  // The two possible start rows' weights, by the same arithmetic as every later row's.
  const startW = new Float64Array(2), startZw = new Float64Array(2);
  fillRows(
    0,
    2,
    Float64Array.from(startEta),
    Float64Array.from(startParts, (s) => s[0]),
    Float64Array.from(startParts, (s) => s[1]),
    Float64Array.of(0, 1),
    startW,
    startZw,
  );
  // Weights of rows start..start+count-1 for the solver, computed as it asks for them.
  const fill: RowWeights = (start, count, sw, zw) => {
    if (atStart) {
      for (let r = 0; r < count; r++) {
        const c = yv[start + r] === 1 ? 1 : 0;
        sw[r] = startW[c];
        zw[r] = startZw[c];
      }
      return;
    }
    fillRows(start, count, eta, ex, mu, yv, sw, zw);
  };

  const update = (beta: Float64Array): number => {
    atStart = false;
    return updateRows(X, intercept, beta, yv, eta, ex, mu, method === "cholesky");
  };

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
    // Working response z and weights w (all observations are "good": μ.η ≥ ε > 0), made by
    // `fill` as the solver asks for them.
    step = solver.solve(fill);
    if (step === null) return null;
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
          "no valid set of coefficients has been found: please supply starting values",
        );
      }
      warnings.push("step size truncated due to divergence");
      let ii = 1;
      while (!Number.isFinite(dev)) {
        if (ii > maxit) throw new Error("inner loop 1; cannot correct step size");
        ii++;
        for (let j = 0; j < p; j++) start[j] = (start[j] + coefold[j]) / 2;
        dev = update(start);
      }
      boundary = true;
    }
    // validmu: finite and strictly inside (0, 1); linkinv keeps it there, so no halving needed.
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
  if (atStart) fillStart();
  if (iter > maxit) iter = maxit;
  if (!conv) warnings.push(WARNING_NOT_CONVERGED);
  if (boundary) warnings.push("glm.fit: algorithm stopped at boundary value");
  // The unit deviances of the final μ row by row, as R's binomial_dev_resids, summed
  // (Kahan; they are ≥ 0) for the deviance reported — also as the last step's in the trace — and
  // made the deviance residuals sign(y − μ)·√dᵢ, in the storage of exp(η), no longer needed.
  const devianceResiduals = ex;
  const eps = 10 * DBL_EPSILON;
  let extreme = false;
  let sum = 0, comp = 0;
  for (let i = 0; i < n; i++) {
    const m = mu[i], yi = yv[i];
    if (m > 1 - eps || m < eps) extreme = true;
    const u = 2 * Math.log(1 / ((1 - yi) + (2 * yi - 1) * m));
    const yk = u - comp, t = sum + yk;
    comp = (t - sum) - yk;
    sum = t;
    const d = Math.sqrt(Math.max(u, 0));
    devianceResiduals[i] = yi > m ? d : -d;
  }
  dev = sum - comp;
  if (trace.length > 0) trace[trace.length - 1].deviance = dev;
  if (extreme) warnings.push(WARNING_FITTED_0_1);

  const last = step!;
  const rank = last.rank;
  const coefficients: (number | null)[] = Array.from(coef, (b, j) => last.aliased[j] ? null : b);

  // summary.glm: covariance = chol2inv(R[1:rank, 1:rank]) (dispersion 1), i.e. (XᵀWX)⁻¹ at the
  // weights of the last weighted least-squares fit.
  const standardErrors: (number | null)[] = new Array(p).fill(null);
  const zValues: (number | null)[] = new Array(p).fill(null);
  const pValues: (number | null)[] = new Array(p).fill(null);
  const se = solver.standardErrors();
  for (let j = 0; j < p; j++) {
    if (last.aliased[j]) continue;
    const b = coefficients[j] as number;
    standardErrors[j] = se[j];
    const zv = b / se[j];
    zValues[j] = zv;
    pValues[j] = 2 * pnorm(-Math.abs(zv));
  }

  const wtdmu = intercept ? ones / n : linkinv(0);
  // Σ devResid(yᵢ, wtdmu): n₁ equal terms for y = 1 and n₀ for y = 0.
  const nullDeviance = ones * devResid(1, wtdmu) + (n - ones) * devResid(0, wtdmu);
  let aic: number;
  if (method === "cholesky") {
    // For 0/1 responses log dbinom(y, 1, μ) = −½ · unit deviance exactly, so −2 log-likelihood is
    // the deviance; R's dbinom (with bd0 near μ = 1) differs from log(1/μ) by rounding only,
    // at most a few ε per row absolute — far below 1e-10 of the AIC of a large, warning-free fit.
    aic = dev + 2 * rank;
  } else {
    let ll = 0, llc = 0; // Σ log dbinom(yᵢ, 1, μᵢ), Neumaier-compensated, as R's dbinom
    for (let i = 0; i < n; i++) {
      const x = logDbinom1(yv[i], mu[i]);
      const t = ll + x;
      llc += Math.abs(ll) >= Math.abs(x) ? (ll - t) + x : (x - t) + ll;
      ll = t;
    }
    aic = -2 * (ll + llc) + 2 * rank;
  }
  return {
    names,
    coefficients,
    standardErrors,
    zValues,
    pValues,
    deviance: dev,
    nullDeviance,
    dfResidual: n - rank,
    dfNull: n - (intercept ? 1 : 0),
    aic,
    iterations: iter,
    converged: conv,
    boundary,
    warnings,
    fitted: mu,
    linearPredictors: eta,
    devianceResiduals,
    rank,
    intercept,
    trace,
    method,
    link: "logit",
    y: Float64Array.from(yv),
    priorWeights: null,
    offset: null,
    covariance: solver.covariance(),
    control: { maxit, epsilon },
  };
}

/**
 * R's `chol2inv(qr[1:rank, 1:rank])` put back in the original column order: (XᵀWX)⁻¹ of the
 * columns kept, p × p row-major, NaN in the rows and columns pivoted out (aliased).
 */
export function covarianceFromR(
  qr: Float64Array,
  n: number,
  rank: number,
  pivot: Int32Array,
  p: number,
): Float64Array {
  // Rinv (upper triangular, column-major rank × rank): R Rinv = I.
  const inv = new Float64Array(rank * rank);
  for (let c = 0; c < rank; c++) {
    for (let r = c; r >= 0; r--) {
      let s = r === c ? 1 : 0;
      for (let m = r + 1; m <= c; m++) s -= qr[m * n + r] * inv[c * rank + m];
      inv[c * rank + r] = s / qr[r * n + r];
    }
  }
  // (R⁻¹ R⁻ᵀ)_ab = Σ_{c ≥ max(a,b)} Rinv_ac Rinv_bc.
  const out = new Float64Array(p * p).fill(NaN);
  for (let a = 0; a < rank; a++) {
    for (let b = 0; b <= a; b++) {
      let s = 0;
      for (let c = a; c < rank; c++) s += inv[c * rank + a] * inv[c * rank + b];
      out[pivot[a] * p + pivot[b]] = s;
      out[pivot[b] * p + pivot[a]] = s;
    }
  }
  return out;
}

/** sqrt(diag(chol2inv(R))) for the leading `rank × rank` block of the compact QR. */
export function seFromR(qr: Float64Array, n: number, rank: number): Float64Array {
  // Rinv (upper triangular) column by column: R Rinv = I.
  const inv = new Float64Array(rank * rank); // column-major
  for (let c = 0; c < rank; c++) {
    for (let r = c; r >= 0; r--) {
      let s = r === c ? 1 : 0;
      for (let m = r + 1; m <= c; m++) s -= qr[m * n + r] * inv[c * rank + m];
      inv[c * rank + r] = s / qr[r * n + r];
    }
  }
  const out = new Float64Array(rank);
  for (let r = 0; r < rank; r++) {
    let s = 0;
    for (let c = r; c < rank; c++) s += inv[c * rank + r] * inv[c * rank + r];
    out[r] = Math.sqrt(s);
  }
  return out;
}

// predict() lives in predict.ts (with offsets and standard errors); re-exported here, where it
// used to be defined.
export { predict, type Prediction, type PredictOptions } from "./predict.ts";
