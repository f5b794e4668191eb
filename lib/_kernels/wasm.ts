/**
 * A tiny WebAssembly assembler, shared by the three SIMD kernels (`network_wasm.ts`,
 * `scratch_adam.ts`, `crossprod.ts`). Each kernel writes its own instruction sequence with these
 * pieces and {@linkcode wasmModule} wraps it into a module; the bytes are made in memory, no
 * toolchain or binary blob is involved. Internal: not exported from `mod.ts`.
 *
 * An instruction is a `number[]` of bytes (opcode and immediates), so a kernel is a list of them
 * concatenated. References: the WebAssembly core specification 2.0, §5 "Binary Format"
 * (LEB128 integers §5.2.2, instructions §5.4, modules §5.5), and the fixed-width SIMD and
 * relaxed-SIMD proposals (opcodes 0xfd …).
 *
 * @module
 */

// --- Integers and vectors -------------------------------------------------------------------

/**
 * Unsigned LEB128 of an integer in [0, 2³²): seven bits a byte, low bits first, the high bit set
 * on every byte but the last (spec §5.2.2, `u32`). Throws a RangeError outside that range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { uleb } from "./wasm.ts";
 * assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
 * assert.deepEqual(uleb(0), [0]);
 * ```
 */
export function uleb(n: number): number[] {
  if (!(Number.isInteger(n) && n >= 0 && n <= 0xffffffff)) {
    throw new RangeError(`uleb: expected an integer in [0, 2^32), got ${n}`);
  }
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/**
 * Signed (two's complement) LEB128 of an integer, as `i32.const` and `i64.const` take their
 * immediate (spec §5.2.2, `s32`/`s64`): the shortest encoding whose last byte's bit 6 is the
 * sign. A `number` must be an integer (a RangeError otherwise); a `bigint` may be any size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sleb } from "./wasm.ts";
 * assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
 * assert.deepEqual(sleb(64), [0xc0, 0x00]); // bit 6 set: one more byte keeps it positive
 * assert.deepEqual(sleb(-1n), [0x7f]);
 * ```
 */
export function sleb(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

/**
 * A vector (spec §5.1.3): the number of items as `uleb`, then the items.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { vec } from "./wasm.ts";
 * assert.deepEqual(vec([[1, 2], [3]]), [2, 1, 2, 3]);
 * ```
 */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/**
 * A name (spec §5.2.4): its UTF-8 bytes as a vector.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { name } from "./wasm.ts";
 * assert.deepEqual(name("mem"), [3, 0x6d, 0x65, 0x6d]);
 * ```
 */
export function name(s: string): number[] {
  const bytes = new TextEncoder().encode(s);
  return [...uleb(bytes.length), ...bytes];
}

/**
 * A section (spec §5.5.2): its id, the byte length of its contents, the contents.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { section } from "./wasm.ts";
 * assert.deepEqual(section(3, [1, 0]), [3, 2, 1, 0]); // function section: one function, type 0
 * ```
 */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// --- Value types and instructions -----------------------------------------------------------

/**
 * The value type `i32` (spec §5.3.1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { I32 } from "./wasm.ts";
 * assert.equal(I32, 0x7f);
 * ```
 */
export const I32 = 0x7f;

/**
 * The value type `v128` (SIMD proposal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { V128 } from "./wasm.ts";
 * assert.equal(V128, 0x7b);
 * ```
 */
export const V128 = 0x7b;

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

// --- Modules --------------------------------------------------------------------------------

/** What {@linkcode wasmModule} assembles: one function and one memory. */
export interface WasmModuleSpec {
  /** The name the function is exported under. */
  exportName: string;
  /** Number of parameters, all i32; the function returns nothing. */
  params: number;
  /** Local declarations after the parameters: runs of `[count, valueType]`, in index order. */
  locals: [count: number, type: number][];
  /** The function's instructions, ending with `control.end`. */
  body: number[];
  /**
   * The memory (one page to start, no maximum): defined here and exported under `export`, or
   * imported from `import` = [module, name] (the caller then passes a `WebAssembly.Memory`).
   */
  memory: { export: string } | { import: [module: string, name: string] };
}

/**
 * A whole module of one function `(i32 …) → ()` and one memory, in the section order the spec
 * requires: type, import (an imported memory), function, memory (a defined one), export (the
 * function, then a defined memory), code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { control, i32, localGet, localSet, wasmModule } from "./wasm.ts";
 * // f(a, b): a = a + b, which does nothing visible but validates.
 * const body = [...localGet(0), ...localGet(1), ...i32.add, ...localSet(0), ...control.end];
 * const bytes = wasmModule({ exportName: "f", params: 2, locals: [], body, memory: { export: "mem" } });
 * assert.deepEqual(bytes.slice(0, 8), new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
 * assert.ok(WebAssembly.validate(bytes));
 * const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
 * assert.ok(exports.mem instanceof WebAssembly.Memory);
 * ```
 */
export function wasmModule(spec: WasmModuleSpec): Uint8Array<ArrayBuffer> {
  const { memory } = spec;
  const limits = [0x00, ...uleb(1)]; // min one page, no maximum
  const funcType = [0x60, ...vec(new Array(spec.params).fill([I32])), ...vec([])];
  const exports = [[...name(spec.exportName), 0x00, ...uleb(0)]]; // function 0
  if ("export" in memory) exports.push([...name(memory.export), 0x02, ...uleb(0)]); // memory 0
  const body = [...vec(spec.locals.map(([count, type]) => [...uleb(count), type])), ...spec.body];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vec([funcType])),
    ...("import" in memory
      ? section(2, vec([[...name(memory.import[0]), ...name(memory.import[1]), 0x02, ...limits]]))
      : []),
    ...section(3, vec([uleb(0)])), // function 0 has type 0
    ...("export" in memory ? section(5, vec([limits])) : []),
    ...section(7, vec(exports)),
    ...section(10, vec([[...uleb(body.length), ...body]])),
  ]);
}

/**
 * Validates and compiles the module `assemble` makes, or returns `null` where that fails: no
 * WebAssembly, no SIMD, no relaxed SIMD (for a module that uses it), or any error while
 * assembling. This is how a kernel probes the features it needs: by trying its own bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileModule } from "./wasm.ts";
 * assert.equal(compileModule(() => new Uint8Array([0, 0x61, 0x73, 0x6d, 9, 0, 0, 0])), null);
 * assert.equal(compileModule(() => { throw new Error("cannot assemble"); }), null);
 * ```
 */
export function compileModule(assemble: () => Uint8Array<ArrayBuffer>): WebAssembly.Module | null {
  try {
    if (typeof WebAssembly !== "object") return null;
    const bytes = assemble();
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  } catch {
    return null;
  }
}
