/**
 * The numbers the tutorial printed, copied from its text (cell numbers as in the tutorial), so that
 * notebooks and tests can compare against them. They are the tutorial's own outputs: Keras' and
 * R's, not ours.
 *
 * @module
 */

/**
 * The Keras network's weights after 1000 epochs at batch size 1000, printed by
 * `get_weights(nn_model)[1]` (In [12]), in the order of the features X1…X10.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TUTORIAL_KERAS_WEIGHTS } from "./tutorial.ts";
 * assert.ok(TUTORIAL_KERAS_WEIGHTS.length === 10);
 * ```
 */
export const TUTORIAL_KERAS_WEIGHTS: readonly number[] = Object.freeze([
  -0.003036723,
  -0.005477559,
  0.149673387,
  -0.211892888,
  0.006067039,
  -0.126188636,
  0.02324024,
  0.038955178,
  0.108082101,
  0.118358888,
]);

/**
 * The mean absolute percentage error between the Keras weights and glm's coefficients, as printed
 * by `cat()` in In [15]: "0.0002394773" (percent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TUTORIAL_KERAS_MAPE } from "./tutorial.ts";
 * assert.ok(TUTORIAL_KERAS_MAPE < 0.001);
 * ```
 */
export const TUTORIAL_KERAS_MAPE = 0.0002394773;

/**
 * The mean absolute percentage error between the from-scratch Adam loop's weights and glm's
 * coefficients, as printed by `cat()` in In [17]: "0.000326558" (percent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { TUTORIAL_SCRATCH_ADAM_MAPE } from "./tutorial.ts";
 * assert.ok(TUTORIAL_SCRATCH_ADAM_MAPE < 0.001);
 * ```
 */
export const TUTORIAL_SCRATCH_ADAM_MAPE = 0.000326558;
