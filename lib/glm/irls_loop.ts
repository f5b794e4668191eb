/**
 * R's `glm.fit` loop, step by step: from R's start, each iteration solves a weighted
 * least-squares problem (`wls.ts` or `cholesky.ts`), updates η, μ and the deviance, halves the
 * step while the deviance is not finite, and stops when |dev − devold|/(|dev| + 0.1) < epsilon;
 * then the final deviance and residuals, R's warnings, the standard errors of the last solve,
 * the null deviance and the AIC. One iteration on its own, for reading, is `irls_step.ts`.
 *
 * @module
 */

import { exp } from "../core/math.ts";
import type { Matrix } from "../core/matrix.ts";
import { devResid, linkinv } from "../r/logit.ts";
import { pnorm } from "../r/nmath.ts";
import { logDbinom } from "../r/dbinom.ts";
import type { RowUpdate } from "./engine.ts";
import { finalDeviance, startEta, workingWeights } from "./family.ts";
import {
  type GlmFit,
  type GlmTraceStep,
  WARNING_FITTED_0_1,
  WARNING_NOT_CONVERGED,
} from "./glm_fit.ts";
import type { RowWeights, WlsSolver, WlsStep } from "./wls.ts";

/** The checked settings of a fit. */
export interface IrlsSettings {
  /** Whether the first coefficient is an intercept. */
  intercept: boolean;
  /** R's `control$maxit`. */
  maxit: number;
  /** R's `control$epsilon`. */
  epsilon: number;
  /** The names of the coefficients, `(Intercept)` first when there is one. */
  names: string[];
}

/** The rows during the fit: y, and η, the clamped exp(η) and μ after the last update. */
interface Rows {
  readonly y: Float64Array;
  /** Σ y: the number of ones. */
  readonly ones: number;
  readonly eta: Float64Array;
  readonly ex: Float64Array;
  readonly mu: Float64Array;
  /** True until the first update: every row is then at one of two start values. */
  atStart: boolean;
}

/** The loop's outcome. */
interface Path {
  coef: Float64Array;
  last: WlsStep;
  iterations: number;
  converged: boolean;
  boundary: boolean;
  warnings: string[];
  trace: GlmTraceStep[];
}

/**
 * Fits by R's IRLS loop with `solver` and `update`; `null` if the solver gave up (the caller then
 * refits by QR).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { irls } from "./irls_loop.ts";
 * import { qrSolver } from "./wls.ts";
 * import { rowUpdate } from "./engine.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1, 1], [1, 2], [1, 3], [1, 4]]);
 * const settings = { intercept: false, maxit: 25, epsilon: 1e-8, names: ["a", "b"] };
 * const fit = irls(X, [0, 1, 0, 1], settings, qrSolver(X, false, 1e-11), rowUpdate(X, false, "reference", false), "qr");
 * assert.ok(fit !== null && fit.converged);
 * ```
 */
export function irls(
  X: Matrix,
  y: ArrayLike<number>,
  settings: IrlsSettings,
  solver: WlsSolver,
  update: RowUpdate,
  method: "qr" | "cholesky",
): GlmFit | null {
  const n = X.rows, yv = y instanceof Float64Array ? y : Float64Array.from(y); // read only
  let ones = 0;
  for (let i = 0; i < n; i++) ones += yv[i];
  const rows: Rows = {
    y: yv,
    ones,
    eta: new Float64Array(n),
    ex: new Float64Array(n), // becomes the deviance residuals at the end
    mu: new Float64Array(n),
    atStart: true,
  };
  const path = iterate(rows, settings, solver, (beta) => {
    rows.atStart = false;
    return update(beta, yv, rows.eta, rows.ex, rows.mu);
  });
  return path && { ...result(rows, settings, solver, path, method), X };
}

/**
 * family$initialize: mustart = (y + 0.5)/2, η = linkfun(mustart), μ = linkinv(η). With y in
 * {0, 1} every row holds one of two sets of values: computed once each, and written to the
 * N-long arrays only if they are ever read from there (a fit stopping before its first update).
 */
function start(rows: Rows) {
  const eta = [startEta(0), startEta(1)];
  const ex = eta.map(exp), mu = eta.map(linkinv);
  // Σ dev.resids at the start: n₁ equal terms for y = 1 and n₀ for y = 0.
  const n = rows.y.length, { ones } = rows;
  const deviance = ones * devResid(1, mu[1]) + (n - ones) * devResid(0, mu[0]);
  // The two possible start rows' weights, by the same arithmetic as every later row's.
  const sw = new Float64Array(2), zw = new Float64Array(2);
  workingWeights(
    0,
    2,
    Float64Array.from(eta),
    Float64Array.from(ex),
    Float64Array.from(mu),
    Float64Array.of(0, 1),
    sw,
    zw,
  );
  const fillArrays = () => {
    for (let i = 0; i < n; i++) {
      const c = rows.y[i] === 1 ? 1 : 0;
      rows.eta[i] = eta[c];
      rows.ex[i] = ex[c];
      rows.mu[i] = mu[c];
    }
  };
  return { deviance, sw, zw, fillArrays };
}

/** R's loop: solve, update, halve the step while the deviance is not finite, test convergence. */
function iterate(
  rows: Rows,
  { maxit, epsilon }: IrlsSettings,
  solver: WlsSolver,
  update: (beta: Float64Array) => number,
): (Path & { fillStart: () => void }) | null {
  const init = start(rows);
  // Weights of rows start..start+count−1 for the solver, computed as it asks for them.
  const fill: RowWeights = (first, count, sw, zw) => {
    if (!rows.atStart) {
      return workingWeights(first, count, rows.eta, rows.ex, rows.mu, rows.y, sw, zw);
    }
    for (let r = 0; r < count; r++) {
      const c = rows.y[first + r] === 1 ? 1 : 0;
      sw[r] = init.sw[c];
      zw[r] = init.zw[c];
    }
  };
  let devold = init.deviance, coefold: Float64Array | null = null;
  let coef: Float64Array = new Float64Array(0), last: WlsStep | null = null;
  let converged = false, boundary = false, iter: number;
  const warnings: string[] = [], trace: GlmTraceStep[] = [];
  for (iter = 1; iter <= maxit; iter++) {
    const step = last = solver.solve(fill);
    if (step === null) return null;
    if (!step.coefficients.every(Number.isFinite)) {
      warnings.push(`non-finite coefficients at iteration ${iter}`);
      break;
    }
    const beta = step.coefficients;
    let dev = update(beta);
    boundary = false;
    if (!Number.isFinite(dev)) {
      dev = halveStep(beta, coefold, update, maxit, dev);
      warnings.push("step size truncated due to divergence");
      boundary = true;
    }
    // validmu: finite and strictly inside (0, 1); linkinv keeps it there, so no halving needed.
    trace.push({
      deviance: dev,
      coefficients: Array.from(beta, (b, j) => step.aliased[j] ? null : b),
    });
    coef = beta;
    if (Math.abs(dev - devold) / (0.1 + Math.abs(dev)) < epsilon) {
      converged = true;
      break;
    }
    devold = dev;
    coefold = beta;
  }
  if (coef.length === 0) coef = new Float64Array(last!.coefficients.length);
  return {
    coef,
    last: last!,
    iterations: Math.min(iter, maxit),
    converged,
    boundary,
    warnings,
    trace,
    fillStart: init.fillArrays,
  };
}

/** Step-halving towards the previous coefficients until the deviance is finite (R's inner loop 1). */
function halveStep(
  beta: Float64Array,
  coefold: Float64Array | null,
  update: (beta: Float64Array) => number,
  maxit: number,
  dev: number,
): number {
  if (coefold === null) {
    throw new Error("no valid set of coefficients has been found: please supply starting values");
  }
  for (let ii = 1; !Number.isFinite(dev); ii++) {
    if (ii > maxit) throw new Error("inner loop 1; cannot correct step size");
    for (let j = 0; j < beta.length; j++) beta[j] = (beta[j] + coefold[j]) / 2;
    dev = update(beta);
  }
  return dev;
}

/** The fit R reports: final deviance and residuals, warnings, standard errors, null deviance, AIC. */
function result(
  rows: Rows,
  settings: IrlsSettings,
  solver: WlsSolver,
  path: Path & { fillStart: () => void },
  method: "qr" | "cholesky",
): Omit<GlmFit, "X"> {
  const { intercept, names } = settings;
  const { y, mu, ones } = rows, n = y.length;
  if (rows.atStart) path.fillStart();
  const warnings = [...path.warnings];
  if (!path.converged) warnings.push(WARNING_NOT_CONVERGED);
  if (path.boundary) warnings.push("glm.fit: algorithm stopped at boundary value");
  // The final deviance, also as the last step's in the trace; the residuals go into the storage
  // of exp(η), no longer needed.
  const devianceResiduals = rows.ex;
  const { deviance, extreme } = finalDeviance(y, mu, devianceResiduals);
  if (path.trace.length > 0) path.trace[path.trace.length - 1].deviance = deviance;
  if (extreme) warnings.push(WARNING_FITTED_0_1);
  const { rank, aliased } = path.last;
  const table = coefficientTable(path.coef, aliased, solver.standardErrors());
  const wtdmu = intercept ? ones / n : linkinv(0);
  // Σ devResid(yᵢ, wtdmu): n₁ equal terms for y = 1 and n₀ for y = 0.
  const nullDeviance = ones * devResid(1, wtdmu) + (n - ones) * devResid(0, wtdmu);
  return {
    names,
    ...table,
    deviance,
    nullDeviance,
    dfResidual: n - rank,
    dfNull: n - (intercept ? 1 : 0),
    aic: aic(y, mu, deviance, rank, method),
    iterations: path.iterations,
    converged: path.converged,
    boundary: path.boundary,
    warnings,
    fitted: mu,
    linearPredictors: rows.eta,
    devianceResiduals,
    rank,
    intercept,
    trace: path.trace,
    method,
    link: "logit",
    y: new Float64Array(y),
    priorWeights: null,
    offset: null,
    covariance: solver.covariance(),
    control: { maxit: settings.maxit, epsilon: settings.epsilon },
  };
}

/**
 * summary.glm's table: estimates (`null` where aliased), standard errors from (XᵀWX)⁻¹ at the last
 * solve's weights (dispersion 1), Wald z values and two-sided p values 2Φ(−|z|).
 */
function coefficientTable(coef: Float64Array, aliased: Uint8Array, se: Float64Array) {
  const p = coef.length;
  const coefficients: (number | null)[] = Array.from(coef, (b, j) => aliased[j] ? null : b);
  const standardErrors: (number | null)[] = new Array(p).fill(null);
  const zValues: (number | null)[] = new Array(p).fill(null);
  const pValues: (number | null)[] = new Array(p).fill(null);
  for (let j = 0; j < p; j++) {
    if (aliased[j]) continue;
    standardErrors[j] = se[j];
    const z = coef[j] / se[j];
    zValues[j] = z;
    pValues[j] = 2 * pnorm(-Math.abs(z));
  }
  return { coefficients, standardErrors, zValues, pValues };
}

/** −2 log-likelihood + 2 rank, the log-likelihood summed as R's `binomial()$aic` sums it. */
function aic(
  y: Float64Array,
  mu: Float64Array,
  deviance: number,
  rank: number,
  method: "qr" | "cholesky",
): number {
  // For 0/1 responses log dbinom(y, 1, μ) = −½ · unit deviance exactly, so −2 log-likelihood is
  // the deviance; R's dbinom (with bd0 near μ = 1) differs from log(1/μ) by rounding only, at
  // most a few ε per row absolute — far below 1e-10 of the AIC of a large, warning-free fit.
  if (method === "cholesky") return deviance + 2 * rank;
  let ll = 0, llc = 0; // Σ log dbinom(yᵢ, 1, μᵢ), Neumaier-compensated, as R's dbinom
  for (let i = 0; i < y.length; i++) {
    const x = logDbinom(y[i], 1, mu[i]);
    const t = ll + x;
    llc += Math.abs(ll) >= Math.abs(x) ? (ll - t) + x : (x - t) + ll;
    ll = t;
  }
  return -2 * (ll + llc) + 2 * rank;
}
