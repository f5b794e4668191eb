/**
 * A tiny WebAssembly assembler, shared by the kernels (`network_wasm.ts`, `scratch_adam_wasm.ts`,
 * `crossprod.ts`, `sample_skip_wasm.ts` and the others of this folder). Each kernel writes its own instruction sequence with
 * these pieces and `wasmModule` (in `wasm_module.ts`, re-exported here with the binary format's
 * integers and sections) wraps it into a module; the bytes are made in memory, no toolchain or
 * binary blob is involved. Internal: not exported from `mod.ts`.
 *
 * An instruction is a `number[]` of bytes (opcode and immediates), so a kernel is a list of them
 * concatenated. References: the WebAssembly core specification 2.0, §5 "Binary Format"
 * (LEB128 integers §5.2.2, instructions §5.4, modules §5.5), and the fixed-width SIMD and
 * relaxed-SIMD proposals (opcodes 0xfd …).
 *
 * @module
 */

import { sleb, uleb } from "./wasm_module.ts";

export {
  compileModule,
  I32,
  name,
  section,
  sleb,
  uleb,
  V128,
  vec,
  wasmModule,
  type WasmModuleSpec,
} from "./wasm_module.ts";

// --- Instructions -----------------------------------------------------------------------------
/**
 * `local.get i`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localGet } from "./wasm.ts";
 * assert.deepEqual(localGet(200), [0x20, 0xc8, 0x01]);
 * ```
 */
export const localGet = (i: number): number[] => [0x20, ...uleb(i)];

/**
 * `local.set i`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localSet } from "./wasm.ts";
 * assert.deepEqual(localSet(3), [0x21, 3]);
 * ```
 */
export const localSet = (i: number): number[] => [0x21, ...uleb(i)];

/**
 * `local.tee i` (set, and leave the value on the stack).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { localTee } from "./wasm.ts";
 * assert.deepEqual(localTee(3), [0x22, 3]);
 * ```
 */
export const localTee = (i: number): number[] => [0x22, ...uleb(i)];

/**
 * `i32.const v`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { i32Const } from "./wasm.ts";
 * assert.deepEqual(i32Const(52), [0x41, 52]);
 * assert.deepEqual(i32Const(-1), [0x41, 0x7f]);
 * ```
 */
export const i32Const = (v: number): number[] => [0x41, ...sleb(v)];

/**
 * `v128.const` holding the doubles `[a, b]` (lane 0 first; both `a` by default): 0xfd 0x0c then
 * the 16 little-endian bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { f64x2 } from "./wasm.ts";
 * const one = f64x2(1);
 * assert.equal(one.length, 18);
 * assert.deepEqual(one.slice(0, 2), [0xfd, 0x0c]);
 * assert.deepEqual(one.slice(2, 10), [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]); // 1.0 = 0x3ff0000000000000
 * assert.deepEqual(f64x2(0), [0xfd, 0x0c, ...new Array(16).fill(0)]);
 * ```
 */
export function f64x2(a: number, b: number = a): number[] {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a, true);
  view.setFloat64(8, b, true);
  return [0xfd, 0x0c, ...new Uint8Array(view.buffer)];
}

/**
 * `v128.const` holding the 64-bit integers `[a, b]` (both `a` by default), little-endian.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { i64x2 } from "./wasm.ts";
 * assert.deepEqual(i64x2(-1n).slice(2), new Array(16).fill(0xff));
 * assert.deepEqual(i64x2(1n, 2n).slice(2, 11), [1, 0, 0, 0, 0, 0, 0, 0, 2]);
 * ```
 */
export function i64x2(a: bigint, b: bigint = a): number[] {
  const view = new DataView(new ArrayBuffer(16));
  view.setBigInt64(0, a, true);
  view.setBigInt64(8, b, true);
  return [0xfd, 0x0c, ...new Uint8Array(view.buffer)];
}

/**
 * Structured control (spec §5.4.1), each with an empty block type (0x40) where it takes one:
 * `block`, `loop`, `if`, `else`, `end`; branches are {@linkcode br} and {@linkcode brIf}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { control } from "./wasm.ts";
 * assert.deepEqual([...control.loop, ...control.end], [0x03, 0x40, 0x0b]);
 * ```
 */
export const control = {
  /** `block` (empty type). */
  block: [0x02, 0x40],
  /** `loop` (empty type): a branch to it jumps back to its start. */
  loop: [0x03, 0x40],
  /** `if` (empty type). */
  if: [0x04, 0x40],
  /** `else`. */
  else: [0x05],
  /** `end` of a block, loop, if or function body. */
  end: [0x0b],
};

/**
 * `br d`: branch to the d-th enclosing block (0 = innermost).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { br } from "./wasm.ts";
 * assert.deepEqual(br(1), [0x0c, 1]);
 * ```
 */
export const br = (depth: number): number[] => [0x0c, ...uleb(depth)];

/**
 * `br_if d`: pops an i32 and branches to the d-th enclosing block if it is not zero.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { brIf } from "./wasm.ts";
 * assert.deepEqual(brIf(0), [0x0d, 0]);
 * ```
 */
export const brIf = (depth: number): number[] => [0x0d, ...uleb(depth)];

/**
 * i32 arithmetic and comparisons (spec §5.4.7), operands popped from the stack.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { i32 } from "./wasm.ts";
 * assert.deepEqual(i32.add, [0x6a]);
 * assert.deepEqual(i32.ne, [0x47]);
 * ```
 */
export const i32 = {
  /** `i32.add`. */
  add: [0x6a],
  /** `i32.sub`. */
  sub: [0x6b],
  /** `i32.mul`. */
  mul: [0x6c],
  /** `i32.ne`. */
  ne: [0x47],
  /** `i32.lt_u`. */
  ltU: [0x49],
  /** `i32.gt_u`. */
  gtU: [0x4b],
  /** `i32.le_s`. */
  leS: [0x4c],
  /** `i32.ge_u`. */
  geU: [0x4f],
  /** `i32.and`. */
  and: [0x71],
  /** `i32.eqz`. */
  eqz: [0x45],
  /** `i32.clz` (count of leading zero bits; 32 for 0). */
  clz: [0x67],
  /** `i32.shl`. */
  shl: [0x74],
  /** `i32.shr_u`. */
  shrU: [0x76],
  /** `i32.load offset` (alignment 2²), of the address on the stack plus `offset`. */
  load: (offset = 0): number[] => [0x28, 2, ...uleb(offset)],
  /** `i32.store offset` (alignment 2²): the value on top, the address beneath it. */
  store: (offset = 0): number[] => [0x36, 2, ...uleb(offset)],
  /** `select`: of a, b and an i32 c on the stack, a if c ≠ 0, else b. */
  select: [0x1b],
};

/** A SIMD instruction: prefix 0xfd, then its opcode as `uleb`. */
const simdOp = (code: number): number[] => [0xfd, ...uleb(code)];

/**
 * 128-bit SIMD instructions (prefix 0xfd). Memory accesses take a byte offset (default 0) and
 * declare natural alignment (2⁴ for a v128, 2³ for the splatted double). Arithmetic without a
 * prefix in its name is on two doubles (`f64x2.*`); `i64*` are on two 64-bit integers.
 * `relaxedMadd` is relaxed-SIMD's `f64x2.relaxed_madd` (a·b + c, fused or not depending on the
 * CPU): a module using it fails `WebAssembly.validate` where relaxed SIMD is missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { simd } from "./wasm.ts";
 * assert.deepEqual(simd.load(32), [0xfd, 0x00, 4, 32]);
 * assert.deepEqual(simd.add, [0xfd, 0xf0, 0x01]); // opcodes ≥ 128 take two bytes
 * ```
 */
export const simd = {
  /** `v128.load offset`. */
  load: (offset = 0): number[] => [...simdOp(0x00), 4, ...uleb(offset)],
  /** `v128.load64_splat offset`: one double, copied to both lanes. */
  load64splat: (offset = 0): number[] => [...simdOp(0x0a), 3, ...uleb(offset)],
  /** `v128.store offset`. */
  store: (offset = 0): number[] => [...simdOp(0x0b), 4, ...uleb(offset)],
  /** `v128.and`. */
  and: simdOp(0x4e),
  /** `v128.or`. */
  or: simdOp(0x50),
  /** `v128.xor`. */
  xor: simdOp(0x51),
  /** `i32x4.shl` (four 32-bit integers; shift count: an i32 on the stack). */
  i32shl: simdOp(0xab),
  /** `i32x4.shr_s`. */
  i32shrS: simdOp(0xac),
  /** `i32x4.shr_u`. */
  i32shrU: simdOp(0xad),
  /** `f64x2.nearest` (round to nearest, ties to even). */
  nearest: simdOp(0x94),
  /** `i64x2.shl` (shift count: an i32 on the stack). */
  i64shl: simdOp(0xcb),
  /** `i64x2.shr_u`. */
  i64shru: simdOp(0xcd),
  /** `i64x2.add`. */
  i64add: simdOp(0xce),
  /** `f64x2.abs`. */
  abs: simdOp(0xec),
  /** `f64x2.neg`. */
  neg: simdOp(0xed),
  /** `f64x2.add`. */
  add: simdOp(0xf0),
  /** `f64x2.sub`. */
  sub: simdOp(0xf1),
  /** `f64x2.mul`. */
  mul: simdOp(0xf2),
  /** `f64x2.div`. */
  div: simdOp(0xf3),
  /** `f64x2.max`. */
  max: simdOp(0xf5),
  /** `f64x2.relaxed_madd` (relaxed SIMD): a·b + c. */
  relaxedMadd: simdOp(0x107),
};

/**
 * Adds up the values that `parts` (instruction sequences, each pushing one value) push, as a
 * balanced tree of `add`s: ((p₀ + p₁) + (p₂ + p₃)) + …; short dependency chains let the CPU
 * overlap the additions. One part is returned as is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sumTree } from "./wasm.ts";
 * assert.deepEqual(sumTree([[1], [2], [3]], [0]), [1, 2, 0, 3, 0]);
 * ```
 */
export function sumTree(parts: number[][], add: number[]): number[] {
  while (parts.length > 1) {
    const level: number[][] = [];
    for (let i = 0; i < parts.length; i += 2) {
      level.push(i + 1 < parts.length ? [...parts[i], ...parts[i + 1], ...add] : parts[i]);
    }
    parts = level;
  }
  return parts[0];
}
