/**
 * The model from inputs to outputs, as Keras' `keras_model`: `compile`, `fit` (and `fitSync`),
 * `predict`, `evaluate`, `getWeights`/`setWeights` and `summary`. Only the tutorial's shape is
 * supported: an input of shape [K] connected to one dense sigmoid unit. Training runs the loop of
 * `train.ts`, one epoch at a time, with the callbacks between epochs.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { checkLabels, checkMatrix, checkOneOf } from "../core/validate.ts";
import { forwardBackward, forwardBackwardFloat32, logit, logitFloat32 } from "./dense_unit.ts";
import type { Unit } from "./dense_unit.ts";
import { batchPass } from "./engine.ts";
import { Dense, type InputLayer, type SymbolicTensor } from "./layers.ts";
import { sigmoid } from "./loss.ts";
import type { Dtype, Optimizer } from "./optimizer.ts";
import { getOptimizer, type OptimizerName } from "./optimizers.ts";
import { type EpochLogs, progressFor } from "./progress.ts";
import { ModelSummary } from "./summary.ts";
import {
  type FitOptions,
  fitSettings,
  type History,
  type MetricName,
  trainEpochs,
  type Training,
  trainParams,
} from "./train.ts";

/** Loss names accepted by `compile`. */
export type LossName = "binary_crossentropy";

/** Options of {@linkcode Model.compile}. */
export interface CompileOptions {
  /** `"binary_crossentropy"`: the batch mean of binary cross-entropy. */
  loss: LossName;
  /** `"adam"`, `"sgd"` or an optimizer such as `adam()`. */
  optimizer: OptimizerName | Optimizer;
  /** Extra per-epoch numbers to log. */
  metrics?: readonly MetricName[];
}

/** X's values rounded to float32 (kept as doubles). */
const toFloat32 = (a: ArrayLike<number>) => Float64Array.from(Float32Array.from(a));

/**
 * The model: an input connected to one dense layer. Made by {@linkcode model}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constant, dense, input } from "./layers.ts";
 * import { model } from "./model.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const inputs = input({ shape: [1] });
 * const m = model({
 *   inputs,
 *   outputs: dense({ units: 1, activation: "sigmoid", useBias: false, kernelInitializer: constant(0) })
 *     .apply(inputs),
 * });
 * m.compile({ loss: "binary_crossentropy", optimizer: "adam" });
 * const X = fromRows([[-1], [-2], [1], [2]]);
 * m.fitSync(X, [0, 0, 1, 1], { epochs: 50, batchSize: 4, verbose: 0 });
 * assert.ok(m.getWeights()[0].data[0] > 0); // larger x goes with y = 1
 * ```
 */
export class Model {
  /** The model's name. */
  readonly name: string;
  /** The input tensor. */
  readonly inputs: SymbolicTensor;
  /** The output tensor. */
  readonly outputs: SymbolicTensor;
  /** The dense layer. */
  readonly layer: Dense;
  #optimizer: Optimizer | undefined;
  #metrics: MetricName[] = [];
  #dtype: Dtype = "float64";

  /** Use {@linkcode model}. */
  constructor(inputs: SymbolicTensor, outputs: SymbolicTensor, name: string) {
    if (!inputs || inputs.layer?.type !== "InputLayer") {
      throw new ArgumentError("inputs", "must be the result of input({ shape: [K] })");
    }
    if (!outputs || !(outputs.layer instanceof Dense)) {
      throw new ArgumentError("outputs", "must be the result of dense({ ... }).apply(inputs)");
    }
    if (outputs.from !== inputs) {
      throw new ArgumentError(
        "outputs",
        "must come from a dense layer applied directly to `inputs` (one layer is supported)",
      );
    }
    this.inputs = inputs;
    this.outputs = outputs;
    this.layer = outputs.layer;
    this.name = name;
  }

  /** The optimizer given to `compile`, if compiled. */
  get optimizer(): Optimizer | undefined {
    return this.#optimizer;
  }

  /**
   * Sets the loss, optimizer and metrics, as R's `compile(loss, optimizer, metrics)`.
   * A fresh optimizer state starts with each `compile` given a name; an optimizer object keeps
   * its state (its step count) across `fit` calls, as in Keras.
   */
  compile({ loss, optimizer, metrics = [] }: CompileOptions): void {
    checkOneOf("loss", loss, ["binary_crossentropy"], "(the only loss implemented)");
    const opt = getOptimizer(optimizer);
    if (!Array.isArray(metrics)) throw new ArgumentError("metrics", "must be an array of names");
    for (const m of metrics) {
      checkOneOf("metrics", m, ["binary_crossentropy", "accuracy", "binary_accuracy"]);
    }
    this.#optimizer = opt;
    this.#metrics = [...metrics];
  }

  /** The unit's shape: K inputs and whether there is a bias. */
  get #unit(): Unit {
    return { k: this.layer.inputDim, useBias: this.layer.useBias };
  }

  #checkData(X: Matrix, y?: ArrayLike<number>): void {
    checkMatrix("X", X);
    const k = this.layer.inputDim;
    if (X.cols !== k) {
      throw new ArgumentError(
        "X",
        `has ${X.cols} columns but the input layer has shape [${k}]; use input({ shape: [${X.cols}] })`,
      );
    }
    if (y !== undefined) checkLabels("y", y, X.rows);
  }

  #compiled(): Optimizer {
    if (!this.#optimizer) {
      throw new Error("The model is not compiled: call compile({ loss, optimizer }) first");
    }
    return this.#optimizer;
  }

  /** The weights as one vector: the kernel's K, then the bias. */
  #weights(): Float64Array {
    const { kernel, bias } = this.layer;
    const w = new Float64Array(kernel.length + bias.length);
    w.set(kernel);
    w.set(bias, kernel.length);
    return w;
  }

  #storeWeights(w: Float64Array): void {
    const { kernel, bias } = this.layer;
    kernel.set(w.subarray(0, kernel.length));
    bias.set(w.subarray(kernel.length));
  }

  /** Checks everything a `fit` needs and prepares the run, before any callback runs. */
  #training(X: Matrix, y: ArrayLike<number>, options: FitOptions): Training {
    const optimizer = this.#compiled();
    const settings = fitSettings(options);
    this.#checkData(X, y);
    const { dtype, batchSize, engine } = settings;
    if (optimizer.dtype !== dtype) optimizer.dtype = dtype;
    this.#dtype = dtype;
    const f32 = dtype === "float32";
    const w = this.#weights();
    if (f32) w.forEach((v, j) => (w[j] = Math.fround(v)));
    const accuracy = this.#metrics.some((m) => m !== "binary_crossentropy");
    const spec = {
      X: f32 ? toFloat32(X.data) : X.data,
      y: Float64Array.from(y),
      unit: this.#unit,
      dtype,
      accuracy,
      batchSize: Math.min(batchSize, X.rows),
    };
    const pass = batchPass(spec, engine);
    const store = (v: Float64Array) => this.#storeWeights(v);
    return {
      unit: this.#unit,
      n: X.rows,
      w,
      optimizer,
      metrics: this.#metrics,
      settings,
      pass,
      store,
    };
  }

  /**
   * The run of `fit` as a sequence of callback calls: the training is checked and prepared, then
   * every callback's `onTrainBegin`, then for each epoch its training and every `onEpochEnd`, then
   * every `onTrainEnd`. It yields what each hook returns (a promise to await, or nothing) and
   * returns the History. `fit` and `fitSync` both drive it; they differ only in awaiting.
   */
  *#run(X: Matrix, y: ArrayLike<number>, options: FitOptions): Generator<unknown, History> {
    const run = this.#training(X, y, options);
    const { epochs, batchSize, verbose, callbacks } = run.settings;
    const reporter = progressFor(verbose);
    const all = reporter ? [reporter, ...callbacks] : [...callbacks];
    const params = trainParams(X.rows, epochs, batchSize);
    for (const c of all) yield c.onTrainBegin?.(params);
    const epochsRun = trainEpochs(run);
    let last: EpochLogs | undefined;
    for (let step = epochsRun.next();; step = epochsRun.next()) {
      if (step.done) {
        for (const c of all) yield c.onTrainEnd?.(last);
        return step.value;
      }
      last = step.value.logs;
      for (const c of all) yield c.onEpochEnd?.(step.value.epoch, last);
    }
  }

  /**
   * Trains the model, as R's `fit(X, Y, epochs, batch_size)`, and resolves to the History.
   * Awaits callbacks that return promises, so that progress displays update while it runs.
   * Callbacks see `onTrainBegin` before the first epoch trains, then every epoch in order.
   */
  async fit(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): Promise<History> {
    const run = this.#run(X, y, options);
    for (let step = run.next();; step = run.next()) {
      if (step.done) return step.value;
      if (step.value instanceof Promise) await step.value;
    }
  }

  /**
   * {@linkcode Model.fit} without `await`: returns the History directly. Callbacks run but their
   * promises are not awaited (in Jupyter the progress display then shows only at the end).
   */
  fitSync(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): History {
    const run = this.#run(X, y, options);
    for (let step = run.next();; step = run.next()) {
      if (step.done) return step.value;
    }
  }

  /**
   * The predicted probabilities σ(X·kernel + bias), one row per row of X (an N × 1 matrix, as
   * Keras' `predict`). Computed in the dtype of the last `fit` unless `dtype` is given.
   */
  predict(X: Matrix, { dtype = this.#dtype }: { dtype?: Dtype } = {}): Matrix {
    this.#checkData(X);
    const out = matrix(X.rows, 1), unit = this.#unit;
    if (dtype === "float32") {
      const Xf = toFloat32(X.data), w = toFloat32(this.#weights());
      for (let i = 0; i < X.rows; i++) {
        out.data[i] = Math.fround(sigmoid(logitFloat32(unit, Xf, i, w)));
      }
    } else {
      const w = this.#weights();
      for (let i = 0; i < X.rows; i++) out.data[i] = sigmoid(logit(unit, X.data, i, w));
    }
    return out;
  }

  /**
   * The loss (mean binary cross-entropy) and compiled metrics on (X, y) at the current weights,
   * as R's `evaluate(X, Y)`, computed by the readable pass in the dtype of the last `fit`.
   */
  evaluate(X: Matrix, y: ArrayLike<number>): EpochLogs {
    this.#compiled();
    this.#checkData(X, y);
    const w = this.#weights(), g = new Float64Array(w.length);
    const batch = { X: X.data, y: Float64Array.from(y), start: 0, end: X.rows };
    const { lossSum, hits } = this.#dtype === "float32"
      ? forwardBackwardFloat32(this.#unit, { ...batch, X: toFloat32(X.data) }, w, g)
      : forwardBackward(this.#unit, batch, w, g);
    const loss = lossSum / X.rows;
    const logs: { loss: number; [metric: string]: number } = { loss };
    for (const m of this.#metrics) {
      logs[m] = m === "binary_crossentropy" ? loss : hits / X.rows;
    }
    return logs;
  }

  /**
   * The weights, as R's `get_weights(model)`: `[kernel]` (a K × 1 matrix) without a bias,
   * `[kernel, bias]` (bias a 1 × 1 matrix) with one. Copies: changing them changes nothing.
   */
  getWeights(): Matrix[] {
    const { kernel, bias, inputDim, units, useBias } = this.layer;
    const out = [matrix(inputDim, units, kernel)];
    if (useBias) out.push(matrix(1, units, bias));
    return out;
  }

  /** Replaces the weights, in the layout {@linkcode Model.getWeights} returns. */
  setWeights(weights: readonly Matrix[]): void {
    const { kernel, bias, useBias } = this.layer;
    if (!Array.isArray(weights) || weights.length !== (useBias ? 2 : 1)) {
      throw new ArgumentError("weights", `must hold ${useBias ? "[kernel, bias]" : "[kernel]"}`);
    }
    const parts = useBias ? [kernel, bias] : [kernel];
    parts.forEach((part, i) => {
      checkMatrix(`weights[${i}]`, weights[i]);
      if (weights[i].data.length !== part.length) {
        throw new ArgumentError(`weights[${i}]`, `must have ${part.length} entries`);
      }
    });
    parts.forEach((part, i) => part.set(weights[i].data));
  }

  /** Number of trainable parameters. */
  countParams(): number {
    return this.layer.countParams();
  }

  /** The layers, their output shapes and parameter counts, as Keras' `summary(model)`. */
  summary(): ModelSummary {
    const inp = this.inputs.layer as InputLayer;
    return new ModelSummary(this.name, [
      { layer: `${inp.name} (InputLayer)`, outputShape: `[(None, ${inp.shape[0]})]`, params: 0 },
      {
        layer: `${this.layer.name} (Dense)`,
        outputShape: `(None, ${this.layer.units})`,
        params: this.countParams(),
      },
    ]);
  }
}

/**
 * The model from inputs to outputs (R's `keras_model(inputs, outputs)`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adam, constant, dense, fromRows, input, model } from "../mod.ts";
 * const inputs = input({ shape: [2] });
 * const outputs = dense({ units: 1, activation: "sigmoid", useBias: false,
 *   kernelInitializer: constant(0) }).apply(inputs);
 * const m = model({ inputs, outputs });
 * m.compile({ loss: "binary_crossentropy", optimizer: adam(), metrics: ["binary_crossentropy"] });
 * const X = fromRows([[1, 0], [0, 1], [1, 1], [0.5, 2]]);
 * const history = await m.fit(X, [1, 0, 1, 0], { epochs: 5, batchSize: 4, verbose: 0 });
 * assert.ok(history.history.loss.length === 5);
 * assert.ok(Math.abs(history.history.loss[0] - Math.LN2) < 1e-15); // p̂ = 1/2 at θ = 0
 * assert.ok(m.getWeights()[0].rows === 2);
 * ```
 */
export function model(
  { inputs, outputs, name = "model" }: {
    inputs: SymbolicTensor;
    outputs: SymbolicTensor;
    name?: string;
  },
): Model {
  return new Model(inputs, outputs, name);
}
