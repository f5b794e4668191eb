/**
 * A small dense, row-major matrix of doubles: the one shape of data every helper in `lib/` takes.
 *
 * `X[i, j]` is `data[i * cols + j]`. Row-major is what the hot loops (Xθ, Xᵀr) want; R fills its
 * matrices column by column, which {@linkcode fromColumnMajor} reproduces.
 *
 * @module
 */

import { ArgumentError } from "./errors.ts";

/** A dense row-major matrix of 64-bit floats. */
export interface Matrix {
  /** Number of rows (observations, N). */
  readonly rows: number;
  /** Number of columns (features, K). */
  readonly cols: number;
  /** The `rows * cols` entries, row after row. */
  readonly data: Float64Array;
}

/**
 * Makes a matrix from row-major data, checking that the length fits the shape.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matrix } from "./matrix.ts";
 * const m = matrix(2, 3, [1, 2, 3, 4, 5, 6]);
 * assert.ok(m.data[1 * 3 + 0] === 4);
 * ```
 */
export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  if (!Number.isInteger(rows) || rows < 0) {
    throw new ArgumentError("rows", `must be a non-negative integer, got ${rows}`);
  }
  if (!Number.isInteger(cols) || cols < 0) {
    throw new ArgumentError("cols", `must be a non-negative integer, got ${cols}`);
  }
  if (data === undefined) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) {
    throw new ArgumentError(
      "data",
      `has ${data.length} entries but a ${rows}×${cols} matrix needs ${rows * cols}`,
    );
  }
  return { rows, cols, data: Float64Array.from(data) };
}

/**
 * Makes a matrix from an array of equally long rows.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows } from "./matrix.ts";
 * const m = fromRows([[1, 2], [3, 4]]);
 * assert.ok(m.rows === 2 && m.cols === 2 && m.data[2] === 3);
 * ```
 */
export function fromRows(rows: ReadonlyArray<ArrayLike<number>>): Matrix {
  const cols = rows.length === 0 ? 0 : rows[0].length;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) {
      throw new ArgumentError("rows", `row ${i + 1} has ${row.length} entries, row 1 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  });
  return { rows: rows.length, cols, data };
}

/**
 * Fills a `rows × cols` matrix column by column from `values`, like R's
 * `matrix(values, ncol = cols)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromColumnMajor } from "./matrix.ts";
 * const m = fromColumnMajor(2, 2, [1, 2, 3, 4]); // R: matrix(1:4, ncol = 2)
 * assert.ok(m.data[0] === 1 && m.data[1] === 3);
 * ```
 */
export function fromColumnMajor(rows: number, cols: number, values: ArrayLike<number>): Matrix {
  if (values.length !== rows * cols) {
    throw new ArgumentError(
      "values",
      `has ${values.length} entries but a ${rows}×${cols} matrix needs ${rows * cols}`,
    );
  }
  const data = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) data[i * cols + j] = values[j * rows + i];
  }
  return { rows, cols, data };
}

/**
 * Returns row `i` (0-based) as a new array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows, row } from "./matrix.ts";
 * assert.ok(row(fromRows([[1, 2], [3, 4]]), 1)[0] === 3);
 * ```
 */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.slice(i * m.cols, (i + 1) * m.cols);
}

/**
 * Returns column `j` (0-based) as a new array.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { column, fromRows } from "./matrix.ts";
 * assert.ok(column(fromRows([[1, 2], [3, 4]]), 1)[1] === 4);
 * ```
 */
export function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/**
 * Returns the rows of `m` as plain arrays (handy for tables and JSON).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows, toRows } from "./matrix.ts";
 * assert.ok(toRows(fromRows([[1, 2]]))[0][1] === 2);
 * ```
 */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(row(m, i)));
  return out;
}

/**
 * η = Xβ for rows `from` to `to` (exclusive) into `eta` (row i at `eta[at + i − from]`; by default
 * at `eta[i]`): with `intercept`, β₀ comes first and is added before the products, then
 * Σⱼ x_ij·β_{j+1} in column order. Four rows are computed side by side (the same operations in the
 * same order as row by row, so the same bits), which lets the engine keep them in registers; glm's
 * row updates, readable and fused, share it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows, linearPredictorRows } from "./matrix.ts";
 * const X = fromRows([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
 * const eta = new Float64Array(5);
 * linearPredictorRows(X, true, Float64Array.of(0.5, 1, -1), eta, 0, 5);
 * assert.deepEqual([...eta], [-0.5, -0.5, -0.5, -0.5, -0.5]);
 * ```
 */
export function linearPredictorRows(
  X: Matrix,
  intercept: boolean,
  beta: ArrayLike<number>,
  eta: Float64Array,
  from: number,
  to: number,
  at: number = from,
): void {
  const k = X.cols, Xd = X.data, off = intercept ? 1 : 0, shift = at - from;
  const b0 = intercept ? beta[0] : 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    let s0 = b0, s1 = b0, s2 = b0, s3 = b0;
    const r0 = i * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
    for (let j = 0; j < k; j++) {
      const bj = beta[j + off];
      s0 += Xd[r0 + j] * bj;
      s1 += Xd[r1 + j] * bj;
      s2 += Xd[r2 + j] * bj;
      s3 += Xd[r3 + j] * bj;
    }
    eta[i + shift] = s0;
    eta[i + shift + 1] = s1;
    eta[i + shift + 2] = s2;
    eta[i + shift + 3] = s3;
  }
  for (; i < to; i++) {
    let s = b0;
    for (let j = 0; j < k; j++) s += Xd[i * k + j] * beta[j + off];
    eta[i + shift] = s;
  }
}
