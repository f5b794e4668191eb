/**
 * The tutorial's Keras network in TypeScript: an input of shape [K], one dense unit with a sigmoid,
 * a model from inputs to outputs, `compile`, `fit`, `predict`, `evaluate`, `getWeights` and
 * `summary`. The R code
 *
 *     inputs <- layer_input(shape = c(10))
 *     outputs <- inputs %>% layer_dense(units = 1, kernel_initializer = initializer_constant(0),
 *                                       activation = 'sigmoid', use_bias = FALSE)
 *     nn_model <- keras_model(inputs = inputs, outputs = outputs)
 *     nn_model %>% compile(loss = 'binary_crossentropy', optimizer = optimizer_adam(),
 *                          metrics = c('binary_crossentropy'))
 *     history <- nn_model %>% fit(X, Y, epochs = 1000, batch_size = 1000)
 *
 * reads here
 *
 *     const inputs = input({ shape: [10] });
 *     const outputs = dense({ units: 1, kernelInitializer: constant(0), activation: "sigmoid",
 *                             useBias: false }).apply(inputs);
 *     const nnModel = model({ inputs, outputs });
 *     nnModel.compile({ loss: "binary_crossentropy", optimizer: adam(),
 *                       metrics: ["binary_crossentropy"] });
 *     const history = await nnModel.fit(X, Y, { epochs: 1000, batchSize: 1000 });
 *
 * **Semantics (Keras').** The loss is the batch *mean* of binary cross-entropy; each batch takes
 * one optimizer step (Adam in Keras' form, `optimizer.iterations` counting batches); the rows are
 * reshuffled every epoch by a seeded generator; the loss logged per epoch is the batch losses,
 * each computed before its step, averaged with weights of batch size (Keras' `Mean` tracker).
 * The metric `binary_crossentropy` is the same quantity as the loss (Keras computes both from the
 * same forward pass), so the two histories coincide. Arithmetic is float64 by default;
 * `dtype: "float32"` stores X, weights and moments as float32 and rounds every operation with
 * `Math.fround`, as Keras computes in float32 (its summation order inside a matrix product is
 * not reproduced, only its precision).
 *
 * **Shuffling with one batch.** When `batchSize ≥ N` an epoch is one batch holding every row, and
 * a shuffle only permutes the terms of the sums Σ(p̂ − y)x and Σ loss. The rows are then summed in
 * their stored order, while the generator is still advanced by exactly the N − 1 draws a
 * Fisher–Yates shuffle takes (it is counter-based, so advancing is one addition). With several
 * batches per epoch the permutation is drawn and the rows gathered into a scratch batch.
 *
 * **Speed.** Only one unit on K inputs is supported, and its batches run through one of two
 * kernels that compute the logits, sigmoid, loss and gradient of a batch in one pass over its
 * rows: by default a WebAssembly SIMD kernel assembled for this K (`network_wasm.ts`; two rows per
 * 128-bit register), else (`engine: "js"`, or no SIMD) JavaScript generated for this K with the
 * weights and gradient in local variables. Both use an exp of their own (accurate to about 2 ulp)
 * that is valid while every |z| ≤ 30; a batch with a larger |z| is recomputed by the plain stable
 * kernel (`Math.exp`, `Math.log1p`). Both sum log(1 + e^−z) as the log of a running product kept
 * from overflowing, which saves a `log1p` per row. The kernels agree with each other and with
 * `loss.ts` to rounding (tested); float32 mode and the accuracy metric use plain JavaScript.
 *
 * @module
 */

import { jupyterDisplay } from "../view/display.ts";
import { type Matrix, matrix } from "../core/matrix.ts";
import { sigmoid } from "./loss.ts";
import { wasmKernel } from "../_kernels/network_wasm.ts";
import {
  adam,
  type Dtype,
  getOptimizer,
  type Optimizer,
  type OptimizerName,
} from "./optimizers.ts";
import {
  type Callback,
  type EpochLogs,
  progressFor,
  type TrainParams,
  type Verbosity,
} from "./progress.ts";
import {
  ArgumentError,
  checkFinite,
  checkInteger,
  checkLabels,
  checkMatrix,
} from "../core/validate.ts";

// ---------------------------------------------------------------------------------------------
// Seeded generator

/**
 * A small counter-based generator (mulberry32): the state moves by a fixed odd constant per draw
 * and the output is a bit mix of the state, so skipping n draws is one multiplication.
 */
class CounterRng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A uniform number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6D2B79F5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Skips `n` draws. */
  advance(n: number): void {
    this.#state = (this.#state + Math.imul(n >>> 0, 0x6D2B79F5)) >>> 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Initialisers

/** Fills a new kernel of `fanIn × fanOut` weights (row-major). */
export interface Initializer {
  /** The initialiser's name, shown by `summary()`. */
  readonly name: string;
  /** Returns `fanIn · fanOut` initial weights. */
  initialize(fanIn: number, fanOut: number): Float64Array;
}

/** Initialiser names accepted by {@linkcode dense}. */
export type InitializerName = "zeros" | "ones" | "glorotUniform" | "glorot_uniform";

/**
 * Every weight equal to `value`: R's `initializer_constant(value = 0)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constant } from "./network.ts";
 * assert.ok(constant(0).initialize(3, 1).every((w) => w === 0));
 * ```
 */
export function constant(value: number): Initializer {
  checkFinite("value", value);
  return {
    name: `constant(${value})`,
    initialize: (fanIn, fanOut) => new Float64Array(fanIn * fanOut).fill(value),
  };
}

/**
 * Glorot (Xavier) uniform, Keras' default: uniform on ±√(6/(fanIn + fanOut)), drawn from a seeded
 * generator so that runs repeat.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { glorotUniform } from "./network.ts";
 * const w = glorotUniform({ seed: 1 }).initialize(10, 1);
 * assert.ok(w.every((x) => Math.abs(x) <= Math.sqrt(6 / 11)));
 * ```
 */
export function glorotUniform({ seed = 0 }: { seed?: number } = {}): Initializer {
  checkInteger("seed", seed, 0);
  return {
    name: `glorotUniform(seed ${seed})`,
    initialize(fanIn, fanOut) {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const rng = new CounterRng(seed);
      const w = new Float64Array(fanIn * fanOut);
      for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * limit;
      return w;
    },
  };
}

function resolveInitializer(name: string, init: Initializer | InitializerName): Initializer {
  if (init === "zeros") return constant(0);
  if (init === "ones") return constant(1);
  if (init === "glorotUniform" || init === "glorot_uniform") return glorotUniform();
  if (init !== null && typeof init === "object" && typeof init.initialize === "function") {
    return init;
  }
  throw new ArgumentError(
    name,
    `must be "zeros", "ones", "glorotUniform" or an initialiser such as constant(0), got ${
      JSON.stringify(init)
    }`,
  );
}

// ---------------------------------------------------------------------------------------------
// Layers and symbolic tensors

/** A placeholder for data flowing through the model: its shape, with `null` for the batch. */
export interface SymbolicTensor {
  /** `[null, features]`: the batch dimension is left open, as Keras' `(None, K)`. */
  readonly shape: readonly [null, number];
  /** The layer that produced it. */
  readonly layer: InputLayer | Dense;
  /** The tensor that layer was applied to (absent for an input). */
  readonly from?: SymbolicTensor;
}

/** The input layer made by {@linkcode input}. */
export interface InputLayer {
  /** `"InputLayer"`. */
  readonly type: "InputLayer";
  /** The layer's name. */
  readonly name: string;
  /** `[K]`. */
  readonly shape: readonly [number];
}

/**
 * The model's input: a tensor of shape [K] per observation (R's `layer_input(shape = c(K))`).
 * The number of rows is not fixed: any batch of rows can flow through.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { input } from "./network.ts";
 * const inputs = input({ shape: [10] });
 * assert.ok(inputs.shape[0] === null && inputs.shape[1] === 10);
 * ```
 */
export function input(
  { shape, name = "input" }: { shape: readonly number[]; name?: string },
): SymbolicTensor {
  if (!Array.isArray(shape) || shape.length !== 1) {
    throw new ArgumentError(
      "shape",
      `must be [K] with K the number of columns of X, got ${JSON.stringify(shape)}`,
    );
  }
  checkInteger("shape[0]", shape[0]);
  const layer: InputLayer = { type: "InputLayer", name, shape: [shape[0]] };
  return { shape: [null, shape[0]], layer };
}

/** Activations accepted by {@linkcode dense}. */
export type ActivationName = "sigmoid";

/** Options of {@linkcode dense}, Keras' `layer_dense` arguments in camelCase. */
export interface DenseOptions {
  /** Output units; this implementation supports 1. */
  units: number;
  /** `"sigmoid"` (default here; the one activation the tutorial's network uses). */
  activation?: ActivationName;
  /** Whether to add a bias (intercept); default true, as Keras. The tutorial uses false. */
  useBias?: boolean;
  /** Initial kernel: `constant(v)`, `"zeros"`, `"ones"`, `"glorotUniform"` (default, seed 0). */
  kernelInitializer?: Initializer | InitializerName;
  /** Initial bias; default `"zeros"`, as Keras. */
  biasInitializer?: Initializer | InitializerName;
  /** The layer's name; default `"dense"`. */
  name?: string;
}

/**
 * A fully connected layer: `activation(X · kernel + bias)`. Made by {@linkcode dense}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constant, dense, input } from "./network.ts";
 * const layer = dense({ units: 1, activation: "sigmoid", kernelInitializer: constant(0) });
 * const out = layer.apply(input({ shape: [3] }));
 * assert.ok(out.shape[1] === 1);
 * ```
 */
export class Dense {
  /** `"Dense"`. */
  readonly type = "Dense" as const;
  /** The layer's name. */
  readonly name: string;
  /** Output units (1). */
  readonly units: number;
  /** The activation. */
  readonly activation: ActivationName;
  /** Whether there is a bias. */
  readonly useBias: boolean;
  /** The kernel's initialiser. */
  readonly kernelInitializer: Initializer;
  /** The bias' initialiser. */
  readonly biasInitializer: Initializer;
  /** The kernel, K × units, row-major; empty until the layer is applied to an input. */
  kernel: Float64Array = new Float64Array(0);
  /** The bias, one per unit (empty without bias). */
  bias: Float64Array = new Float64Array(0);
  /** The number of inputs K, known once applied. */
  inputDim = 0;

  /** Use {@linkcode dense}. */
  constructor(options: DenseOptions) {
    const {
      units,
      activation = "sigmoid",
      useBias = true,
      kernelInitializer = "glorotUniform",
      biasInitializer = "zeros",
      name = "dense",
    } = options ?? ({} as DenseOptions);
    checkInteger("units", units);
    if (units !== 1) {
      throw new ArgumentError(
        "units",
        `must be 1: this network implements the tutorial's single sigmoid unit, got ${units}`,
      );
    }
    if (activation !== "sigmoid") {
      throw new ArgumentError(
        "activation",
        `must be "sigmoid" (the only activation implemented), got ${JSON.stringify(activation)}`,
      );
    }
    if (typeof useBias !== "boolean") {
      throw new ArgumentError("useBias", `must be true or false, got ${String(useBias)}`);
    }
    this.name = name;
    this.units = units;
    this.activation = activation;
    this.useBias = useBias;
    this.kernelInitializer = resolveInitializer("kernelInitializer", kernelInitializer);
    this.biasInitializer = resolveInitializer("biasInitializer", biasInitializer);
  }

  /** Connects the layer to `inputs` (creating its K × units kernel) and returns its output. */
  apply(inputs: SymbolicTensor): SymbolicTensor {
    if (!inputs || !Array.isArray(inputs.shape) || inputs.layer?.type !== "InputLayer") {
      throw new ArgumentError("inputs", "must be the result of input({ shape: [K] })");
    }
    const k = inputs.shape[1];
    this.inputDim = k;
    this.kernel = Float64Array.from(this.kernelInitializer.initialize(k, this.units));
    this.bias = this.useBias
      ? Float64Array.from(this.biasInitializer.initialize(1, this.units))
      : new Float64Array(0);
    return { shape: [null, this.units], layer: this, from: inputs };
  }

  /** Number of trainable parameters: K·units (+ units with a bias). */
  countParams(): number {
    return this.inputDim * this.units + (this.useBias ? this.units : 0);
  }
}

/**
 * A dense layer (R's `layer_dense`). Apply it to an input to connect it:
 * `dense({ ... }).apply(inputs)`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constant, dense, input } from "./network.ts";
 * const outputs = dense({ units: 1, activation: "sigmoid", useBias: false,
 *   kernelInitializer: constant(0) }).apply(input({ shape: [3] }));
 * assert.ok(outputs.shape[1] === 1);
 * ```
 */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}

// ---------------------------------------------------------------------------------------------
// Kernels

/** Scratch passed between the epoch loop and the kernels. */
interface BatchResult {
  /** Σ of per-row losses over the batch. */
  lossSum: number;
  /** Rows with (p̂ > 0.5) equal to y. */
  hits: number;
}

/** Computes loss and the *summed* gradient Σ(p̂ − y)[x, 1] of rows [start, end) into `g`. */
type Kernel = (
  X: Float64Array,
  y: Float64Array,
  w: Float64Array,
  g: Float64Array,
  start: number,
  end: number,
  out: BatchResult,
) => boolean;

const FAST_LIMIT = 30;
const EXP_T = new Float64Array(256);
for (let i = 0; i < 256; i++) EXP_T[i] = Math.pow(2, i / 256);
const EXP_P2 = new Float64Array(4096);
for (let i = 0; i < 4096; i++) EXP_P2[i] = Math.pow(2, i - 2048);

/** The plain stable kernel: any |z|, any K. */
function safeKernel(k: number, useBias: boolean): Kernel {
  return (X, y, w, g, start, end, out) => {
    g.fill(0);
    const b = useBias ? w[k] : 0;
    let ls = 0, hits = 0, gb = 0;
    for (let i = start, o = start * k; i < end; i++, o += k) {
      let z = b;
      for (let j = 0; j < k; j++) z += X[o + j] * w[j];
      const e = Math.exp(-Math.abs(z));
      const q = 1 / (1 + e);
      const p = z >= 0 ? q : e * q;
      const yi = y[i];
      const r = p - yi;
      ls += (z > 0 ? z : 0) - z * yi + Math.log1p(e);
      if ((p > 0.5 ? 1 : 0) === yi) hits++;
      for (let j = 0; j < k; j++) g[j] += r * X[o + j];
      gb += r;
    }
    if (useBias) g[k] = gb;
    out.lossSum = ls;
    out.hits = hits;
    return true;
  };
}

const fastKernels = new Map<string, Kernel>();

/**
 * The kernel specialised to K: generated source with K local weights and gradient accumulators.
 * Returns false (and the caller falls back to {@linkcode safeKernel}) when some |z| > 30.
 */
function fastKernel(k: number, useBias: boolean, accuracy: boolean): Kernel {
  const key = `${k}/${useBias}/${accuracy}`;
  const cached = fastKernels.get(key);
  if (cached) return cached;
  const J = Array.from({ length: k }, (_, j) => j);
  const products = J.map((j) => `x${j} * w${j}`);
  while (products.length > 1) { // pairwise sum: shorter dependency chains
    const next: string[] = [];
    for (let i = 0; i < products.length; i += 2) {
      next.push(i + 1 < products.length ? `(${products[i]} + ${products[i + 1]})` : products[i]);
    }
    products.splice(0, products.length, ...next);
  }
  const src = `
return function kernel(X, y, w, g, start, end, out) {
  ${J.map((j) => `const w${j} = w[${j}];`).join(" ")}
  const b = ${useBias ? `w[${k}]` : "0"};
  ${J.map((j) => `let g${j} = 0;`).join(" ")}
  let gb = 0, ls = 0, prod = 1, lg = 0, zmax = 0, hits = 0;
  for (let i = start, o = start * ${k}; i < end; i++, o += ${k}) {
    ${J.map((j) => `const x${j} = X[o + ${j}];`).join(" ")}
    const z = ${products[0]} + b;
    zmax = Math.max(zmax, Math.abs(z));
    const nz = -z; // for |z| > 30 the tables may be read out of range: the batch is discarded
    const kd = (nz * ${256 / Math.LN2} + 6755399441055744) - 6755399441055744;
    const kk = kd | 0;
    const rr = (nz - kd * ${6.93147180369123816490e-01 / 256}) - kd * ${
    1.90821492927058770002e-10 / 256
  };
    const e = P2[(kk >> 8) + 2048] * T[kk & 255] *
      (1 + rr * (1 + rr * (0.5 + rr * (${1 / 6} + rr * ${1 / 24}))));
    const ope = 1 + e;
    const p = 1 / ope;
    const yi = y[i];
    const r = p - yi;
    ls += (1 - yi) * z;
    prod *= ope;
    if (prod > 1e280) { lg += Math.log(prod); prod = 1; }
    ${accuracy ? "hits += (p > 0.5 ? 1 : 0) === yi ? 1 : 0;" : ""}
    ${J.map((j) => `g${j} += r * x${j};`).join(" ")}
    gb += r;
  }
  if (!(zmax <= ${FAST_LIMIT})) return false;
  ${J.map((j) => `g[${j}] = g${j};`).join(" ")}
  ${useBias ? `g[${k}] = gb;` : ""}
  out.lossSum = ls + lg + Math.log(prod);
  out.hits = hits;
  return true;
};`;
  // Generated from numbers only (K and constants), never from user strings.
  const make = new Function("T", "P2", src) as (T: Float64Array, P2: Float64Array) => Kernel;
  const kernel = make(EXP_T, EXP_P2);
  fastKernels.set(key, kernel);
  return kernel;
}

/** The float32 kernel: X and weights hold float32 values; every operation is rounded. */
function float32Kernel(k: number, useBias: boolean): Kernel {
  const f = Math.fround;
  return (X, y, w, g, start, end, out) => {
    g.fill(0);
    const b = useBias ? f(w[k]) : 0;
    const inv = f(1 / (end - start)); // d mean / d loss_i, applied before Xᵀ as in autodiff
    let ls = 0, hits = 0, gb = 0;
    for (let i = start, o = start * k; i < end; i++, o += k) {
      let z = 0;
      for (let j = 0; j < k; j++) z = f(z + f(X[o + j] * w[j]));
      if (useBias) z = f(z + b);
      const e = f(Math.exp(f(-Math.abs(z))));
      const q = f(1 / f(1 + e));
      const p = z >= 0 ? q : f(e * q);
      const yi = y[i];
      const r = f(f(p - yi) * inv);
      ls = f(ls + f(f((z > 0 ? z : 0) - f(z * yi)) + f(Math.log1p(e))));
      if ((p > 0.5 ? 1 : 0) === yi) hits++;
      for (let j = 0; j < k; j++) g[j] = f(g[j] + f(r * X[o + j]));
      gb = f(gb + r);
    }
    if (useBias) g[k] = gb;
    out.lossSum = ls;
    out.hits = hits;
    return true;
  };
}

// ---------------------------------------------------------------------------------------------
// Model

/** Loss names accepted by `compile`. */
export type LossName = "binary_crossentropy";
/** Metric names accepted by `compile`. */
export type MetricName = "binary_crossentropy" | "accuracy" | "binary_accuracy";

/** Options of {@linkcode Model.compile}. */
export interface CompileOptions {
  /** `"binary_crossentropy"`: the batch mean of binary cross-entropy. */
  loss: LossName;
  /** `"adam"`, `"sgd"` or an optimizer such as `adam()`. */
  optimizer: OptimizerName | Optimizer;
  /** Extra per-epoch numbers to log. */
  metrics?: readonly MetricName[];
}

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
   * Which float64 kernel runs the batches: `"auto"` (default: WebAssembly SIMD where available,
   * else the generated JavaScript kernel), `"wasm"` or `"js"`. All compute the same numbers up to
   * summation order; float32 mode and the accuracy metric always use JavaScript.
   */
  engine?: "auto" | "wasm" | "js";
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

/** One row of {@linkcode ModelSummary}. */
export interface LayerSummary {
  /** `name (Type)`. */
  readonly layer: string;
  /** Output shape as Keras prints it, e.g. `(None, 1)`. */
  readonly outputShape: string;
  /** Trainable parameters. */
  readonly params: number;
}

const html = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The table `summary()` returns: prints like Keras, and shows as an HTML table in Jupyter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dense, input, model } from "./network.ts";
 * const inputs = input({ shape: [10] });
 * const m = model({ inputs, outputs: dense({ units: 1, activation: "sigmoid" }).apply(inputs) });
 * assert.ok(m.summary().toString().includes("Total params: 11"));
 * ```
 */
export class ModelSummary {
  /** The model's name. */
  readonly name: string;
  /** Layers in order. */
  readonly layers: readonly LayerSummary[];
  /** Total parameters. */
  readonly totalParams: number;
  /** Makes the summary. */
  constructor(name: string, layers: readonly LayerSummary[]) {
    this.name = name;
    this.layers = layers;
    this.totalParams = layers.reduce((s, l) => s + l.params, 0);
  }
  /** The Keras-like text table. */
  toString(): string {
    const w = [28, 25, 10];
    const line = (a: string, b: string, c: string) =>
      ` ${a.padEnd(w[0])} ${b.padEnd(w[1])} ${c}`.trimEnd();
    const rule = (ch: string) => ch.repeat(w[0] + w[1] + w[2] + 3);
    const out = [
      `Model: "${this.name}"`,
      rule("_"),
      line("Layer (type)", "Output Shape", "Param #"),
    ];
    out.push(rule("="));
    this.layers.forEach((l, i) => {
      out.push(line(l.layer, l.outputShape, String(l.params)));
      if (i < this.layers.length - 1) out.push("");
    });
    out.push(rule("="));
    out.push(`Total params: ${this.totalParams}`);
    out.push(`Trainable params: ${this.totalParams}`);
    out.push("Non-trainable params: 0");
    out.push(rule("_"));
    return out.join("\n");
  }
  /** Jupyter display: text and an HTML table. */
  [jupyterDisplay](): { "text/plain": string; "text/html": string } {
    const rows = this.layers.map((l) =>
      `<tr><td>${html(l.layer)}</td><td>${html(l.outputShape)}</td>` +
      `<td style="text-align:right">${l.params}</td></tr>`
    ).join("");
    return {
      "text/plain": this.toString(),
      "text/html": `<table><caption>Model: "${html(this.name)}"</caption>` +
        `<thead><tr><th>Layer (type)</th><th>Output Shape</th><th>Param #</th></tr></thead>` +
        `<tbody>${rows}</tbody><tfoot><tr><td colspan="2">Total params (all trainable)</td>` +
        `<td style="text-align:right">${this.totalParams}</td></tr></tfoot></table>`,
    };
  }
}

const f32copy = (a: ArrayLike<number>) => Float64Array.from(Float32Array.from(a));

/**
 * The model: an input connected to one dense layer. Made by {@linkcode model}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { constant, dense, input, model } from "./network.ts";
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
    if (loss !== "binary_crossentropy") {
      throw new ArgumentError(
        "loss",
        `must be "binary_crossentropy" (the only loss implemented), got ${JSON.stringify(loss)}`,
      );
    }
    const opt = getOptimizer(optimizer);
    if (!Array.isArray(metrics)) throw new ArgumentError("metrics", "must be an array of names");
    for (const m of metrics) {
      if (m !== "binary_crossentropy" && m !== "accuracy" && m !== "binary_accuracy") {
        throw new ArgumentError(
          "metrics",
          `holds ${JSON.stringify(m)}; known metrics are "binary_crossentropy", "accuracy" ` +
            `and "binary_accuracy"`,
        );
      }
    }
    this.#optimizer = opt;
    this.#metrics = [...metrics];
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

  /**
   * The training loop as a generator: yields after each epoch, so that `fit` can await callbacks
   * and `fitSync` can run without.
   */
  *#train(
    X: Matrix,
    y: ArrayLike<number>,
    options: FitOptions,
  ): Generator<{ epoch: number; logs: EpochLogs }, History, void> {
    const opt = this.#optimizer;
    if (!opt) {
      throw new Error("The model is not compiled: call compile({ loss, optimizer }) before fit");
    }
    const {
      epochs = 1,
      batchSize = 32,
      shuffle = true,
      seed = 0,
      dtype = "float64",
      engine = "auto",
    } = options ?? {};
    checkInteger("epochs", epochs);
    checkInteger("batchSize", batchSize);
    checkInteger("seed", seed, 0);
    if (typeof shuffle !== "boolean") {
      throw new ArgumentError("shuffle", `must be true or false, got ${String(shuffle)}`);
    }
    if (dtype !== "float64" && dtype !== "float32") {
      throw new ArgumentError("dtype", `must be "float64" or "float32", got ${String(dtype)}`);
    }
    this.#checkData(X, y);
    if (opt.dtype !== dtype) opt.dtype = dtype;
    this.#dtype = dtype;

    const n = X.rows, k = X.cols, useBias = this.layer.useBias;
    const f32 = dtype === "float32";
    const Xd = f32 ? f32copy(X.data) : X.data;
    const yd = Float64Array.from(y);
    const w = this.#weights();
    if (f32) { for (let j = 0; j < w.length; j++) w[j] = Math.fround(w[j]); }
    const g = new Float64Array(w.length);
    const B = Math.min(batchSize, n);
    const steps = Math.ceil(n / B);
    const wantAcc = this.#metrics.some((m) => m !== "binary_crossentropy");
    if (engine !== "auto" && engine !== "wasm" && engine !== "js") {
      throw new ArgumentError("engine", `must be "auto", "wasm" or "js", got ${String(engine)}`);
    }
    const wasm = !f32 && !wantAcc && engine !== "js" && k <= 256
      ? wasmKernel(k, useBias)
      : undefined;
    if (engine === "wasm" && !wasm) {
      throw new ArgumentError(
        "engine",
        '"wasm" needs float64, no accuracy metric, K ≤ 256 and WebAssembly SIMD; use "auto"',
      );
    }
    const kernel = f32
      ? float32Kernel(k, useBias)
      : k <= 64
      ? fastKernel(k, useBias, wantAcc)
      : undefined;
    const safe = safeKernel(k, useBias);
    const rng = new CounterRng(seed);
    const gather = shuffle && steps > 1;
    const perm = new Uint32Array(n);
    for (let i = 0; i < n; i++) perm[i] = i;
    const Xb = gather ? new Float64Array(B * k) : Xd;
    const yb = gather ? new Float64Array(B) : yd;
    const out: BatchResult = { lossSum: 0, hits: 0 };
    if (wasm) {
      wasm.reserve(B);
      if (steps === 1) wasm.load(Xd, yd, 0, n); // once: every epoch is this one batch
    }
    const history: History = {
      epoch: [],
      history: { loss: [] },
      params: { epochs, steps, samples: n, batchSize: B, dtype },
    };
    for (const m of this.#metrics) history.history[m] = [];

    for (let epoch = 0; epoch < epochs; epoch++) {
      if (shuffle) {
        if (gather) {
          for (let i = n - 1; i > 0; i--) {
            const j = Math.floor(rng.next() * (i + 1));
            const t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
          }
        } else rng.advance(n - 1);
      }
      let total = 0, hits = 0;
      for (let s = 0; s < steps; s++) {
        const start = s * B, end = Math.min(n, start + B), size = end - start;
        const a = gather ? 0 : start, b = gather ? size : end;
        let done = false;
        if (wasm) { // batches are copied to slots 0..size (in shuffled order when shuffling)
          if (steps > 1) { for (let r = 0; r < size; r++) wasm.setRow(r, Xd, yd, perm[start + r]); }
          done = wasm.run(w, g, 0, size, out);
        }
        if (!done) {
          if (gather) {
            for (let r = 0; r < size; r++) {
              const src = perm[start + r];
              Xb.set(Xd.subarray(src * k, src * k + k), r * k);
              yb[r] = yd[src];
            }
          }
          if (wasm || !(kernel && kernel(Xb, yb, w, g, a, b, out))) safe(Xb, yb, w, g, a, b, out);
        }
        if (f32) {
          opt.step(w, g); // the float32 kernel already scaled by 1/size
          total += Math.fround(out.lossSum / size) * size;
        } else {
          for (let j = 0; j < g.length; j++) g[j] /= size;
          opt.step(w, g);
          total += out.lossSum;
        }
        hits += out.hits;
      }
      const loss = f32 ? Math.fround(total / n) : total / n;
      const logs: { loss: number; [metric: string]: number } = { loss };
      for (const m of this.#metrics) logs[m] = m === "binary_crossentropy" ? loss : hits / n;
      history.epoch.push(epoch);
      history.history.loss.push(loss);
      for (const m of this.#metrics) history.history[m].push(logs[m]);
      this.#storeWeights(w);
      yield { epoch, logs };
    }
    return history;
  }

  #callbacks(options: FitOptions): Callback[] {
    const { verbose = 1, callbacks = [] } = options ?? {};
    if (verbose !== 0 && verbose !== 1 && verbose !== 2) {
      throw new ArgumentError("verbose", `must be 0, 1 or 2, got ${String(verbose)}`);
    }
    if (!Array.isArray(callbacks)) {
      throw new ArgumentError("callbacks", "must be an array of callbacks");
    }
    const reporter = progressFor(verbose);
    return reporter ? [reporter, ...callbacks] : [...callbacks];
  }

  /**
   * Trains the model, as R's `fit(X, Y, epochs, batch_size)`, and resolves to the History.
   * Awaits callbacks that return promises, so that progress displays update while it runs.
   */
  async fit(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): Promise<History> {
    const callbacks = this.#callbacks(options);
    const run = this.#train(X, y, options);
    let step = run.next(); // validates before any callback runs
    const params = { ...this.#params(X, options) };
    for (const c of callbacks) {
      const r = c.onTrainBegin?.(params);
      if (r instanceof Promise) await r;
    }
    let last: EpochLogs | undefined;
    while (!step.done) {
      const { epoch, logs } = step.value;
      last = logs;
      for (const c of callbacks) {
        const r = c.onEpochEnd?.(epoch, logs);
        if (r instanceof Promise) await r;
      }
      step = run.next();
    }
    for (const c of callbacks) {
      const r = c.onTrainEnd?.(last);
      if (r instanceof Promise) await r;
    }
    return step.value;
  }

  /**
   * {@linkcode Model.fit} without `await`: returns the History directly. Callbacks run but their
   * promises are not awaited (in Jupyter the progress display then shows only at the end).
   */
  fitSync(X: Matrix, y: ArrayLike<number>, options: FitOptions = {}): History {
    const callbacks = this.#callbacks(options);
    const run = this.#train(X, y, options);
    let step = run.next();
    const params = this.#params(X, options);
    for (const c of callbacks) c.onTrainBegin?.(params);
    let last: EpochLogs | undefined;
    while (!step.done) {
      last = step.value.logs;
      for (const c of callbacks) c.onEpochEnd?.(step.value.epoch, step.value.logs);
      step = run.next();
    }
    for (const c of callbacks) c.onTrainEnd?.(last);
    return step.value;
  }

  #params(X: Matrix, options: FitOptions): TrainParams {
    const { epochs = 1, batchSize = 32 } = options ?? {};
    const b = Math.min(batchSize, X.rows);
    return { epochs, steps: Math.ceil(X.rows / b), samples: X.rows, batchSize: b };
  }

  /**
   * The predicted probabilities σ(X·kernel + bias), one row per row of X (an N × 1 matrix, as
   * Keras' `predict`). Computed in the dtype of the last `fit` unless `dtype` is given.
   */
  predict(X: Matrix, { dtype = this.#dtype }: { dtype?: Dtype } = {}): Matrix {
    this.#checkData(X);
    const { kernel, bias, useBias } = this.layer;
    const k = X.cols, d = X.data, out = matrix(X.rows, 1);
    const f = Math.fround;
    for (let i = 0; i < X.rows; i++) {
      let z = 0;
      if (dtype === "float32") {
        for (let j = 0; j < k; j++) z = f(z + f(f(d[i * k + j]) * f(kernel[j])));
        if (useBias) z = f(z + f(bias[0]));
        out.data[i] = f(sigmoid(z));
      } else {
        for (let j = 0; j < k; j++) z += d[i * k + j] * kernel[j];
        if (useBias) z += bias[0];
        out.data[i] = sigmoid(z);
      }
    }
    return out;
  }

  /**
   * The loss (mean binary cross-entropy) and compiled metrics on (X, y) at the current weights,
   * as R's `evaluate(X, Y)`.
   */
  evaluate(X: Matrix, y: ArrayLike<number>): EpochLogs {
    if (!this.#optimizer) {
      throw new Error("The model is not compiled: call compile({ loss, optimizer }) first");
    }
    this.#checkData(X, y);
    const k = X.cols, useBias = this.layer.useBias;
    const w = this.#weights(), g = new Float64Array(w.length);
    const out: BatchResult = { lossSum: 0, hits: 0 };
    if (this.#dtype === "float32") {
      float32Kernel(k, useBias)(f32copy(X.data), Float64Array.from(y), w, g, 0, X.rows, out);
    } else {
      safeKernel(k, useBias)(X.data, Float64Array.from(y), w, g, 0, X.rows, out);
    }
    const loss = out.lossSum / X.rows;
    const logs: { loss: number; [metric: string]: number } = { loss };
    for (const m of this.#metrics) {
      logs[m] = m === "binary_crossentropy" ? loss : out.hits / X.rows;
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
    checkMatrix("weights[0]", weights[0]);
    if (weights[0].data.length !== kernel.length) {
      throw new ArgumentError("weights[0]", `must have ${kernel.length} entries`);
    }
    kernel.set(weights[0].data);
    if (useBias) {
      checkMatrix("weights[1]", weights[1]);
      if (weights[1].data.length !== bias.length) {
        throw new ArgumentError("weights[1]", `must have ${bias.length} entries`);
      }
      bias.set(weights[1].data);
    }
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

/** Options of {@linkcode tutorialNetwork}. */
export interface TutorialNetworkOptions {
  /** Add a bias (an intercept); the tutorial has none. Default false. */
  useBias?: boolean;
  /** Adam's learning rate; default Keras' 0.001. */
  learningRate?: number;
}

/**
 * The tutorial's network in one call, compiled and ready to `fit`: an input of `k` features, one
 * dense sigmoid unit starting from zero weights (no bias unless asked), binary cross-entropy and
 * Adam with Keras' defaults. Notebook 3 builds the same thing step by step.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tutorialNetwork } from "./network.ts";
 * const net = tutorialNetwork(10);
 * assert.equal(net.countParams(), 10);
 * ```
 */
export function tutorialNetwork(
  k: number,
  { useBias = false, learningRate = 0.001 }: TutorialNetworkOptions = {},
): Model {
  checkInteger("k", k);
  const inputs = input({ shape: [k] });
  const outputs = dense({
    units: 1,
    activation: "sigmoid",
    useBias,
    kernelInitializer: constant(0),
  }).apply(inputs);
  const net = model({ inputs, outputs });
  net.compile({
    loss: "binary_crossentropy",
    optimizer: adam({ learningRate }),
    metrics: ["binary_crossentropy"],
  });
  return net;
}
