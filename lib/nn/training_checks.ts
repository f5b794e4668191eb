/**
 * The checks that stop training with a clear error instead of a silent NaN: inputs beyond
 * float32's range (in float32 mode), and an epoch whose loss or weights are no longer finite,
 * with the likely cause (features too large to square).
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import type { Matrix } from "../core/matrix.ts";
import type { Dtype } from "./optimizer.ts";

/**
 * Training that cannot go on: at the end of an epoch the loss or a weight was no longer a finite
 * number. The message names the epoch (1-based, as the progress lines count) and the likely
 * cause; the model keeps the weights of the last epoch that ended finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fromRows, TrainingError, tutorialNetwork } from "../mod.ts";
 * const X = fromRows([[1e200], [-1e200], [2e200], [-3e200]]);
 * assert.throws(
 *   () => tutorialNetwork(1).fitSync(X, [1, 0, 1, 0], { epochs: 5, batchSize: 4, verbose: 0 }),
 *   (e) => e instanceof TrainingError && e.epoch === 2 && /the largest \|x\| is 3e\+200/.test(e.message),
 * );
 * ```
 */
export class TrainingError extends Error {
  /** The epoch (1-based) at whose end the loss or a weight was not finite. */
  readonly epoch: number;
  /** Makes the error. */
  constructor(epoch: number, message: string) {
    super(message);
    this.name = "TrainingError";
    this.epoch = epoch;
  }
}

/** The largest finite float32. */
export const FLOAT32_MAX: number = 3.4028234663852886e38;

/**
 * Rejects a matrix with an entry beyond float32's range (it would become ±Infinity), naming the
 * argument, the entry and the remedy.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFloat32 } from "./training_checks.ts";
 * import { fromRows } from "../core/matrix.ts";
 * checkFloat32("X", fromRows([[1, 3e38]]));
 * assert.throws(() => checkFloat32("X", fromRows([[1, 4e38]])), /row 1, column 2/);
 * ```
 */
export function checkFloat32(name: string, m: Matrix): void {
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(Math.fround(d[i]))) {
      const r = Math.floor(i / m.cols) + 1, c = (i % m.cols) + 1;
      throw new ArgumentError(
        name,
        `holds ${d[i]} at row ${r}, column ${c}, beyond float32's range (|x| ≤ ${FLOAT32_MAX}); ` +
          `scale the features or use dtype "float64"`,
      );
    }
  }
}

/**
 * Throws a {@linkcode TrainingError} unless the epoch's loss and every weight are finite: K + 2
 * comparisons per epoch, nothing per row or step. `epoch` counts from 0, as the History does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkEpoch, TrainingError } from "./training_checks.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[1e300], [2]]);
 * checkEpoch(0, 10, 0.69, Float64Array.of(0.1), X, "float64", 0.001);
 * assert.throws(
 *   () => checkEpoch(3, 10, NaN, Float64Array.of(NaN), X, "float64", 0.001),
 *   (e) => e instanceof TrainingError && e.epoch === 4 && /scale the features/.test(e.message),
 * );
 * ```
 */
export function checkEpoch(
  epoch: number,
  epochs: number,
  loss: number,
  w: Float64Array,
  X: Matrix,
  dtype: Dtype,
  learningRate: number,
): void {
  let ok = Number.isFinite(loss);
  for (let j = 0; j < w.length; j++) ok = ok && Number.isFinite(w[j]);
  if (ok) return;
  // Only now, once: where the largest |x| is.
  let big = 0, at = 0;
  for (let i = 0; i < X.data.length; i++) {
    const a = Math.abs(X.data[i]);
    if (a > big) [big, at] = [a, i];
  }
  const row = Math.floor(at / X.cols) + 1, col = (at % X.cols) + 1;
  const badW = w.filter((v) => !Number.isFinite(v)).length;
  // Adam squares the mean gradient, whose entries reach max |x|: that overflows beyond √max.
  const limit = dtype === "float32" ? Math.sqrt(FLOAT32_MAX) : Math.sqrt(Number.MAX_VALUE);
  const cause = big > limit / 10
    ? `scale the features: the largest |x| is ${big} (row ${row}, column ${col}); the gradient ` +
      `grows with |x|, and squared (as Adam does) it overflows ${dtype} once |x| passes about ` +
      `${limit.toPrecision(2)}`
    : `the largest |x| is ${big} (row ${row}, column ${col}); try scaling the features or a ` +
      `smaller learning rate (now ${learningRate})`;
  const what = [
    ...(Number.isFinite(loss) ? [] : [`the loss is ${loss}`]),
    ...(badW === 0 ? [] : [`${badW} of ${w.length} weights are not finite`]),
  ].join(" and ");
  const kept = epoch === 0 ? "its starting weights" : `the weights after epoch ${epoch}`;
  throw new TrainingError(
    epoch + 1,
    `training stopped at epoch ${epoch + 1} of ${epochs}: ${what} (the model keeps ${kept}). ` +
      `Likely cause: ${cause}`,
  );
}
