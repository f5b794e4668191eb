/**
 * The weighted least-squares problem at the heart of every IRLS step, min ‖√W (z − Xβ)‖², and R's
 * way of solving it: a Householder QR of √W X with R's limited pivoting (`lib/r/qr.ts`), which
 * also decides which columns are aliased. The normal-equations solver is in `cholesky.ts`.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import { qrls } from "../r/qr.ts";

/**
 * Writes the weights of rows `start .. start + count − 1` into `sw[0 .. count)` (their `√wᵢ`) and
 * `zw[0 .. count)` (their `√wᵢ · zᵢ`). A solver calls it for the rows it needs, in order.
 */
export type RowWeights = (start: number, count: number, sw: Float64Array, zw: Float64Array) => void;

/**
 * One weighted least-squares solve per IRLS iteration: `solve` gets a function that writes R's
 * weights `w` (the square roots of the IRLS weights) and the weighted working response `zw = z·w`
 * of any range of rows, and returns the coefficients in the original column order, or `null` when
 * it cannot be trusted to give R's answer (the fit is then redone by QR).
 */
export interface WlsSolver {
  /** Solves at the weights `fill` writes; `null` when the result cannot be trusted (→ QR). */
  solve(fill: RowWeights): WlsStep | null;
  /** Standard errors (dispersion 1) of the last solve, original order; NaN where aliased. */
  standardErrors(): Float64Array;
  /** (XᵀWX)⁻¹ of the last solve, p × p row-major, original order; NaN where aliased. */
  covariance(): Float64Array;
}

/** One weighted least-squares solution. */
export interface WlsStep {
  /** Coefficients in the original column order; 0 where aliased. */
  coefficients: Float64Array;
  /** Aliased columns (original order): R's `NA`. */
  aliased: Uint8Array;
  /** The numerical rank. */
  rank: number;
}

/**
 * R's path: Householder QR (LINPACK dqrdc2/dqrsl) of √W X, exactly as `glm.fit` calls it, with
 * R's rank tolerance `tol`. With `rows`, only those rows enter the QR (R's `x[good, ]`: the rows
 * of positive prior weight), in their order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qrSolver } from "./wls.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const solver = qrSolver(fromRows([[1], [2]]), false, 1e-7);
 * const step = solver.solve((_s, _n, sw, zw) => { sw.fill(1); zw.set([1, 2]); }); // y = x
 * assert.ok(step !== null && Math.abs(step.coefficients[0] - 1) < 1e-15);
 * ```
 */
export function qrSolver(
  X: Matrix,
  intercept: boolean,
  tol: number,
  rows: Int32Array | null = null,
): WlsSolver {
  const n = X.rows, k = X.cols, Xd = X.data;
  const off = intercept ? 1 : 0;
  const p = k + off;
  const m = rows === null ? n : rows.length;
  const A = new Float64Array(m * p);
  const w = new Float64Array(n), zw = new Float64Array(n);
  const zc = rows === null ? zw : new Float64Array(m);
  let last: ReturnType<typeof qrls> | null = null;
  return {
    solve(fill) {
      fill(0, n, w, zw);
      // A = diag(w) X in column-major order (rows r of the QR are rows[r] of X).
      for (let r = 0; r < m; r++) {
        const i = rows === null ? r : rows[r];
        const wi = w[i], b = i * k;
        if (intercept) A[r] = wi;
        for (let j = 0; j < k; j++) A[(j + off) * m + r] = Xd[b + j] * wi;
        if (rows !== null) zc[r] = zw[i];
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

/**
 * R's `chol2inv(qr[1:rank, 1:rank])` put back in the original column order: (XᵀWX)⁻¹ of the
 * columns kept, p × p row-major, NaN in the rows and columns pivoted out (aliased).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { covarianceFromR } from "./wls.ts";
 * // R = [[2, 1], [0, 4]] (column-major, n = 2): RᵀR = [[4, 2], [2, 17]], its inverse /64:
 * const V = covarianceFromR(Float64Array.of(2, 0, 1, 4), 2, 2, Int32Array.of(0, 1), 2);
 * assert.deepEqual(Array.from(V), [17 / 64, -2 / 64, -2 / 64, 4 / 64]);
 * ```
 */
export function covarianceFromR(
  qr: Float64Array,
  n: number,
  rank: number,
  pivot: Int32Array,
  p: number,
): Float64Array {
  const inv = upperInverse(qr, n, rank);
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

/** R⁻¹ of the leading `rank × rank` upper triangle of the compact QR (R R⁻¹ = I), column-major. */
function upperInverse(qr: Float64Array, n: number, rank: number): Float64Array {
  const inv = new Float64Array(rank * rank);
  for (let c = 0; c < rank; c++) {
    for (let r = c; r >= 0; r--) {
      let s = r === c ? 1 : 0;
      for (let m = r + 1; m <= c; m++) s -= qr[m * n + r] * inv[c * rank + m];
      inv[c * rank + r] = s / qr[r * n + r];
    }
  }
  return inv;
}

/** sqrt(diag(chol2inv(R))) for the leading `rank × rank` block of the compact QR. */
function seFromR(qr: Float64Array, n: number, rank: number): Float64Array {
  const inv = upperInverse(qr, n, rank);
  const out = new Float64Array(rank);
  for (let r = 0; r < rank; r++) {
    let s = 0;
    for (let c = r; c < rank; c++) s += inv[c * rank + r] * inv[c * rank + r];
    out[r] = Math.sqrt(s);
  }
  return out;
}
