/**
 * The network's training loop, written for reading, and the options of `fit`:
 *
 * ```text
 * for each epoch:
 *   order the rows (reshuffled every epoch by a seeded generator, unless shuffle is false)
 *   for each batch of batchSize rows:
 *     forward and backward pass: the batch's loss and the gradient of its mean loss
 *     one optimizer step (Adam in Keras' form for the tutorial)
 *   log the epoch's loss: the batch losses averaged with weights of batch size (Keras' `Mean`)
 * ```
 *
 * The metric `binary_crossentropy` is the same quantity as the loss (Keras computes both from the
 * same forward pass), so the two histories coincide; `accuracy` counts (p̂ > 1/2) = y. The pass
 * over a batch is `engine.ts`'s choice: the readable one of `dense_unit.ts`, or a fast kernel.
 *
 * @module
 */

import { checkBoolean, checkInteger, checkOneOf } from "../core/validate.ts";
import type { Unit } from "./dense_unit.ts";
import type { BatchPass } from "./engine.ts";
import type { Dtype, Optimizer } from "./optimizer.ts";
import type { Callback, EpochLogs, TrainParams, Verbosity } from "./progress.ts";
import { RowOrder } from "./shuffle.ts";
import { ArgumentError } from "../core/errors.ts";

/** Metric names accepted by `compile`. */
export type MetricName = "binary_crossentropy" | "accuracy" | "binary_accuracy";

/** Options of {@linkcode Model.fit}. */
export interface FitOptions {
  /** Passes over the data; default 1 (as Keras). */
  epochs?: number;
  /** Rows per optimizer step; default 32 (as Keras). Values ≥ N mean one batch of all rows. */
  batchSize?: number;
  /** Reshuffle the rows every epoch; default true. */
  shuffle?: boolean;
  /** Seed of the shuffling generator; default 0, so that runs repeat. */
  seed?: number;
  /** 0 silent, 1 progress (default; updated in place in Jupyter), 2 a line per epoch. */
  verbose?: Verbosity;
  /** `"float64"` (default) or `"float32"` (every operation rounded, as Keras). */
  dtype?: Dtype;
  /** Called during training; see {@linkcode Callback}. */
  callbacks?: readonly Callback[];
  /**
   * Which code computes the batches. `"fast"` (default; `"auto"` is the same): the kernels of
   * `lib/_kernels/` — for float64 WebAssembly SIMD where available (`"wasm"` insists on it), else
   * JavaScript generated for this K (`"js"` insists on it); for float32 generated JavaScript.
   * `"reference"`: the readable forward and backward pass of `lib/nn/dense_unit.ts` on every
   * batch, its rows in their shuffled order — the code to read, and what the fast engines are
   * tested against. All give the same numbers up to rounding (float32: the same bits).
   */
  engine?: "fast" | "reference" | "auto" | "wasm" | "js";
}

/** `fit`'s defaults, in one place: Keras' (1 epoch, batches of 32, shuffled) and this library's. */
export const FIT_DEFAULTS: Readonly<Required<FitOptions>> = Object.freeze({
  epochs: 1,
  batchSize: 32,
  shuffle: true,
  seed: 0,
  verbose: 1,
  dtype: "float64",
  callbacks: [],
  engine: "fast",
});

/**
 * The options of `fit` with every default filled in, checked.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitSettings } from "./train.ts";
 * const s = fitSettings({ epochs: 5, batchSize: undefined });
 * assert.ok(s.epochs === 5 && s.batchSize === 32 && s.engine === "fast");
 * ```
 */
export function fitSettings(options: FitOptions = {}): Required<FitOptions> {
  const given = Object.entries(options ?? {}).filter(([, v]) => v !== undefined);
  const s = { ...FIT_DEFAULTS, ...Object.fromEntries(given) } as Required<FitOptions>;
  checkOneOf("verbose", s.verbose, [0, 1, 2]);
  if (!Array.isArray(s.callbacks)) {
    throw new ArgumentError("callbacks", "must be an array of callbacks");
  }
  checkInteger("epochs", s.epochs);
  checkInteger("batchSize", s.batchSize);
  checkInteger("seed", s.seed, 0);
  checkBoolean("shuffle", s.shuffle);
  checkOneOf("dtype", s.dtype, ["float64", "float32"]);
  checkOneOf("engine", s.engine, ["fast", "reference", "auto", "wasm", "js"]);
  return s;
}

/** What `fit` returns, as Keras' `History`. */
export interface History {
  /** Epoch numbers, from 0. */
  epoch: number[];
  /** Per epoch: `loss` and each compiled metric, by its Keras name. */
  history: { loss: number[]; [metric: string]: number[] };
  /** The training parameters. */
  params: TrainParams & { dtype: Dtype };
}

/** Everything one training run needs, made and checked by the model before any callback runs. */
export interface Training {
  /** The unit's shape. */
  readonly unit: Unit;
  /** Rows N. */
  readonly n: number;
  /** The weights (K, then the bias), trained in place. */
  readonly w: Float64Array;
  /** The optimizer, in the run's dtype. */
  readonly optimizer: Optimizer;
  /** The compiled metrics. */
  readonly metrics: readonly MetricName[];
  /** The checked options. */
  readonly settings: Required<FitOptions>;
  /** The forward and backward pass of a batch. */
  readonly pass: BatchPass;
  /** Stores the weights back into the layer (after every epoch, so callbacks see them). */
  store(w: Float64Array): void;
}

/**
 * What callbacks learn when training starts: epochs, batches per epoch, rows, rows per batch.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainParams } from "./train.ts";
 * assert.deepEqual(trainParams(10, 4, 3), { epochs: 4, steps: 4, samples: 10, batchSize: 3 });
 * ```
 */
export function trainParams(n: number, epochs: number, batchSize: number): TrainParams {
  const b = Math.min(batchSize, n);
  return { epochs, steps: Math.ceil(n / b), samples: n, batchSize: b };
}

/**
 * The training loop: trains one epoch at a time and yields its number and logs (after storing the
 * weights), so that the caller can run callbacks between epochs; returns the History.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainEpochs } from "./train.ts";
 * import { batchPass } from "./engine.ts";
 * import { adam } from "./adam.ts";
 * import { fitSettings } from "./train.ts";
 * const unit = { k: 1, useBias: false }, X = Float64Array.of(-1, 1), y = Float64Array.of(0, 1);
 * const settings = fitSettings({ epochs: 3, batchSize: 2, verbose: 0 });
 * const pass = batchPass({ X, y, unit, dtype: "float64", accuracy: false, batchSize: 2 }, "reference");
 * const w = new Float64Array(1);
 * const run = { unit, n: 2, w, optimizer: adam(), metrics: [], settings, pass, store() {} };
 * const epochs = [...trainEpochs(run)].map((e) => e.epoch);
 * assert.deepEqual(epochs, [0, 1, 2]);
 * assert.ok(w[0] > 0);
 * ```
 */
export function* trainEpochs(
  run: Training,
): Generator<{ epoch: number; logs: EpochLogs }, History, void> {
  const { n, w, optimizer, metrics, settings, pass } = run;
  const { epochs, batchSize, shuffle, seed, dtype } = settings;
  const params = trainParams(n, epochs, batchSize);
  const B = params.batchSize, f32 = dtype === "float32";
  const g = new Float64Array(w.length);
  const order = new RowOrder(n, seed);
  const history: History = { epoch: [], history: { loss: [] }, params: { ...params, dtype } };
  for (const m of metrics) history.history[m] = [];

  for (let epoch = 0; epoch < epochs; epoch++) {
    // One batch holding every row: a shuffle would only permute the terms of the pass's sums.
    const rows = shuffle ? order.shuffle(params.steps === 1 && pass.anyOrder) : null;
    let total = 0, hits = 0;
    for (let start = 0; start < n; start += B) {
      const end = Math.min(n, start + B), size = end - start;
      const batch = pass.run(rows, start, end, w, g);
      optimizer.step(w, g);
      // Keras averages the batch means with weights of batch size (in float32 for float32).
      total += f32 ? Math.fround(batch.lossSum / size) * size : batch.lossSum;
      hits += batch.hits;
    }
    const loss = f32 ? Math.fround(total / n) : total / n;
    const logs: { loss: number; [metric: string]: number } = { loss };
    for (const m of metrics) logs[m] = m === "binary_crossentropy" ? loss : hits / n;
    history.epoch.push(epoch);
    history.history.loss.push(loss);
    for (const m of metrics) history.history[m].push(logs[m]);
    run.store(w);
    yield { epoch, logs };
  }
  return history;
}
