/**
 * R's interpolation as MASS's `confint.profile.glm` uses it: `spline(x, y)` with the default
 * Forsythe–Malcolm–Moler end conditions (`method = "fmm"`, src/library/stats/src/splines.c) on
 * `n = 3·length(x)` equally spaced points (`seq.int(min, max, length.out = n)`, src/main/seq.c),
 * and linear `approx(x, y, xout)` (approx.c), both after R's `regularize.values`: sorted by x,
 * tied x collapsed to one with the mean of their y. Ports of R 4.2, operation for operation.
 *
 * @module
 */

/** Sorted, de-duplicated (x, y) as R's `regularize.values(x, y, ties = mean)` leaves them. */
export interface XY {
  /** Increasing x. */
  x: number[];
  /** The y of each x (the mean where x was tied). */
  y: number[];
}

/**
 * R's `regularize.values(x, y, mean)`: pairs with a missing value dropped, sorted by x (stably, as
 * R's `order`), and tied x collapsed to one with the mean of their y.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { regularize } from "./spline.ts";
 * assert.deepEqual(regularize([2, 1, 2], [10, 5, 20]), { x: [1, 2], y: [5, 15] });
 * ```
 */
export function regularize(x: ArrayLike<number>, y: ArrayLike<number>): XY {
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isNaN(x[i]) && !Number.isNaN(y[i])) idx.push(i);
  }
  idx.sort((a, b) => x[a] - x[b] || a - b);
  const out: XY = { x: [], y: [] };
  for (let k = 0; k < idx.length;) {
    let j = k, s = 0;
    while (j < idx.length && x[idx[j]] === x[idx[k]]) s += y[idx[j++]];
    out.x.push(x[idx[k]]);
    out.y.push(j - k === 1 ? y[idx[k]] : s / (j - k));
    k = j;
  }
  return out;
}

/**
 * R's `seq.int(from, to, length.out = n)`: `from`, `to`, and from + i·by between (by = (to − from)/(n − 1)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seqLength } from "./spline.ts";
 * assert.deepEqual(seqLength(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
 * ```
 */
export function seqLength(from: number, to: number, n: number): number[] {
  const out = new Array<number>(n);
  if (n > 0) out[0] = from;
  if (n > 1) out[n - 1] = to;
  if (n > 2) {
    const by = (to - from) / (n - 1);
    for (let i = 1; i < n - 1; i++) out[i] = from + i * by;
  }
  return out;
}

/** The cubic pieces of a spline: on [x[i], x[i+1]], y[i] + d(b[i] + d(c[i] + d·e[i])). */
interface SplineCoef {
  x: number[];
  y: number[];
  b: Float64Array;
  c: Float64Array;
  d: Float64Array;
}

/** R's `fmm_spline` (splines.c): the spline with Forsythe, Malcolm and Moler's end conditions. */
function fmmSpline(x: number[], y: number[]): SplineCoef {
  const n = x.length;
  // 1-based, as the C code after its `x--; y--; …`.
  const X = [NaN, ...x], Y = [NaN, ...y];
  const b = new Float64Array(n + 1), c = new Float64Array(n + 1), d = new Float64Array(n + 1);
  const result = () => ({ x, y, b: b.subarray(1), c: c.subarray(1), d: d.subarray(1) });
  if (n < 2) return result();
  if (n < 3) {
    const t = Y[2] - Y[1];
    b[1] = t / (X[2] - X[1]);
    b[2] = b[1];
    return result();
  }
  const nm1 = n - 1;
  // Set up the tridiagonal system: b = diagonal, d = off-diagonal, c = right-hand side.
  d[1] = X[2] - X[1];
  c[2] = (Y[2] - Y[1]) / d[1];
  for (let i = 2; i < n; i++) {
    d[i] = X[i + 1] - X[i];
    b[i] = 2.0 * (d[i - 1] + d[i]);
    c[i + 1] = (Y[i + 1] - Y[i]) / d[i];
    c[i] = c[i + 1] - c[i];
  }
  // End conditions: third derivatives at x[1] and x[n] from divided differences.
  b[1] = -d[1];
  b[n] = -d[nm1];
  c[1] = c[n] = 0.0;
  if (n > 3) {
    c[1] = c[3] / (X[4] - X[2]) - c[2] / (X[3] - X[1]);
    c[n] = c[nm1] / (X[n] - X[n - 2]) - c[n - 2] / (X[nm1] - X[n - 3]);
    c[1] = c[1] * d[1] * d[1] / (X[4] - X[1]);
    c[n] = -c[n] * d[nm1] * d[nm1] / (X[n] - X[n - 3]);
  }
  // Gaussian elimination, then back substitution.
  for (let i = 2; i <= n; i++) {
    const t = d[i - 1] / b[i - 1];
    b[i] = b[i] - t * d[i - 1];
    c[i] = c[i] - t * c[i - 1];
  }
  c[n] = c[n] / b[n];
  for (let i = nm1; i >= 1; i--) c[i] = (c[i] - d[i] * c[i + 1]) / b[i];
  // The polynomial coefficients.
  b[n] = (Y[n] - Y[n - 1]) / d[n - 1] + d[n - 1] * (c[n - 1] + 2.0 * c[n]);
  for (let i = 1; i <= nm1; i++) {
    b[i] = (Y[i + 1] - Y[i]) / d[i] - d[i] * (c[i + 1] + 2.0 * c[i]);
    d[i] = (c[i + 1] - c[i]) / d[i];
    c[i] = 3.0 * c[i];
  }
  c[n] = 3.0 * c[n];
  d[n] = d[nm1];
  return result();
}

/** R's `spline_eval` for the fmm spline: the cubic piece of the interval holding each u. */
function splineEval(u: number[], s: SplineCoef): number[] {
  const { x, y, b, c, d } = s;
  const n = x.length, n1 = n - 1;
  const v = new Array<number>(u.length);
  let i = 0;
  for (let l = 0; l < u.length; l++) {
    const ul = u[l];
    if (ul < x[i] || (i < n1 && x[i + 1] < ul)) {
      // Reset i such that x[i] <= ul <= x[i+1].
      i = 0;
      let j = n;
      do {
        const k = Math.trunc((i + j) / 2);
        if (ul < x[k]) j = k;
        else i = k;
      } while (j > i + 1);
    }
    const dx = ul - x[i];
    v[l] = y[i] + dx * (b[i] + dx * (c[i] + dx * d[i]));
  }
  return v;
}

/**
 * R's `spline(x, y)` with its defaults: the fmm interpolating spline of the regularized points,
 * evaluated at `n = 3 · (number of distinct x)` equally spaced points from min(x) to max(x).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spline } from "./spline.ts";
 * // Four points of y = x³: the fmm end conditions reproduce a cubic exactly.
 * const s = spline([0, 1, 2, 3], [0, 1, 8, 27]);
 * assert.equal(s.x.length, 12);
 * s.x.forEach((x, i) => assert.ok(Math.abs(s.y[i] - x ** 3) < 1e-12));
 * ```
 */
export function spline(x: ArrayLike<number>, y: ArrayLike<number>): XY {
  const r = regularize(x, y);
  if (r.x.length === 0) throw new RangeError("spline: zero non-NA points");
  const nx = r.x.length;
  const xout = seqLength(r.x[0], r.x[nx - 1], 3 * nx);
  return { x: xout, y: splineEval(xout, fmmSpline(r.x, r.y)) };
}

/**
 * R's `approx(x, y, xout)$y` (linear, `rule = 1`: NaN outside the range of x), after
 * `regularize.values` (sorted, tied x averaged).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { approx } from "./spline.ts";
 * assert.deepEqual(approx([0, 1, 2], [0, 10, 30], [0.5, 1.5, 3]), [5, 20, NaN]);
 * ```
 */
export function approx(x: ArrayLike<number>, y: ArrayLike<number>, xout: number[]): number[] {
  const r = regularize(x, y);
  const n = r.x.length;
  if (n <= 1) throw new RangeError("approx: need at least two non-NA values to interpolate");
  return xout.map((v) => {
    if (Number.isNaN(v)) return v;
    let i = 0, j = n - 1;
    if (v < r.x[i] || v > r.x[j]) return NaN;
    while (i < j - 1) {
      const ij = Math.trunc((i + j) / 2);
      if (v < r.x[ij]) j = ij;
      else i = ij;
    }
    if (v === r.x[j]) return r.y[j];
    if (v === r.x[i]) return r.y[i];
    return r.y[i] + (r.y[j] - r.y[i]) * ((v - r.x[i]) / (r.x[j] - r.x[i]));
  });
}
