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
 * Arithmetic is float64 by default; `dtype: "float32"` stores X, weights and moments as float32
 * and rounds every operation with `Math.fround`, as Keras computes in float32 (its summation order
 * inside a matrix product is not reproduced, only its precision).
 *
 * **Where to read what.** The layers are in `layers.ts`, one unit's forward and backward pass in
 * `dense_unit.ts`, the training loop in `train.ts`, the model's methods in `model.ts`, the
 * optimizers in `adam.ts` and `sgd.ts`, the progress display in `progress.ts`. The fast kernels
 * behind `fit` (WebAssembly SIMD and generated JavaScript) are in `lib/_kernels/`, reached only
 * through `engine.ts`; `fit(..., { engine: "reference" })` runs the readable pass instead.
 *
 * @module
 */

import { checkInteger } from "../core/validate.ts";
import { adam } from "./adam.ts";
import { constant, dense, input } from "./layers.ts";
import { type Model, model } from "./model.ts";

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
