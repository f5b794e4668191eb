/**
 * The one range reduction behind every fast `exp` of the kernels. To compute e^x, write
 *
 *     x = k·(ln 2)/s + r,   k = round(x·s/ln 2),   |r| ≤ (ln 2)/(2s)
 *
 * so that e^x = 2^(k/s)·e^r, with e^r from a short polynomial (or Padé approximant) on a small
 * interval and 2^(k/s) from the exponent bits (s = 1, the WebAssembly kernels) or a table of
 * 2^(i/s) (s = 256, the generated JavaScript kernel). ln 2 is split as fdlibm splits it,
 * LN2_HI + LN2_LO, where LN2_HI has 32 trailing zero bits: k·LN2_HI/s is exact for |k| < 2^20, so
 * r = (x − k·LN2_HI/s) − k·LN2_LO/s loses nothing to cancellation. Rounding to an integer is done
 * by adding and subtracting 1.5·2^52 (JavaScript) or by `f64x2.nearest` (WebAssembly), both ties to
 * even. Internal, for the kernels only.
 *
 * @module
 */

import { f64x2, i32Const, localGet, localSet, simd } from "./wasm.ts";

/** The high part of ln 2 (fdlibm's `ln2_hi`), with 32 trailing zero bits. */
export const LN2_HI = 6.93147180369123816490e-01;
/** ln 2 − {@linkcode LN2_HI} (fdlibm's `ln2_lo`). */
export const LN2_LO = 1.90821492927058770002e-10;
/** 1.5·2^52: x + ROUND − ROUND is x rounded to an integer, for |x| < 2^51. */
export const ROUND = 6755399441055744;
/** ROUND + 1023: added to an integer-valued k, leaves k + 1023 (2^k's biased exponent) in the low bits. */
export const MAGIC = ROUND + 1023;

/**
 * WebAssembly (two lanes of doubles): for the value the instructions `x` push, stores
 * k = nearest(x/ln 2) in the v128 local `kd` and leaves r = (x − k·LN2_HI) − k·LN2_LO on the stack.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmReduce } from "./exp.ts";
 * import { localGet } from "./wasm.ts";
 * const code = wasmReduce(localGet(0), 1);
 * assert.deepEqual(code.slice(0, 2), localGet(0)); // x is pushed first
 * ```
 */
export function wasmReduce(x: number[], kd: number): number[] {
  const { mul, nearest, sub } = simd;
  return [
    ...[...x, ...f64x2(1 / Math.LN2), ...mul, ...nearest, ...localSet(kd)],
    ...[...x, ...localGet(kd), ...f64x2(LN2_HI), ...mul, ...sub],
    ...[...localGet(kd), ...f64x2(LN2_LO), ...mul, ...sub],
  ];
}

/**
 * WebAssembly: multiplies the value on the stack by 2^k, k (an integer-valued double) in the v128
 * local `kd`: 2^k is the double whose bits are (k + 1023) << 52, made by adding MAGIC and shifting.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmTimesPow2 } from "./exp.ts";
 * assert.deepEqual(wasmTimesPow2(3).slice(-3), [0xfd, 0xf2, 0x01]); // ends with f64x2.mul
 * ```
 */
export function wasmTimesPow2(kd: number): number[] {
  const { add, i64shl, mul } = simd;
  return [...localGet(kd), ...f64x2(MAGIC), ...add, ...i32Const(52), ...i64shl, ...mul];
}

/**
 * JavaScript source: declares `kd` (k as a double), `kk` (k as an int32) and `rr` for the reduction
 * of the expression `x` with s steps per power of two (s = 256 for a table of 2^(i/256)).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jsReduce } from "./exp.ts";
 * const src = jsReduce("x", 1);
 * const [kd, r] = new Function("x", `${src} return [kd, rr];`)(10) as number[];
 * assert.equal(kd, 14); // 10 = 14·ln 2 + 0.29…
 * assert.ok(Math.abs(kd * Math.LN2 + r - 10) < 1e-15);
 * ```
 */
export function jsReduce(x: string, steps: number): string {
  return `const kd = (${x} * ${steps / Math.LN2} + ${ROUND}) - ${ROUND};
    const kk = kd | 0;
    const rr = (${x} - kd * ${LN2_HI / steps}) - kd * ${LN2_LO / steps};`;
}
