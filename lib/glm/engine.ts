/**
 * The door between `glm`'s readable code and the speed code of `_kernels/`: the one file of
 * `glm/` that imports a kernel. Two places of an IRLS iteration have a fast version:
 *
 * - the normal equations XᵀWX, XᵀWz (normal-equations path only): by default a WebAssembly SIMD
 *   kernel (`_kernels/crossprod.ts`, chunked, its XᵀWX summed chunk by chunk), else their
 *   definition (`normal_equations.ts`);
 * - the update after each solve (η, μ, the deviance): by default one fused pass, four rows at a
 *   time (`_kernels/glm_rows.ts`; on the normal-equations path with one logarithm per four rows),
 *   else the row-by-row update of `family.ts`.
 *
 * `engine: "reference"` takes the readable version of both. On R's QR path the fused update gives
 * η and μ to the bit and the deviance to a few ε, so both engines reproduce R (tested).
 *
 * @module
 */

import { updateRows as fusedUpdate } from "../_kernels/glm_rows.ts";
import { weightedCrossprod } from "../_kernels/crossprod.ts";
import type { Matrix } from "../core/matrix.ts";
import { updateRows } from "./family.ts";
import { normalEquations, type NormalEquationsSource } from "./normal_equations.ts";

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
  return (engine === "fast" ? weightedCrossprod(X, { intercept }) : undefined) ??
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
