/**
 * Argument checks shared by every helper, so that bad input fails early with a message that names
 * the argument and says what is wrong, instead of surfacing later as a silent NaN.
 *
 * @module
 */

import type { Matrix } from "./matrix.ts";

/**
 * The error thrown for bad input. `argument` names the offending argument; the message reads
 * `` `argument` <problem> ``.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArgumentError } from "./validate.ts";
 * const e = new ArgumentError("epochs", "must be a positive integer, got 0");
 * assert.ok(e.message === "`epochs` must be a positive integer, got 0");
 * ```
 */
export class ArgumentError extends RangeError {
  /** The name of the argument that was rejected. */
  readonly argument: string;
  /** Makes the error; the message is `` `argument` problem ``. */
  constructor(argument: string, problem: string) {
    super(`\`${argument}\` ${problem}`);
    this.name = "ArgumentError";
    this.argument = argument;
  }
}

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
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new ArgumentError(name, `holds ${y[i]} at position ${i + 1}; labels must be 0 or 1`);
    }
  }
}
