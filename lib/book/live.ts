/**
 * What the book's live figures compute, as plain functions of their controls: the weights' paths
 * after a number of epochs (notebook 5), a training run under the settings a reader picks, with
 * its verdict against glm (notebook 6), and the paths of IRLS, Adam and gradient descent from a
 * start a reader clicks on the log-likelihood's contour map (notebook 6). Each is what a notebook
 * cell computes, with the same lib calls, so the numbers a page shows after setting the tutorial's
 * values are the notebook's. `live_plots.ts` says how to draw them.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { distance, maxAbsDifference, meanAbsolutePercentageError } from "../core/metrics.ts";
import { checkInteger } from "../core/validate.ts";
import { formatColumn } from "../r/format.ts";
import { rRng } from "../r/random.ts";
import { generateData } from "../data/dataset.ts";
import { glm } from "../glm/glm.ts";
import { irlsStep } from "../glm/irls_step.ts";
import { gradientDescent } from "../nn/gradient_descent.ts";
import { glorotUniform } from "../nn/layers.ts";
import { crossEntropyOf } from "../nn/loss.ts";
import { scratchAdam } from "../nn/scratch_adam.ts";
import { type Problem, trainNetwork } from "./problem.ts";

/**
 * R's `cat(x)`: 7 significant digits, as notebook 5 prints its MAPEs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cat } from "./live.ts";
 * assert.equal(cat(0.00032655812345), "0.0003265581");
 * ```
 */
export const cat = (x: number): string => formatColumn([x], 7)[0];

/**
 * The at most `max` indices 0..n−1 that a path is drawn through: evenly spaced, the last kept.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { thin } from "./live.ts";
 * assert.deepEqual(thin(10, 4), [0, 3, 6, 9]);
 * ```
 */
export function thin(n: number, max = 300): number[] {
  const step = Math.max(1, Math.ceil(n / max)), out: number[] = [];
  for (let i = 0; i < n; i += step) out.push(i);
  if (out[out.length - 1] !== n - 1) out.push(n - 1);
  return out;
}

/** The tutorial's Adam after some epochs: its path, and how far it is from glm. */
export interface WeightPaths {
  /** Epochs run. */
  epochs: number;
  /** θ after the last epoch. */
  theta: Float64Array;
  /** θ after every epoch (epoch numbers 1..epochs). */
  trace: { epoch: number[]; theta: Float64Array[] };
  /** glm's coefficients. */
  glm: Float64Array;
  /** MAPE against glm in percent, and as notebook 5 prints it (R's `cat`). */
  mape: number;
  /** {@linkcode WeightPaths.mape} as notebook 5 prints it. */
  mapeText: string;
  /** Largest |θ − β|. */
  maxAbsDiff: number;
}

/**
 * Notebook 5's run of the tutorial's Adam (`scratchAdam`, full batch, R's stream after the data
 * for the shuffles) for `epochs` epochs, with its path and its distance from glm's coefficients.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightPaths } from "./live.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const w = weightPaths(tutorialProblem(), 1000);
 * assert.equal(w.mapeText, "0.000326558");
 * assert.equal(w.trace.theta.length, 1000);
 * ```
 */
export function weightPaths(p: Problem, epochs: number): WeightPaths {
  checkInteger("epochs", epochs);
  const { theta, trace } = scratchAdam(p.X, p.y, {
    epochs,
    batchSize: p.X.rows,
    eps: 1e-7,
    rng: generateData().rng, // R's stream where the tutorial's loop picks it up, as notebook 5
    trace: "theta",
  });
  const mape = meanAbsolutePercentageError(p.glm, theta);
  return {
    epochs,
    theta,
    trace: { epoch: trace!.epoch, theta: trace!.theta },
    glm: p.glm,
    mape,
    mapeText: cat(mape),
    maxAbsDiff: maxAbsDifference(p.glm, theta),
  };
}

/** Where the training starts. */
export type StartName = "zeros" | "glorot" | "normal";

/** The settings notebook 6 varies. */
export interface TrainingSettings {
  /** Adam's step size α. */
  learningRate: number;
  /** Rows per minibatch (1 … N). */
  batchSize: number;
  /** Passes over the data. */
  epochs: number;
  /** Zeros (the tutorial), Glorot uniform (Keras' default, seed 1) or normal(0, 1) (seed 1). */
  init: StartName;
  /** The summed log-likelihood's gradient (the tutorial) or its mean (Keras' scale). */
  gradient: "sum" | "mean";
}

/** The tutorial's settings. */
export const TUTORIAL_SETTINGS: Readonly<TrainingSettings> = Object.freeze({
  learningRate: 0.001,
  batchSize: 1000,
  epochs: 1000,
  init: "zeros",
  gradient: "sum",
});

/** A training run and its comparison with glm. */
export interface TrainingOutcome {
  /** The settings it ran with. */
  settings: TrainingSettings;
  /** The weights it ends with. */
  theta: Float64Array;
  /** The weights it started from. */
  start: Float64Array;
  /** Euclidean distance to glm's coefficients. */
  distance: number;
  /** MAPE against glm, in percent. */
  mape: number;
  /** Whether every weight equals glm's coefficient at 3 significant digits. */
  agrees: boolean;
  /** One line saying so, naming the first weight that differs. */
  verdict: string;
}

/**
 * The starting weights a start name stands for (K of them): zeros, Keras' Glorot uniform with
 * seed 1, or R's `set.seed(1); rnorm(K)`, as notebook 6's experiments start.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { startingWeights } from "./live.ts";
 * assert.deepEqual(Array.from(startingWeights("zeros", 2)), [0, 0]);
 * assert.equal(startingWeights("normal", 3)[0], -0.6264538107423324); // R: set.seed(1); rnorm(1)
 * ```
 */
export function startingWeights(init: StartName, k: number): Float64Array {
  if (init === "zeros") return new Float64Array(k);
  if (init === "glorot") return glorotUniform({ seed: 1 }).initialize(k, 1);
  if (init === "normal") return rRng(1).rnorm(k);
  throw new ArgumentError("init", `must be "zeros", "glorot" or "normal", got ${String(init)}`);
}

/**
 * `x` to `digits` significant digits, as text (`toPrecision`: the same on every engine).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { significant } from "./live.ts";
 * assert.equal(significant(-0.0123456), "-0.0123");
 * assert.equal(significant(1234.5, 2), "1200");
 * ```
 */
export const significant = (x: number, digits = 3): string =>
  Number(x.toPrecision(digits)).toString();

/**
 * Trains the tutorial's Adam (`scratchAdam`: the loop the network's training reduces to, with
 * the shuffles of R's `set.seed(42)` stream for minibatches) under `settings`, and compares the
 * weights with glm's: "matches glm to 3 digits" when every weight rounds to glm's coefficient at
 * three significant digits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { train, TUTORIAL_SETTINGS } from "./live.ts";
 * import { tutorialProblem } from "./problem.ts";
 * const p = tutorialProblem();
 * assert.ok(train(p, TUTORIAL_SETTINGS).agrees);
 * assert.ok(!train(p, { ...TUTORIAL_SETTINGS, epochs: 50 }).agrees);
 * ```
 */
export function train(p: Problem, settings: TrainingSettings): TrainingOutcome {
  const { learningRate, batchSize, epochs, init, gradient } = settings;
  const start = startingWeights(init, p.X.cols);
  const { theta } = scratchAdam(p.X, p.y, {
    epochs,
    batchSize: Math.min(batchSize, p.X.rows),
    alpha: learningRate,
    init: start,
    gradient,
  });
  const differs = Array.from(theta).findIndex((t, j) => significant(t) !== significant(p.glm[j]));
  const verdict = differs < 0
    ? "matches glm to 3 digits: every weight rounds to glm's coefficient"
    : `does not match glm to 3 digits: X${differs + 1} is ${significant(theta[differs])}, ` +
      `glm says ${significant(p.glm[differs])}`;
  return {
    settings: { ...settings },
    theta,
    start,
    distance: distance(p.glm, theta),
    mape: meanAbsolutePercentageError(p.glm, theta),
    agrees: differs < 0,
    verdict,
  };
}

/** A logistic regression on two features: its log-likelihood is a map of two coefficients. */
export interface TwoFeatureProblem {
  /** N × 2 features. */
  X: Matrix;
  /** N labels. */
  y: Float64Array;
  /** The two columns' names. */
  names: [string, string];
  /** glm's coefficients (`maxit = 25, epsilon = 1e-10`): the top of the map. */
  optimum: [number, number];
}

/**
 * The tutorial's data restricted to two of its features (no intercept), and glm's fit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { twoFeatureProblem } from "./live.ts";
 * const p = twoFeatureProblem();
 * assert.deepEqual(p.names, ["X3", "X4"]);
 * ```
 */
export function twoFeatureProblem(columns: [number, number] = [2, 3]): TwoFeatureProblem {
  const data = generateData(), k = data.X.cols, n = data.X.rows;
  for (const c of columns) {
    if (!Number.isInteger(c) || c < 0 || c >= k || columns[0] === columns[1]) {
      throw new ArgumentError("columns", `must name two different columns in 0..${k - 1}`);
    }
  }
  const X = matrix(n, 2);
  for (let i = 0; i < n; i++) {
    X.data[2 * i] = data.X.data[i * k + columns[0]];
    X.data[2 * i + 1] = data.X.data[i * k + columns[1]];
  }
  const y = Float64Array.from(data.y);
  const beta = glm(X, y, { maxit: 25, epsilon: 1e-10 }).coefficients as number[];
  return {
    X,
    y,
    names: [data.names[columns[0]], data.names[columns[1]]],
    optimum: [beta[0], beta[1]],
  };
}

/** The log-likelihood on a grid of the two coefficients. */
export interface LikelihoodGrid {
  /** Values row by row, the top row (largest second coefficient) first. */
  values: number[];
  /** Grid points per axis. */
  resolution: number;
  /** The first coefficient's range [x1, x2] and the second's [y1, y2]. */
  x: [number, number];
  /** The second coefficient's range. */
  y: [number, number];
}

/**
 * The log-likelihood over a square of half-width `halfWidth` around the optimum.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { likelihoodGrid, twoFeatureProblem } from "./live.ts";
 * const g = likelihoodGrid(twoFeatureProblem(), { resolution: 5 });
 * assert.equal(g.values.length, 25);
 * assert.ok(g.values[12] === Math.max(...g.values)); // the centre is the top
 * ```
 */
export function likelihoodGrid(
  p: TwoFeatureProblem,
  { halfWidth = 1, resolution = 41 }: { halfWidth?: number; resolution?: number } = {},
): LikelihoodGrid {
  checkInteger("resolution", resolution, 2);
  const [a, b] = p.optimum, values: number[] = [], t = new Float64Array(2);
  for (let r = 0; r < resolution; r++) {
    t[1] = b + halfWidth - (2 * halfWidth * r) / (resolution - 1);
    for (let c = 0; c < resolution; c++) {
      t[0] = a - halfWidth + (2 * halfWidth * c) / (resolution - 1);
      values.push(-crossEntropyOf(p.X, p.y, t));
    }
  }
  return {
    values,
    resolution,
    x: [a - halfWidth, a + halfWidth],
    y: [b - halfWidth, b + halfWidth],
  };
}

/** One optimiser's path over the two coefficients, from the start (step 0). */
export interface StartedPath {
  /** `"IRLS"`, `"Adam"` or `"gradient descent"`. */
  method: string;
  /** The points, thinned to at most 300: step number and the two coefficients. */
  points: { step: number; a: number; b: number }[];
  /** Steps taken. */
  steps: number;
  /** Distance from the optimum at the end. */
  distance: number;
}

/**
 * The paths of IRLS (Newton's method from β = start, stopped by glm's test with ε = 1e-10, at
 * most `irlsIterations`), Adam (the network's, Keras' form, α = 0.001, full batch) and gradient
 * descent (mean loss, the safe step 1/L) from `start`, `epochs` epochs for the first-order
 * methods. IRLS also stops when a step leaves the finite numbers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathsFrom, twoFeatureProblem } from "./live.ts";
 * const p = twoFeatureProblem();
 * const [irls, adam] = pathsFrom(p, [0, 0], { epochs: 50 });
 * assert.ok(irls.distance < 1e-10 && adam.distance > 0.01);
 * ```
 */
export function pathsFrom(
  p: TwoFeatureProblem,
  start: [number, number],
  { epochs = 1000, irlsIterations = 25 }: { epochs?: number; irlsIterations?: number } = {},
): StartedPath[] {
  checkInteger("epochs", epochs);
  if (!start.every(Number.isFinite)) throw new ArgumentError("start", "must be two finite numbers");
  const from = (method: string, thetas: ArrayLike<number>[]): StartedPath => {
    const last = thetas[thetas.length - 1];
    return {
      method,
      points: thin(thetas.length).map((i) => ({ step: i, a: thetas[i][0], b: thetas[i][1] })),
      steps: thetas.length - 1,
      distance: Math.hypot(last[0] - p.optimum[0], last[1] - p.optimum[1]),
    };
  };
  // IRLS as glm stops it: |dev − dev_old| / (|dev| + 0.1) < ε = 1e-10, at most 25 iterations
  const irls: ArrayLike<number>[] = [start];
  let eta: Float64Array = Float64Array.from(
    { length: p.X.rows },
    (_, i) => p.X.data[2 * i] * start[0] + p.X.data[2 * i + 1] * start[1],
  );
  let dev = 2 * crossEntropyOf(p.X, p.y, start);
  for (let t = 0; t < irlsIterations; t++) {
    const s = irlsStep(p.X, p.y, eta);
    if (!s.beta.every(Number.isFinite)) break;
    irls.push(s.beta);
    eta = s.nextEta;
    const next = 2 * crossEntropyOf(p.X, p.y, s.beta);
    const done = Math.abs(next - dev) / (Math.abs(next) + 0.1) < 1e-10;
    dev = next;
    if (done) break;
  }
  const { recorded } = trainNetwork(p.X, p.y, { epochs, init: start, recordAt: "all" });
  const adam = [start, ...Array.from({ length: epochs }, (_, e) => recorded.get(e + 1)!)];
  const gd = gradientDescent(p.X, p.y, { iterations: epochs, init: start, trace: true });
  return [from("IRLS", irls), from("Adam", adam), from("gradient descent", [start, ...gd.trace!])];
}
