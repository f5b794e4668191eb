/**
 * The network's batch pass (`nn/dense_unit.ts`) as WebAssembly with 128-bit SIMD: for one sigmoid
 * unit on K inputs, the logits, sigmoid, loss and summed gradient Σ(p̂ − y)[x, 1] of a batch. The
 * module is assembled here, byte by byte, specialised to K (the loops over features are unrolled,
 * two rows share each 128-bit register, one per lane); no toolchain or binary blob is involved,
 * and the generated code is validated by `WebAssembly.validate` first.
 *
 * It computes what the readable pass computes, up to rounding: p̂ = 1/(1 + e^−z), the gradient
 * Σ(p̂ − y)x and the loss Σ (1 − y)z + log Π(1 + e^−z), the product kept in [1, 2) by moving its
 * binary exponent into an integer sum every few rows. Its exp reduces −z = k·ln 2 + r
 * (|r| ≤ ln 2/2, the reduction of `exp.ts`) and sums the Taylor series of e^r to degree 13
 * (truncation below 5e-18) by Estrin's scheme, then scales by 2^k through the exponent bits:
 * about 2 ulp, valid for |z| ≤ 30; beyond, `run` returns false and the caller uses the readable
 * pass.
 *
 * Speed. Deno runs WebAssembly with a software bounds check on every memory access whose address
 * is not a constant, so the kernel reads its constants and the weights from fixed addresses in
 * the first page (no check) rather than rebuilding each constant in every iteration. The forward
 * loop writes the code of four pairs of rows stage by stage side by side, which lets the CPU
 * overlap their long chains of dependent operations (exp, then a division); the gradient is
 * summed in a second, short loop over the stored residuals. None of this changes a bit of the
 * result: every value comes from the same operations in the same order (tested against the
 * arithmetic written out row by row in `tests/kernels_test.ts`).
 *
 * Where WebAssembly SIMD is not available, {@linkcode wasmKernel} returns `undefined`.
 *
 * @module
 */

import { exp, log, log1p } from "../core/math.ts";
import { LN2_HI, LN2_LO, MAGIC } from "./exp.ts";
// The assembler (./wasm.ts), with the short names the kernel below is written in.
import {
  brIf,
  compileModule,
  control,
  f64x2,
  I32,
  i32,
  i32Const as i32c,
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
/** e^r's Taylor coefficients 1/n!, n = 0..DEGREE. */
const COEF = Array.from({ length: DEGREE + 1 }, (_, n) => {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return 1 / f;
});
/** The kernel takes rows in multiples of STRIDE (two pairs); `run` does the rest, the tail. */
const STRIDE = 4;
/** Row pairs per iteration of the forward loop (its remainder, 0 or 2 pairs, in a second loop). */
const BLOCK = 4;
/** Row pairs per iteration of the gradient loop. */
const GRAD_BLOCK = 2;
/**
 * `f64x2.pmax` (a < b ? b : a: one instruction, where `max` takes several to order NaN and −0;
 * a NaN can slip past it, so `run` also checks the loss sums, which every NaN z reaches).
 */
const PMAX = [0xfd, 0xf7, 0x01];

/**
 * Where things sit in the kernel's memory (bytes): the results, the constants and the weights at
 * fixed addresses below 64 KiB (the first page, which always exists, so reading them needs no
 * bounds check), then the labels, the residuals and the rows from `data` on.
 */
function layout(k: number) {
  const out = 0, consts = 64, w = consts + 16 * (COEF.length + 8);
  const g = w + 16 * Math.ceil((k + 1) / 2), data = g + 16 * (k + 1);
  return { out, consts, w, g, data };
}

/**
 * The constants as two-lane vectors, in the order `assemble` reads them: the Taylor
 * coefficients, 1, 1/ln2, LN2_HI, LN2_LO, MAGIC (doubles), then the mantissa mask and the
 * exponent of 1.0 (64-bit integers, as their bit patterns in doubles).
 */
function constants(): Float64Array {
  const bits = (b: bigint) => new Float64Array(BigInt64Array.of(b).buffer)[0];
  return Float64Array.from(
    [
      ...COEF,
      1,
      1 / Math.LN2,
      LN2_HI,
      LN2_LO,
      MAGIC,
      bits(0x000fffffffffffffn),
      bits(0x3ff0000000000000n),
    ].flatMap((c) => [c, c]),
  );
}

/**
 * Assembles the kernel for `k` features. Two rows share each SIMD register, one per lane: the
 * batch is stored pair-interleaved (for rows 2p and 2p + 1, feature j: [x₂ₚⱼ, x₂ₚ₊₁ⱼ]), so the
 * whole computation, exp included, runs on both rows at once. Accumulators keep the two lanes
 * apart; the caller adds them.
 *
 * Two loops over the pairs. The forward loop computes z, e^−z, the residual r = p̂ − y (stored
 * for the second loop) and the loss terms, for BLOCK pairs per iteration written stage by stage
 * side by side (the z of all of them, then their reductions, …), so that the CPU overlaps the
 * long chains of independent pairs; a remainder of BLOCK/2 pairs runs the same code once. The
 * gradient loop then adds r·x to the gradient, pair after pair. Every value is computed by the
 * same operations in the same order whatever the blocking, so the result does not depend on it
 * (the product's renormalisation is exact, whenever it happens).
 */
function assemble(k: number, useBias: boolean): Uint8Array<ArrayBuffer> {
  // params: 0 xPtr, 1 yPtr, 2 yEnd (of the pairs done in blocks), 3 yStop (of all pairs), 4 rPtr
  const X = 0, YP = 1, YEND = 2, YSTOP = 3, RP = 4;
  let next = 5;
  const alloc = (n: number) => Array.from({ length: n }, () => next++);
  const G = alloc(k);
  const [LIN, PROD, EXPO, ZMAX, GB, BIAS, RG] = alloc(7);
  const Z = alloc(BLOCK), KD = alloc(BLOCK), RR = alloc(BLOCK), R2 = alloc(BLOCK);
  const R4 = alloc(BLOCK), R8 = alloc(BLOCK), OPE = alloc(BLOCK), Y = alloc(BLOCK);
  const L = Array.from({ length: BLOCK }, () => alloc(7)); // Estrin's partial sums
  const nV128 = next - 5;
  const XG = next++, RPG = next++; // i32: the gradient loop's pointers
  const { out, consts, w, g } = layout(k);
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  /** A constant vector (see `constants`), read from its fixed address. */
  const K = (i: number) => [...i32c(0), ...V.load(consts + 16 * i)];
  const [ONE, INV_LN2, HI, LO, MAG, MANT, ONE_BITS] = [0, 1, 2, 3, 4, 5, 6].map((i) =>
    K(COEF.length + i)
  );
  const zero = f64x2(0);
  const wj = (j: number) => [...i32c(0), ...V.load64splat(w + 8 * j)];

  for (const gj of G) emit(zero, set(gj));
  emit(zero, set(LIN), ONE, set(PROD), zero, set(EXPO), zero, set(ZMAX), zero, set(GB));
  if (useBias) emit(i32c(0), V.load64splat(w + 8 * k), set(BIAS));
  emit(get(X), set(XG), get(RP), set(RPG));

  /** The forward pass of `u` pairs from x, y, r, advancing them. */
  const forward = (u: number) => {
    /** Emits, for each pair b of the iteration in turn, the instructions `f(b)` lists. */
    const each = (f: (b: number) => number[][]) => {
      for (let b = 0; b < u; b++) emit(...f(b));
    };
    const x = (b: number, j: number) => [...get(X), ...V.load(16 * (k * b + j))];
    /** a + b·c for the values the three sequences push. */
    const madd = (a: number[], b: number[], c: number[]) => [...a, ...b, ...c, ...V.mul, ...V.add];
    // z = Σⱼ xⱼ wⱼ + b, for both rows
    // (as a balanced tree of additions: short dependency chains let successive pairs overlap)
    each((b) => [
      sumTree(Array.from({ length: k }, (_, j) => [...x(b, j), ...wj(j), ...V.mul]), V.add),
      useBias ? [...get(BIAS), ...V.add] : [],
      set(Z[b]),
    ]);
    each((b) => [get(Z[b]), V.abs, get(ZMAX), PMAX, set(ZMAX)]);
    // e = exp(−z): k = nearest(−z/ln2), r = (−z − k·LN2_HI) − k·LN2_LO, e = 2^k · Σ rⁿ/n!
    each((b) => [get(Z[b]), V.neg, INV_LN2, V.mul, V.nearest, set(KD[b])]);
    each((b) => [
      [...get(Z[b]), ...V.neg, ...get(KD[b]), ...HI, ...V.mul, ...V.sub],
      [...get(KD[b]), ...LO, ...V.mul, ...V.sub, ...set(RR[b])],
    ]);
    // Σ rⁿ/n! by Estrin's scheme: pairs c₂ᵢ + c₂ᵢ₊₁r, then combined with r², r⁴, r⁸ (shallow)
    each((b) => [get(RR[b]), get(RR[b]), V.mul, set(R2[b])]);
    for (let i = 0; i < 7; i++) {
      each((b) => [madd(K(2 * i), get(RR[b]), K(2 * i + 1)), set(L[b][i])]);
    }
    each((b) => [get(R2[b]), get(R2[b]), V.mul, set(R4[b])]);
    for (let i = 0; i < 3; i++) {
      each((b) => [madd(get(L[b][2 * i]), get(L[b][2 * i + 1]), get(R2[b])), set(L[b][i])]);
    }
    each((b) => [get(L[b][6]), set(L[b][3])]);
    each((b) => [get(R4[b]), get(R4[b]), V.mul, set(R8[b])]);
    for (let i = 0; i < 2; i++) {
      each((b) => [madd(get(L[b][2 * i]), get(L[b][2 * i + 1]), get(R4[b])), set(L[b][i])]);
    }
    // 1 + e, e = (L₀ + L₁r⁸)·2^k (2^k from the exponent bits, as `wasmTimesPow2` makes it)
    each((b) => [
      madd(get(L[b][0]), get(L[b][1]), get(R8[b])),
      [...get(KD[b]), ...MAG, ...V.add, ...i32c(52), ...V.i64shl, ...V.mul],
      [...ONE, ...V.add, ...set(OPE[b])],
    ]);
    // r = 1/(1 + e) − y, kept for the gradient loop
    each((b) => [
      [...get(RP), ...ONE, ...get(OPE[b]), ...V.div],
      [...get(YP), ...V.load(16 * b), ...tee(Y[b]), ...V.sub, ...V.store(16 * b)],
    ]);
    // loss: lin += (1 − y)·z; prod *= 1 + e, kept in [1, 2) with its exponent summed apart
    each((b) => [get(LIN), ONE, get(Y[b]), V.sub, get(Z[b]), V.mul, V.add, set(LIN)]);
    each((b) => [get(PROD), get(OPE[b]), V.mul, set(PROD)]);
    // once per iteration: at most 2·BLOCK factors ≤ 2^44 each
    emit(get(PROD), i32c(52), V.i64shru, get(EXPO), V.i64add, set(EXPO));
    emit(get(PROD), MANT, V.and, ONE_BITS, V.or, set(PROD));
    emit(get(X), i32c(16 * k * u), i32.add, set(X));
    emit(get(RP), i32c(16 * u), i32.add, set(RP));
    emit(get(YP), i32c(16 * u), i32.add, set(YP));
  };
  // the blocks: while y ≠ yEnd (the caller passes at least one)
  emit(get(YP), get(YEND), i32.ne, control.if, control.loop);
  forward(BLOCK);
  emit(get(YP), get(YEND), i32.ne, brIf(0), control.end, control.end);
  // the remainder: BLOCK/2 pairs, if y ≠ yStop
  emit(get(YP), get(YSTOP), i32.ne, control.if);
  forward(BLOCK / 2);
  emit(control.end);
  // the gradient: g += r·x, gb += r, pair after pair (the rows are whole blocks of GRAD_BLOCK)
  emit(control.loop);
  for (let b = 0; b < GRAD_BLOCK; b++) {
    emit(get(RPG), V.load(16 * b), set(RG));
    for (let j = 0; j < k; j++) {
      emit(get(G[j]), get(RG), get(XG), V.load(16 * (k * b + j)), V.mul, V.add, set(G[j]));
    }
    emit(get(GB), get(RG), V.add, set(GB));
  }
  emit(get(XG), i32c(16 * k * GRAD_BLOCK), i32.add, set(XG));
  emit(get(RPG), i32c(16 * GRAD_BLOCK), i32.add, tee(RPG), get(RP), i32.ne, brIf(0));
  emit(control.end); // loop
  for (let j = 0; j < k; j++) emit(i32c(0), get(G[j]), V.store(g + 16 * j));
  emit(i32c(0), get(GB), V.store(g + 16 * k));
  emit(i32c(0), get(LIN), V.store(out), i32c(0), get(PROD), V.store(out + 16));
  emit(i32c(0), get(EXPO), V.store(out + 32), i32c(0), get(ZMAX), V.store(out + 48));
  emit(control.end); // function

  return wasmModule({
    exportName: "kernel",
    params: 5,
    locals: [[nV128, V128], [2, I32]],
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
  const { out, consts, w: wPtr, g: gPtr, data } = layout(k);
  const yPtr = data;
  let capacity = 0, rPtr = data, xPtr = data;
  let f64 = new Float64Array(mem.buffer);
  let u32 = new Uint32Array(mem.buffer); // the exponent sums are 64-bit integers: read as halves
  f64.set(constants(), consts / 8);
  /** f64 index of feature j of slot s. */
  const xAt = (s: number, j: number) => xPtr / 8 + ((s >> 1) * k + j) * 2 + (s & 1);
  /** The 64-bit integer at f64 index i, as a number (exact below 2^53). */
  const int64 = (i: number) => u32[2 * i] + 4294967296 * u32[2 * i + 1];
  return {
    k,
    reserve(rows) {
      if (rows <= capacity) return;
      const pairs = Math.ceil(rows / 2);
      rPtr = yPtr + 16 * pairs;
      xPtr = rPtr + 16 * pairs;
      const need = xPtr + 16 * k * pairs;
      const pages = Math.ceil((need - mem.buffer.byteLength) / 65536);
      if (pages > 0) mem.grow(pages);
      f64 = new Float64Array(mem.buffer);
      u32 = new Uint32Array(mem.buffer);
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
    run(w, g, start, end, result) {
      if (start % STRIDE !== 0) {
        throw new RangeError(`wasm kernel: start must be a multiple of ${STRIDE}`);
      }
      const w0 = wPtr / 8;
      for (let j = 0; j < k; j++) f64[w0 + j] = w[j];
      const b = useBias ? w[k] : 0;
      f64[w0 + k] = b;
      const size = end - start,
        pairs = 2 * Math.floor(size / STRIDE),
        blocks = Math.floor(pairs / BLOCK),
        renorms = blocks + (pairs % BLOCK === 0 ? 0 : 1),
        tail = start + 2 * pairs;
      let lossSum = 0;
      g.fill(0);
      if (pairs > 0) {
        const y0 = yPtr + 8 * start;
        fn(xPtr + 8 * k * start, y0, y0 + 16 * BLOCK * blocks, y0 + 16 * pairs, rPtr);
        const o = out / 8, g0 = gPtr / 8;
        // |z| > 30 somewhere, or a NaN (which pmax passes over, but which reaches lin)
        if (
          !(Math.max(f64[o + 6], f64[o + 7]) <= LIMIT && f64[o] === f64[o] &&
            f64[o + 1] === f64[o + 1])
        ) {
          return false;
        }
        for (let j = 0; j < k; j++) g[j] = f64[g0 + 2 * j] + f64[g0 + 2 * j + 1];
        if (useBias) g[k] = f64[g0 + 2 * k] + f64[g0 + 2 * k + 1];
        lossSum = f64[o] + f64[o + 1] + log(f64[o + 2]) + log(f64[o + 3]) +
          (int64(o + 4) + int64(o + 5) - 1023 * 2 * renorms) * Math.LN2;
      }
      for (let s = tail; s < end; s++) { // the last size mod 4 rows, by the stable formulas
        let z = b;
        for (let j = 0; j < k; j++) z += f64[xAt(s, j)] * w[j];
        if (!(Math.abs(z) <= LIMIT)) return false;
        const e = exp(-Math.abs(z)), q = 1 / (1 + e), p = z >= 0 ? q : e * q;
        const yi = f64[yPtr / 8 + s], r = p - yi;
        for (let j = 0; j < k; j++) g[j] += r * f64[xAt(s, j)];
        if (useBias) g[k] += r;
        lossSum += (z > 0 ? z : 0) - z * yi + log1p(e);
      }
      result.lossSum = lossSum;
      return true;
    },
  };
}
