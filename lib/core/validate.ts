/**
 * Argument checks shared by every helper, so that bad input fails early with a message that names
 * the argument and says what is wrong, instead of surfacing later as a silent NaN.
 *
 * @module
 */

import { ArgumentError } from "./errors.ts";
import type { Matrix } from "./matrix.ts";

/**
 * Checks that `value` is an integer of at least `min`.
 *
 * @example
 * ```ts
 * import { checkInteger } from "./validate.ts";
 * checkInteger("epochs", 10, 1); // passes
 * ```
 */
export function checkInteger(name: string, value: number, min = 1): void {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    const what = min === 1 ? "a positive integer" : `an integer ≥ ${min}`;
    throw new ArgumentError(name, `must be ${what}, got ${String(value)}`);
  }
}

/**
 * Checks that `value` is a finite number, and strictly positive when `positive` is set.
 *
 * @example
 * ```ts
 * import { checkFinite } from "./validate.ts";
 * checkFinite("learningRate", 0.001, { positive: true }); // passes
 * ```
 */
export function checkFinite(
  name: string,
  value: number,
  { positive = false }: { positive?: boolean } = {},
): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ArgumentError(name, `must be a finite number, got ${String(value)}`);
  }
  if (positive && !(value > 0)) {
    throw new ArgumentError(name, `must be greater than 0, got ${value}`);
  }
}

/**
 * Checks that a matrix is non-empty, has the expected number of columns (when given) and holds
 * only finite numbers; the error names the first bad cell (1-based row and column).
 *
 * @example
 * ```ts
 * import { checkMatrix } from "./validate.ts";
 * import { fromRows } from "./matrix.ts";
 * checkMatrix("X", fromRows([[1, 2], [3, 4]]), { cols: 2 }); // passes
 * ```
 */
export function checkMatrix(name: string, m: Matrix, { cols }: { cols?: number } = {}): void {
  if (
    m === null || typeof m !== "object" || !(m.data instanceof Float64Array) ||
    m.data.length !== m.rows * m.cols
  ) {
    throw new ArgumentError(name, "must be a Matrix ({ rows, cols, data: Float64Array })");
  }
  if (m.rows === 0 || m.cols === 0) {
    throw new ArgumentError(
      name,
      `is empty (${m.rows}×${m.cols}); it needs at least one row and column`,
    );
  }
  if (cols !== undefined && m.cols !== cols) {
    throw new ArgumentError(name, `has ${m.cols} columns but ${cols} were expected`);
  }
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / m.cols) + 1, c = (i % m.cols) + 1;
      throw new ArgumentError(
        name,
        `holds ${d[i]} at row ${r}, column ${c}; every entry must be finite`,
      );
    }
  }
}

/**
 * Checks that `y` is a vector of 0/1 labels with `n` entries.
 *
 * @example
 * ```ts
 * import { checkLabels } from "./validate.ts";
 * checkLabels("y", [0, 1, 1], 3); // passes
 * ```
 */
export function checkLabels(name: string, y: ArrayLike<number>, n: number): void {
  if (y === null || typeof y !== "object" || typeof y.length !== "number") {
    throw new ArgumentError(name, "must be an array of 0/1 labels");
  }
  if (y.length !== n) {
    throw new ArgumentError(name, `has ${y.length} labels but X has ${n} rows`);
  }
  // In a typed array (numbers only), y(1 − y) is 0 exactly for 0 and 1 (and −0), and nonzero or
  // NaN for anything else: one sum without a branch per label (random labels would mispredict half
  // of them), then the search for the first bad label only where the sum says there is one.
  if (ArrayBuffer.isView(y)) {
    let off = 0;
    for (let i = 0; i < y.length; i++) off += Math.abs(y[i] * (1 - y[i]));
    if (off === 0) return;
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new ArgumentError(name, `holds ${y[i]} at position ${i + 1}; labels must be 0 or 1`);
    }
  }
}

/**
 * Checks that `value` lies in the unit interval: [0, 1) by default, (0, 1) with `open` (for
 * decay rates such as Adam's β₁ and β₂, and momentum).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkUnitInterval } from "./validate.ts";
 * checkUnitInterval("beta1", 0.9); // passes
 * assert.throws(() => checkUnitInterval("beta1", 1), /must lie in \[0, 1\), got 1/);
 * ```
 */
export function checkUnitInterval(
  name: string,
  value: number,
  { open = false }: { open?: boolean } = {},
): void {
  checkFinite(name, value);
  if (value < 0 || value >= 1 || (open && value === 0)) {
    throw new ArgumentError(name, `must lie in ${open ? "(0, 1)" : "[0, 1)"}, got ${value}`);
  }
}

/**
 * Checks that `v` is an array of finite numbers, with `n` entries when `n` is given.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkVector } from "./validate.ts";
 * checkVector("theta", [0.5, -1], 2); // passes
 * assert.throws(() => checkVector("theta", [0, NaN]), /holds NaN at position 2/);
 * ```
 */
export function checkVector(name: string, v: ArrayLike<number>, n?: number): void {
  if (v === null || typeof v !== "object" || typeof v.length !== "number") {
    throw new ArgumentError(name, "must be an array of numbers");
  }
  if (n !== undefined && v.length !== n) {
    throw new ArgumentError(name, `has ${v.length} entries but ${n} were expected`);
  }
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== "number" || !Number.isFinite(v[i])) {
      throw new ArgumentError(name, `holds ${v[i]} at position ${i + 1}; entries must be finite`);
    }
  }
}

/**
 * Checks that `value` is one of `choices`; the message lists them: `must be "a", "b" or "c"`.
 * `note` is added after the list, e.g. `(the only loss implemented)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOneOf } from "./validate.ts";
 * checkOneOf("type", "link", ["link", "response"]); // passes
 * assert.throws(() => checkOneOf("type", "odds", ["link", "response"]), /must be "link" or "response", got odds/);
 * ```
 */
export function checkOneOf<T extends string | number>(
  name: string,
  value: unknown,
  choices: readonly T[],
  note = "",
): asserts value is T {
  if ((choices as readonly unknown[]).includes(value)) return;
  const quoted = choices.map((c) => typeof c === "string" ? `"${c}"` : String(c));
  const list = quoted.length > 1
    ? `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`
    : quoted[0];
  throw new ArgumentError(name, `must be ${list}${note ? ` ${note}` : ""}, got ${String(value)}`);
}

/**
 * Checks that `value` is `true` or `false`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkBoolean } from "./validate.ts";
 * checkBoolean("shuffle", true); // passes
 * assert.throws(() => checkBoolean("shuffle", 1), /must be true or false, got 1/);
 * ```
 */
export function checkBoolean(name: string, value: unknown): asserts value is boolean {
  if (typeof value !== "boolean") {
    throw new ArgumentError(name, `must be true or false, got ${String(value)}`);
  }
}

/**
 * The starting weights θ₀ of an iterative fit: zeros when `init` is undefined, else a copy of
 * `init`, which must hold `k` finite numbers (one per column of X).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startingWeights } from "./validate.ts";
 * assert.deepEqual(startingWeights(undefined, 2), new Float64Array(2));
 * assert.throws(() => startingWeights([1], 2), /`init` must be an array of 2 starting weights/);
 * ```
 */
export function startingWeights(init: ArrayLike<number> | undefined, k: number): Float64Array {
  const theta = new Float64Array(k);
  if (init === undefined) return theta;
  if (init === null || typeof init !== "object" || init.length !== k) {
    throw new ArgumentError(
      "init",
      `must be an array of ${k} starting weights (one per column of X)`,
    );
  }
  for (let j = 0; j < k; j++) {
    checkFinite(`init[${j}]`, init[j]);
    theta[j] = init[j];
  }
  return theta;
}

/**
 * Checks the data and weights of a logistic regression: `X` a finite matrix, `y` its 0/1 labels,
 * `theta` one finite weight per column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkXyTheta } from "./validate.ts";
 * import { fromRows } from "./matrix.ts";
 * checkXyTheta(fromRows([[1, 2]]), [1], [0, 0]); // passes
 * assert.throws(() => checkXyTheta(fromRows([[1, 2]]), [1], [0]), /`theta` has 1 entries/);
 * ```
 */
export function checkXyTheta(X: Matrix, y: ArrayLike<number>, theta: ArrayLike<number>): void {
  checkMatrix("X", X);
  checkLabels("y", y, X.rows);
  checkVector("theta", theta, X.cols);
}
