/**
 * The door between the network code, written for reading, and the speed code of `_kernels/`: the
 * one file of `nn/` that imports a kernel. It decides which code computes a batch's forward and
 * backward pass, and hands scratch Adam its full-batch gradient kernel.
 *
 * `engine: "reference"` runs the readable pass of `dense_unit.ts` on every batch, its rows
 * gathered in their shuffled order. `engine: "fast"` (the default; `"auto"` is the same) runs,
 * for float64, a WebAssembly SIMD kernel assembled for this K where WebAssembly SIMD is there
 * (`"wasm"` insists on it), else JavaScript generated for this K (`"js"` insists on it); for
 * float32, JavaScript generated for this K; in all cases the readable pass where a kernel cannot
 * (a batch with some |z| > 30, K > 64, the accuracy metric for WebAssembly). With one batch per
 * epoch the fast engine sums the rows in their stored order: a shuffle would only permute the
 * terms of its sums. Both engines compute the same numbers up to rounding (tested, with the
 * tolerance that follows from the order of the sums).
 *
 * @module
 */

import { type BatchResult, float32Kernel, jsKernel, type Kernel } from "../_kernels/network_js.ts";
import { wasmKernel } from "../_kernels/network_wasm.ts";
import { type GradientKernel, gradientKernel } from "../_kernels/scratch_adam_wasm.ts";
import { sampleSkipper, skipInBackground } from "../_kernels/sample_skip_wasm.ts";
import { mersenneTwisterOf, type Rng } from "../r/random.ts";
import { ArgumentError } from "../core/errors.ts";
import {
  type Batch,
  forwardBackward,
  forwardBackwardFloat32,
  type PassResult,
  type Unit,
} from "./dense_unit.ts";
import type { Dtype } from "./optimizer.ts";

/** Which code computes the network's batches: see the module documentation. */
export type NetworkEngine = "fast" | "reference" | "auto" | "wasm" | "js";

/** The forward and backward pass of batches, whichever code runs it. */
export interface BatchPass {
  /**
   * Whether a one-batch epoch may be given its rows in their stored order (`rows` null), because
   * the pass only sums over them: true for the fast engine.
   */
  readonly anyOrder: boolean;
  /**
   * The pass over rows `rows[start..end)` (rows start..end−1 in stored order when `rows` is null)
   * at weights `w`: the summed loss and the hits, and into `g` the gradient of the batch's *mean*
   * loss.
   */
  run(
    rows: Uint32Array | null,
    start: number,
    end: number,
    w: Float64Array,
    g: Float64Array,
  ): PassResult;
}

/** What a pass is built for. */
export interface PassSpec {
  /** N × K features, row-major (float32 values for float32). */
  readonly X: Float64Array;
  /** N labels. */
  readonly y: Float64Array;
  /** K and the bias. */
  readonly unit: Unit;
  /** The arithmetic. */
  readonly dtype: Dtype;
  /** Whether hits must be counted (the accuracy metric). */
  readonly accuracy: boolean;
  /** Rows per batch (at most N). */
  readonly batchSize: number;
}

/**
 * The pass for `spec` by `engine`. Throws an `ArgumentError` when `engine: "wasm"` cannot be
 * honoured (float32, the accuracy metric, K > 256, or no WebAssembly SIMD here).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchPass } from "./engine.ts";
 * const spec = {
 *   X: Float64Array.of(1, 0, 0, 1, 1, 1), y: Float64Array.of(1, 0, 1),
 *   unit: { k: 2, useBias: false }, dtype: "float64" as const, accuracy: false, batchSize: 3,
 * };
 * const g = new Float64Array(2);
 * const out = batchPass(spec, "reference").run(null, 0, 3, new Float64Array(2), g);
 * assert.ok(Math.abs(out.lossSum - 3 * Math.LN2) < 1e-15);
 * assert.deepEqual(Array.from(g), [-1 / 3, 0]); // the mean of (1/2 − y)x
 * ```
 */
export function batchPass(spec: PassSpec, engine: NetworkEngine): BatchPass {
  return engine === "reference" ? referencePass(spec) : fastPass(spec, engine);
}

/** Copies rows `rows[start..end)` of X and y into a batch of their own. */
function gatherer({ X, y, unit: { k }, batchSize }: PassSpec) {
  const Xb = new Float64Array(batchSize * k), yb = new Float64Array(batchSize);
  return (rows: Uint32Array, start: number, end: number): Batch => {
    for (let r = 0; r < end - start; r++) {
      const src = rows[start + r];
      Xb.set(X.subarray(src * k, src * k + k), r * k);
      yb[r] = y[src];
    }
    return { X: Xb, y: yb, start: 0, end: end - start };
  };
}

/** The summed gradient in `g` divided by the batch size: the gradient of the mean loss. */
function toMean(g: Float64Array, size: number): void {
  for (let j = 0; j < g.length; j++) g[j] /= size;
}

/** The readable pass on every batch. */
function referencePass(spec: PassSpec): BatchPass {
  const { X, y, unit, dtype } = spec;
  const gather = gatherer(spec);
  return {
    anyOrder: false,
    run(rows, start, end, w, g) {
      const batch = rows ? gather(rows, start, end) : { X, y, start, end };
      if (dtype === "float32") return forwardBackwardFloat32(unit, batch, w, g);
      const out = forwardBackward(unit, batch, w, g);
      toMean(g, end - start);
      return out;
    },
  };
}

/** The fast kernels, with the readable pass where they cannot. */
function fastPass(spec: PassSpec, engine: NetworkEngine): BatchPass {
  const { X, y, unit, dtype, accuracy, batchSize } = spec;
  const { k, useBias } = unit, n = y.length, f32 = dtype === "float32";
  const oneBatch = batchSize >= n;
  const wasm = !f32 && !accuracy && engine !== "js" && k <= 256
    ? wasmKernel(k, useBias)
    : undefined;
  if (engine === "wasm" && !wasm) {
    throw new ArgumentError(
      "engine",
      '"wasm" needs float64, no accuracy metric, K ≤ 256 and WebAssembly SIMD; use "fast"',
    );
  }
  const js: Kernel | undefined = k > 64
    ? undefined
    : f32
    ? float32Kernel(k, useBias)
    : jsKernel(k, useBias, accuracy);
  const readable = f32 ? forwardBackwardFloat32 : forwardBackward;
  const gather = gatherer(spec);
  if (wasm) {
    wasm.reserve(batchSize);
    if (oneBatch) wasm.load(X, y, 0, n); // once: every epoch is this one batch
  }
  const out: BatchResult = { lossSum: 0, hits: 0 };
  return {
    anyOrder: true,
    run(rows, start, end, w, g) {
      const size = end - start;
      out.hits = 0;
      let done = false;
      if (wasm) { // the batch's rows go to slots 0..size of the kernel's memory
        if (!oneBatch) {
          for (let r = 0; r < size; r++) wasm.setRow(r, X, y, rows ? rows[start + r] : start + r);
        }
        done = wasm.run(w, g, 0, size, out);
      }
      if (!done) {
        const batch = rows ? gather(rows, start, end) : { X, y, start, end };
        // After a failed WebAssembly batch (some |z| > 30) the JavaScript kernel would fail too.
        if (wasm || !(js && js(batch.X, batch.y, w, g, batch.start, batch.end, out))) {
          Object.assign(out, readable(unit, batch, w, g));
        }
      }
      if (!f32) toMean(g, size); // the float32 kernels scale each row's residual instead
      return out;
    },
  };
}

/**
 * Scratch Adam's full-batch gradient Σ (σ(xᵢθ) − yᵢ) xᵢ as a WebAssembly SIMD kernel over the
 * rows of `data` (n × k, row-major), or `undefined` where WebAssembly SIMD is not available.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fullBatchGradient } from "./engine.ts";
 * const kern = fullBatchGradient(Float64Array.of(1, 3), Float64Array.of(0, 1), 2, 1);
 * const g = new Float64Array(1);
 * if (kern) assert.ok(kern.run(Float64Array.of(0), g) && g[0] === -1);
 * ```
 */
export function fullBatchGradient(
  data: Float64Array,
  labels: Float64Array,
  n: number,
  k: number,
): GradientKernel | undefined {
  return gradientKernel(data, labels, n, k);
}

/**
 * Advances `rng` as `times` calls of `rng.skipSample(n)` would: for R's generator and n ≤ 2¹⁵
 * with WebAssembly, all at once by `_kernels/sample_skip_wasm.ts` (the same words consumed, the
 * same state after, several times faster); otherwise by those calls.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skipSamples } from "./engine.ts";
 * import { rRng } from "../r/random.ts";
 * const a = rRng(42), b = rRng(42);
 * skipSamples(a, 1000, 5);
 * for (let i = 0; i < 5; i++) b.skipSample(1000);
 * assert.equal(a.unifRand(), b.unifRand());
 * ```
 */
export function skipSamples(rng: Rng, n: number, times: number): void {
  const mt = mersenneTwisterOf(rng);
  const skipper = mt && n >= 1 && n <= 32768 ? sampleSkipper() : undefined;
  if (mt && skipper) mt.position = skipper.skip(mt.words, mt.position, n, times);
  else for (let i = 0; i < times; i++) rng.skipSample(n);
}

/**
 * {@linkcode skipSamples} on the second core, where the thread pool of `_kernels/pool.ts` is
 * running (glm fits on large data start it; otherwise the skip is done here and now): returns
 * `join`, to call before `rng` is used again, which waits for the worker (or does the skip itself
 * if the worker has not taken it). The same state after as `skipSamples`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skipSamples, skipSamplesInBackground } from "./engine.ts";
 * import { rRng } from "../r/random.ts";
 * const a = rRng(42), b = rRng(42);
 * const join = skipSamplesInBackground(a, 1000, 5);
 * skipSamples(b, 1000, 5);
 * join();
 * assert.equal(a.unifRand(), b.unifRand());
 * ```
 */
export function skipSamplesInBackground(rng: Rng, n: number, times: number): () => void {
  const mt = mersenneTwisterOf(rng);
  const started = mt && n >= 1 && n <= 32768 && times > 0
    ? skipInBackground(mt.words, mt.position, n, times)
    : undefined;
  if (mt && started) return () => void (mt.position = started.join());
  skipSamples(rng, n, times);
  return () => {};
}
