/**
 * The weighted cross-products an IRLS step needs for its normal equations, fast:
 * `A = Xᵀ W X` and `b = Xᵀ W z` for a row-major N × K matrix X (optionally with a leading
 * column of ones for the intercept), given `sw = √w` and `zw = √w · z`. The readable definition,
 * which this equals to rounding (tested), is `glm/normal_equations.ts`.
 *
 * The hot loop is a tiny WebAssembly SIMD kernel, assembled below from its opcodes with the
 * assembler of `wasm.ts` (no build step, no file or network access: the bytes are made in memory
 * and compiled once). It works on chunks of rows copied into WebAssembly memory: each chunk's
 * rows are scaled by `√wᵢ` (so the chunk holds `V = √W X`, the matrix R's QR path factorises),
 * then `VᵀV` is accumulated in 4 × 4 blocks of the upper triangle, 8 two-lane accumulators per
 * block, reading each row of the block once (4 × 2 blocks, with 4 accumulators, for the last
 * columns when K mod 4 is 1 or 2, where a 4 × 4 block would be mostly padding); `Vᵀ√w` and `Vᵀzw`
 * are accumulated alongside, row by row. Each chunk's `VᵀV` is added to the total as a whole, so
 * `A` is summed in a different order from the definition's; `b` is summed row by row, in the
 * definition's order. The weights can be computed chunk by chunk as the kernel needs them
 * (`computeRows`), so a caller needs no N-long arrays of them. Products and sums are plain IEEE
 * multiply and add (no fused multiply-add), so the result is the same on every machine. Internal:
 * only `glm/engine.ts` uses it.
 *
 * @module
 */

import {
  br as BR,
  brIf as BR_IF,
  compileModule,
  control,
  f64x2,
  I32,
  i32,
  i32Const as i32c,
  localGet as get,
  localSet as set,
  localTee as tee,
  simd,
  V128,
  wasmModule,
} from "./wasm.ts";

/** `Xᵀ W X` and `Xᵀ W z` of {@linkcode weightedCrossprod}. */
export interface Crossprod {
  /** The p × p matrix `Xᵀ W X` (row-major, both triangles filled), p = K (+ 1 with intercept). */
  readonly A: Float64Array;
  /** The p-vector `Xᵀ W z`. */
  readonly b: Float64Array;
  /** Number of columns p (K, plus one for the intercept column of ones, which comes first). */
  readonly p: number;
}

/**
 * Writes the weights of rows `start .. start + count − 1` into `sw[0 .. count)` (their `√wᵢ`) and
 * `zw[0 .. count)` (their `√wᵢ · zᵢ`); see {@linkcode WeightedCrossprod.computeRows}.
 */
export type RowWeights = (start: number, count: number, sw: Float64Array, zw: Float64Array) => void;

/** The reusable computer returned by {@linkcode weightedCrossprod}. */
export interface WeightedCrossprod {
  /** `Xᵀ W X` and `Xᵀ W z` from `sw = √w` and `zw = √w · z` (N entries each). */
  compute(sw: Float64Array, zw: Float64Array): Crossprod;
  /**
   * The same, with the weights produced chunk by chunk by `fill` (called once per chunk of rows,
   * in order; only the first `count` entries of its arrays are read). This lets a caller compute
   * each row's weights just before they are used, without N-long arrays of them.
   */
  computeRows(fill: RowWeights): Crossprod;
}

// ---------------------------------------------------------------------------------------------
// The kernel, in the assembler's instructions (./wasm.ts) under short names.

const { add: ADD, sub: SUB, mul: MUL, geU: GE_U, leS: LE_S, gtU: GT_U, ltU: LT_U } = i32;
const { block: BLOCK, loop: LOOP, if: IF, else: ELSE, end: END } = control;
const { load: vload, store: vstore, load64splat: splat, add: FADD2, mul: FMUL2 } = simd;
const VZERO = f64x2(0);
const F64LOAD = [0x2b, 3, 0], F64STORE = [0x39, 3, 0], F64MUL = [0xa2]; // f64.load/store/mul

/**
 * The kernel `chunk(v, sw, zw, a, g, k, kp, m, src)` (all i32; pointers are byte addresses):
 * 1. writes row r of the m × k row-major block at `src` times `sw[r]` to the block at `v` (`src`
 *    may be `v`: the rows are then scaled in place);
 * 2. adds `VᵀV` to the kp × kp row-major block at `a` (upper triangle in 4 × 4 or 4 × 2 blocks;
 *    entries with a row or column index ≥ k are scratch and meaningless);
 * 3. adds `Vᵀsw` to `g[0..kp)` and `Vᵀzw` to `g[kp..2kp)` (entries ≥ k are scratch).
 * The 64 bytes after the block must be readable (they are read as scratch, never trusted).
 */
function kernelBytes(shared = false, fused = false, tall = false): Uint8Array<ArrayBuffer> {
  // Parameters 0..8, then i32 locals 9..18, then v128 locals 19..33.
  const V = 0, SW = 1, ZW = 2, A = 3, G = 4, K = 5, KP = 6, M = 7, SRC = 8;
  const ROWB = 9, END_ = 10, P = 11, Q = 12, J = 13, L = 14, ADDR = 15, R = 16, E = 17, PS = 18;
  const S = 19, ACC = 20, S0 = 28, Y0 = 32, Y1 = 33, SZ = 20; // SZ reuses ACC in part 3
  const c: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) c.push(...part);
  };
  // rowBytes = 8k; end = v + m·rowBytes.
  emit(get(K), i32c(8), MUL, set(ROWB), get(V), get(M), get(ROWB), MUL, ADD, set(END_));

  // 1. Scale rows: V[r, ·] = SRC[r, ·] · sw[r].
  emit(get(V), set(P), get(SRC), set(PS), get(SW), set(R));
  emit(BLOCK, LOOP, get(P), get(END_), GE_U, BR_IF(1));
  emit(get(R), splat(), set(S), i32c(0), set(J));
  emit(BLOCK, LOOP, get(J), i32c(16), ADD, get(ROWB), GT_U, BR_IF(1));
  emit(get(P), get(J), ADD, get(PS), get(J), ADD, vload(), get(S), FMUL2, vstore());
  emit(get(J), i32c(16), ADD, set(J), BR(0), END, END);
  // Odd k: the last element of the row, alone.
  emit(get(J), get(ROWB), LT_U, IF);
  emit(get(P), get(J), ADD, get(PS), get(J), ADD, F64LOAD, get(R), F64LOAD, F64MUL, F64STORE, END);
  emit(get(P), get(ROWB), ADD, set(P), get(PS), get(ROWB), ADD, set(PS));
  emit(get(R), i32c(8), ADD, set(R), BR(0), END, END);

  // 2. VᵀV in 4 × 4 (or 4 × 2) blocks (j, l), l ≥ j, both multiples of 4 — or, `tall`, in 6 × 4
  // (6 × 2) blocks, j a multiple of 6 and l of 4 from j rounded down to one: 12 accumulators fed
  // by 8 loads a row instead of 8 by 6. Each entry is summed over the rows in the same order
  // either way, so the two give the same bits.
  const rowsPer = tall ? 6 : 4;
  emit(i32c(0), set(J));
  emit(BLOCK, LOOP, get(J), get(K), GE_U, BR_IF(1));
  if (tall) emit(get(J), i32c(-4), i32.and, set(L));
  else emit(get(J), set(L));
  emit(BLOCK, LOOP, get(L), get(K), GE_U, BR_IF(1));
  // A block whose columns l.. are the last one or two (k mod 4 ∈ {1, 2}) gets half the
  // accumulators: only the first two-lane half of each row of it is needed.
  const blockBody = (halves: number) => {
    for (let a = 0; a < rowsPer * halves; a++) emit(VZERO, set(ACC + a));
    emit(get(V), get(J), i32c(8), MUL, ADD, set(P)); // p → V[0, j]
    emit(get(V), get(L), i32c(8), MUL, ADD, set(Q)); // q → V[0, l]
    emit(get(P), get(M), get(ROWB), MUL, ADD, set(E));
    emit(BLOCK, LOOP, get(P), get(E), GE_U, BR_IF(1));
    // 4 × 4: the four splats first (S0..S3); 6 × 4: each splat just before its use (one register).
    if (!tall) { for (let a = 0; a < 4; a++) emit(get(P), splat(8 * a), set(S0 + a)); }
    emit(get(Q), vload(0), set(Y0));
    if (halves === 2) emit(get(Q), vload(16), set(Y1));
    for (let a = 0; a < rowsPer; a++) {
      const sa = tall ? S : S0 + a;
      if (tall) emit(get(P), splat(8 * a), set(S));
      for (let h = 0; h < halves; h++) {
        const acc = ACC + halves * a + h;
        if (fused) emit(get(sa), get(h === 0 ? Y0 : Y1), get(acc), simd.relaxedMadd, set(acc));
        else emit(get(acc), get(sa), get(h === 0 ? Y0 : Y1), FMUL2, FADD2, set(acc));
      }
    }
    emit(get(P), get(ROWB), ADD, set(P), get(Q), get(ROWB), ADD, set(Q), BR(0), END, END);
    // a[(j + r)·kp + l + 2h ..] += acc
    for (let a = 0; a < rowsPer; a++) {
      emit(get(A), get(J), i32c(a), ADD, get(KP), MUL, get(L), ADD, i32c(8), MUL, ADD, set(ADDR));
      for (let h = 0; h < halves; h++) {
        const acc = ACC + halves * a + h;
        emit(get(ADDR), get(ADDR), vload(16 * h), get(acc), FADD2, vstore(16 * h));
      }
    }
  };
  emit(get(K), get(L), SUB, i32c(2), LE_S, IF);
  blockBody(1);
  emit(ELSE);
  blockBody(2);
  emit(END);
  emit(get(L), i32c(4), ADD, set(L), BR(0), END, END);
  emit(get(J), i32c(rowsPer), ADD, set(J), BR(0), END, END);

  // 3. g[j] += Σ_r V[r, j] sw[r]; g[kp + j] += Σ_r V[r, j] zw[r], two columns at a time.
  emit(get(V), set(P), i32c(0), set(R));
  emit(BLOCK, LOOP, get(P), get(END_), GE_U, BR_IF(1));
  emit(get(SW), get(R), ADD, splat(), set(S), get(ZW), get(R), ADD, splat(), set(SZ));
  emit(i32c(0), set(J));
  emit(BLOCK, LOOP, get(J), get(ROWB), GE_U, BR_IF(1));
  emit(get(P), get(J), ADD, vload(), set(Y0));
  emit(get(G), get(J), ADD, tee(ADDR), get(ADDR), vload(), get(Y0), get(S), FMUL2, FADD2, vstore());
  emit(get(ADDR), get(KP), i32c(8), MUL, ADD, tee(ADDR), get(ADDR), vload(), get(Y0), get(SZ));
  emit(FMUL2, FADD2, vstore());
  emit(get(J), i32c(16), ADD, set(J), BR(0), END, END);
  emit(get(P), get(ROWB), ADD, set(P), get(R), i32c(8), ADD, set(R), BR(0), END, END);
  emit(END);

  return wasmModule({
    exportName: "chunk",
    params: 9,
    locals: [[10, I32], [15, V128]],
    body: c,
    memory: { import: ["m", "mem"], shared },
  });
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled kernel `chunk(v, sw, zw, a, g, k, kp, m, src)` (see `kernelBytes`), or `null` where
 * WebAssembly SIMD is not available. Its memory is imported as `m.mem`, so another kernel can
 * share it (the fused binomial passes instantiate it on their row kernel's memory).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossprodKernelModule } from "./crossprod.ts";
 * const mod = crossprodKernelModule();
 * if (mod !== null) {
 *   const mem = new WebAssembly.Memory({ initial: 1 });
 *   const chunk = new WebAssembly.Instance(mod, { m: { mem } }).exports.chunk as (...a: number[]) => void;
 *   const h = new Float64Array(mem.buffer); // a: 16 doubles (kp = 4), g: 8, sw: 1, zw: 1, v: 1 row
 *   h.set([2], 24); h.set([6], 25); h.set([3], 26); // sw = 2, zw = 6, the row x = 3
 *   chunk(26 * 8, 24 * 8, 25 * 8, 0, 16 * 8, 1, 4, 1, 26 * 8);
 *   assert.ok(h[0] === 36 && h[16] === 12 && h[20] === 36); // (2·3)², 2·3·2, 2·3·6
 * }
 * ```
 */
export function crossprodKernelModule(): WebAssembly.Module | null {
  return kernelModule();
}

let compiledShared: WebAssembly.Module | null | undefined;

/**
 * The rows of the kp × kp accumulator that the shared kernel ({@linkcode crossprodSharedModule})
 * writes: its 6-row blocks reach row ⌈K/6⌉·6 − 1, beyond kp for some K (the extra rows are
 * scratch). Its row stride is kp = K rounded up to a multiple of 4.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sharedAccRows } from "./crossprod.ts";
 * assert.equal(sharedAccRows(100), 102); // kp = 100, blocks of 6 rows up to row 101
 * assert.equal(sharedAccRows(10), 12);
 * ```
 */
export function sharedAccRows(k: number): number {
  return Math.max((k + 3) & ~3, Math.ceil(k / 6) * 6);
}

/**
 * The same kernel importing a shared memory (`shared: true`), for the threads of
 * `crossprod_parallel.ts` and `fused_parallel.ts`: with relaxed SIMD's multiply-add where there
 * is one, and 6 × 4 blocks (the same sums; its accumulator has {@linkcode sharedAccRows} rows);
 * `null` where WebAssembly SIMD or shared memories are not available.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossprodSharedModule } from "./crossprod.ts";
 * const mod = crossprodSharedModule();
 * if (mod !== null) {
 *   const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 *   assert.ok(new WebAssembly.Instance(mod, { m: { mem } }).exports.chunk instanceof Function);
 * }
 * ```
 */
export function crossprodSharedModule(): WebAssembly.Module | null {
  if (compiledShared === undefined) {
    compiledShared = typeof SharedArrayBuffer !== "function"
      ? null
      : compileModule(() => kernelBytes(true, true, true)) ??
        compileModule(() => kernelBytes(true, false, true));
  }
  return compiledShared;
}

/** The compiled kernel, or `null` where WebAssembly SIMD is not available. */
function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileModule(() => kernelBytes());
  return compiled;
}

/**
 * Whether the WebAssembly SIMD kernel is available here (otherwise `glm` computes the
 * cross-products by their readable definition).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmCrossprodAvailable } from "./crossprod.ts";
 * assert.equal(typeof wasmCrossprodAvailable(), "boolean");
 * ```
 */
export function wasmCrossprodAvailable(): boolean {
  return kernelModule() !== null;
}

// ---------------------------------------------------------------------------------------------

/**
 * Writes the kernel's sums into `out`: VᵀV (the upper triangle of the kp × kp `acc`) into both
 * triangles of A, Vᵀz√w (`g[kp..]`) into b, and with an intercept Σw, Σ√w·z√w and Vᵀ√w (`g[..kp]`)
 * as its row and column (kp = K rounded up to a multiple of 4).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossprodResult } from "./crossprod.ts";
 * const out = { A: new Float64Array(4), b: new Float64Array(2), p: 2 };
 * const acc = new Float64Array(16), g = new Float64Array(8);
 * acc[0] = 9; g[0] = 3; g[4] = 5; // one column x: Σw x² = 9, Σw x = 3, Σw x z = 5
 * crossprodResult(out, acc, g, 1, 2, 1, true);
 * assert.deepEqual(Array.from(out.A), [1, 3, 3, 9]);
 * assert.deepEqual(Array.from(out.b), [2, 5]);
 * ```
 */
export function crossprodResult(
  out: Crossprod,
  acc: Float64Array,
  g: Float64Array,
  sww: number,
  swz: number,
  k: number,
  intercept: boolean,
): void {
  const { A, b, p } = out, kp = (k + 3) & ~3, off = intercept ? 1 : 0;
  if (intercept) {
    A[0] = sww;
    b[0] = swz;
    for (let j = 0; j < k; j++) A[j + 1] = A[(j + 1) * p] = g[j];
  }
  for (let j = 0; j < k; j++) {
    b[j + off] = g[kp + j];
    for (let l = j; l < k; l++) {
      A[(j + off) * p + l + off] = A[(l + off) * p + j + off] = acc[j * kp + l];
    }
  }
}

/**
 * A reusable computer of `Xᵀ W X` and `Xᵀ W z` for one X: allocate once per fit, call once per
 * IRLS iteration. Its memory is a few chunks of rows plus the p × p result, whatever N is.
 * `undefined` where WebAssembly SIMD is not available.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { weightedCrossprod } from "./crossprod.ts";
 * const X = { rows: 3, cols: 2, data: Float64Array.of(1, 2, 3, 4, 5, 6) };
 * const cp = weightedCrossprod(X, { intercept: true });
 * if (cp) {
 *   // Weights w = (1, 4, 9), working response z = (1, 0, 1): pass √w and √w·z.
 *   const { A, b } = cp.compute(Float64Array.of(1, 2, 3), Float64Array.of(1, 0, 3));
 *   assert.ok(A[0] === 14 && A[1] === 1 + 12 + 45 && A[4] === 1 + 36 + 225);
 *   assert.ok(b[0] === 10 && b[2] === 2 + 54);
 * }
 * ```
 */
export function weightedCrossprod(
  X: { rows: number; cols: number; data: Float64Array },
  options: { intercept?: boolean; chunkRows?: number } = {},
): WeightedCrossprod | undefined {
  const mod = kernelModule();
  if (mod === null) return undefined;
  const { intercept = false } = options;
  const n = X.rows, k = X.cols, Xd = X.data;
  const off = intercept ? 1 : 0;
  const p = k + off;
  const A = new Float64Array(p * p);
  const b = new Float64Array(p);
  const result: Crossprod = { A, b, p };
  const kp = (k + 3) & ~3;
  // Rows per chunk: about 256 KiB of X, which stays in the L2 cache while the blocks stream it.
  const rowsPerChunk = Math.max(4, Math.min(n, options.chunkRows ?? Math.floor(32768 / k)));

  const finish = (acc: Float64Array, g: Float64Array, sww: number, swz: number) =>
    crossprodResult(result, acc, g, sww, swz, k, intercept);

  // Memory layout (bytes): acc (kp²) | g (2 kp) | sw (chunk) | zw (chunk) | V (chunk × k + pad).
  const accOff = 0;
  const gOff = accOff + kp * kp * 8;
  const swOff = gOff + 2 * kp * 8;
  const zwOff = swOff + rowsPerChunk * 8;
  const vOff = zwOff + rowsPerChunk * 8;
  const total = vOff + rowsPerChunk * k * 8 + 64;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(total / 65536) });
  const instance = new WebAssembly.Instance(mod, { m: { mem: memory } });
  const chunk = instance.exports.chunk as (...args: number[]) => void;
  const heap = new Float64Array(memory.buffer);
  const acc = heap.subarray(accOff / 8, gOff / 8);
  const g = heap.subarray(gOff / 8, swOff / 8);
  const swc = heap.subarray(swOff / 8, zwOff / 8);
  const zwc = heap.subarray(zwOff / 8, vOff / 8);
  const computeRows = (fill: RowWeights): Crossprod => {
    acc.fill(0);
    g.fill(0);
    let sww = 0, swz = 0;
    for (let i0 = 0; i0 < n; i0 += rowsPerChunk) {
      const m = Math.min(rowsPerChunk, n - i0);
      fill(i0, m, swc, zwc);
      if (intercept) {
        for (let r = 0; r < m; r++) {
          sww += swc[r] * swc[r];
          swz += swc[r] * zwc[r];
        }
      }
      heap.set(Xd.subarray(i0 * k, (i0 + m) * k), vOff / 8);
      chunk(vOff, swOff, zwOff, accOff, gOff, k, kp, m, vOff);
    }
    finish(acc, g, sww, swz);
    return result;
  };
  /** `compute` in terms of `computeRows`: copies each chunk's slice of `sw` and `zw`. */
  const compute = (sw: Float64Array, zw: Float64Array) =>
    computeRows((start, count, a, c) => {
      a.set(sw.subarray(start, start + count));
      c.set(zw.subarray(start, start + count));
    });
  return { computeRows, compute };
}
