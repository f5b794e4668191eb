import assert from "node:assert/strict";
import {
  brIf,
  control,
  f64x2,
  i32,
  i32Const,
  i64x2,
  localGet,
  localSet,
  localTee,
  simd,
  sumTree,
} from "../lib/_kernels/wasm.ts";
import {
  compileModule,
  I32,
  name,
  section,
  sleb,
  uleb,
  V128,
  vec,
  wasmModule,
} from "../lib/_kernels/wasm_module.ts";

/** Reads a LEB128 integer back, straight from its definition (seven bits a byte, low first). */
function decode(bytes: number[], signed: boolean): bigint {
  let value = 0n, shift = 0n;
  for (const [i, b] of bytes.entries()) {
    value |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    const last = (b & 0x80) === 0;
    assert.equal(last, i === bytes.length - 1, "only the last byte lacks the continuation bit");
    if (last && signed && (b & 0x40) !== 0) value -= 1n << shift;
  }
  return value;
}

Deno.test("uleb encodes the WebAssembly spec's and the LEB128 literature's examples", () => {
  // 624485 → e5 8e 26 is the unsigned example of the LEB128 article the spec cites (§5.2.2).
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(uleb(0), [0x00]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(16384), [0x80, 0x80, 0x01]);
  assert.deepEqual(uleb(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
});

Deno.test("uleb rejects what a u32 cannot hold", () => {
  for (const bad of [-1, 1.5, 2 ** 32, NaN, Infinity]) {
    assert.throws(() => uleb(bad), RangeError, String(bad));
  }
});

Deno.test("sleb encodes the spec's signed examples, numbers and bigints alike", () => {
  // −123456 → c0 bb 78: the signed example of the same article.
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(-123456n), [0xc0, 0xbb, 0x78]);
  assert.deepEqual(sleb(0), [0x00]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]); // bit 6 would read as a sign: one more byte
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(-64), [0x40]);
  assert.deepEqual(sleb(-65), [0xbf, 0x7f]);
  assert.deepEqual(sleb(2 ** 31 - 1), [0xff, 0xff, 0xff, 0xff, 0x07]);
  assert.deepEqual(sleb(-(2 ** 31)), [0x80, 0x80, 0x80, 0x80, 0x78]);
  assert.deepEqual(sleb(-(2n ** 63n)), [
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x80,
    0x7f,
  ]);
  assert.throws(() => sleb(0.5), RangeError);
});

Deno.test("uleb and sleb decode back to their input, in the fewest bytes", () => {
  let s = 12345;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  for (let t = 0; t < 2000; t++) {
    const u = next() >>> (next() % 32);
    const bu = uleb(u);
    assert.equal(decode(bu, false), BigInt(u));
    assert.equal(bu.length, Math.max(1, Math.ceil(Math.log2(u + 1) / 7)));
    const v = (next() | 0) >> (next() % 32);
    const bv = sleb(v);
    assert.equal(decode(bv, true), BigInt(v));
    // fewest bytes: 7·len − 1 value bits plus sign must be needed, 7·(len − 1) must not suffice
    const bits = v >= 0 ? Math.ceil(Math.log2(v + 1)) + 1 : Math.ceil(Math.log2(-v)) + 1;
    assert.equal(bv.length, Math.max(1, Math.ceil(bits / 7)), `sleb(${v})`);
  }
});

Deno.test("vec, name and section prefix their contents with a uleb count or length", () => {
  assert.deepEqual(vec([]), [0]);
  assert.deepEqual(vec([[7], [8, 9]]), [2, 7, 8, 9]);
  assert.deepEqual(name("kernel"), [6, 0x6b, 0x65, 0x72, 0x6e, 0x65, 0x6c]);
  assert.deepEqual(name("é"), [2, 0xc3, 0xa9]); // UTF-8 bytes, not characters
  const big = new Array(200).fill(1);
  assert.deepEqual(section(10, big).slice(0, 3), [10, 0xc8, 0x01]);
  assert.equal(section(10, big).length, 203);
});

Deno.test("f64x2 and i64x2 lay out v128.const lanes little-endian", () => {
  // IEEE 754 binary64: 1 = 0x3ff0000000000000, −2 = 0xc000000000000000.
  assert.deepEqual(f64x2(1, -2), [
    0xfd,
    0x0c,
    ...[0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
    ...[0, 0, 0, 0, 0, 0, 0, 0xc0],
  ]);
  assert.deepEqual(f64x2(1), [...f64x2(1, 1)]);
  assert.deepEqual(i64x2(0x0102030405060708n, -2n), [
    0xfd,
    0x0c,
    ...[8, 7, 6, 5, 4, 3, 2, 1],
    ...[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  ]);
});

Deno.test("instruction encoders emit the spec's opcodes", () => {
  assert.deepEqual(localGet(1), [0x20, 1]);
  assert.deepEqual(localSet(128), [0x21, 0x80, 0x01]);
  assert.deepEqual(localTee(2), [0x22, 2]);
  assert.deepEqual(i32Const(64), [0x41, 0xc0, 0x00]);
  assert.deepEqual(brIf(1), [0x0d, 1]);
  assert.deepEqual(control.block, [0x02, 0x40]);
  assert.deepEqual(simd.store(16), [0xfd, 0x0b, 4, 16]);
  assert.deepEqual(simd.load64splat(8), [0xfd, 0x0a, 3, 8]);
  assert.deepEqual(simd.mul, [0xfd, 0xf2, 0x01]);
  assert.deepEqual(simd.relaxedMadd, [0xfd, 0x87, 0x02]);
  assert.equal(I32, 0x7f);
  assert.equal(V128, 0x7b);
});

Deno.test("sumTree adds pairwise, as a balanced tree", () => {
  const p = (x: number) => [x];
  assert.deepEqual(sumTree([p(1)], [0]), [1]);
  assert.deepEqual(sumTree([p(1), p(2), p(3), p(4)], [0]), [1, 2, 0, 3, 4, 0, 0]);
  assert.deepEqual(sumTree([p(1), p(2), p(3), p(4), p(5)], [0]), [1, 2, 0, 3, 4, 0, 0, 5, 0]);
});

/** out[0..2) = [a + b, a · b] lane-wise, then a counter loop adds 1 to i32 at 32, n times. */
function demoBody(): number[] {
  return [
    // f(out, a, b, n): v128 locals 4 (a), 5 (b)
    ...localGet(1),
    ...simd.load(),
    ...localSet(4),
    ...localGet(2),
    ...simd.load(),
    ...localSet(5),
    ...localGet(0),
    ...sumTree([localGet(4), localGet(5)], simd.add),
    ...simd.store(),
    ...localGet(0),
    ...localGet(4),
    ...localGet(5),
    ...simd.mul,
    ...simd.store(16),
    ...control.loop,
    ...i32Const(32),
    ...i32Const(32),
    ...[0x28, 2, 0], // i32.load
    ...i32Const(1),
    ...i32.add,
    ...[0x36, 2, 0], // i32.store
    ...localGet(3),
    ...i32Const(-1),
    ...i32.add,
    ...localTee(3),
    ...brIf(0),
    ...control.end,
    ...control.end,
  ];
}

Deno.test("wasmModule builds a module that runs, with its own memory", () => {
  const bytes = wasmModule({
    exportName: "f",
    params: 4,
    locals: [[2, V128]],
    body: demoBody(),
    memory: { export: "mem" },
  });
  assert.ok(WebAssembly.validate(bytes));
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const mem = exports.mem as WebAssembly.Memory;
  assert.equal(mem.buffer.byteLength, 65536);
  const f64 = new Float64Array(mem.buffer);
  f64.set([1.5, -2, 4, 0.25], 8); // a at byte 64, b at byte 80
  (exports.f as (...a: number[]) => void)(0, 64, 80, 3);
  assert.deepEqual(Array.from(f64.subarray(0, 4)), [5.5, -1.75, 6, -0.5]);
  assert.equal(new Int32Array(mem.buffer)[8], 3);
});

Deno.test("wasmModule builds a module that imports its memory", () => {
  const bytes = wasmModule({
    exportName: "g",
    params: 4,
    locals: [[2, V128]],
    body: demoBody(),
    memory: { import: ["env", "memory"] },
  });
  const mod = compileModule(() => bytes);
  assert.ok(mod !== null);
  assert.deepEqual(
    WebAssembly.Module.imports(mod).map((d) => [d.module, d.name, d.kind]),
    [["env", "memory", "memory"]],
  );
  assert.deepEqual(WebAssembly.Module.exports(mod).map((d) => d.name), ["g"]);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { exports } = new WebAssembly.Instance(mod, { env: { memory } });
  new Float64Array(memory.buffer).set([2, 3, 5, 7], 8);
  (exports.g as (...a: number[]) => void)(0, 64, 80, 1);
  assert.deepEqual(Array.from(new Float64Array(memory.buffer, 0, 4)), [7, 10, 10, 21]);
});

Deno.test("compileModule returns null for bytes that do not validate or cannot be made", () => {
  assert.equal(compileModule(() => new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])), null);
  assert.equal(
    compileModule(() => {
      throw new Error("no");
    }),
    null,
  );
  // A function whose body leaves a value on the stack of a () → () type does not validate.
  const body = [...i32Const(1), ...control.end];
  const bad = wasmModule({ exportName: "h", params: 0, locals: [], body, memory: { export: "m" } });
  assert.equal(compileModule(() => bad), null);
});

Deno.test("simd.relaxedMadd computes a·b + c where relaxed SIMD is there", () => {
  const body = [
    ...localGet(0),
    ...f64x2(3, -1),
    ...f64x2(0.5, 4),
    ...f64x2(1, 2),
    ...simd.relaxedMadd,
    ...simd.store(),
    ...control.end,
  ];
  const mod = compileModule(() =>
    wasmModule({ exportName: "f", params: 1, locals: [], body, memory: { export: "mem" } })
  );
  if (mod === null) return; // no relaxed SIMD here: scratch_adam falls back to plain SIMD
  const { exports } = new WebAssembly.Instance(mod);
  (exports.f as (p: number) => void)(0);
  const out = new Float64Array((exports.mem as WebAssembly.Memory).buffer, 0, 2);
  assert.deepEqual(Array.from(out), [2.5, -2]); // exact either way: fused or not
});
