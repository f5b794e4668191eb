/**
 * R's `glm.fit` loop for the binomial family with prior weights, an offset and any link, in R's
 * order of operations (the rows are `binomial_rows.ts`): from the start, each iteration solves
 * the weighted least-squares problem (R's QR on the rows of positive weight, `wls.ts`, or the
 * normal equations, `cholesky.ts`), updates η, μ and the deviance, halves the step while the
 * deviance is not finite ("step size truncated due to divergence") or μ leaves (0, 1) ("step
 * size truncated: out of bounds"), and stops when |dev − devold|/(|dev| + 0.1) < epsilon; then
 * R's warnings and the standard errors and covariance of the last solve.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { createState, fillRows, startRows, type State, updateRows } from "./binomial_rows.ts";
import {
  type GlmTraceStep,
  type Link,
  WARNING_FITTED_0_1,
  WARNING_NOT_CONVERGED,
} from "./glm_fit.ts";
import type { RowWeights, WlsSolver, WlsStep } from "./wls.ts";

/** What the loop needs to know about the fit. */
export interface LoopSettings {
  intercept: boolean;
  maxit: number;
  epsilon: number;
  link: Link;
  /** The response as given. */
  y: ArrayLike<number>;
  weights: Float64Array | null;
  offset: Float64Array | null;
  /** R's `etastart`, instead of the family's start. */
  etastart?: Float64Array;
  /** R's `mustart`, instead of the family's start. */
  mustart?: Float64Array;
}

/** What one run of the loop produced (before the null deviance and the AIC). */
export interface LoopResult {
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
  /** The loop's own copies of the prior weights and offset, when it made them (the fused path). */
  weights?: Float64Array | null;
  offset?: Float64Array | null;
  /** R's −2·log-likelihood, when the loop summed it (the fused path; `dev` then holds residuals). */
  minus2LogLik?: number;
}

/** The loop's running state. */
interface Iterate {
  dev: number;
  devold: number;
  coefold: Float64Array | null;
  coef: Float64Array;
  conv: boolean;
  boundary: boolean;
  warnings: string[];
  trace: GlmTraceStep[];
}

/**
 * Fits by R's IRLS loop around `solver`; null if the solver gave up (the caller refits by QR).
 * Throws where R stops: invalid starting values, or a step that halving cannot repair.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialLoop } from "./binomial_loop.ts";
 * import { qrSolver } from "./wls.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0], [1], [2], [3]]);
 * const fit = binomialLoop(X, {
 *   intercept: true, maxit: 25, epsilon: 1e-8, link: "probit", y: [0.25, 0.5, 0.5, 0.75],
 *   weights: Float64Array.of(4, 4, 4, 4), offset: null,
 * }, qrSolver(X, true, 1e-11));
 * assert.ok(fit !== null && fit.conv && !fit.nonInteger && fit.coef[1] > 0);
 * ```
 */
export function binomialLoop(X: Matrix, s: LoopSettings, solver: WlsSolver): LoopResult | null {
  const state = createState(X.rows, s.link, s.weights, s.offset);
  const start = startRows(state, s.y, s.etastart, s.mustart);
  if (!state.valid) {
    throw new RangeError("glm: cannot find valid starting values: please specify some");
  }
  const it: Iterate = {
    dev: start.deviance,
    devold: start.deviance,
    coefold: null,
    coef: new Float64Array(X.cols + (s.intercept ? 1 : 0)),
    conv: false,
    boundary: false,
    warnings: [],
    trace: [],
  };
  const fill: RowWeights = (first, count, sw, zw) => fillRows(state, first, count, sw, zw);
  const update = (beta: Float64Array) => updateRows(X, s.intercept, beta, state);
  let step: WlsStep | null = null;
  let iter: number;
  for (iter = 1; iter <= s.maxit; iter++) {
    step = solver.solve(fill);
    if (step === null) return null;
    if (!step.coefficients.every(Number.isFinite)) {
      it.warnings.push(`non-finite coefficients at iteration ${iter}`);
      break;
    }
    if (iteration(it, step, state, update, s)) break;
  }
  finish(it, state);
  return {
    y: state.y,
    eta: state.eta,
    mu: state.mu,
    dev: state.dev,
    nonInteger: start.nonInteger,
    coef: it.coef,
    aliased: step!.aliased,
    rank: step!.rank,
    iter: Math.min(iter, s.maxit),
    conv: it.conv,
    boundary: it.boundary,
    warnings: it.warnings,
    trace: it.trace,
    deviance: it.dev,
    standardErrors: solver.standardErrors(),
    covariance: solver.covariance(),
    nullDeviance: NaN,
  };
}

/**
 * One iteration after its solve: the update (halved while the deviance is not finite or μ is out
 * of bounds), the trace, the convergence test. Returns whether the loop stops (converged).
 */
function iteration(
  it: Iterate,
  step: WlsStep,
  state: State,
  update: (beta: Float64Array) => number,
  s: LoopSettings,
): boolean {
  const start = step.coefficients;
  it.dev = update(start);
  it.boundary = false;
  if (!Number.isFinite(it.dev)) {
    it.warnings.push("step size truncated due to divergence");
    it.dev = halve(it, start, update, s.maxit, () => Number.isFinite(it.dev), 1);
    it.boundary = true;
  }
  if (!state.valid) {
    it.warnings.push("step size truncated: out of bounds");
    it.dev = halve(it, start, update, s.maxit, () => state.valid, 2);
    it.boundary = true;
  }
  it.trace.push({
    deviance: it.dev,
    coefficients: Array.from(start, (b, j) => (step.aliased[j] ? null : b)),
  });
  if (Math.abs(it.dev - it.devold) / (0.1 + Math.abs(it.dev)) < s.epsilon) {
    it.conv = true;
    it.coef = start;
    return true;
  }
  it.devold = it.dev;
  it.coef = it.coefold = start;
  return false;
}

/** R's inner loops: halve the step towards the previous coefficients until `ok()`. */
function halve(
  it: Iterate,
  start: Float64Array,
  update: (beta: Float64Array) => number,
  maxit: number,
  ok: () => boolean,
  which: 1 | 2,
): number {
  const coefold = it.coefold;
  if (coefold === null) {
    throw new RangeError(
      "glm: no valid set of coefficients has been found: please supply starting values",
    );
  }
  for (let ii = 1; !ok(); ii++) {
    if (ii > maxit) throw new RangeError(`glm: inner loop ${which}; cannot correct step size`);
    for (let j = 0; j < start.length; j++) start[j] = (start[j] + coefold[j]) / 2;
    it.dev = update(start);
  }
  return it.dev;
}

/** R's warnings after the loop: not converged, stopped at the boundary, μ numerically 0 or 1. */
function finish(it: Iterate, state: State): void {
  if (!it.conv) it.warnings.push(WARNING_NOT_CONVERGED);
  if (it.boundary) it.warnings.push("glm.fit: algorithm stopped at boundary value");
  const eps = 10 * 2.220446049250313e-16;
  for (let i = 0; i < state.n; i++) {
    if (state.mu[i] > 1 - eps || state.mu[i] < eps) {
      it.warnings.push(WARNING_FITTED_0_1);
      break;
    }
  }
}
