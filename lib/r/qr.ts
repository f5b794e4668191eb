/**
 * Householder QR with R's limited column pivoting: a faithful port of LINPACK `dqrdc2` (R's
 * modification of `dqrdc`) and of the parts of `dqrsl` that R's `C_Cdqrls` (and so `lm.fit` and
 * `glm.fit`) uses to solve least-squares problems.
 *
 * Matrices here are **column-major** (`a[j * n + i]` is row `i`, column `j`), the layout LINPACK
 * works in: every Householder step walks down columns, so this keeps the hot loops contiguous.
 *
 * Columns whose norm, after the previous reflections, falls below `tol` times their original
 * norm are moved to the right-hand edge and left out of the solution; the rank is the number of
 * columns kept. That is how R decides that a coefficient is aliased (`NA`).
 *
 * @module
 */

/** The result of {@linkcode qrls}: LINPACK's compact QR and the least-squares solution. */
export interface QrLs {
  /** The compact QR factorisation (column-major, n × p): R in the upper triangle. */
  readonly qr: Float64Array;
  /** Rows of the factorised matrix. */
  readonly n: number;
  /** Columns of the factorised matrix. */
  readonly p: number;
  /** Auxiliary information about the Householder vectors (LINPACK's `qraux`). */
  readonly qraux: Float64Array;
  /** The column order after pivoting, 0-based: column `pivot[j]` of the input is column `j` here. */
  readonly pivot: Int32Array;
  /** The numerical rank: the first `rank` pivoted columns are used in the solution. */
  readonly rank: number;
  /** Solution in pivoted order; entries `rank..p-1` are 0 (R: `fit$coefficients`). */
  readonly coefficients: Float64Array;
}

/** Euclidean norm of `x[from .. from+len-1]`, without overflow or harmful underflow. */
function nrm2(x: Float64Array, from: number, len: number): number {
  let s = 0;
  const end = from + len;
  for (let i = from; i < end; i++) s += x[i] * x[i];
  if (s < Number.POSITIVE_INFINITY && s > 1e-290) return Math.sqrt(s);
  if (s === 0) return 0;
  // Rare: scale to avoid overflow or loss to underflow.
  let scale = 0;
  for (let i = from; i < end; i++) scale = Math.max(scale, Math.abs(x[i]));
  if (scale === 0) return 0;
  let t = 0;
  for (let i = from; i < end; i++) {
    const v = x[i] / scale;
    t += v * v;
  }
  return scale * Math.sqrt(t);
}

/**
 * LINPACK `dqrdc2`: Householder QR of the column-major `n × p` matrix `x`, in place, with R's
 * limited column pivoting. Returns the rank; fills `qraux` and permutes `pivot` (which should hold
 * `0..p-1` on entry).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dqrdc2 } from "./qr.ts";
 * // Columns (1,1,1) and (2,2,2) are collinear: rank 1, the second column is pivoted out.
 * const x = Float64Array.from([1, 1, 1, 2, 2, 2]);
 * const pivot = Int32Array.from([0, 1]);
 * const rank = dqrdc2(x, 3, 2, 1e-7, new Float64Array(2), pivot);
 * assert.ok(rank === 1);
 * ```
 */
export function dqrdc2(
  x: Float64Array,
  n: number,
  p: number,
  tol: number,
  qraux: Float64Array,
  pivot: Int32Array,
): number {
  const work1 = new Float64Array(p); // current norms (recomputed)
  const work2 = new Float64Array(p); // original norms (1 where 0)
  if (n > 0) {
    for (let j = 0; j < p; j++) {
      qraux[j] = nrm2(x, j * n, n);
      work1[j] = qraux[j];
      work2[j] = qraux[j] === 0 ? 1 : qraux[j];
    }
  }
  const lup = Math.min(n, p);
  let k = p + 1; // 1-based, as in the Fortran
  const tmp = new Float64Array(n);
  for (let l = 0; l < lup; l++) {
    // Cycle negligible columns to the right-hand edge (the `l .ge. k` check stops cycling).
    while (!(l + 1 >= k || qraux[l] >= work2[l] * tol)) {
      moveToEnd(x, n, p, l, tmp, pivot, [qraux, work1, work2]);
      k--;
    }
    if (l + 1 === n) continue;
    // Householder transformation for column l.
    const cl = l * n;
    let nrmxl = nrm2(x, cl + l, n - l);
    if (nrmxl === 0) continue;
    if (x[cl + l] !== 0) nrmxl = x[cl + l] >= 0 ? Math.abs(nrmxl) : -Math.abs(nrmxl);
    const inv = 1 / nrmxl;
    for (let i = cl + l; i < cl + n; i++) x[i] *= inv;
    x[cl + l] = 1 + x[cl + l];
    const xll = x[cl + l];
    // Apply it to the remaining columns, four at a time (the same operations, in the same order,
    // as column by column: only the memory traffic changes), then update their norms.
    let j = l + 1;
    for (; j + 3 < p; j += 4) {
      const c0 = j * n, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (let i = l; i < n; i++) {
        const v = x[cl + i];
        d0 += v * x[c0 + i];
        d1 += v * x[c1 + i];
        d2 += v * x[c2 + i];
        d3 += v * x[c3 + i];
      }
      const t0 = -d0 / xll, t1 = -d1 / xll, t2 = -d2 / xll, t3 = -d3 / xll;
      for (let i = l; i < n; i++) {
        const v = x[cl + i];
        x[c0 + i] += t0 * v;
        x[c1 + i] += t1 * v;
        x[c2 + i] += t2 * v;
        x[c3 + i] += t3 * v;
      }
      for (let q = j; q < j + 4; q++) updateNorm(x, n, l, q, qraux, work1);
    }
    for (; j < p; j++) {
      const cj = j * n;
      let d = 0;
      for (let i = l; i < n; i++) d += x[cl + i] * x[cj + i];
      const t = -d / xll;
      for (let i = l; i < n; i++) x[cj + i] += t * x[cl + i];
      updateNorm(x, n, l, j, qraux, work1);
    }
    qraux[l] = xll;
    x[cl + l] = -nrmxl;
  }
  return Math.min(k - 1, n);
}

/** Moves column l of x (and its entries of `pivot` and the norm arrays) to the right-hand edge. */
function moveToEnd(
  x: Float64Array,
  n: number,
  p: number,
  l: number,
  tmp: Float64Array,
  pivot: Int32Array,
  norms: Float64Array[],
): void {
  tmp.set(x.subarray(l * n, (l + 1) * n));
  x.copyWithin(l * n, (l + 1) * n, p * n);
  x.set(tmp, (p - 1) * n);
  pivot.set([...pivot.subarray(l + 1, p), pivot[l]], l);
  for (const a of norms) a.set([...a.subarray(l + 1, p), a[l]], l);
}

/** dqrdc2's norm downdate for column j after step l (recomputed when it shrinks a lot). */
function updateNorm(
  x: Float64Array,
  n: number,
  l: number,
  j: number,
  qraux: Float64Array,
  work1: Float64Array,
): void {
  if (qraux[j] === 0) return;
  const r = Math.abs(x[j * n + l]) / qraux[j];
  let t = 1 - r * r;
  t = Math.max(t, 0);
  if (Math.abs(t) >= 1e-6) {
    qraux[j] = qraux[j] * Math.sqrt(t);
  } else {
    qraux[j] = nrm2(x, j * n + l + 1, n - l - 1);
    work1[j] = qraux[j];
  }
}

/**
 * Least squares `min ‖x b − y‖` like R's `C_Cdqrls` (LINPACK `dqrls`: `dqrdc2`, then `dqrsl`
 * computing Qᵀy and back-solving). `x` (column-major `n × p`) is overwritten by its QR; `y` is
 * not modified.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qrls } from "./qr.ts";
 * // y = 1 + 2 t on t = 0, 1, 2: columns (1,1,1) and (0,1,2).
 * const fit = qrls(Float64Array.from([1, 1, 1, 0, 1, 2]), 3, 2, Float64Array.from([1, 3, 5]), 1e-7);
 * assert.ok(Math.abs(fit.coefficients[0] - 1) < 1e-12 && Math.abs(fit.coefficients[1] - 2) < 1e-12);
 * ```
 */
export function qrls(x: Float64Array, n: number, p: number, y: Float64Array, tol: number): QrLs {
  const qraux = new Float64Array(p);
  const pivot = new Int32Array(p);
  for (let j = 0; j < p; j++) pivot[j] = j;
  const rank = dqrdc2(x, n, p, tol, qraux, pivot);
  const b = new Float64Array(p);
  if (rank > 0) {
    const qty = Float64Array.from(y);
    const ju = Math.min(rank, n - 1);
    if (ju === 0) {
      if (x[0] !== 0) b[0] = y[0] / x[0];
    } else {
      // Qᵀy.
      for (let j = 0; j < ju; j++) {
        if (qraux[j] === 0) continue;
        const cj = j * n;
        const temp = x[cj + j];
        x[cj + j] = qraux[j];
        let d = 0;
        for (let i = j; i < n; i++) d += x[cj + i] * qty[i];
        const t = -d / x[cj + j];
        for (let i = j; i < n; i++) qty[i] += t * x[cj + i];
        x[cj + j] = temp;
      }
      for (let j = 0; j < rank; j++) b[j] = qty[j];
      // Back-solve R b = (Qᵀy)[0..rank-1].
      for (let jj = 0; jj < rank; jj++) {
        const j = rank - 1 - jj;
        const cj = j * n;
        if (x[cj + j] === 0) break; // LINPACK's info = j: R leaves the rest as is
        b[j] = b[j] / x[cj + j];
        if (j !== 0) {
          const t = -b[j];
          for (let i = 0; i < j; i++) b[i] += t * x[cj + i];
        }
      }
    }
  }
  return { qr: x, n, p, qraux, pivot, rank, coefficients: b };
}
