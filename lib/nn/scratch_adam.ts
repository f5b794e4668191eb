/**
 * The tutorial's Adam "from scratch" (In [16]): logistic regression fitted by *ascending* the
 * Bernoulli log-likelihood with Adam, in shuffled minibatches, exactly as the tutorial's R loop
 * does — the same arithmetic in the same order, so that with R's random stream (see
 * {@linkcode rRng}) the weights equal R's to about 1e-14 relative.
 *
 * The loop, against Algorithm 1 of Kingma & Ba, "Adam: A Method for Stochastic Optimization"
 * (arXiv:1412.6980), with f the log-likelihood to be *maximised* (so the update adds):
 *
 * ```text
 * θ₀ ← 0, m₀ ← 0, v₀ ← 0                          (paper: initialise)
 * for epoch e = 1..epochs:
 *   shuffle 1..N (R's sample()), cut into consecutive batches of batchSize rows
 *   for each batch B:
 *     g  ← −X_Bᵀ (σ(X_B θ) − y_B)                    (paper: g_t ← ∇f(θ_{t−1}); here the SUM over B)
 *     m  ← β₁ m + (1 − β₁) g                         (biased first moment)
 *     v  ← β₂ v + (1 − β₂) g²                        (biased second raw moment)
 *     m̂  ← m / (1 − β₁^e)                            (bias correction: the paper's t is the step;
 *     v̂  ← v / (1 − β₂^e)                             the tutorial uses the EPOCH e)
 *     θ  ← θ + α m̂ / (√v̂ + ε)                        (ascent; ε = 1e-7 as Keras, the paper says 1e-8)
 * ```
 *
 * With the tutorial's full batch (batchSize = N = 1000) each epoch is one step, so epoch and step
 * coincide; with minibatches the tutorial's bias correction is constant within an epoch, which
 * this function reproduces (it is the tutorial's loop, not the paper's).
 *
 * `engine: "reference"` runs exactly that: every epoch R's `sample(N)`, every batch's gradient
 * summed row by row in the shuffled order. `engine: "fast"` (the default) differs only with a
 * full batch, where the shuffle would only reorder a sum: the generator is advanced exactly as
 * the epochs' `sample(N)` calls advance it, all at once and without building the permutations
 * (in WebAssembly, `lib/_kernels/sample_skip_wasm.ts`, on the second core while the training
 * runs when the thread pool is running), and the gradient of all rows comes from a WebAssembly
 * SIMD kernel (`lib/_kernels/scratch_adam_wasm.ts`; both reached through `engine.ts`; the
 * readable sum where SIMD is missing or some |z| > 30). The two agree to rounding (tested), and
 * the generator ends where R's does. The tutorial's 1000 epochs on 1000 × 10 take about 4 ms with
 * the thread pool running, 6 ms on one core (R's loop: about 0.6 s).
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import type { Matrix } from "../core/matrix.ts";
import {
  checkFinite,
  checkInteger,
  checkLabels,
  checkMatrix,
  checkOneOf,
  checkUnitInterval,
  startingWeights,
} from "../core/validate.ts";
import { type Rng, rRng } from "../r/random.ts";
import { permutationInto } from "../r/sample.ts";
import { fullBatchGradient, skipSamplesInBackground } from "./engine.ts";
import { crossEntropyOf, tutorialGradientInto } from "./loss.ts";

/** How the per-observation gradients of a batch are combined. */
export type GradientReduction = "sum" | "mean";

/** Options of {@linkcode scratchAdam}; the defaults are the tutorial's. */
export interface ScratchAdamOptions {
  /** Passes over the data (`n_epochs`); default 1000. */
  epochs?: number;
  /** Rows per minibatch (`batch_size`); default 1000 (the tutorial's full batch). */
  batchSize?: number;
  /** Step size α; default 0.001. */
  alpha?: number;
  /** Decay β₁ of the first moment, in [0, 1); default 0.9. */
  beta1?: number;
  /** Decay β₂ of the second moment, in [0, 1); default 0.999. */
  beta2?: number;
  /** ε added to √v̂, > 0; default 1e-7 (Keras' value, the tutorial's choice). */
  eps?: number;
  /**
   * The generator whose `sample()` shuffles the rows each epoch. To reproduce the tutorial, pass
   * the generator returned by `generateData()`: it stands where R's stream stands when the
   * tutorial's loop starts. The generator is advanced (by N uniforms or a little more per epoch).
   */
  rng?: Rng;
  /** Seed of a fresh `rRng(seed)` when `rng` is not given; default 42. Not both. */
  seed?: number;
  /**
   * Record θ and the log-likelihood after every epoch (`true`), θ only (`"theta"`, which costs
   * no extra pass over the data), or nothing (default `false`).
   */
  trace?: boolean | "theta";
  /** Starting weights (length K); default all zeros, as the tutorial. */
  init?: ArrayLike<number>;
  /**
   * `"sum"` (default, the tutorial: the gradient of the summed log-likelihood) or `"mean"` (the
   * gradient divided by the batch size, the scale Keras' mean binary cross-entropy gives).
   */
  gradient?: GradientReduction;
  /**
   * `"fast"` (default) or `"reference"` (the tutorial's loop as written: the permutation built
   * and the gradient summed in its order every epoch, also with a full batch). See the module
   * documentation; both agree to rounding.
   */
  engine?: "fast" | "reference";
}

/** The per-epoch path of {@linkcode scratchAdam}. */
export interface ScratchAdamTrace {
  /** Epoch numbers 1..epochs. */
  epoch: number[];
  /** θ after each epoch (a copy per epoch). */
  theta: Float64Array[];
  /** The Bernoulli log-likelihood of all N rows at θ after each epoch (empty with `"theta"`). */
  logLikelihood: number[];
}

/** The result of {@linkcode scratchAdam}. */
export interface ScratchAdamResult {
  /** The final weights θ (length K). */
  theta: Float64Array;
  /** Number of Adam updates made (epochs × batches per epoch). */
  steps: number;
  /** The per-epoch path, when `trace: true` was asked for. */
  trace?: ScratchAdamTrace;
}

/** The options, checked, with their defaults; θ₀ and the generator made. */
interface Settings {
  epochs: number;
  batchSize: number;
  alpha: number;
  beta1: number;
  beta2: number;
  eps: number;
  trace: boolean | "theta";
  gradient: GradientReduction;
  engine: "fast" | "reference";
  rng: Rng;
  theta: Float64Array;
}

function settings(X: Matrix, y: ArrayLike<number>, options: ScratchAdamOptions): Settings {
  const {
    epochs = 1000,
    batchSize = 1000,
    alpha = 0.001,
    beta1 = 0.9,
    beta2 = 0.999,
    eps = 1e-7,
    trace = false,
    gradient = "sum",
    engine = "fast",
  } = options;
  checkMatrix("X", X);
  checkLabels("y", y, X.rows);
  checkInteger("epochs", epochs);
  checkInteger("batchSize", batchSize);
  checkFinite("alpha", alpha, { positive: true });
  checkUnitInterval("beta1", beta1);
  checkUnitInterval("beta2", beta2);
  checkFinite("eps", eps, { positive: true });
  checkOneOf("gradient", gradient, ["sum", "mean"]);
  checkOneOf("engine", engine, ["fast", "reference"]);
  if (options.rng !== undefined && options.seed !== undefined) {
    throw new ArgumentError("seed", "cannot be given together with `rng`; pass one of them");
  }
  const rng = options.rng ?? rRng(options.seed ?? 42);
  if (rng === null || typeof rng !== "object" || typeof rng.unifRand !== "function") {
    throw new ArgumentError("rng", "must be an Rng (for example rRng(42) or generateData().rng)");
  }
  const theta = startingWeights(options.init, X.cols); // θ₀: zeros unless `init`
  return { epochs, batchSize, alpha, beta1, beta2, eps, trace, gradient, engine, rng, theta };
}

/**
 * Fits logistic regression (no intercept: add a column of ones to X for one) with the tutorial's
 * from-scratch Adam: ascent of the Bernoulli log-likelihood, summed gradient over shuffled
 * minibatches, the paper's bias correction indexed by epoch, ε = 1e-7. With the tutorial's data,
 * `rng` = the generator `generateData()` returns and the defaults, θ equals the R loop's θ.
 *
 * Bad input throws an {@linkcode ArgumentError} naming the argument.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scratchAdam } from "./scratch_adam.ts";
 * import { generateData } from "../data/dataset.ts";
 * const { X, y, rng } = generateData(); // the tutorial's data, R's stream after it
 * const { theta } = scratchAdam(X, y, { rng });
 * // R (the tutorial's loop): theta[3] = 0.14967359670324604
 * assert.ok(Math.abs(theta[2] - 0.14967359670324604) < 1e-15);
 * ```
 */
export function scratchAdam(
  X: Matrix,
  y: ArrayLike<number>,
  options: ScratchAdamOptions = {},
): ScratchAdamResult {
  const s = settings(X, y, options);
  const { epochs, batchSize, alpha, beta1, beta2, eps, rng, theta } = s;
  const n = X.rows, k = X.cols, data = X.data, labels = Float64Array.from(y);
  const m = new Float64Array(k), v = new Float64Array(k), g = new Float64Array(k); // m₀ = v₀ = 0
  const c1 = 1 - beta1, c2 = 1 - beta2;
  let steps = 0;
  const path: ScratchAdamTrace | undefined = s.trace
    ? { epoch: [], theta: [], logLikelihood: [] }
    : undefined;
  // The fast engine with a full batch: the generator is advanced as sample(N) advances it and the
  // gradient of all rows comes from the kernel (the readable sum where it cannot).
  const fullBatch = batchSize >= n;
  const skip = s.engine === "fast" && fullBatch && typeof rng.skipSample === "function";
  const kernel = s.engine === "fast" && fullBatch
    ? fullBatchGradient(data, labels, n, k)
    : undefined;
  const order = skip ? undefined : new Int32Array(n), work = new Int32Array(skip ? 0 : n);
  const unif = () => rng.unifRand();
  // Then no step depends on the permutations: the stream is advanced past all of them at once,
  // on the second core while this one trains (`join` waits for it).
  const join = skip ? skipSamplesInBackground(rng, n, epochs) : undefined;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    // split(sample(seq(1, N)), ceiling(seq_along(...) / batch_size)): a permutation of the rows,
    // cut into consecutive batches.
    if (order) permutationInto(unif, n, order, work);
    // The tutorial's bias correction uses the epoch, as R's `beta1^epoch`.
    const d1 = 1 - beta1 ** epoch, d2 = 1 - beta2 ** epoch;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(start + batchSize, n);
      // g = −X_Bᵀ (p̂ − y_B); here the sum X_Bᵀ (p̂ − y_B), negated below.
      if (!(kernel && kernel.run(theta, g))) {
        tutorialGradientInto(data, labels, k, theta, g, order, start, end);
      }
      const size = end - start;
      for (let j = 0; j < k; j++) {
        const gj = s.gradient === "mean" ? -g[j] / size : -g[j];
        m[j] = beta1 * m[j] + c1 * gj; //          m ← β₁ m + (1 − β₁) g
        v[j] = beta2 * v[j] + c2 * (gj * gj); //   v ← β₂ v + (1 − β₂) g²
        const mHat = m[j] / d1; //                 m̂ ← m / (1 − β₁^epoch)
        const vHat = v[j] / d2; //                 v̂ ← v / (1 − β₂^epoch)
        theta[j] = theta[j] + alpha * (mHat / (Math.sqrt(vHat) + eps)); // ascent
      }
      steps++;
    }
    if (path) {
      path.epoch.push(epoch);
      path.theta.push(theta.slice());
      if (s.trace === true) path.logLikelihood.push(-crossEntropyOf(X, labels, theta));
    }
  }
  join?.(); // waits for the stream, if it is being advanced on the second core
  return path ? { theta, steps, trace: path } : { theta, steps };
}
