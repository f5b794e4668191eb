/**
 * The fast way to solve an IRLS step: the normal equations XᵀWX β = XᵀWz (`normal_equations.ts`,
 * or the kernel behind `engine.ts`), solved by Cholesky after equilibration, with the checks that
 * send the fit back to R's QR wherever R's answer could differ (a tiny pivot: a column R might
 * alias; a large condition number).
 *
 * @module
 */

import type { NormalEquationsSource } from "./normal_equations.ts";
import type { WlsSolver } from "./wls.ts";

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
 * The normal-equations path: A = XᵀWX and b = XᵀWz in one pass over X (`source`), then Cholesky
 * on the equilibrated A (so that badly scaled columns do no harm). Returns `null` from `solve`
 * (→ QR) when a relative pivot is below {@linkcode MIN_RELATIVE_PIVOT}, or (with `maxCondition`)
 * when the equilibrated A's condition number exceeds it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { choleskySolver } from "./cholesky.ts";
 * import { normalEquations } from "./normal_equations.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1], [2]]);
 * const solver = choleskySolver(normalEquations(X, false), 1, Infinity);
 * const step = solver.solve((_s, _n, sw, zw) => { sw.fill(1); zw.set([1, 2]); }); // y = x
 * assert.ok(step !== null && Math.abs(step.coefficients[0] - 1) < 1e-15);
 * ```
 */
export function choleskySolver(
  source: NormalEquationsSource,
  p: number,
  maxCondition: number,
): WlsSolver {
  const L = new Float64Array(p * p); // lower triangle of the Cholesky factor of S, row-major
  const Sinv = new Float64Array(p * p); // S⁻¹ (full), S = D^-½ A D^-½
  const d = new Float64Array(p); // √diag(A)
  const y = new Float64Array(p);
  return {
    solve(fill) {
      const { A, b } = source.computeRows(fill);
      for (let j = 0; j < p; j++) {
        const ajj = A[j * p + j];
        // Below 1e-290 the sum Σ w x² holds subnormal terms that lost digits: R's scaled QR.
        if (!(ajj > 1e-290 && ajj < Infinity)) return null;
        d[j] = Math.sqrt(ajj);
      }
      if (!factor(A, d, p, L)) return null;
      solveInPlace(L, p, b, d, y);
      invertFromCholesky(L, p, Sinv);
      if (maxCondition < Infinity && !(condition(A, d, Sinv, p) <= maxCondition)) return null;
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

/** Cholesky S = L Lᵀ of S = D^-½ A D^-½, row by row; false at a relative pivot too small. */
function factor(A: Float64Array, d: Float64Array, p: number, L: Float64Array): boolean {
  for (let i = 0; i < p; i++) {
    const ri = i * p;
    for (let j = 0; j <= i; j++) {
      const rj = j * p;
      let s = A[ri + j] / (d[i] * d[j]);
      for (let m = 0; m < j; m++) s -= L[ri + m] * L[rj + m];
      if (i === j) {
        if (!(s >= MIN_RELATIVE_PIVOT)) return false;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return true;
}

/** S (D β) = D⁻¹ b: forward then back substitution, D β into `y`. */
function solveInPlace(
  L: Float64Array,
  p: number,
  b: Float64Array,
  d: Float64Array,
  y: Float64Array,
) {
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
}

/** cond₁(S) = ‖S‖₁ ‖S⁻¹‖₁ (both symmetric: max row sums). */
function condition(A: Float64Array, d: Float64Array, Sinv: Float64Array, p: number): number {
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
  return nS * nInv;
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
