/**
 * The building blocks of the tutorial's Keras model: the input placeholder (`layer_input`), the
 * dense layer (`layer_dense`) and the initialisers of its weights (`initializer_constant`, Keras'
 * default Glorot uniform). They hold the weights; `model.ts` trains them.
 *
 * @module
 */

import { ArgumentError } from "../core/errors.ts";
import { checkBoolean, checkFinite, checkInteger, checkOneOf } from "../core/validate.ts";
import { CounterRng } from "./shuffle.ts";

// --- Initialisers ------------------------------------------------------------------------------

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
 * import { constant } from "./layers.ts";
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
 * import { glorotUniform } from "./layers.ts";
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

/** The initialiser a name or object stands for; `name` is the argument's name for errors. */
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

// --- Layers and symbolic tensors ---------------------------------------------------------------

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
 * import { input } from "./layers.ts";
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
 * import { constant, dense, input } from "./layers.ts";
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
    checkOneOf("activation", activation, ["sigmoid"], "(the only activation implemented)");
    checkBoolean("useBias", useBias);
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
 * import { constant, dense, input } from "./layers.ts";
 * const outputs = dense({ units: 1, activation: "sigmoid", useBias: false,
 *   kernelInitializer: constant(0) }).apply(input({ shape: [3] }));
 * assert.ok(outputs.shape[1] === 1);
 * ```
 */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}
