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

import type { Matrix } from "./matrix.ts";
import { ArgumentError, checkFinite, checkInteger, checkLabels, checkMatrix } from "./validate.ts";
import { qrls } from "./qr.ts";

const DBL_EPSILON = 2.220446049250313e-16;
const THRESH = 30;
const MTHRESH = -30;
const INVEPS = 1 / DBL_EPSILON;

/** R's warning when `maxit` iterations did not meet the convergence test. */
export const WARNING_NOT_CONVERGED = "glm.fit: algorithm did not converge";
/** R's warning when some fitted probability is within 10 ε of 0 or 1 (separation). */
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
}

/** Logistic function as R's C `logit_linkinv` computes it (η clamped at ±30). */
export function linkinv(eta: number): number {
  const tmp = eta < MTHRESH ? DBL_EPSILON : eta > THRESH ? INVEPS : Math.exp(eta);
  return tmp / (1 + tmp);
}

/** dμ/dη as R's C `logit_mu_eta` computes it (ε outside ±30). */
function muEta(eta: number): number {
  if (eta > THRESH || eta < MTHRESH) return DBL_EPSILON;
  const e = Math.exp(eta);
  const opexp = 1 + e;
  return e / (opexp * opexp);
}

function yLogY(y: number, mu: number): number {
  return y !== 0 ? y * Math.log(y / mu) : 0;
}

/** Binomial unit deviance, R's C `binomial_dev_resids` with weight 1. */
function devResid(y: number, mu: number): number {
  return 2 * (yLogY(y, mu) + yLogY(1 - y, 1 - mu));
}

/** Accurate sum (Neumaier), standing in for R's long-double accumulation in `sum()`. */
function sumAccurate(f: (i: number) => number, n: number): number {
  let s = 0, c = 0;
  for (let i = 0; i < n; i++) {
    const x = f(i);
    const t = s + x;
    c += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
    s = t;
  }
  return s + c;
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
 * import { pnorm } from "./glm.ts";
 * console.assert(Math.abs(pnorm(1.959963984540054) - 0.975) < 1e-15);
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

function validateOptions(k: number, options: GlmOptions) {
  const { intercept = false, maxit = 25, epsilon = 1e-8, names } = options;
  if (typeof intercept !== "boolean") {
    throw new ArgumentError("options.intercept", `must be true or false, got ${String(intercept)}`);
  }
  checkInteger("options.maxit", maxit, 1);
  checkFinite("options.epsilon", epsilon, { positive: true });
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
  return { intercept, maxit, epsilon, colNames };
}

/**
 * Fits a logistic regression (binomial family, logit link) by IRLS exactly as R's `glm.fit` does.
 *
 * `X` is the N × K design without the intercept column; `intercept: true` prepends one (named
 * `(Intercept)`). Aliased columns (exact collinearity, a constant column next to the intercept,
 * columns beyond N when K > N) get `null` coefficients, like R's `NA`. Non-convergence and
 * fitted probabilities of 0 or 1 are reported in `warnings` with R's texts, not thrown.
 *
 * @example
 * ```ts
 * import { glm } from "./glm.ts";
 * import { fromRows } from "./matrix.ts";
 * const X = fromRows([[1], [2], [3], [4], [5], [6]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true });
 * console.assert(fit.converged && fit.names[0] === "(Intercept)" && fit.iterations >= 3);
 * ```
 */
export function glm(X: Matrix, y: ArrayLike<number>, options: GlmOptions = {}): GlmFit {
  checkMatrix("X", X);
  checkLabels("y", y, X.rows);
  const { intercept, maxit, epsilon, colNames } = validateOptions(X.cols, options);
  const n = X.rows, k = X.cols;
  const p = k + (intercept ? 1 : 0);
  const off = intercept ? 1 : 0;
  const names = intercept ? ["(Intercept)", ...colNames] : colNames;
  const Xd = X.data;
  const tol = Math.min(1e-7, epsilon / 1000);

  const yv = Float64Array.from(y);
  const eta = new Float64Array(n);
  const mu = new Float64Array(n);
  const z = new Float64Array(n);
  const w = new Float64Array(n);
  const A = new Float64Array(n * p);

  // family$initialize: mustart = (y + 0.5)/2; eta = linkfun(mustart); mu = linkinv(eta).
  for (let i = 0; i < n; i++) {
    const m = (yv[i] + 0.5) / 2;
    eta[i] = Math.log(m / (1 - m));
    mu[i] = linkinv(eta[i]);
  }
  const deviance = () => sumAccurate((i) => devResid(yv[i], mu[i]), n);
  const computeEta = (beta: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      if (intercept) s += beta[0];
      const r = i * k;
      for (let j = 0; j < k; j++) s += Xd[r + j] * beta[j + off];
      eta[i] = s;
      mu[i] = linkinv(s);
    }
  };
  let devold = deviance();
  let dev = devold;
  let coefold: Float64Array | null = null;
  let start = new Float64Array(p);
  let coef = new Float64Array(p);
  let conv = false, boundary = false;
  let iter = 0;
  const warnings: string[] = [];
  const trace: GlmTraceStep[] = [];
  let fit: ReturnType<typeof qrls> | null = null;

  for (iter = 1; iter <= maxit; iter++) {
    // Working response z and weights w (all observations are "good": μ.η ≥ ε > 0).
    for (let i = 0; i < n; i++) {
      const me = muEta(eta[i]);
      const m = mu[i];
      z[i] = eta[i] + (yv[i] - m) / me;
      w[i] = Math.sqrt((me * me) / (m * (1 - m)));
    }
    // A = diag(w) X in column-major order; z ← z w.
    if (intercept) { for (let i = 0; i < n; i++) A[i] = w[i]; }
    for (let i = 0; i < n; i++) {
      const wi = w[i], r = i * k;
      for (let j = 0; j < k; j++) A[(j + off) * n + i] = Xd[r + j] * wi;
      z[i] *= wi;
    }
    fit = qrls(A, n, p, z, tol);
    let finite = true;
    for (let j = 0; j < p; j++) if (!Number.isFinite(fit.coefficients[j])) finite = false;
    if (!finite) {
      conv = false;
      warnings.push(`non-finite coefficients at iteration ${iter}`);
      break;
    }
    start = new Float64Array(p);
    for (let j = 0; j < p; j++) start[fit.pivot[j]] = fit.coefficients[j];
    computeEta(start);
    dev = deviance();
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
        computeEta(start);
        dev = deviance();
      }
      boundary = true;
    }
    // validmu: finite and strictly inside (0, 1); linkinv keeps it there, so no halving needed.
    const aliasedNow = new Set<number>();
    for (let j = fit.rank; j < p; j++) aliasedNow.add(fit.pivot[j]);
    trace.push({
      deviance: dev,
      coefficients: Array.from(start, (b, j) => (aliasedNow.has(j) ? null : b)),
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
  let extreme = false;
  for (let i = 0; i < n; i++) if (mu[i] > 1 - eps || mu[i] < eps) extreme = true;
  if (extreme) warnings.push(WARNING_FITTED_0_1);

  const qr = fit!;
  const rank = qr.rank;
  const coefficients: (number | null)[] = Array.from(coef, (b) => b);
  for (let j = rank; j < p; j++) coefficients[qr.pivot[j]] = null;

  // summary.glm: covariance = chol2inv(R[1:rank, 1:rank]) (dispersion 1), in pivoted order.
  const standardErrors: (number | null)[] = new Array(p).fill(null);
  const zValues: (number | null)[] = new Array(p).fill(null);
  const pValues: (number | null)[] = new Array(p).fill(null);
  const se = seFromR(qr.qr, qr.n, rank);
  for (let a = 0; a < rank; a++) {
    const j = qr.pivot[a];
    const b = coefficients[j] as number;
    standardErrors[j] = se[a];
    const zv = b / se[a];
    zValues[j] = zv;
    pValues[j] = 2 * pnorm(-Math.abs(zv));
  }

  const wtdmu = intercept ? sumAccurate((i) => yv[i], n) / n : linkinv(0);
  const nullDeviance = sumAccurate((i) => devResid(yv[i], wtdmu), n);
  const aic = -2 * sumAccurate((i) => logDbinom1(yv[i], mu[i]), n) + 2 * rank;
  const devianceResiduals = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = Math.sqrt(Math.max(devResid(yv[i], mu[i]), 0));
    devianceResiduals[i] = yv[i] > mu[i] ? d : -d;
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
  };
}

/** sqrt(diag(chol2inv(R))) for the leading `rank × rank` block of the compact QR. */
function seFromR(qr: Float64Array, n: number, rank: number): Float64Array {
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

/** Options of {@linkcode predict}. */
export interface PredictOptions {
  /** `"link"` for η = Xβ (log-odds), `"response"` for probabilities μ; default `"link"` as in R. */
  type?: "link" | "response";
}

/**
 * Predictions of a fitted {@linkcode GlmFit} for new rows `X` (same columns as the fit, without
 * the intercept column), like R's `predict.glm`. Aliased (`null`) coefficients count as 0, which is
 * what R does for a rank-deficient fit (it warns "prediction from a rank-deficient fit may be
 * misleading").
 *
 * @example
 * ```ts
 * import { glm, predict } from "./glm.ts";
 * import { fromRows } from "./matrix.ts";
 * const X = fromRows([[1], [2], [3], [4], [5], [6]]);
 * const fit = glm(X, [0, 0, 1, 0, 1, 1], { intercept: true });
 * const p = predict(fit, X, { type: "response" });
 * console.assert(Math.abs(p[2] - fit.fitted[2]) < 1e-12);
 * ```
 */
export function predict(fit: GlmFit, X: Matrix, options: PredictOptions = {}): Float64Array {
  const { type = "link" } = options;
  if (type !== "link" && type !== "response") {
    throw new ArgumentError("options.type", `must be "link" or "response", got ${String(type)}`);
  }
  const off = fit.intercept ? 1 : 0;
  const k = fit.coefficients.length - off;
  checkMatrix("X", X, { cols: k });
  const beta = fit.coefficients.map((b) => b ?? 0);
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let s = off ? beta[0] : 0;
    for (let j = 0; j < k; j++) s += X.data[i * k + j] * beta[j + off];
    out[i] = type === "link" ? s : linkinv(s);
  }
  return out;
}
