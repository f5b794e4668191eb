/**
 * The one error type for bad arguments. A leaf: it imports nothing, so every file (the matrix
 * constructors and the argument checks alike) can throw it without importing each other.
 *
 * @module
 */

/**
 * The error thrown for bad input. `argument` names the offending argument; the message reads
 * `` `argument` <problem> ``.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ArgumentError } from "./errors.ts";
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
