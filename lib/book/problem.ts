/**
 * What the experiments of notebook 06 share: the problem (the tutorial's data and its glm fit),
 * training the tutorial's network with weights recorded along the way, and the agreement of a
 * weight vector with glm's coefficients.
 *
 * "The network" is the Keras-equivalent model of `lib/nn/` (one dense sigmoid unit without bias,
 * zeros initialiser unless stated, Adam in Keras' form, the batch mean of binary cross-entropy,
 * float64). The reference is glm's fit (R's IRLS, `maxit = 25, epsilon = 1e-10`, as the tutorial).
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { maxAbsDifference, meanAbsolutePercentageError } from "../core/metrics.ts";
import { checkInteger } from "../core/validate.ts";
import { generateData } from "../data/dataset.ts";
import { glm } from "../glm/glm.ts";
import { tutorialNetwork } from "../nn/network.ts";

/** A data set with its glm fit: what every experiment compares against. */
export interface Problem {
  /** N × K features. */
  X: Matrix;
  /** N labels (0/1). */
  y: Float64Array;
  /** glm's coefficients (`maxit = 25, epsilon = 1e-10`); all finite for a well-posed problem. */
  glm: Float64Array;
}

/**
 * The tutorial's data (R's `set.seed(42)` stream) and its glm fit, or another data set's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tutorialProblem } from "./problem.ts";
 * const p = tutorialProblem();
 * assert.ok(p.X.rows === 1000 && p.glm.length === 10);
 * ```
 */
export function tutorialProblem(X?: Matrix, y?: ArrayLike<number>): Problem {
  if (X === undefined || y === undefined) ({ X, y } = generateData());
  const fit = glm(X, y, { maxit: 25, epsilon: 1e-10 }); // checks X and y

  if (fit.coefficients.some((c) => c === null)) {
    throw new ArgumentError("X", "has aliased columns (glm gives NA); see collinearitySplit");
  }
  return { X, y: Float64Array.from(y), glm: Float64Array.from(fit.coefficients as number[]) };
}

/** Options of the network runs. */
export interface NetworkRun {
  /** Epochs to train. */
  epochs: number;
  /** Rows per batch; default all (the tutorial's full batch). */
  batchSize?: number;
  /** Adam's learning rate; default 0.001. */
  learningRate?: number;
  /** Starting weights; default zeros. */
  init?: ArrayLike<number>;
  /** Epochs (1-based) after which to record the weights. */
  recordAt?: ReadonlySet<number> | "all";
  /** Seed of the shuffling generator; default 0. */
  seed?: number;
}

/**
 * Trains the tutorial's network; returns the final weights and those recorded after epochs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainNetwork, tutorialProblem } from "./problem.ts";
 * const p = tutorialProblem();
 * const { recorded } = trainNetwork(p.X, p.y, { epochs: 3, recordAt: "all" });
 * assert.deepEqual([...recorded.keys()], [1, 2, 3]);
 * ```
 */
export function trainNetwork(
  X: Matrix,
  y: ArrayLike<number>,
  { epochs, batchSize = X.rows, learningRate = 0.001, init, recordAt, seed = 0 }: NetworkRun,
): { weights: Float64Array; recorded: Map<number, Float64Array> } {
  const net = tutorialNetwork(X.cols, { learningRate });
  if (init !== undefined) net.setWeights([matrix(X.cols, 1, init)]);
  const recorded = new Map<number, Float64Array>();
  const callbacks = recordAt === undefined ? [] : [{
    onEpochEnd(epoch: number) {
      if (recordAt === "all" || recordAt.has(epoch + 1)) {
        recorded.set(epoch + 1, net.getWeights()[0].data);
      }
    },
  }];
  net.fitSync(X, y, { epochs, batchSize, verbose: 0, seed, callbacks });
  return { weights: net.getWeights()[0].data, recorded };
}

/** One point of an agreement curve: how close a method's weights are to glm's. */
export interface AgreementRow {
  /** `"network"` (Keras form, mean loss) or `"scratch Adam"` (the tutorial's loop). */
  method: string;
  /** The varied setting's value (epochs, learning rate, batch size, …). */
  value: number;
  /** Mean absolute percentage error against glm, in percent. */
  mape: number;
  /** Largest absolute difference from glm's coefficients. */
  maxAbsDiff: number;
}

/**
 * One {@linkcode AgreementRow}: how close the weights `w` are to glm's coefficients.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreement, tutorialProblem } from "./problem.ts";
 * const p = tutorialProblem();
 * assert.equal(agreement("glm", 0, p, p.glm).maxAbsDiff, 0);
 * ```
 */
export function agreement(
  method: string,
  value: number,
  p: Problem,
  w: ArrayLike<number>,
): AgreementRow {
  return {
    method,
    value,
    mape: meanAbsolutePercentageError(p.glm, w),
    maxAbsDiff: maxAbsDifference(p.glm, w),
  };
}

/**
 * Checks a list of settings: non-empty, every entry a positive integer (`integer`) or a positive
 * number.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkList } from "./problem.ts";
 * checkList("epochs", [10, 100], true); // passes
 * assert.throws(() => checkList("rates", [], false), /must be a non-empty array/);
 * ```
 */
export function checkList(name: string, values: readonly number[], integer: boolean): void {
  if (!Array.isArray(values) || values.length === 0) {
    throw new ArgumentError(name, "must be a non-empty array of numbers");
  }
  for (const v of values) {
    if (integer) checkInteger(name, v);
    else if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new ArgumentError(name, `must hold positive numbers, got ${v}`);
    }
  }
}

/**
 * log-spaced integers in 1..n (about `count` of them), always including 1 and n.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logSpaced } from "./problem.ts";
 * assert.deepEqual(logSpaced(100, 2), [1, 10, 100]);
 * ```
 */
export function logSpaced(n: number, count: number): number[] {
  const out = new Set<number>([1, n]);
  for (let i = 0; i <= count; i++) out.add(Math.round(Math.exp((Math.log(n) * i) / count)));
  return [...out].filter((v) => v >= 1 && v <= n).sort((a, b) => a - b);
}
