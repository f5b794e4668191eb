/**
 * The optimizers the network can be compiled with: Adam in Keras' form and in the paper's
 * (`adam.ts`), and plain SGD (`sgd.ts`), by name or as objects.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { adam } from "./adam.ts";
import type { Optimizer } from "./optimizer.ts";
import { sgd } from "./sgd.ts";

/** The optimizer names {@linkcode getOptimizer} understands. */
export type OptimizerName = "adam" | "sgd";

/**
 * Turns a name (`"adam"`, `"sgd"`, with their defaults) or an optimizer into an optimizer, as
 * Keras' `compile(optimizer = "adam")` does. Unknown names throw an `ArgumentError`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { getOptimizer } from "./optimizers.ts";
 * assert.ok(getOptimizer("adam").learningRate === 0.001);
 * ```
 */
export function getOptimizer(optimizer: OptimizerName | Optimizer): Optimizer {
  if (optimizer === "adam") return adam();
  if (optimizer === "sgd") return sgd();
  if (
    optimizer !== null && typeof optimizer === "object" &&
    typeof (optimizer as Optimizer).step === "function"
  ) {
    return optimizer;
  }
  throw new ArgumentError(
    "optimizer",
    `must be "adam", "sgd" or an optimizer such as adam(), got ${JSON.stringify(optimizer)}`,
  );
}
