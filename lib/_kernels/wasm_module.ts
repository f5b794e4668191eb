/**
 * The binary format of a WebAssembly module (spec 2.0, §5), as far as the kernels need it: LEB128
 * integers, vectors, names, sections, the two value types used, and a whole module of one
 * function and one memory. Internal: part of the assembler of `wasm.ts`.
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
 * import { uleb } from "./wasm_module.ts";
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
 * import { sleb } from "./wasm_module.ts";
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
 * import { vec } from "./wasm_module.ts";
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
 * import { name } from "./wasm_module.ts";
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
 * import { section } from "./wasm_module.ts";
 * assert.deepEqual(section(3, [1, 0]), [3, 2, 1, 0]); // function section: one function, type 0
 * ```
 */
export function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// --- Value types ----------------------------------------------------------------------------

/**
 * The value type `i32` (spec §5.3.1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { I32 } from "./wasm_module.ts";
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
 * import { V128 } from "./wasm_module.ts";
 * assert.equal(V128, 0x7b);
 * ```
 */
export const V128 = 0x7b;

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
   * imported from `import` = [module, name] (the caller then passes a `WebAssembly.Memory`); with
   * `shared`, an imported memory is a shared one (`shared: true`, any size up to 4 GiB), which
   * threads can use at once (`pool.ts`).
   */
  memory: { export: string } | { import: [module: string, name: string]; shared?: boolean };
}

/**
 * A whole module of one function `(i32 …) → ()` and one memory, in the section order the spec
 * requires: type, import (an imported memory), function, memory (a defined one), export (the
 * function, then a defined memory), code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { control, i32, localGet, localSet } from "./wasm.ts";
 * import { wasmModule } from "./wasm_module.ts";
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
  // min one page, no maximum; shared: flag 3 and a maximum (65536 pages, all of wasm32's 4 GiB)
  const limits = "import" in memory && memory.shared
    ? [0x03, ...uleb(1), ...uleb(65536)]
    : [0x00, ...uleb(1)];
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
 * import { compileModule } from "./wasm_module.ts";
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
