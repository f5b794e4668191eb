/**
 * The normal-equations path of the binomial fit with prior weights, an offset or another link,
 * fused for speed: one pass over X per iteration instead of two.
 *
 * R's loop alternates a weighted least-squares solve (which reads X to form XᵀWX) and an update
 * η = Xβ + offset, μ, deviance (which reads X again). Here each pass over X does both for one
 * chunk of rows at a time, inside the cross-product kernel's row callback: it computes the
 * chunk's η from the coefficients of the last solve, then μ and the unit deviances, then the
 * working weights and responses that the kernel accumulates into the next XᵀWX. After the pass
 * the deviance is known: if the fit has converged, the next system is simply not used (one
 * wasted accumulation, at the end); otherwise it is solved. The iterates, the convergence test,
 * the trace and the warnings are R's; the standard errors are those of R's last solve. The first
 * pass computes R's start (and, for a model without intercept, the null deviance at η = offset).
 *
 * Differences from R's arithmetic are rounding only, as for the normal equations themselves: for
 * the logit, exp and log come from `fastmath.ts` (within an ulp) and μ, log(1/μ) and
 * log(1/(1 − μ)) are formed from u = exp(−|η|) (the softplus), with R's clamps at |η| = 30. A
 * step that R would halve (a non-finite deviance or μ outside (0, 1)) returns null: the fit is
 * then redone on R's QR path, which halves as R does.
 *
 * @module
 */

import type { RowWeights } from "./crossprod.ts";
import { createPass, nullAtOffset, passDeviance, passRows, resetPass } from "./fused_rows.ts";

import type { FusedInput, Pass } from "./fused_types.ts";
import { type SharedCrossprod, sharedCrossprod } from "./fused_crossprod.ts";
import { parallelCrossprod } from "./crossprod_parallel.ts";
import { parallelFused } from "./fused_parallel.ts";

export type { FusedInput, FusedLink } from "./fused_types.ts";
export { minus2LogLikAndResiduals } from "./fused_aic.ts";
import { exceptionsLogLik } from "./fused_aic.ts";

const DBL_EPSILON = 2.220446049250313e-16;

/** A weighted least-squares solver, as `glm.ts` makes them (see `WlsSolver` there). */
export interface FusedSolver {
  solve(fill: RowWeights): { coefficients: Float64Array } | null;
  standardErrors(): Float64Array;
  covariance(): Float64Array;
}

/** What {@linkcode fusedIrls} returns (null when it hands the fit to the QR path). */
export interface FusedResult {
  /** R's y (0 where the weight is 0). */
  y: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  /** Unit deviances 2 w (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))). */
  dev: Float64Array;
  /** Whether some |w·y − round(w·y)| > 0.001 (R's "non-integer" warning). */
  nonInteger: boolean;
  coef: Float64Array;
  iter: number;
  conv: boolean;
  /** glm.fit's warnings (not converged, fitted probabilities 0 or 1). */
  warnings: string[];
  trace: { deviance: number; coefficients: number[] }[];
  deviance: number;
  standardErrors: Float64Array;
  covariance: Float64Array;
  /** Σ dev(y, linkinv(offset), w) when asked for, else NaN. */
  nullDeviance: number;
  /**
   * With the row kernel: R's −2·log-likelihood (`binomial()$aic` without 2·rank), summed by its
   * final rows' run, which also stored the deviance residuals in `dev`'s place.
   */
  minus2LogLik?: number;
  /** With the row kernel: its copies of the prior weights and offset (views of its memory). */
  weights?: Float64Array | null;
  offset?: Float64Array | null;
}

/**
 * R's IRLS loop on the normal equations with fused passes (see the module's text). Returns null
 * when the solver gives up (possible aliasing, poor conditioning) or a step would need halving;
 * the caller then fits by QR. Throws when R would: invalid starting values. `solverFor` is the
 * solver, or makes it from the normal equations on the row kernel's memory (null without the
 * kernel: then from its own source).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedIrls } from "./fused_irls.ts";
 * import { binomialLink } from "../glm/links.ts";
 * import { choleskySolver } from "../glm/cholesky.ts";
 * import { normalEquations } from "../glm/normal_equations.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0], [1], [2], [3]]);
 * const fit = fusedIrls({
 *   X, intercept: true, link: binomialLink("logit"), y: [0.25, 0.5, 0.5, 0.75],
 *   weights: Float64Array.of(4, 4, 4, 4), offset: null, maxit: 25, epsilon: 1e-8,
 *   nullAtOffset: false,
 * }, choleskySolver(normalEquations(X, true), 2, Infinity));
 * assert.ok(fit !== null && fit.conv && fit.coef[1] > 0);
 * ```
 */
export function fusedIrls(
  inp: FusedInput,
  solverFor: FusedSolver | ((shared: SharedCrossprod | null) => FusedSolver),
): FusedResult | null {
  // The logit on all cores, where memory can be shared (fused_parallel.ts).
  const par = typeof solverFor === "function" ? parallelFused(inp) : null;
  if (par !== null && typeof solverFor === "function") {
    try {
      const solver = solverFor(par.source);
      const fit = loop(inp, par.pass, par.nonInteger, solver, {
        fill: par.fill,
        updateOnly: par.updateOnly,
        systemOnly: () => solver.solve(par.stored),
        kernel: true,
      });
      if (fit === null) return null;
      const { weights, offset, ...rows } = par.rows(); // out of the shared memory, kept for reuse
      return { ...fit, ...rows, weights, offset };
    } finally {
      par.release();
    }
  }
  const { pass, nonInteger } = createPass(inp, true);
  // The normal equations on all cores where they can share memory (crossprod_parallel.ts), else
  // on the row kernel's memory (fused_crossprod.ts).
  const parallel = typeof solverFor === "function" ? parallelCrossprod(inp.X, inp.intercept) : null;
  const solver = typeof solverFor !== "function" ? solverFor : solverFor(
    parallel ??
      (pass.kernel === null ? null : sharedCrossprod(inp.X, inp.intercept, pass.kernel, pass)),
  );
  try {
    return loop(inp, pass, nonInteger, solver, passDriver(inp, pass, solver));
  } finally {
    parallel?.release();
  }
}

/** How the loop runs its passes. */
interface Driver {
  /** The fill a pass with the next system gives the solver. */
  fill: RowWeights;
  /** An update pass without the next system (the fit is expected to converge on it). */
  updateOnly(): void;
  /** The next system from the stored η and μ, when that expectation was wrong. */
  systemOnly(): { coefficients: Float64Array } | null;
  /**
   * Whether the row kernel runs the passes: it stores μ and the residuals only in passes without
   * a system, and sums the log-likelihood and the range of μ in them.
   */
  kernel: boolean;
}

/** The single-thread passes over the rows of `pass`, in chunks. */
function passDriver(inp: FusedInput, pass: Pass, solver: FusedSolver): Driver {
  const n = inp.X.rows;
  const { weights: w, link } = inp;
  const y = pass.y;
  const rows = (start: number, count: number, sw: Float64Array | null, zw: Float64Array | null) =>
    passRows(pass, start, count, sw, zw);
  const CHUNK = 4096;
  const updateOnly = () => {
    for (let start = 0; start < n; start += CHUNK) {
      rows(start, Math.min(CHUNK, n - start), null, null);
    }
  };
  const systemOnly = () =>
    solver.solve((start, count, sw, zw) => {
      const { eta, mu } = pass;
      const { offset } = inp;
      for (let r = 0, i = start; r < count; r++, i++) {
        const wi = w === null ? 1 : w[i];
        if (!(wi > 0)) {
          sw[r] = 0;
          zw[r] = 0;
          continue;
        }
        const e = eta[i], m = mu[i];
        const me = link.muEta(e);
        const sqrtW = Math.sqrt((wi * (me * me)) / (m * (1 - m)));
        sw[r] = sqrtW;
        zw[r] = ((offset === null ? e : e - offset[i]) + (y[i] - m) / me) * sqrtW;
      }
    });
  return { fill: rows, updateOnly, systemOnly, kernel: pass.kernel !== null };
}

/** The loop of {@linkcode fusedIrls}, given its pass, solver and passes. */
function loop(
  inp: FusedInput,
  pass: Pass,
  nonInteger: boolean,
  solver: FusedSolver,
  driver: Driver,
): FusedResult | null {
  const n = inp.X.rows;
  const w = inp.weights;
  const y = pass.y;
  const { fill, updateOnly, systemOnly } = driver;
  const resetDeviance = () => resetPass(pass);
  const deviance = () => passDeviance(pass);

  // R's null deviance without an intercept: in the start pass with the row kernel, else here.
  const nullHere = inp.nullAtOffset && !driver.kernel;
  const nullBefore = nullHere ? nullAtOffset(pass) : NaN;
  // The start pass: R's start, its deviance, and the first system, solved.
  resetDeviance();
  let step = solver.solve(fill);
  if (!pass.valid) {
    throw new RangeError(
      "glm: cannot find valid starting values (fitted probabilities outside (0, 1))",
    );
  }
  const nullDeviance = !inp.nullAtOffset ? NaN : nullHere ? nullBefore : pass.acc[2] + pass.acc[3];
  if (step === null) return null;
  let devold = deviance();
  let se = solver.standardErrors(), cov = solver.covariance();
  const p = step.coefficients.length;
  let coef: Float64Array = new Float64Array(p);
  let dev = devold;
  let conv = false;
  let iter: number;
  // The last relative change of the deviance: Newton's steps square it, roughly (times a factor
  // that is well below 1 once the iterates are close), so once its square is below epsilon the
  // next update is expected to converge, and its pass need not accumulate the next system (if it
  // does not converge after all, a separate pass does). A wrong guess costs a pass over the rows;
  // a system not needed costs XᵀWX, much more for wide X.
  let change = Infinity;
  const warnings: string[] = [];
  const trace: { deviance: number; coefficients: number[] }[] = [];
  let rowsStored = !driver.kernel;
  for (iter = 1; iter <= inp.maxit; iter++) {
    const beta: Float64Array = step.coefficients;
    if (!beta.every(Number.isFinite)) {
      warnings.push(`non-finite coefficients at iteration ${iter}`);
      break;
    }
    // Update with this iteration's coefficients, and the next system in the same pass.
    pass.beta = beta;
    resetDeviance();
    const expectConverged = change * change < inp.epsilon;
    let next: { coefficients: Float64Array } | null = null;
    if (expectConverged) updateOnly();
    else next = solver.solve(fill);
    rowsStored = expectConverged || !driver.kernel;
    dev = deviance();
    if (!Number.isFinite(dev) || !pass.valid) return null; // R would halve: QR does
    trace.push({ deviance: dev, coefficients: Array.from(beta) });
    coef = beta;
    change = Math.abs(dev - devold) / (0.1 + Math.abs(dev));
    if (change < inp.epsilon) {
      conv = true;
      break;
    }
    devold = dev;
    if (iter === inp.maxit) continue;
    if (expectConverged) next = systemOnly();
    if (next === null) return null;
    step = next;
    se = solver.standardErrors();
    cov = solver.covariance();
  }
  // The row kernel stores μ and the unit deviances only in passes without a system: when the loop
  // ended after one with, its rows are computed again (the same η, the same deviance).
  if (!rowsStored) {
    resetDeviance();
    updateOnly();
  }
  if (iter > inp.maxit) iter = inp.maxit;
  if (!conv) warnings.push("glm.fit: algorithm did not converge");
  const eps = 10 * DBL_EPSILON;
  const extreme = !driver.kernel
    ? extremeFitted(pass.mu)
    : pass.acc[8] > 1 - eps || pass.acc[7] < eps; // the range of μ from the kernel's last run
  if (extreme) {
    warnings.push("glm.fit: fitted probabilities numerically 0 or 1 occurred");
  }
  // With the row kernel, its memory (one per fit) holds the rows: the results are views of it;
  // its last run stored the deviance residuals and summed the log-likelihood but for exceptions
  // (an odd last row went through JavaScript whole).
  // (With the parallel passes every row goes through the kernel, an odd N padded with a row of
  // weight 0.)
  const k = pass.kernel;
  const kernelRows = k === null ? n : n - (n & 1);
  const logLik = !driver.kernel ? NaN : pass.acc[4] + pass.acc[5] +
    (pass.acc[6] > 0 ? exceptionsLogLik(y, pass.mu, w, kernelRows) : 0);
  return {
    y,
    eta: pass.eta,
    mu: pass.mu,
    dev: pass.dev,
    ...(!driver.kernel ? {} : {
      weights: inp.weights === null || k === null ? null : k.buffers.w,
      offset: inp.offset === null || k === null ? null : k.buffers.offset,
      minus2LogLik: -2 * logLik,
    }),
    nonInteger,
    coef,
    iter,
    conv,
    warnings,
    trace,
    deviance: dev,
    standardErrors: se,
    covariance: cov,
    nullDeviance,
  };
}

/**
 * Whether some μ is within 10ε of 0 or 1 (glm.fit's warning), without the row kernel (which finds
 * the range of μ in its last run). A function of its own: a loop in a function called once per fit
 * runs unoptimised until on-stack replacement compiles the whole function (for `fusedIrls`, a
 * large one); a small one is compiled fast, and fully after a few fits.
 */
function extremeFitted(mu: Float64Array): boolean {
  const eps = 10 * DBL_EPSILON;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < mu.length; i++) {
    lo = Math.min(lo, mu[i]);
    hi = Math.max(hi, mu[i]);
  }
  return hi > 1 - eps || lo < eps;
}
