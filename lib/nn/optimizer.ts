/**
 * What an optimizer is to the training loop: something that updates a weight vector in place from
 * its gradient, keeping its own state (moments, step count), in float64 or in float32.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { checkOneOf } from "../core/validate.ts";

/** The arithmetic of a computation: IEEE double, or float32 with every operation rounded. */
export type Dtype = "float64" | "float32";

/** An optimizer: updates `weights` in place from `grads`, keeping its own state (moments, step count). */
export interface Optimizer {
  /** A short name, e.g. `"adam"`. */
  readonly name: string;
  /** The learning rate. */
  readonly learningRate: number;
  /** The number of steps taken so far (Keras' `optimizer.iterations`). */
  readonly iterations: number;
  /** The arithmetic used by {@linkcode Optimizer.step}. Setting it resets the state. */
  dtype: Dtype;
  /** Takes one step: `weights` is updated in place; `grads` has the same length. */
  step(weights: Float64Array, grads: ArrayLike<number>): void;
  /** Forgets the moments and the step count. */
  reset(): void;
}

/**
 * Checks a dtype name and returns it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkDtype } from "./optimizer.ts";
 * assert.equal(checkDtype("float32"), "float32");
 * assert.throws(() => checkDtype("float16"), /must be "float64" or "float32", got float16/);
 * ```
 */
export function checkDtype(dtype: unknown): Dtype {
  checkOneOf("dtype", dtype, ["float64", "float32"]);
  return dtype;
}

/**
 * Checks the arguments of a step: `weights` a Float64Array (it is updated in place), `grads` of
 * the same length, and that length the one the optimizer's state was made for (`size`, or −1
 * before the first step).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkStep } from "./optimizer.ts";
 * checkStep(new Float64Array(2), [0.1, 0.2], -1); // passes
 * assert.throws(() => checkStep(new Float64Array(2), [0.1], -1), /`grads` has 1 entries/);
 * ```
 */
export function checkStep(weights: Float64Array, grads: ArrayLike<number>, size: number): void {
  if (!(weights instanceof Float64Array)) {
    throw new ArgumentError("weights", "must be a Float64Array (it is updated in place)");
  }
  if (grads.length !== weights.length) {
    throw new ArgumentError(
      "grads",
      `has ${grads.length} entries but weights have ${weights.length}`,
    );
  }
  if (size >= 0 && size !== weights.length) {
    throw new ArgumentError(
      "weights",
      `has ${weights.length} entries but this optimizer was stepping ${size}; call reset() first`,
    );
  }
}

/**
 * What Adam and SGD share: the dtype, checked, whose change resets the optimizer's state.
 * Subclasses keep their own state and step count.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adam } from "./adam.ts";
 * const opt = adam();
 * opt.step(new Float64Array(1), [1]);
 * opt.dtype = "float32"; // resets
 * assert.equal(opt.iterations, 0);
 * ```
 */
export abstract class OptimizerBase implements Optimizer {
  abstract readonly name: string;
  abstract readonly learningRate: number;
  abstract readonly iterations: number;
  #dtype: Dtype;

  /** Checks and stores the dtype. */
  constructor(dtype: unknown) {
    this.#dtype = checkDtype(dtype);
  }
  /** The arithmetic; setting it resets the state. */
  get dtype(): Dtype {
    return this.#dtype;
  }
  set dtype(d: Dtype) {
    this.#dtype = checkDtype(d);
    this.reset();
  }
  abstract step(weights: Float64Array, grads: ArrayLike<number>): void;
  abstract reset(): void;
}
