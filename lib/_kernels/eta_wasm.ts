/**
 * Two small WebAssembly SIMD kernels for the parallel passes of `fused_parallel.ts`, so that a
 * block's hot loops are all WebAssembly (a worker's JavaScript runs slowly until its engine has
 * optimised it, which on a busy machine takes many passes):
 *
 * - `eta(v, beta, out, off, k, m, intercept, hasOffset)`: η of the m rows (m even) of the
 *   row-major m × k chunk at `v`, two rows at a time (one per lane): each row's sum starts at β₀
 *   (0 without an intercept) and adds xⱼ·βⱼ in column order, a multiplication then an addition,
 *   then the offset — the same operations, in the same order, as `fused_rows.ts`'s JavaScript,
 *   so the same bits;
 * - `sums(sw, zw, m, out)`: Σ√w² and Σ√w·z√w over the m rows (m even) in two lanes each, written
 *   to `out[0..4)` (the caller adds the lanes): the intercept's terms of XᵀWX and XᵀWz.
 *
 * Both import a shared memory (`m.mem`). Internal: only `fused_parallel.ts` uses them.
 *
 * @module
 */

import {
  br as BR,
  brIf as BR_IF,
  compileModule,
  control,
  I32,
  i32,
  i32Const as i32c,
  localGet as get,
  localSet as set,
  simd,
  uleb,
  V128,
  wasmModule,
} from "./wasm.ts";

const { add: ADD, mul: MUL, geU: GE_U } = i32;
const { block: BLOCK, loop: LOOP, if: IF, end: END } = control;
const VZERO = [0xfd, 0x0c, ...new Array(16).fill(0)]; // v128.const 0
/** `v128.load64_lane offset lane`: one double into lane `lane` of the vector on the stack. */
const load64Lane = (lane: number): number[] => [0xfd, ...uleb(0x57), 3, 0, lane];

/** The bytes of `eta` (see the module's text). */
function etaBytes(): Uint8Array<ArrayBuffer> {
  const V = 0, B = 1, OUT = 2, OFF = 3, K = 4, M = 5, ICPT = 6, HASOFF = 7;
  const ROWB = 8, R = 9, P = 10, P2 = 11, J = 12, BJ = 13, ACC = 14, B0 = 15, X = 16;
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  emit(get(K), i32c(8), MUL, set(ROWB));
  // β₀ in both lanes (0 without an intercept); βⱼ from B + 8·intercept.
  emit(VZERO, set(B0), get(ICPT), IF, get(B), simd.load64splat(), set(B0), END);
  emit(get(B), get(ICPT), i32c(8), MUL, ADD, set(BJ));
  emit(i32c(0), set(R));
  emit(BLOCK, LOOP, get(R), get(M), GE_U, BR_IF(1));
  emit(get(V), get(R), get(ROWB), MUL, ADD, set(P), get(P), get(ROWB), ADD, set(P2));
  emit(get(B0), set(ACC), i32c(0), set(J));
  emit(BLOCK, LOOP, get(J), get(ROWB), GE_U, BR_IF(1));
  // acc += (x[r, j], x[r + 1, j]) · βⱼ
  emit(get(P), get(J), ADD, simd.load64splat(), set(X)); // x[r, j] (both lanes)
  emit(get(P2), get(J), ADD, get(X), load64Lane(1), set(X)); // x[r + 1, j] into lane 1
  emit(get(ACC), get(X), get(BJ), get(J), ADD, simd.load64splat(), simd.mul, simd.add, set(ACC));
  emit(get(J), i32c(8), ADD, set(J), BR(0), END, END);
  emit(get(HASOFF), IF, get(ACC), get(OFF), get(R), i32c(8), MUL, ADD, simd.load());
  emit(simd.add, set(ACC), END);
  emit(get(OUT), get(R), i32c(8), MUL, ADD, get(ACC), simd.store());
  emit(get(R), i32c(2), ADD, set(R), BR(0), END, END);
  emit(END);
  return wasmModule({
    exportName: "eta",
    params: 8,
    locals: [[6, I32], [3, V128]],
    body: c,
    memory: { import: ["m", "mem"], shared: true },
  });
}

/** The bytes of `sums` (see the module's text). */
function sumsBytes(): Uint8Array<ArrayBuffer> {
  const SW = 0, ZW = 1, M = 2, OUT = 3, R = 4, S = 5, W2 = 6, WZ = 7;
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  emit(VZERO, set(W2), VZERO, set(WZ), i32c(0), set(R));
  emit(BLOCK, LOOP, get(R), get(M), i32c(8), MUL, GE_U, BR_IF(1));
  emit(get(SW), get(R), ADD, simd.load(), set(S));
  emit(get(W2), get(S), get(S), simd.mul, simd.add, set(W2));
  emit(get(WZ), get(S), get(ZW), get(R), ADD, simd.load(), simd.mul, simd.add, set(WZ));
  emit(get(R), i32c(16), ADD, set(R), BR(0), END, END);
  emit(get(OUT), get(W2), simd.store(), get(OUT), get(WZ), simd.store(16));
  emit(END);
  return wasmModule({
    exportName: "sums",
    params: 4,
    locals: [[1, I32], [3, V128]],
    body: c,
    memory: { import: ["m", "mem"], shared: true },
  });
}

let etaCompiled: WebAssembly.Module | null | undefined;
let sumsCompiled: WebAssembly.Module | null | undefined;

/**
 * The compiled `eta` and `sums` kernels (see the module's text), or null where WebAssembly SIMD
 * or shared memories are not available.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { etaModules } from "./eta_wasm.ts";
 * const mods = etaModules();
 * if (mods !== null) {
 *   const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 *   const [eta, sums] = mods.map((m) => new WebAssembly.Instance(m, { m: { mem } }).exports);
 *   const h = new Float64Array(mem.buffer);
 *   h.set([1, 2, 3, 4], 0); // two rows (1, 2) and (3, 4)
 *   h.set([0.5, 10, -1], 8); // β₀ = 0.5, β = (10, −1)
 *   h.set([0.25, 0.5], 16); // the offsets
 *   (eta.eta as (...a: number[]) => void)(0, 64, 24 * 8, 128, 2, 2, 1, 1);
 *   assert.deepEqual([h[24], h[25]], [0.5 + 10 - 2 + 0.25, 0.5 + 30 - 4 + 0.5]);
 *   (sums.sums as (...a: number[]) => void)(0, 16, 2, 32 * 8); // √w = (1, 2), z√w = (3, 4)
 *   assert.deepEqual([h[32] + h[33], h[34] + h[35]], [1 + 4, 3 + 8]);
 * }
 * ```
 */
export function etaModules(): [WebAssembly.Module, WebAssembly.Module] | null {
  if (typeof SharedArrayBuffer !== "function") return null;
  etaCompiled ??= compileModule(etaBytes);
  sumsCompiled ??= compileModule(sumsBytes);
  return etaCompiled === null || sumsCompiled === null ? null : [etaCompiled, sumsCompiled];
}
