/**
 * The network's batch kernels as JavaScript generated for one K (`new Function`, from numbers
 * only): the weights and gradient live in K local variables and the loop over features is
 * unrolled, which V8 compiles to straight-line code. Each computes what the readable pass of
 * `nn/dense_unit.ts` computes, over rows [start, end) of a row-major batch:
 *
 * - {@linkcode jsKernel} (float64): logits, sigmoid, loss and summed gradient Σ(p̂ − y)[x, 1] in
 *   one pass, with an exp of its own (2^(k/256) from a table times a degree-4 polynomial, about
 *   2 ulp; see `exp.ts`) that is valid while every |z| ≤ 30, and the loss's log(1 + e^−z) summed
 *   as the log of a running product. It returns false when some |z| > 30 and the caller uses the
 *   readable pass instead. Its z is a balanced sum of the products, so it agrees with the readable
 *   pass to rounding, not to the bit.
 * - {@linkcode float32Kernel}: Keras' float32 arithmetic, every operation rounded by `Math.fround`
 *   in exactly the readable float32 pass's order, so it gives the same bits.
 *
 * Internal: only `nn/engine.ts` uses these.
 *
 * @module
 */

import { jsReduce } from "./exp.ts";

/** The summed loss and the number of rows classified right, as a kernel reports them. */
export interface BatchResult {
  /** Σ of per-row losses over the batch. */
  lossSum: number;
  /** Rows with (p̂ > 0.5) equal to y. */
  hits: number;
}

/**
 * A batch kernel: loss and gradient of rows [start, end) of `X` (row-major, K columns) at weights
 * `w` (K, then the bias if any) into `g` and `out`; false when it cannot (the caller falls back).
 */
export type Kernel = (
  X: Float64Array,
  y: Float64Array,
  w: Float64Array,
  g: Float64Array,
  start: number,
  end: number,
  out: BatchResult,
) => boolean;

/** The largest |z| the fast exp is used for. */
export const FAST_LIMIT = 30;
/** 2^(i/256), i = 0..255. */
const EXP_T = Float64Array.from({ length: 256 }, (_, i) => Math.pow(2, i / 256));
/** 2^(i − 2048), i = 0..4095: the integer part of k/256 (|k/256| ≤ 44 for |z| ≤ 30). */
const EXP_P2 = Float64Array.from({ length: 4096 }, (_, i) => Math.pow(2, i - 2048));

const cache = new Map<string, Kernel>();

/** `s` with `${j}` replaced by 0..k−1, joined by spaces. */
const each = (k: number, s: (j: number) => string) =>
  Array.from({ length: k }, (_, j) => s(j)).join(" ");

/** Compiles `src` (a function expression `kernel`) once per key. */
function compile(key: string, src: string, params: string[] = [], args: unknown[] = []): Kernel {
  let kernel = cache.get(key);
  if (!kernel) {
    // Generated from numbers only (K and constants), never from user strings.
    kernel = new Function(...params, `return ${src}`)(...args) as Kernel;
    cache.set(key, kernel);
  }
  return kernel;
}

/**
 * The float64 kernel for `k` features, with a bias when `useBias`, counting hits when `accuracy`.
 * Returns false (the batch to be redone by the readable pass) when some |z| > 30.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsKernel } from "./network_js.ts";
 * const out = { lossSum: 0, hits: 0 }, g = new Float64Array(2);
 * const X = Float64Array.of(1, 0, 0, 1, 1, 1), y = Float64Array.of(1, 0, 1);
 * assert.ok(jsKernel(2, false, false)(X, y, new Float64Array(2), g, 0, 3, out));
 * assert.ok(Math.abs(out.lossSum - 3 * Math.LN2) < 1e-15); // p̂ = 1/2 for every row at w = 0
 * assert.deepEqual(Array.from(g), [-1, 0]); // Σ(1/2 − y)x
 * ```
 */
export function jsKernel(k: number, useBias: boolean, accuracy: boolean): Kernel {
  const products = Array.from({ length: k }, (_, j) => `x${j} * w${j}`);
  while (products.length > 1) { // pairwise sum: shorter dependency chains
    const next: string[] = [];
    for (let i = 0; i < products.length; i += 2) {
      next.push(i + 1 < products.length ? `(${products[i]} + ${products[i + 1]})` : products[i]);
    }
    products.splice(0, products.length, ...next);
  }
  const src = `function kernel(X, y, w, g, start, end, out) {
  ${each(k, (j) => `const w${j} = w[${j}];`)}
  const b = ${useBias ? `w[${k}]` : "0"};
  ${each(k, (j) => `let g${j} = 0;`)}
  let gb = 0, ls = 0, prod = 1, lg = 0, zmax = 0, hits = 0;
  for (let i = start, o = start * ${k}; i < end; i++, o += ${k}) {
    ${each(k, (j) => `const x${j} = X[o + ${j}];`)}
    const z = ${products[0]} + b;
    zmax = Math.max(zmax, Math.abs(z));
    const nz = -z; // for |z| > 30 the tables may be read out of range: the batch is discarded
    ${jsReduce("nz", 256)}
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
    ${each(k, (j) => `g${j} += r * x${j};`)}
    gb += r;
  }
  if (!(zmax <= ${FAST_LIMIT})) return false;
  ${each(k, (j) => `g[${j}] = g${j};`)}
  ${useBias ? `g[${k}] = gb;` : ""}
  out.lossSum = ls + lg + Math.log(prod);
  out.hits = hits;
  return true;
}`;
  return compile(`f64/${k}/${useBias}/${accuracy}`, src, ["T", "P2"], [EXP_T, EXP_P2]);
}

/**
 * The float32 kernel for `k` features: X and the weights hold float32 values, every operation is
 * rounded to float32, the per-row residual is scaled by 1/(end − start) before it meets x (as
 * Keras' autodiff of a mean loss does), so `g` receives the gradient of the batch's *mean* loss.
 * Always succeeds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { float32Kernel } from "./network_js.ts";
 * const out = { lossSum: 0, hits: 0 }, g = new Float64Array(1);
 * float32Kernel(1, false)(Float64Array.of(1, 3), Float64Array.of(0, 1), Float64Array.of(0), g, 0, 2, out);
 * assert.equal(g[0], -0.5); // mean of (1/2 − y)x = (0.5 − 1.5)/2
 * ```
 */
export function float32Kernel(k: number, useBias: boolean): Kernel {
  const src = `function kernel(X, y, w, g, start, end, out) {
  const f = Math.fround;
  ${each(k, (j) => `const w${j} = w[${j}];`)}
  const b = ${useBias ? `f(w[${k}])` : "0"};
  const inv = f(1 / (end - start));
  ${each(k, (j) => `let g${j} = 0;`)}
  let gb = 0, ls = 0, hits = 0;
  for (let i = start, o = start * ${k}; i < end; i++, o += ${k}) {
    ${each(k, (j) => `const x${j} = X[o + ${j}];`)}
    let z = 0;
    ${each(k, (j) => `z = f(z + f(x${j} * w${j}));`)}
    ${useBias ? "z = f(z + b);" : ""}
    const e = f(Math.exp(f(-Math.abs(z))));
    const q = f(1 / f(1 + e));
    const p = z >= 0 ? q : f(e * q);
    const yi = y[i];
    const r = f(f(p - yi) * inv);
    ls = f(ls + f(f((z > 0 ? z : 0) - f(z * yi)) + f(Math.log1p(e))));
    if ((p > 0.5 ? 1 : 0) === yi) hits++;
    ${each(k, (j) => `g${j} = f(g${j} + f(r * x${j}));`)}
    gb = f(gb + r);
  }
  ${each(k, (j) => `g[${j}] = g${j};`)}
  ${useBias ? `g[${k}] = gb;` : ""}
  out.lossSum = ls;
  out.hits = hits;
  return true;
}`;
  return compile(`f32/${k}/${useBias}`, src);
}
