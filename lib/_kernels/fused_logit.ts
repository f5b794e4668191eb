/**
 * The logit's rows in the fused passes (`fused_rows.ts`): through the WebAssembly row kernel
 * (`logit_rows_wasm.ts`), or, without SIMD, in JavaScript with the table exp and log1p of
 * `fastmath.ts` written out inline (a call returning a double would box it). From u = exp(−|η|)
 * (ε beyond |η| = 30, R's clamp): μ = 1/(1 + u) or u/(1 + u), log(1/μ) and log(1/(1 − μ)) are
 * log(1 + u) plus |η| or 0 (the softplus of ∓η), dμ/dη = u/(1 + u)² = μ(1 − μ).
 *
 * @module
 */

import {
  EXP_N,
  EXP_T,
  INV_1P_C,
  INV_LN2_N,
  LN2_HI,
  LN2_LO,
  LOG1P_C,
  LOG1P_M,
  POW2,
  SHIFT,
} from "./fastmath.ts";
import type { Pass } from "./fused_types.ts";
import { minus2LogLikAndResiduals } from "./fused_aic.ts";
import { type LogitRowsKernel, RUN } from "./logit_rows_wasm.ts";

const DBL_EPSILON = 2.220446049250313e-16;
const THRESH = 30;
/** −log ε: R's clamped exp(η) is 1/ε beyond η = 30, as if η were this. */
const LOG_INVEPS = -Math.log(DBL_EPSILON);

/**
 * The logit's μ and log-terms at η, written into `out` = [μ, L, u]: u = exp(−|η|) (ε beyond
 * |η| = 30, R's clamp), μ = 1/(1 + u) or u/(1 + u), and L = log(1/μ) for y = 1, log(1/(1 − μ))
 * for y = 0 (log(1 + u) plus |η| or 0: the softplus of ∓η; a fractional y takes R's formula).
 * exp and log(1 + u) are `expTable` and `log1pUnit` of fastmath.ts, written out so that nothing
 * here returns a double from a call (V8 would box it).
 */
export function logitAt(e: number, yi: number, out: Float64Array): void {
  const ae = Math.abs(e);
  let u: number, a: number;
  if (ae > THRESH) {
    u = DBL_EPSILON;
    a = LOG_INVEPS;
  } else {
    // expTable(−ae)
    const x = -ae;
    const kd = (x * INV_LN2_N + SHIFT) - SHIFT;
    const k = kd | 0;
    const r = (x - kd * LN2_HI) - kd * LN2_LO;
    const j = k & (EXP_N - 1);
    const pe = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))));
    const t = EXP_T[j];
    u = POW2[(k - j) / EXP_N + 1100] * (t + t * pe);
    a = ae;
  }
  const m = (e >= 0 ? 1 : u) / (1 + u);
  let L: number;
  if (yi === 1 || yi === 0) {
    // log1pUnit(u)
    const i = (u * LOG1P_M) | 0;
    const r = (u - i / LOG1P_M) * INV_1P_C[i];
    const r2 = r * r;
    const pl = r -
      r2 * (0.5 - r * (1 / 3 - r * (0.25 - r * (0.2 - r * (1 / 6 - r * (1 / 7 - r * 0.125))))));
    L = LOG1P_C[i] + pl + (yi === 1 ? (e >= 0 ? 0 : a) : (e >= 0 ? a : 0));
  } else {
    L = yi * Math.log(yi / m) + (1 - yi) * Math.log((1 - yi) / (1 - m));
  }
  out[0] = m;
  out[1] = L;
  out[2] = u;
}

/**
 * Step 2 of every pass, logit: from the chunk's η, μ and the unit deviances (stored, summed),
 * then (when `sw` is given) √W and z·√W for the kernel, 0 on rows of weight 0. With
 * u = exp(−|η|) and q = 1/(1 + u): μ = q or u·q, dμ/dη = u·q² = μ(1 − μ), so R's
 * √(w μ.η²/V(μ)) is √(w μ.η) (ε beyond |η| = 30, as R clamps μ.η; there the two agree to
 * rounding as well).
 */
export function logitRows(
  p: Pass,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
) {
  const { y, eta, mu, dev, acc } = p;
  const { weights: w, offset } = p.inp;
  let sum = acc[0], comp = acc[1], valid = true;
  for (let r = 0, i = start; r < count; r++, i++) {
    const e = eta[i];
    const yi = y[i];
    // logitAt(e, yi), written out: a call per row would not be inlined (the loop is too big).
    const ae = Math.abs(e);
    let u: number, a: number;
    if (ae > THRESH) {
      u = DBL_EPSILON;
      a = LOG_INVEPS;
    } else {
      const x = -ae;
      const kd = (x * INV_LN2_N + SHIFT) - SHIFT;
      const k = kd | 0;
      const rr = (x - kd * LN2_HI) - kd * LN2_LO;
      const j = k & (EXP_N - 1);
      const pe = rr +
        rr * rr * (0.5 + rr * (1 / 6 + rr * (1 / 24 + rr * (1 / 120 + rr * (1 / 720)))));
      const t = EXP_T[j];
      u = POW2[(k - j) / EXP_N + 1100] * (t + t * pe);
      a = ae;
    }
    const q = 1 / (1 + u);
    const m = e >= 0 ? q : u * q;
    mu[i] = m;
    if (!(m > 0 && m < 1)) valid = false;
    let L: number;
    if (yi === 1 || yi === 0) {
      const ii = (u * LOG1P_M) | 0;
      const rl = (u - ii / LOG1P_M) * INV_1P_C[ii];
      const r2 = rl * rl;
      const pl = rl -
        r2 *
          (0.5 -
            rl * (1 / 3 - rl * (0.25 - rl * (0.2 - rl * (1 / 6 - rl * (1 / 7 - rl * 0.125))))));
      L = LOG1P_C[ii] + pl + (yi === 1 ? (e >= 0 ? 0 : a) : (e >= 0 ? a : 0));
    } else {
      L = yi * Math.log(yi / m) + (1 - yi) * Math.log((1 - yi) / (1 - m));
    }
    const wi = w === null ? 1 : w[i];
    const d = 2 * wi * L;
    dev[i] = d;
    const t = sum + d;
    comp += Math.abs(sum) >= Math.abs(d) ? (sum - t) + d : (d - t) + sum;
    sum = t;
    // (no `continue` here: V8 would box the sums on every row)
    if (sw !== null && zw !== null) {
      if (wi > 0) {
        const me = ae > THRESH ? DBL_EPSILON : u * q * q;
        const sqrtW = Math.sqrt(wi * me);
        sw[r] = sqrtW;
        zw[r] = ((offset === null ? e : e - offset[i]) + (yi - m) / me) * sqrtW;
      } else {
        sw[r] = 0;
        zw[r] = 0;
      }
    }
  }
  acc[0] = sum;
  acc[1] = comp;
  if (!valid) p.valid = false;
}

/**
 * Rows start..start+count−1 through the WebAssembly row kernel (logit), whose buffers hold the
 * rows (`p`'s arrays are its views): with `sw` null, μ and the unit deviances in place, else √W
 * and z√W into `sw` and `zw` only (the rows' μ and deviances are then not stored); in pieces of the
 * kernel's chunk; an odd last row goes through {@linkcode logitRows}. The deviance is added to
 * `p.acc[0..1]`; with `nullToo` (the start pass), the rows first run at η = offset and that
 * deviance — R's null deviance without an intercept — is added to `p.acc[2..3]` (η is then set by
 * `setEta`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { kernelRows } from "./fused_logit.ts";
 * import { logitRowsKernel } from "./logit_rows_wasm.ts";
 * import type { Pass } from "./fused_types.ts";
import { minus2LogLikAndResiduals } from "./fused_aic.ts";
 * const k = logitRowsKernel(2, 2);
 * if (k !== null) {
 *   const b = k.buffers;
 *   b.y.set([1, 0]); b.w.set([1, 1]); b.offset.set([1, 1]);
 *   const p = { inp: { weights: null, offset: b.offset }, y: b.y, eta: b.eta, mu: b.mu, dev: b.dev,
 *     acc: new Float64Array(4), valid: true, fractional: false } as unknown as Pass;
 *   kernelRows(p, k, 0, 2, null, null, true, () => b.eta.fill(0));
 *   assert.ok(p.mu[0] === 0.5 && Math.abs(p.acc[0] + p.acc[1] - 4 * Math.LN2) < 1e-15);
 *   const atOne = 2 * Math.log(1 + Math.exp(-1)) + 2 * Math.log(1 + Math.exp(1));
 *   assert.ok(Math.abs(p.acc[2] + p.acc[3] - atOne) < 1e-14);
 * }
 * ```
 */
export function kernelRows(
  p: Pass,
  k: LogitRowsKernel,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
  nullToo: boolean,
  setEta: () => void,
): void {
  const b = k.buffers, end = start + count;
  const hy = p.fractional ? RUN.HY : 0;
  if (nullToo) {
    if (count & 1) b.eta[end - 1] = b.offset[end - 1]; // the odd last row goes through logitRows
    runPieces(p, k, start, count, null, null, 2, RUN.AT_OFFSET | hy);
  }
  setEta();
  // A pass with a system stores no rows (the loop runs an update for the final ones).
  runPieces(p, k, start, count, sw, zw, 0, (sw === null ? RUN.ROWS : RUN.SYSTEM) | hy);
}

/** The kernel over rows start..start+count−1 in pieces of its chunk, the sum into p.acc[at..]. */
function runPieces(
  p: Pass,
  k: LogitRowsKernel,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
  at: 0 | 2,
  flags: number,
): void {
  const b = k.buffers;
  const even = count - (count & 1);
  k.resetSum();
  for (let done = 0; done < even;) {
    const m = Math.min(k.chunk - (k.chunk & 1), even - done);
    k.run(start + done, m, flags);
    // (no copies when sw and zw are the kernel's own: fused_crossprod.ts reads them there)
    if (sw !== null && zw !== null && sw !== b.sw) {
      sw.set(b.sw.subarray(0, m), done);
      zw.set(b.zw.subarray(0, m), done);
    }
    done += m;
  }
  addTo(p.acc, at, k.sum());
  if (flags & RUN.ROWS) {
    addTo(p.acc, 4, k.logLikSum());
    p.acc[6] += k.exceptions();
    const [lo, hi] = k.muRange();
    p.acc[7] = Math.min(p.acc[7], lo);
    p.acc[8] = Math.max(p.acc[8], hi);
  }
  if (count & 1) {
    // The odd last row in JavaScript (its sum goes to acc[0]; for the null run, move it over).
    const last = start + count - 1;
    const s0 = p.acc[0], c0 = p.acc[1];
    p.acc[0] = 0;
    p.acc[1] = 0;
    logitRows(p, last, 1, sw?.subarray(count - 1) ?? null, zw?.subarray(count - 1) ?? null);
    const d = p.acc[0] + p.acc[1];
    p.acc[0] = s0;
    p.acc[1] = c0;
    addTo(p.acc, at, d);
    if (flags & RUN.ROWS) {
      // As the kernel's rows: the residual in d's place, the log-likelihood term summed.
      const one = (v: Float64Array | null) => v === null ? null : v.subarray(last, last + 1);
      const m2 = minus2LogLikAndResiduals(one(p.y)!, one(p.mu)!, one(p.inp.weights), one(p.dev)!);
      addTo(p.acc, 4, -m2 / 2);
      p.acc[7] = Math.min(p.acc[7], p.mu[last]);
      p.acc[8] = Math.max(p.acc[8], p.mu[last]);
    }
  }
}

/** Neumaier's compensated addition of d to acc[at] (sum) and acc[at + 1] (compensation). */
function addTo(acc: Float64Array, at: number, d: number): void {
  const sum = acc[at], t = sum + d;
  acc[at + 1] += Math.abs(sum) >= Math.abs(d) ? (sum - t) + d : (d - t) + sum;
  acc[at] = t;
}
