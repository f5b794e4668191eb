/**
 * The normal equations of an IRLS step, XᵀWX β = XᵀWz, by their definition: with V = √W X (row i
 * of X times √wᵢ, after a leading 1 for the intercept),
 *
 *     A = VᵀV = Σᵢ vᵢ vᵢᵀ,    b = Vᵀ(√W z) = Σᵢ vᵢ (√wᵢ zᵢ),
 *
 * summed row by row. This is the readable counterpart of the WebAssembly kernel
 * (`lib/_kernels/crossprod.ts`), which `glm` uses by default and which equals this to rounding.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import type { RowWeights } from "./wls.ts";

/** `A = XᵀWX` (p × p, row-major, both triangles) and `b = XᵀWz`; p = K (+ 1 with intercept). */
export interface NormalEquations {
  /** XᵀWX. */
  readonly A: Float64Array;
  /** XᵀWz. */
  readonly b: Float64Array;
  /** Number of columns p (the intercept's first). */
  readonly p: number;
}

/** Computes the normal equations at the weights a {@linkcode RowWeights} function writes. */
export interface NormalEquationsSource {
  /** A and b at the weights `fill` writes (reused arrays: valid until the next call). */
  computeRows(fill: RowWeights): NormalEquations;
}

/**
 * The normal equations of X (with a leading column of ones when `intercept`), by definition.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalEquations } from "./normal_equations.ts";
 * import { fromRows } from "../core/matrix.ts";
 * // Weights w = (1, 4, 9), working response z = (1, 0, 1): the fill writes √w and √w·z.
 * const { A, b } = normalEquations(fromRows([[1, 2], [3, 4], [5, 6]]), true)
 *   .computeRows((_start, _count, sw, zw) => { sw.set([1, 2, 3]); zw.set([1, 0, 3]); });
 * assert.ok(A[0] === 14 && A[1] === 1 + 12 + 45 && A[4] === 1 + 36 + 225);
 * assert.ok(b[0] === 10 && b[2] === 2 + 54);
 * ```
 */
export function normalEquations(X: Matrix, intercept: boolean): NormalEquationsSource {
  const n = X.rows, k = X.cols, off = intercept ? 1 : 0, p = k + off;
  const A = new Float64Array(p * p), b = new Float64Array(p);
  const sw = new Float64Array(n), zw = new Float64Array(n), v = new Float64Array(p);
  return {
    computeRows(fill) {
      fill(0, n, sw, zw);
      A.fill(0);
      b.fill(0);
      for (let i = 0; i < n; i++) {
        if (intercept) v[0] = sw[i];
        for (let j = 0; j < k; j++) v[j + off] = X.data[i * k + j] * sw[i]; // vᵢ = √wᵢ xᵢ
        for (let j = 0; j < p; j++) {
          for (let l = j; l < p; l++) A[j * p + l] += v[j] * v[l]; //      A += vᵢ vᵢᵀ
          b[j] += v[j] * zw[i]; //                                          b += vᵢ √wᵢzᵢ
        }
      }
      for (let j = 0; j < p; j++) {
        for (let l = 0; l < j; l++) A[j * p + l] = A[l * p + j];
      }
      return { A, b, p };
    },
  };
}
