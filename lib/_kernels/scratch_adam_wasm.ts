/**
 * The gradient of the tutorial's from-scratch Adam (`nn/scratch_adam.ts`) over the full batch, as
 * WebAssembly SIMD: Σᵢ (σ(xᵢθ) − yᵢ) xᵢ for all N rows in one pass, two rows per 128-bit register
 * (one per lane), z = xᵢθ as two interleaved chains of multiply-adds (fused where the CPU has FMA
 * and relaxed SIMD is there), σ from e^t = 2^k·(E + rO)/(E − rO), a [6/6] Padé approximant after
 * the reduction of `exp.ts`. It agrees with the readable batch gradient to rounding (tested).
 * For speed it reads its constants and −θ from fixed addresses (Deno checks the bounds of every
 * other memory access in software), writes six pairs of rows side by side, stage by stage, and
 * sums the gradient in a second loop over the stored residuals; the operations and their order
 * are those of one pair at a time, so the bits are too. Internal: only `nn/engine.ts` uses it.
 *
 * @module
 */

import { LN2_HI, LN2_LO, MAGIC } from "./exp.ts";
// The assembler (./wasm.ts), with the short names the kernel below is written in.
import {
  brIf,
  compileModule,
  control,
  f64x2,
  I32,
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
const { abs: ABS, add: ADD, sub: SUB, mul: MUL, div: DIV } = simd;
/** `f64x2.pmax` (a < b ? b : a: one instruction, where `max` takes several; see `run`). */
const PMAX = [0xfd, 0xf7, 0x01];
/** The [6/6] Padé approximant of eʳ is P(r)/P(−r), P(r) = Σ cᵢ rⁱ; error below 2e-19 for |r| ≤ ln2/2. */
const PADE = [1, 1 / 2, 5 / 44, 1 / 66, 1 / 792, 1 / 15840, 1 / 665280];
/** Constant vectors at fixed addresses from 0: PADE, then 1/ln2, LN2_HI, LN2_LO, MAGIC. */
const CONSTANTS = [...PADE, 1 / Math.LN2, LN2_HI, LN2_LO, MAGIC];
/** Row pairs per iteration of the forward loop (the rows are padded to a whole number of them). */
const BLOCK = 6;
/** Independent partial sums of z per row. */
const CHAINS = 2;

/**
 * Where things sit in the kernel's memory (bytes): the constants, −θ and the results (the lanes
 * of g, then of max |z|) at fixed addresses in the first page (no bounds checks needed), then y,
 * the residuals and the rows.
 */
function layout(k: number) {
  const w = 16 * CONSTANTS.length, out = w + 16 * Math.ceil(k / 2);
  return { w, out, data: out + 16 * (k + 1) };
}

/**
 * The module for K features. Rows come in pairs, one per SIMD lane: for rows 2p, 2p + 1 and
 * feature j, memory holds [x₂ₚⱼ, x₂ₚ₊₁ⱼ]. Parameters: x, y, yEnd, r (room for a residual per
 * pair). The forward loop writes the code of BLOCK pairs stage by stage side by side (so the CPU
 * overlaps their chains) and stores the residuals σ(z) − y; a second loop sums g += r·x pair
 * after pair, each lane in the order of its rows, as a single loop would.
 */
function assemble(k: number, fused: boolean): Uint8Array<ArrayBuffer> {
  const X = 0, YP = 1, YEND = 2, RP = 3;
  let next = 4;
  const alloc = (n: number) => Array.from({ length: n }, () => next++);
  const G = alloc(k);
  const [ZMAX, RG] = alloc(2);
  const T = alloc(BLOCK), KD = alloc(BLOCK), R = alloc(BLOCK), S = alloc(BLOCK);
  const E = alloc(BLOCK), RO = alloc(BLOCK), Q = alloc(BLOCK);
  const nV128 = next - 4;
  const XG = next++, RPG = next++; // i32: the gradient loop's pointers
  const { w: W, out: OUT } = layout(k);
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  /** Emits, for each pair b of the block in turn, the instructions `f(b)` lists. */
  const each = (f: (b: number) => number[][]) => {
    for (let b = 0; b < BLOCK; b++) emit(...f(b));
  };
  /** Constant vector i of CONSTANTS. */
  const K = (i: number) => [...i32Const(0), ...load(16 * i)];
  const [INV_LN2, LN2HI, LN2LO, MAG] = [7, 8, 9, 10].map(K);
  /** a·b + c: relaxed-SIMD's f64x2.relaxed_madd when `fused` (fused on CPUs with FMA). */
  const madd = (a: number[], b: number[], c: number[]): number[] =>
    fused ? [...a, ...b, ...c, ...simd.relaxedMadd] : [...a, ...b, ...MUL, ...c, ...ADD];
  const x = (b: number, j: number) => [...get(X), ...load(16 * (k * b + j))];
  const w = (j: number) => [...i32Const(0), ...splat(W + 8 * j)];
  for (const gj of G) emit(f64x2(0), set(gj));
  emit(f64x2(0), set(ZMAX), get(X), set(XG), get(RP), set(RPG));
  emit(control.loop);
  // t = −z = Σⱼ xⱼ(−θⱼ), as CHAINS interleaved sums of multiply-adds (short dependency chains)
  each((b) => {
    const chains: number[][] = [];
    for (let h = 0; h < Math.min(CHAINS, k); h++) {
      let sum = [...x(b, h), ...w(h), ...MUL];
      for (let j = h + CHAINS; j < k; j += CHAINS) sum = madd(x(b, j), w(j), sum);
      chains.push(sum);
    }
    return [sumTree(chains, ADD), set(T[b])];
  });
  each((b) => [get(T[b]), ABS, get(ZMAX), PMAX, set(ZMAX)]);
  // t = kd·ln2 + r, |r| ≤ ln2/2 (the reduction of exp.ts); s = r²
  each((b) => [get(T[b]), INV_LN2, MUL, simd.nearest, set(KD[b])]);
  each((b) => [
    [...get(T[b]), ...get(KD[b]), ...LN2HI, ...MUL, ...SUB],
    [...get(KD[b]), ...LN2LO, ...MUL, ...SUB, ...set(R[b])],
  ]);
  each((b) => [get(R[b]), get(R[b]), MUL, set(S[b])]);
  // E = c₀ + c₂s + c₄s² + c₆s³ and rO = r(c₁ + c₃s + c₅s²), by Horner
  const horner = (b: number, cs: number[]) =>
    cs.slice(1).reduce((acc, ci) => madd(acc, get(S[b]), K(ci)), K(cs[0]));
  each((b) => [horner(b, [6, 4, 2, 0]), set(E[b])]);
  each((b) => [horner(b, [5, 3, 1]), get(R[b]), MUL, set(RO[b])]);
  // e^t = 2^kd·(E + rO)/(E − rO), so σ(z) = 1/(1 + e^t) = Q/(Q + 2^kd·(E + rO)), Q = E − rO;
  // r = σ(z) − y, stored for the gradient loop
  each((b) => [get(E[b]), get(RO[b]), SUB, set(Q[b])]);
  each((b) => [
    [...get(RP), ...get(Q[b]), ...get(Q[b]), ...get(E[b]), ...get(RO[b]), ...ADD],
    [...get(KD[b]), ...MAG, ...ADD, ...i32Const(52), ...simd.i64shl, ...MUL, ...ADD, ...DIV],
    [...get(YP), ...load(16 * b), ...SUB, ...store(16 * b)],
  ]);
  // next pairs: x += 16·k·BLOCK, r and y += 16·BLOCK, again while y ≠ yEnd
  emit(get(X), i32Const(16 * k * BLOCK), i32.add, set(X));
  emit(get(RP), i32Const(16 * BLOCK), i32.add, set(RP));
  emit(get(YP), i32Const(16 * BLOCK), i32.add, tee(YP), get(YEND), i32.ne, brIf(0));
  emit(control.end); // loop
  // g += r·x, pair after pair
  emit(control.loop, get(RPG), load(0), set(RG));
  for (let j = 0; j < k; j++) {
    emit(madd(get(RG), [...get(XG), ...load(16 * j)], get(G[j])), set(G[j]));
  }
  emit(get(XG), i32Const(16 * k), i32.add, set(XG));
  emit(get(RPG), i32Const(16), i32.add, tee(RPG), get(RP), i32.ne, brIf(0));
  emit(control.end); // loop
  for (let j = 0; j < k; j++) emit(i32Const(0), get(G[j]), store(OUT + 16 * j));
  emit(i32Const(0), get(ZMAX), store(OUT + 16 * k));
  emit(control.end); // function
  return wasmModule({
    exportName: "kernel",
    params: 4,
    locals: [[nV128, V128], [2, I32]],
    body: c,
    memory: { export: "mem" },
  });
}

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
    mod = compileModule(() => assemble(k, true)) ?? compileModule(() => assemble(k, false));
    modules.set(k, mod);
  }
  if (mod === null) return undefined;
  const instance = new WebAssembly.Instance(mod);
  const mem = instance.exports.mem as WebAssembly.Memory;
  const fn = instance.exports.kernel as (...a: number[]) => void;
  const pairs = BLOCK * Math.ceil(n / (2 * BLOCK));
  const { w: wPtr, out: outPtr, data: yPtr } = layout(k);
  const rPtr = yPtr + 16 * pairs, xPtr = rPtr + 16 * pairs, bytes = xPtr + 16 * k * pairs;
  if (bytes > mem.buffer.byteLength) mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / 65536));
  const f64 = new Float64Array(mem.buffer);
  CONSTANTS.forEach((v, i) => f64.fill(v, 2 * i, 2 * i + 2));
  for (let i = 0; i < n; i++) {
    const lane = i & 1, p = i >> 1;
    f64[yPtr / 8 + 2 * p + lane] = labels[i];
    for (let j = 0; j < k; j++) f64[xPtr / 8 + 2 * (p * k + j) + lane] = data[i * k + j];
  }
  const w0 = wPtr / 8, o = outPtr / 8;
  return {
    run(theta, g) {
      for (let j = 0; j < k; j++) f64[w0 + j] = -theta[j];
      fn(xPtr, yPtr, yPtr + 16 * pairs, rPtr);
      if (!(Math.max(f64[o + 2 * k], f64[o + 2 * k + 1]) <= 30)) return false;
      for (let j = 0; j < k; j++) g[j] = f64[o + 2 * j] + f64[o + 2 * j + 1];
      // a NaN z that pmax passed over reaches every g (NaN·x is NaN): give up, as for |z| > 30
      return g[0] === g[0];
    },
  };
}
