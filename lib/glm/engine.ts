/**
 * The door between `glm`'s readable code and the speed code of `_kernels/`: the one file of
 * `glm/` that imports a kernel. Two places of an IRLS iteration have a fast version:
 *
 * - the normal equations XᵀWX, XᵀWz (normal-equations path only): by default a WebAssembly SIMD
 *   kernel (`_kernels/crossprod.ts`) run over fixed blocks of rows on all cores
 *   (`_kernels/crossprod_parallel.ts` on the pool of `_kernels/pool.ts`; the blocks' sums added in
 *   block order, the same bits on any number of threads), or on one thread where memory cannot be
 *   shared (a browser page); else their definition (`normal_equations.ts`);
 * - the update after each solve (η, μ, the deviance): by default one fused pass, four rows at a
 *   time (`_kernels/glm_rows.ts`; on the normal-equations path with one logarithm per four rows),
 *   else the row-by-row update of `family.ts`.
 *
 * `engine: "reference"` takes the readable version of both. On R's QR path the fused update gives
 * η and μ to the bit and the deviance to a few ε, so both engines reproduce R (tested).
 *
 * A fit with prior weights, an offset or another link (`binomial_fit.ts`) on the normal
 * equations — and, with `method: "auto"`, the plain logit fit too — runs, with the fast engine, the
 * whole IRLS loop in fused passes (`_kernels/fused_irls.ts`: each pass over X does an iteration's
 * update and the next XᵀWX, the logit's rows in a WebAssembly SIMD kernel; for the logit the
 * whole pass runs over fixed blocks of rows on all cores, `_kernels/fused_parallel.ts`, the same
 * bits on any number of threads); with `"reference"`, the readable loop of `binomial_loop.ts`.
 *
 * The number of threads is the machine's (up to 8); {@linkcode glmThreads} sets it.
 *
 * @module
 */

import { updateRows as fusedUpdate } from "../_kernels/glm_rows.ts";
import {
  type FusedInput,
  fusedIrls,
  type FusedResult,
  type FusedSolver,
  minus2LogLikAndResiduals,
} from "../_kernels/fused_irls.ts";
import { weightedCrossprod } from "../_kernels/crossprod.ts";
import { parallelCrossprod } from "../_kernels/crossprod_parallel.ts";
import { poolThreads } from "../_kernels/pool.ts";
import type { Matrix } from "../core/matrix.ts";
import { updateRows } from "./family.ts";
import { normalEquations, type NormalEquationsSource } from "./normal_equations.ts";

/**
 * The number of threads `glm`'s normal-equations path runs on (the calling thread included; by
 * default the machine's, up to 8), and, given `n`, sets it: 1 keeps every pass in the calling
 * thread. A fit gives the same bits on any number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glmThreads } from "./engine.ts";
 * const before = glmThreads();
 * assert.equal(glmThreads(1), 1);
 * glmThreads(before);
 * ```
 */
export function glmThreads(n?: number): number {
  return poolThreads(n);
}

/** Which code computes the fast parts of an IRLS iteration: see the module documentation. */
export type GlmEngine = "fast" | "reference";

/** The update after a solve: η, clamped exp(η) and μ into the arrays, the deviance returned. */
export type RowUpdate = (
  beta: Float64Array,
  y: Float64Array,
  eta: Float64Array,
  ex: Float64Array,
  mu: Float64Array,
) => number;

/**
 * The source of the normal equations of X (with an intercept column when asked).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalEquationsFor } from "./engine.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const source = normalEquationsFor(fromRows([[1], [2]]), false, "fast");
 * const { A } = source.computeRows((_s, n, sw, zw) => { sw.fill(1, 0, n); zw.fill(0, 0, n); });
 * assert.equal(A[0], 5); // 1² + 2²
 * ```
 */
export function normalEquationsFor(
  X: Matrix,
  intercept: boolean,
  engine: GlmEngine,
): NormalEquationsSource {
  if (engine === "reference") return normalEquations(X, intercept);
  return parallelCrossprod(X, intercept) ?? weightedCrossprod(X, { intercept }) ??
    normalEquations(X, intercept);
}

/**
 * The update after each solve; `grouped` (the normal-equations path, fast engine only) sums the
 * deviance with one logarithm per four rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rowUpdate } from "./engine.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const update = rowUpdate(fromRows([[1], [-1]]), false, "reference", false);
 * const eta = new Float64Array(2), ex = new Float64Array(2), mu = new Float64Array(2);
 * const dev = update(Float64Array.of(0), Float64Array.of(1, 0), eta, ex, mu);
 * assert.ok(Math.abs(dev - 4 * Math.LN2) < 1e-15);
 * ```
 */
export function rowUpdate(
  X: Matrix,
  intercept: boolean,
  engine: GlmEngine,
  grouped: boolean,
): RowUpdate {
  return engine === "fast"
    ? (beta, y, eta, ex, mu) => fusedUpdate(X, intercept, beta, y, eta, ex, mu, grouped)
    : (beta, y, eta, ex, mu) => updateRows(X, intercept, beta, y, eta, ex, mu);
}

/**
 * The fused IRLS loop of a weighted/offset/other-link fit on the normal equations (fast engine):
 * `_kernels/fused_irls.ts`. Null when it hands the fit to the QR path. Given a function for the
 * solver, it passes the normal equations summed on the logit row kernel's memory (or null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedBinomialLoop, normalEquationsFor } from "./engine.ts";
 * import { choleskySolver } from "./cholesky.ts";
 * import { binomialLink } from "./links.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0], [1], [2], [3]]);
 * const fit = fusedBinomialLoop({
 *   X, intercept: true, link: binomialLink("logit"), y: [0.25, 0.5, 0.5, 0.75],
 *   weights: Float64Array.of(4, 4, 4, 4), offset: null, maxit: 25, epsilon: 1e-8, nullAtOffset: false,
 * }, (shared) => choleskySolver(shared ?? normalEquationsFor(X, true, "fast"), 2, Infinity));
 * assert.ok(fit !== null && fit.conv);
 * ```
 */
export function fusedBinomialLoop(
  input: FusedInput,
  solverFor: FusedSolver | ((shared: NormalEquationsSource | null) => FusedSolver),
): FusedResult | null {
  return fusedIrls(input, solverFor);
}

/**
 * R's −2·log-likelihood of a binomial fit from its unit deviances, which become the deviance
 * residuals in the same pass (fast engine, normal equations): `_kernels/fused_irls.ts`'s
 * `minus2LogLikAndResiduals`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { aicAndResiduals } from "./engine.ts";
 * const dev = Float64Array.of(2 * Math.LN2, 2 * Math.LN2); // μ = ½, y = 1 and 0
 * const m2ll = aicAndResiduals(Float64Array.of(1, 0), Float64Array.of(0.5, 0.5), null, dev);
 * assert.ok(Math.abs(m2ll - 4 * Math.LN2) < 1e-15 && dev[0] > 0 && dev[1] < 0);
 * ```
 */
export function aicAndResiduals(
  y: Float64Array,
  mu: Float64Array,
  w: Float64Array | null,
  dev: Float64Array,
): number {
  return minus2LogLikAndResiduals(y, mu, w, dev);
}
