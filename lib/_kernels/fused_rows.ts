/**
 * The row work of the fused passes of `fused_irls.ts`, one chunk of rows at a time: the start
 * (η = etastart or linkfun(mustart)), η = Xβ + offset of an update, then μ, the unit deviances and
 * the working weights and responses for the normal equations — for the logit through the
 * WebAssembly row kernel (`logit_rows_wasm.ts`) or, without SIMD, an inlined JavaScript loop with
 * the table exp and log1p of `fastmath.ts`; for the other links with R's link functions.
 *
 * @module
 */

import type { FusedInput, Pass } from "./fused_types.ts";
import { logitRowsKernel } from "./logit_rows_wasm.ts";
import { kernelRows, logitAt, logitRows } from "./fused_logit.ts";
import { sharedCrossprodBytes } from "./fused_crossprod.ts";
import { newPass, startChunk } from "./fused_start.ts";
import { linearPredictorRows } from "../core/matrix.ts";

/** Neumaier's compensated addition of d to acc[at] (sum) and acc[at + 1] (compensation). */
function add(acc: Float64Array, at: number, d: number): void {
  const sum = acc[at], t = sum + d;
  acc[at + 1] += Math.abs(sum) >= Math.abs(d) ? (sum - t) + d : (d - t) + sum;
  acc[at] = t;
}

/**
 * Σ dev(y, linkinv(offset), w): R's null deviance without an intercept (offset 0 if none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPass, nullAtOffset } from "./fused_rows.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const link = { name: "logit", linkfun: (m: number) => Math.log(m / (1 - m)),
 *   linkinv: (e: number) => 1 / (1 + Math.exp(-e)), muEta: (e: number) => Math.exp(e) / (1 + Math.exp(e)) ** 2 };
 * const pass = createPass({ X: fromRows([[1], [2]]), intercept: false, link, y: [1, 0],
 *   weights: null, offset: null, maxit: 25, epsilon: 1e-8, nullAtOffset: true });
 * assert.ok(Math.abs(nullAtOffset(pass) - 4 * Math.LN2) < 1e-15); // μ = ½ at η = 0
 * ```
 */
export function nullAtOffset(p: Pass): number {
  const { inp, y } = p;
  const { weights: w, offset, link } = inp;
  const n = y.length;
  const logit = link.name === "logit";
  const acc = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    const o = offset === null ? 0 : offset[i], yi = y[i];
    let L: number;
    if (logit) {
      logitAt(o, yi, p.scratch);
      L = p.scratch[1];
    } else {
      const m = link.linkinv(o);
      L = yi === 1
        ? Math.log(1 / m)
        : yi === 0
        ? Math.log(1 / (1 - m))
        : yi * Math.log(yi / m) + (1 - yi) * Math.log((1 - yi) / (1 - m));
    }
    add(acc, 0, 2 * (w === null ? 1 : w[i]) * L);
  }
  return acc[0] + acc[1];
}

/** Step 1 of an update pass: η = Xβ (+ offset) of the chunk, rows in column order as R's dgemv. */
function etaChunk(p: Pass, start: number, count: number): void {
  const { X, intercept, offset } = p.inp;
  const eta = p.eta;
  if (p.xRows === null) linearPredictorRows(X, intercept, p.beta!, eta, start, start + count);
  else {
    // From the chunk's copy, whose row 0 is X's row xFirst.
    const copy = { rows: p.xRows.length / X.cols, cols: X.cols, data: p.xRows };
    const first = start - p.xFirst;
    linearPredictorRows(copy, intercept, p.beta!, eta, first, first + count, start);
  }
  if (offset !== null) { for (let i = start; i < start + count; i++) eta[i] += offset[i]; }
}

/** Step 2 for the other links, with R's link functions and logarithms. */
function linkRows(
  p: Pass,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
) {
  const { y, eta, mu, dev, acc } = p;
  const { weights: w, offset, link } = p.inp;
  let valid = true;
  for (let r = 0, i = start; r < count; r++, i++) {
    const e = eta[i];
    const m = link.linkinv(e);
    mu[i] = m;
    if (!(m > 0 && m < 1)) valid = false;
    const yi = y[i];
    const wi = w === null ? 1 : w[i];
    const L = yi === 1
      ? Math.log(1 / m)
      : yi === 0
      ? Math.log(1 / (1 - m))
      : yi * Math.log(yi / m) + (1 - yi) * Math.log((1 - yi) / (1 - m));
    const d = 2 * wi * L;
    dev[i] = d;
    add(acc, 0, d);
    if (sw === null || zw === null) continue;
    if (wi > 0) {
      const me = link.muEta(e);
      const sqrtW = Math.sqrt((wi * (me * me)) / (m * (1 - m)));
      sw[r] = sqrtW;
      zw[r] = ((offset === null ? e : e - offset[i]) + (yi - m) / me) * sqrtW;
    } else {
      sw[r] = 0;
      zw[r] = 0;
    }
  }
  if (!valid) p.valid = false;
}

/**
 * R's y (0 where the weight is 0) into `out`; returns 1 when some |w·y − round(w·y)| > 0.001 (R's
 * "non-integer" warning), plus 2 when some y is neither 0 nor 1. One monomorphic loop: `y` is a
 * Float64Array here.
 */
export function copyResponse(y: Float64Array, w: Float64Array | null, out: Float64Array): number {
  // In blocks (a small function called often is optimised after a few, where one long loop run
  // once a fit would be slow for the first fits); no branch on y (unpredictable): the largest
  // |w·y − round(w·y)| and y(1 − y).
  const s = new Float64Array(2);
  for (let i = 0; i < out.length; i += 8192) {
    copyBlock(y, w, out, i, Math.min(out.length, i + 8192), s);
  }
  return (s[0] > 1e-3 ? 1 : 0) + (s[1] > 0 ? 2 : 0);
}

/** {@linkcode copyResponse} on rows from..to−1, s = [max |w·y − round(w·y)|, max y(1 − y)]. */
function copyBlock(
  y: Float64Array,
  w: Float64Array | null,
  out: Float64Array,
  from: number,
  to: number,
  s: Float64Array,
): void {
  let offInteger = s[0], fractional = s[1];
  for (let i = from; i < to; i++) {
    const wi = w === null ? 1 : w[i];
    const yi = wi === 0 ? 0 : y[i];
    out[i] = yi;
    const m = wi * yi;
    // |m − round(m)| does not depend on how halves are rounded.
    offInteger = Math.max(offInteger, Math.abs(m - Math.round(m)));
    fractional = Math.max(fractional, yi * (1 - yi));
  }
  s[0] = offInteger;
  s[1] = fractional;
}

/** H(y) = y log y + (1 − y) log(1 − y) of every row into `out` (0 where y is 0 or 1). */
export function entropies(y: Float64Array, out: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    out[i] = v === 0 || v === 1 ? 0 : v * Math.log(v) + (1 - v) * Math.log(1 - v);
  }
}

/**
 * The state of the fused passes for `inp`: R's `y` (0 where the weight is 0) and whether some
 * |w·y − round(w·y)| > 0.001 (R's "non-integer" warning), the row arrays, and the logit's kernel.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPass } from "./fused_rows.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const link = { name: "probit", linkfun: (m: number) => m, linkinv: (e: number) => e, muEta: () => 1 };
 * const { pass, nonInteger } = createPass({ X: fromRows([[1], [2]]), intercept: false, link,
 *   y: [0.5, 0.7], weights: Float64Array.of(1, 0), offset: null, maxit: 25, epsilon: 1e-8,
 *   nullAtOffset: false }, true);
 * assert.deepEqual(Array.from(pass.y), [0.5, 0]);
 * assert.ok(nonInteger && pass.kernel === null); // 1 · 0.5 successes; no kernel for probit
 * ```
 */
export function createPass(inp: FusedInput): Pass;
/** With `withTest`: also the "non-integer" test's result. */
export function createPass(inp: FusedInput, withTest: true): { pass: Pass; nonInteger: boolean };
export function createPass(
  inp: FusedInput,
  withTest = false,
): Pass | { pass: Pass; nonInteger: boolean } {
  const n = inp.X.rows, w = inp.weights;
  // The logit's rows live in the row kernel's memory (chunks of the cross-product's size or less),
  // with room for the cross-product kernel that shares it (fused_crossprod.ts).
  const shared = sharedCrossprodBytes(inp.X.cols);
  const kernel = inp.link.name === "logit" && inp.rowKernel !== false
    ? logitRowsKernel(n, Math.max(4096, shared.chunk + 2), shared.bytes)
    : null;
  const y = kernel === null ? new Float64Array(n) : kernel.buffers.y;
  const flags = copyResponse(
    inp.y instanceof Float64Array ? inp.y : Float64Array.from(inp.y),
    w,
    y,
  );
  const nonInteger = (flags & 1) !== 0;
  if (kernel !== null) {
    const b = kernel.buffers;
    if (w === null) b.w.fill(1);
    else b.w.set(w);
    if (inp.offset !== null) b.offset.set(inp.offset); // else the fresh memory's zeros
    if ((flags & 2) !== 0) entropies(y, b.hy); // else zeros: y is 0 or 1
  }
  const pass = newPass(inp, kernel, {
    y,
    eta: kernel === null ? new Float64Array(n) : kernel.buffers.eta,
    mu: kernel === null ? new Float64Array(n) : kernel.buffers.mu,
    dev: kernel === null ? new Float64Array(n) : kernel.buffers.dev,
  }, (flags & 2) !== 0);
  return withTest ? { pass, nonInteger } : pass;
}

/**
 * One chunk of a pass, rows start..start+count−1: η (the start with `pass.beta` null, else
 * Xβ + offset), μ and the unit deviances (their sum accumulated), and — unless `sw` is null — √W
 * and z√W for the normal equations. μ and the deviances are stored, except by the row kernel in
 * a pass with `sw` (see `kernelRows`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPass, passDeviance, passRows } from "./fused_rows.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const link = { name: "logit", linkfun: (m: number) => Math.log(m / (1 - m)),
 *   linkinv: (e: number) => 1 / (1 + Math.exp(-e)), muEta: (e: number) => Math.exp(e) / (1 + Math.exp(e)) ** 2 };
 * const pass = createPass({ X: fromRows([[1], [2]]), intercept: false, link, y: [1, 0],
 *   weights: null, offset: null, maxit: 25, epsilon: 1e-8, nullAtOffset: false });
 * pass.beta = Float64Array.of(0); // η = 0: μ = ½
 * const sw = new Float64Array(2), zw = new Float64Array(2);
 * passRows(pass, 0, 2, sw, zw);
 * assert.ok(sw[0] === 0.5 && Math.abs(passDeviance(pass) - 4 * Math.LN2) < 1e-15);
 * passRows(pass, 0, 2, null, null); // an update: μ stored
 * assert.ok(pass.mu[1] === 0.5);
 * ```
 */
export function passRows(
  pass: Pass,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
): void {
  const eta = () =>
    pass.beta === null ? startChunk(pass, start, count) : etaChunk(pass, start, count);
  if (pass.kernel !== null) {
    // The start pass also gives R's null deviance without an intercept, at η = offset.
    const nullToo = pass.beta === null && pass.inp.nullAtOffset;
    kernelRows(pass, pass.kernel, start, count, sw, zw, nullToo, eta);
    return;
  }
  eta();
  if (pass.inp.link.name === "logit") logitRows(pass, start, count, sw, zw);
  else linkRows(pass, start, count, sw, zw);
}

/**
 * Starts a pass: its deviance (and log-likelihood) sums at 0, μ valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPass, passDeviance, resetPass } from "./fused_rows.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const link = { name: "cauchit", linkfun: (m: number) => m, linkinv: (e: number) => e, muEta: () => 1 };
 * const pass = createPass({ X: fromRows([[1]]), intercept: false, link, y: [1], weights: null,
 *   offset: null, maxit: 25, epsilon: 1e-8, nullAtOffset: false });
 * pass.acc[0] = 3;
 * resetPass(pass);
 * assert.ok(passDeviance(pass) === 0 && pass.valid);
 * ```
 */
export function resetPass(pass: Pass): void {
  pass.acc[0] = pass.acc[1] = 0;
  pass.acc[4] = pass.acc[5] = pass.acc[6] = 0;
  pass.acc[7] = Infinity;
  pass.acc[8] = -Infinity;
  pass.valid = true;
}

/**
 * The deviance summed in the pass so far.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createPass, passDeviance } from "./fused_rows.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const link = { name: "probit", linkfun: (m: number) => m, linkinv: (e: number) => e, muEta: () => 1 };
 * const pass = createPass({ X: fromRows([[1]]), intercept: false, link, y: [1], weights: null,
 *   offset: null, maxit: 25, epsilon: 1e-8, nullAtOffset: false });
 * pass.acc.set([2, 1e-17]);
 * assert.equal(passDeviance(pass), 2 + 1e-17);
 * ```
 */
export function passDeviance(pass: Pass): number {
  return pass.acc[0] + pass.acc[1];
}

/**
 * Neumaier's compensated addition of d to acc[at] (sum) and acc[at + 1] (compensation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addCompensated } from "./fused_rows.ts";
 * const acc = new Float64Array(2);
 * for (const d of [1, 1e-16, 1e-16]) addCompensated(acc, 0, d);
 * assert.equal(acc[0] + acc[1], 1 + 2e-16);
 * ```
 */
export function addCompensated(acc: Float64Array, at: number, d: number): void {
  add(acc, at, d);
}
