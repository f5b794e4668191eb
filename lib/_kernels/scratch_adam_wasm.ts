/**
 * The gradient of the tutorial's from-scratch Adam (`nn/scratch_adam.ts`) over the full batch, as
 * WebAssembly SIMD: Σᵢ (σ(xᵢθ) − yᵢ) xᵢ for all N rows in one pass, two rows per 128-bit register
 * (one per lane), z = xᵢθ as two interleaved chains of multiply-adds (fused where the CPU has FMA
 * and relaxed SIMD is there), σ from e^t = 2^k·(E + rO)/(E − rO), a [6/6] Padé approximant after
 * the reduction of `exp.ts`. It agrees with the readable batch gradient to rounding (tested).
 * Internal: only `nn/engine.ts` uses it.
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
  i32Const,
  localGet as get,
  localSet as set,
  localTee as tee,
  simd,
  sumTree,
  V128,
  wasmModule,
} from "./wasm.ts";

/** Gradient kernel of the full batch: `run(θ, g)` sets g = Σᵢ (σ(xᵢθ) − yᵢ) xᵢ; false if some |z| > 30. */
export interface GradientKernel {
  /** Writes the gradient at θ into g; false (g unusable) when some |z| > 30. */
  run(theta: Float64Array, g: Float64Array): boolean;
}

// The SIMD instructions by the short names used below (arithmetic on two doubles, f64x2).
const { load, store, load64splat: splat } = simd;
const { abs: ABS, add: ADD, sub: SUB, mul: MUL, div: DIV, max: MAX } = simd;
/** The [6/6] Padé approximant of eʳ is P(r)/P(−r), P(r) = Σ cᵢ rⁱ; error below 2e-19 for |r| ≤ ln2/2. */
const PADE = [1, 1 / 2, 5 / 44, 1 / 66, 1 / 792, 1 / 15840, 1 / 665280];

/**
 * The module for K features. Rows come in pairs, one per SIMD lane: for rows 2p, 2p + 1 and
 * feature j, memory holds [x₂ₚⱼ, x₂ₚ₊₁ⱼ]. Parameters: x, y, yEnd, w (= −θ, K doubles), out
 * (K + 1 pairs: the lanes of g, then of max |z|).
 */
function assemble(k: number, unroll: number, fused: boolean): Uint8Array<ArrayBuffer> {
  let next = 5;
  const G = Array.from({ length: k }, () => next++);
  const [T, KD, R, S, E, RO, Q, ZMAX] = Array.from({ length: 8 }, () => next++);
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  /** a·b + c: relaxed-SIMD's f64x2.relaxed_madd when `fused` (fused on CPUs with FMA). */
  const madd = (a: number[], b: number[], c: number[]): number[] =>
    fused ? [...a, ...b, ...c, ...simd.relaxedMadd] : [...a, ...b, ...MUL, ...c, ...ADD];
  for (const gj of G) emit(f64x2(0), set(gj));
  emit(f64x2(0), set(ZMAX));
  emit(control.loop);
  for (let u = 0; u < unroll; u++) {
    const x = (j: number) => [...get(0), ...load(16 * (k * u + j))];
    const w = (j: number) => [...get(3), ...splat(8 * j)];
    // t = −z = Σⱼ xⱼ(−θⱼ), as CHAINS interleaved sums of multiply-adds (short dependency chains)
    const chains: number[][] = [];
    for (let h = 0; h < Math.min(CHAINS, k); h++) {
      let sum = [...x(h), ...w(h), ...MUL];
      for (let j = h + CHAINS; j < k; j += CHAINS) sum = madd(x(j), w(j), sum);
      chains.push(sum);
    }
    emit(sumTree(chains, ADD), tee(T), ABS, get(ZMAX), MAX, set(ZMAX));
    // t = kd·ln2 + r, |r| ≤ ln2/2 (the reduction of exp.ts)
    emit(wasmReduce(get(T), KD), tee(R), get(R), MUL, set(S));
    // E = c₀ + c₂s + c₄s² + c₆s³ and rO = r(c₁ + c₃s + c₅s²), s = r², by Horner
    const horner = (cs: number[]) =>
      cs.slice(1).reduce((acc, ci) => madd(acc, get(S), f64x2(ci)), f64x2(cs[0]));
    emit(horner([PADE[6], PADE[4], PADE[2], PADE[0]]), set(E));
    emit(horner([PADE[5], PADE[3], PADE[1]]), get(R), MUL, set(RO));
    // e^t = 2^kd·(E + rO)/(E − rO), so σ(z) = 1/(1 + e^t) = Q/(Q + 2^kd·(E + rO)), Q = E − rO
    emit(get(E), get(RO), SUB, tee(Q));
    emit(get(Q), get(E), get(RO), ADD, wasmTimesPow2(KD), ADD, DIV);
    // r = σ(z) − y; g += r·x
    emit(get(1), load(16 * u), SUB, set(R));
    for (let j = 0; j < k; j++) emit(madd(get(R), x(j), get(G[j])), set(G[j]));
  }
  // next pairs: x += 16·k·unroll, y += 16·unroll, again while y ≠ yEnd
  emit(get(0), i32Const(16 * k * unroll), i32.add, set(0));
  emit(get(1), i32Const(16 * unroll), i32.add, tee(1), get(2), i32.ne, brIf(0));
  emit(control.end); // loop
  for (let j = 0; j < k; j++) emit(get(4), get(G[j]), store(16 * j));
  emit(get(4), get(ZMAX), store(16 * k));
  emit(control.end); // function
  return wasmModule({
    exportName: "kernel",
    params: 5,
    locals: [[next - 5, V128]],
    body: c,
    memory: { export: "mem" },
  });
}

/** Rows per loop iteration of the kernel: two lanes times UNROLL pairs. */
const UNROLL = 2;
/** Independent partial sums of z per row. */
const CHAINS = 2;
const modules = new Map<number, WebAssembly.Module | null>();

/**
 * The full-batch gradient kernel for X (n × k, row-major) and y, or undefined when WebAssembly
 * SIMD is unavailable. The rows are padded with zero rows to a whole number of iterations; a zero
 * row adds r·0 = 0 to g.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gradientKernel } from "./scratch_adam_wasm.ts";
 * const kern = gradientKernel(Float64Array.of(1, 0, 0, 1, 1, 1), Float64Array.of(1, 0, 1), 3, 2);
 * if (kern) {
 *   const g = new Float64Array(2);
 *   assert.ok(kern.run(new Float64Array(2), g)); // at θ = 0 every σ = 1/2
 *   assert.deepEqual(Array.from(g), [-1, 0]); // Σ(1/2 − y)x
 * }
 * ```
 */
export function gradientKernel(
  data: Float64Array,
  labels: Float64Array,
  n: number,
  k: number,
): GradientKernel | undefined {
  let mod = modules.get(k);
  if (mod === undefined) {
    // relaxed SIMD if there is, plain SIMD otherwise
    mod = compileModule(() => assemble(k, UNROLL, true)) ??
      compileModule(() => assemble(k, UNROLL, false));
    modules.set(k, mod);
  }
  if (mod === null) return undefined;
  const instance = new WebAssembly.Instance(mod);
  const mem = instance.exports.mem as WebAssembly.Memory;
  const fn = instance.exports.kernel as (...a: number[]) => void;
  const pairs = UNROLL * Math.ceil(n / (2 * UNROLL));
  const outPtr = 0, wPtr = 16 * (k + 1), yPtr = wPtr + 16 * Math.ceil(k / 2);
  const xPtr = yPtr + 16 * pairs, bytes = xPtr + 16 * k * pairs;
  if (bytes > mem.buffer.byteLength) mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / 65536));
  const f64 = new Float64Array(mem.buffer);
  for (let i = 0; i < n; i++) {
    const lane = i & 1, p = i >> 1;
    f64[yPtr / 8 + 2 * p + lane] = labels[i];
    for (let j = 0; j < k; j++) f64[xPtr / 8 + 2 * (p * k + j) + lane] = data[i * k + j];
  }
  return {
    run(theta, g) {
      for (let j = 0; j < k; j++) f64[wPtr / 8 + j] = -theta[j];
      fn(xPtr, yPtr, yPtr + 16 * pairs, wPtr, outPtr);
      if (!(Math.max(f64[2 * k], f64[2 * k + 1]) <= 30)) return false;
      for (let j = 0; j < k; j++) g[j] = f64[2 * j] + f64[2 * j + 1];
      return true;
    },
  };
}
