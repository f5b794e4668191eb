/**
 * The network's batch pass (`nn/dense_unit.ts`) as WebAssembly with 128-bit SIMD: for one sigmoid
 * unit on K inputs, the logits, sigmoid, loss and summed gradient Σ(p̂ − y)[x, 1] of a batch in one
 * pass over its rows. The module is assembled here, byte by byte, specialised to K (the loop over
 * features is unrolled, two rows share each 128-bit register, one per lane); no toolchain or
 * binary blob is involved, and the generated code is validated by `WebAssembly.validate` first.
 *
 * It computes what the readable pass computes, up to rounding: p̂ = 1/(1 + e^−z), the gradient
 * Σ(p̂ − y)x and the loss Σ (1 − y)z + log Π(1 + e^−z), the product kept in [1, 2) by moving its
 * binary exponent into an integer sum after every row. Its exp reduces −z = k·ln 2 + r
 * (|r| ≤ ln 2/2, the reduction of `exp.ts`) and sums the Taylor series of e^r to degree 13
 * (truncation below 5e-18) by Estrin's scheme, then scales by 2^k through the exponent bits:
 * about 2 ulp, valid for |z| ≤ 30; beyond, `run` returns false and the caller uses the readable
 * pass.
 *
 * Where WebAssembly SIMD is not available, {@linkcode wasmKernel} returns `undefined`.
 *
 * @module
 */

import { wasmReduce, wasmTimesPow2 } from "./exp.ts";
// The assembler (./wasm.ts), with the short names the kernel below is written in.
import {
  brIf,
  compileModule,
  control,
  f64x2,
  i32,
  i32Const as i32c,
  i64x2,
  localGet as get,
  localSet as set,
  localTee as tee,
  simd as V,
  sumTree,
  V128,
  wasmModule,
} from "./wasm.ts";

/** A compiled kernel for one K, with its own memory holding the batch. */
export interface WasmKernel {
  /** K, the number of features. */
  readonly k: number;
  /** Makes room for `rows` rows. */
  reserve(rows: number): void;
  /** Copies `count` rows of X (row-major, K columns) and y from row `from` into slots 0..count. */
  load(X: Float64Array, y: Float64Array, from: number, count: number): void;
  /** Copies source row `src` of X and y into slot `slot`. */
  setRow(slot: number, X: Float64Array, y: Float64Array, src: number): void;
  /**
   * Runs slots [start, end) at weights `w` (K entries, then the bias if any), writing the summed
   * gradient to `g` and the summed loss to `out.lossSum`. False when some |z| > 30.
   */
  run(
    w: Float64Array,
    g: Float64Array,
    start: number,
    end: number,
    out: { lossSum: number },
  ): boolean;
}

/** Taylor degree: |r|^14/14! < 5e-18 for |r| ≤ ln2/2, below half an ulp. */
const DEGREE = 13;
/** Row pairs per loop iteration. */
const UNROLL = 2;
/** Rows per loop iteration. */
const STRIDE = 2 * UNROLL;

/**
 * Assembles the kernel for `k` features. Two rows share each SIMD register, one per lane: the
 * batch is stored pair-interleaved (for rows 2p and 2p + 1, feature j: [x₂ₚⱼ, x₂ₚ₊₁ⱼ]), so the
 * whole computation, exp included, runs on both rows at once. Accumulators keep the two lanes
 * apart; the caller adds them.
 */
function assemble(k: number, useBias: boolean): Uint8Array<ArrayBuffer> {
  // params: 0 xPtr, 1 yPtr, 2 yEnd, 3 wPtr, 4 gPtr, 5 outPtr (all i32); locals v128
  let next = 6;
  const G = Array.from({ length: k }, () => next++);
  const [Z, KD, RR, R2, R4, R8, OPE, Y, R, LIN, PROD, EXPO, ZMAX, GB, BIAS] = Array.from(
    { length: 15 },
    () => next++,
  );
  const nV128 = next - 6;
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  const zero = f64x2(0);
  for (const gj of G) emit(zero, set(gj));
  emit(zero, set(LIN), f64x2(1), set(PROD), zero, set(EXPO), zero, set(ZMAX), zero, set(GB));
  emit(useBias ? [...get(3), ...V.load64splat(8 * k)] : zero, set(BIAS));
  emit(control.loop);
  for (let u = 0; u < UNROLL; u++) { // pairs per iteration
    // z = Σⱼ xⱼ wⱼ + b, for both rows
    // (as a balanced tree of additions: short dependency chains let successive pairs overlap)
    emit(sumTree(
      Array.from({ length: k }, (_, j) => [
        ...get(0),
        ...V.load(16 * (k * u + j)),
        ...get(3),
        ...V.load64splat(8 * j),
        ...V.mul,
      ]),
      V.add,
    ));
    emit(get(BIAS), V.add, tee(Z));
    emit(V.abs, get(ZMAX), V.max, set(ZMAX));
    // e = exp(−z): k = nearest(−z/ln2), r = −z − k·ln2, e = 2^k · Σ rⁿ/n!
    emit(wasmReduce([...get(Z), ...V.neg], KD), set(RR));
    // Σ rⁿ/n! by Estrin's scheme: pairs c₂ᵢ + c₂ᵢ₊₁r, then combined with r², r⁴, r⁸ (shallow)
    const coef: number[] = [];
    for (let n = 0, f = 1; n <= DEGREE; n++, f *= n) coef.push(1 / f);
    emit(get(RR), get(RR), V.mul, tee(R2), get(R2), V.mul, tee(R4), get(R4), V.mul, set(R8));
    let level: number[][] = [];
    for (let n = 0; n <= DEGREE; n += 2) {
      level.push(
        n + 1 <= DEGREE
          ? [...f64x2(coef[n]), ...get(RR), ...f64x2(coef[n + 1]), ...V.mul, ...V.add]
          : f64x2(coef[n]),
      );
    }
    for (const power of [R2, R4, R8]) {
      const next: number[][] = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(
          i + 1 < level.length
            ? [...level[i], ...level[i + 1], ...get(power), ...V.mul, ...V.add]
            : level[i],
        );
      }
      level = next;
    }
    emit(level[0]);
    emit(wasmTimesPow2(KD));
    // r = 1/(1 + e) − y
    emit(f64x2(1), V.add, set(OPE));
    emit(f64x2(1), get(OPE), V.div, get(1), V.load(16 * u), tee(Y), V.sub, set(R));
    // loss: lin += (1 − y)·z; prod *= 1 + e, kept in [1, 2) with its exponent summed apart
    emit(get(LIN), f64x2(1), get(Y), V.sub, get(Z), V.mul, V.add, set(LIN));
    emit(get(PROD), get(OPE), V.mul, set(PROD));
    if (u === UNROLL - 1) { // once per iteration: at most 2·UNROLL factors ≤ 2^44 each
      emit(get(PROD), i32c(52), V.i64shru, get(EXPO), V.i64add, set(EXPO));
      emit(get(PROD), i64x2(0x000fffffffffffffn), V.and, i64x2(0x3ff0000000000000n), V.or);
      emit(set(PROD));
    }
    // gradient: g += r·x, gb += r
    for (let j = 0; j < k; j++) {
      emit(get(G[j]), get(R), get(0), V.load(16 * (k * u + j)), V.mul, V.add, set(G[j]));
    }
    emit(get(GB), get(R), V.add, set(GB));
  }
  // next pair
  emit(get(0), i32c(16 * k * UNROLL), i32.add, set(0));
  emit(get(1), i32c(16 * UNROLL), i32.add, tee(1), get(2), i32.ne, brIf(0)); // to the loop's start
  emit(control.end); // loop
  for (let j = 0; j < k; j++) emit(get(4), get(G[j]), V.store(16 * j));
  emit(get(4), get(GB), V.store(16 * k));
  emit(get(5), get(LIN), V.store(0), get(5), get(PROD), V.store(16));
  emit(get(5), get(EXPO), V.store(32), get(5), get(ZMAX), V.store(48));
  emit(control.end); // function

  return wasmModule({
    exportName: "kernel",
    params: 6,
    locals: [[nV128, V128]],
    body: c,
    memory: { export: "mem" },
  });
}

const cache = new Map<string, WasmKernel | null>();

/**
 * A compiled SIMD kernel for `k` features, or `undefined` when WebAssembly SIMD is unavailable.
 * Compiled once per (k, useBias) and cached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmKernel } from "./network_wasm.ts";
 * const kern = wasmKernel(2, false);
 * if (kern) {
 *   kern.reserve(3);
 *   kern.load(new Float64Array([1, 0, 0, 1, 1, 1]), new Float64Array([1, 0, 1]), 0, 3);
 *   const g = new Float64Array(2), out = { lossSum: 0 };
 *   kern.run(new Float64Array(2), g, 0, 3, out); // at w = 0 every p̂ = 1/2
 *   assert.ok(Math.abs(out.lossSum - 3 * Math.LN2) < 1e-15);
 *   assert.ok(g[0] === -1 && g[1] === 0); // Σ(1/2 − y)x
 * }
 * ```
 */
export function wasmKernel(k: number, useBias: boolean): WasmKernel | undefined {
  const key = `${k}/${useBias}`;
  if (cache.has(key)) return cache.get(key) ?? undefined;
  const mod = compileModule(() => assemble(k, useBias));
  let made: WasmKernel | null = null;
  try {
    if (mod !== null) made = instantiate(k, useBias, mod);
  } catch {
    made = null;
  }
  cache.set(key, made);
  return made ?? undefined;
}

const LIMIT = 30;

function instantiate(k: number, useBias: boolean, mod: WebAssembly.Module): WasmKernel {
  const instance = new WebAssembly.Instance(mod);
  const mem = instance.exports.mem as WebAssembly.Memory;
  const fn = instance.exports.kernel as (...a: number[]) => void;
  const outPtr = 0, wPtr = 64, gPtr = wPtr + 16 * Math.ceil((k + 1) / 2);
  const yPtr = gPtr + 16 * (k + 1);
  let capacity = 0, xPtr = yPtr;
  let f64 = new Float64Array(mem.buffer);
  let i64 = new BigInt64Array(mem.buffer); // the exponent sums are integers
  /** f64 index of feature j of slot s. */
  const xAt = (s: number, j: number) => xPtr / 8 + ((s >> 1) * k + j) * 2 + (s & 1);
  return {
    k,
    reserve(rows) {
      if (rows <= capacity) return;
      const pairs = Math.ceil(rows / 2);
      xPtr = yPtr + 16 * pairs;
      const need = xPtr + 16 * k * pairs;
      const pages = Math.ceil((need - mem.buffer.byteLength) / 65536);
      if (pages > 0) mem.grow(pages);
      f64 = new Float64Array(mem.buffer);
      i64 = new BigInt64Array(mem.buffer);
      capacity = rows;
    },
    load(X, y, from, count) {
      for (let r = 0; r < count; r++) this.setRow(r, X, y, from + r);
    },
    setRow(slot, X, y, src) {
      const o = src * k;
      let d = xAt(slot, 0);
      for (let j = 0; j < k; j++, d += 2) f64[d] = X[o + j];
      f64[yPtr / 8 + slot] = y[src];
    },
    run(w, g, start, end, out) {
      if (start % STRIDE !== 0) {
        throw new RangeError(`wasm kernel: start must be a multiple of ${STRIDE}`);
      }
      const w0 = wPtr / 8;
      for (let j = 0; j < k; j++) f64[w0 + j] = w[j];
      const b = useBias ? w[k] : 0;
      f64[w0 + k] = b;
      const size = end - start,
        iterations = Math.floor(size / STRIDE),
        tail = start + STRIDE * iterations;
      let lossSum = 0;
      g.fill(0);
      if (iterations > 0) {
        const y0 = yPtr + 8 * start;
        fn(xPtr + 8 * k * start, y0, y0 + 8 * STRIDE * iterations, wPtr, gPtr, outPtr);
        const o = outPtr / 8, g0 = gPtr / 8;
        if (!(Math.max(f64[o + 6], f64[o + 7]) <= LIMIT)) return false;
        for (let j = 0; j < k; j++) g[j] = f64[g0 + 2 * j] + f64[g0 + 2 * j + 1];
        if (useBias) g[k] = f64[g0 + 2 * k] + f64[g0 + 2 * k + 1];
        lossSum = f64[o] + f64[o + 1] + Math.log(f64[o + 2]) + Math.log(f64[o + 3]) +
          (Number(i64[o + 4]) + Number(i64[o + 5]) - 1023 * 2 * iterations) * Math.LN2;
      }
      for (let s = tail; s < end; s++) { // the last size mod 4 rows, by the stable formulas
        let z = b;
        for (let j = 0; j < k; j++) z += f64[xAt(s, j)] * w[j];
        if (!(Math.abs(z) <= LIMIT)) return false;
        const e = Math.exp(-Math.abs(z)), q = 1 / (1 + e), p = z >= 0 ? q : e * q;
        const yi = f64[yPtr / 8 + s], r = p - yi;
        for (let j = 0; j < k; j++) g[j] += r * f64[xAt(s, j)];
        if (useBias) g[k] += r;
        lossSum += (z > 0 ? z : 0) - z * yi + Math.log1p(e);
      }
      out.lossSum = lossSum;
      return true;
    },
  };
}
