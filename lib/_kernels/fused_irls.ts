/**
 * The normal-equations path of the binomial fit with prior weights, an offset or another link,
 * fused for speed: one pass over X per iteration instead of two.
 *
 * R's loop alternates a weighted least-squares solve (which reads X to form XᵀWX) and an update
 * η = Xβ + offset, μ, deviance (which reads X again). Here each pass over X does both for one
 * chunk of rows at a time, inside the cross-product kernel's row callback: it computes the
 * chunk's η from the coefficients of the last solve, then μ and the unit deviances, then the
 * working weights and responses that the kernel accumulates into the next XᵀWX. After the pass
 * the deviance is known: if the fit has converged, the next system is simply not used (one
 * wasted accumulation, at the end); otherwise it is solved. The iterates, the convergence test,
 * the trace and the warnings are R's; the standard errors are those of R's last solve. The first
 * pass computes R's start (and, for a model without intercept, the null deviance at η = offset).
 *
 * Differences from R's arithmetic are rounding only, as for the normal equations themselves: for
 * the logit, exp and log come from `fastmath.ts` (within an ulp) and μ, log(1/μ) and
 * log(1/(1 − μ)) are formed from u = exp(−|η|) (the softplus), with R's clamps at |η| = 30. A
 * step that R would halve (a non-finite deviance or μ outside (0, 1)) returns null: the fit is
 * then redone on R's QR path, which halves as R does.
 *
 * @module
 */

import type { Matrix } from "../core/matrix.ts";
import type { RowWeights } from "./crossprod.ts";
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
import { logDbinom } from "../glm/loglik.ts";
import { type LogitRowsKernel, logitRowsKernel } from "./logit_rows_wasm.ts";
import { roundHalfEven } from "../glm/links.ts";

const DBL_EPSILON = 2.220446049250313e-16;
const THRESH = 30;
/** −log ε: R's clamped exp(η) is 1/ε beyond η = 30, as if η were this. */
const LOG_INVEPS = -Math.log(DBL_EPSILON);

/** The link functions the fused pass needs (logit is inlined; the others are called). */
export interface FusedLink {
  /** `"logit"` takes the inlined fast path. */
  name: string;
  linkfun(mu: number): number;
  linkinv(eta: number): number;
  muEta(eta: number): number;
}

/** A weighted least-squares solver, as `glm.ts` makes them (see `WlsSolver` there). */
export interface FusedSolver {
  solve(fill: RowWeights): { coefficients: Float64Array } | null;
  standardErrors(): Float64Array;
  covariance(): Float64Array;
}

/** What {@linkcode fusedIrls} needs. */
export interface FusedInput {
  X: Matrix;
  intercept: boolean;
  link: FusedLink;
  /** The response as given. */
  y: ArrayLike<number>;
  /** Prior weights (null: all 1). */
  weights: Float64Array | null;
  /** Offset (null: none). */
  offset: Float64Array | null;
  etastart?: Float64Array;
  mustart?: Float64Array;
  maxit: number;
  epsilon: number;
  /** Also sum the deviance at η = offset (R's null deviance without an intercept). */
  nullAtOffset: boolean;
  /** Whether the logit may use the WebAssembly row kernel (default true; false: the JS loop). */
  rowKernel?: boolean;
}

/** What {@linkcode fusedIrls} returns (null when it hands the fit to the QR path). */
export interface FusedResult {
  /** R's y (0 where the weight is 0). */
  y: Float64Array;
  eta: Float64Array;
  mu: Float64Array;
  /** Unit deviances 2 w (y log(y/μ) + (1 − y) log((1 − y)/(1 − μ))). */
  dev: Float64Array;
  /** Whether some |w·y − round(w·y)| > 0.001 (R's "non-integer" warning). */
  nonInteger: boolean;
  coef: Float64Array;
  iter: number;
  conv: boolean;
  /** glm.fit's warnings (not converged, fitted probabilities 0 or 1). */
  warnings: string[];
  trace: { deviance: number; coefficients: number[] }[];
  deviance: number;
  standardErrors: Float64Array;
  covariance: Float64Array;
  /** Σ dev(y, linkinv(offset), w) when asked for, else NaN. */
  nullDeviance: number;
}

/** The state of the passes. */
interface Pass {
  readonly inp: FusedInput;
  /** R's y: 0 where the weight is 0. */
  readonly y: Float64Array;
  readonly eta: Float64Array;
  readonly mu: Float64Array;
  readonly dev: Float64Array;
  /** η of the current chunk, before it is stored. */
  chunkEta: Float64Array;
  /** null: the start pass. */
  beta: Float64Array | null;
  /** [deviance sum, compensation, null-deviance sum, compensation]. */
  readonly acc: Float64Array;
  /** {@linkcode logitAt}'s output. */
  readonly scratch: Float64Array;
  valid: boolean;
}

/** Neumaier's compensated addition of d to acc[at] (sum) and acc[at + 1] (compensation). */
function add(acc: Float64Array, at: number, d: number): void {
  const sum = acc[at], t = sum + d;
  acc[at + 1] += Math.abs(sum) >= Math.abs(d) ? (sum - t) + d : (d - t) + sum;
  acc[at] = t;
}

/**
 * The logit's μ and log-terms at η, written into `out` = [μ, L, u]: u = exp(−|η|) (ε beyond
 * |η| = 30, R's clamp), μ = 1/(1 + u) or u/(1 + u), and L = log(1/μ) for y = 1, log(1/(1 − μ))
 * for y = 0 (log(1 + u) plus |η| or 0: the softplus of ∓η; a fractional y takes R's formula).
 * exp and log(1 + u) are `expTable` and `log1pUnit` of fastmath.ts, written out so that nothing
 * here returns a double from a call (V8 would box it).
 */
function logitAt(e: number, yi: number, out: Float64Array): void {
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

/** Step 1 of the start pass: η = etastart or linkfun(mustart), mustart = (w·y + ½)/(w + 1). */
function startChunk(p: Pass, start: number, count: number): void {
  const { inp, y, chunkEta } = p;
  const { weights: w, etastart, mustart, link } = inp;
  const logit = link.name === "logit";
  for (let r = 0, i = start; r < count; r++, i++) {
    if (etastart !== undefined) {
      chunkEta[r] = etastart[i];
    } else {
      const wi = w === null ? 1 : w[i];
      const ms = mustart !== undefined ? mustart[i] : (wi * y[i] + 0.5) / (wi + 1);
      chunkEta[r] = logit ? Math.log(ms / (1 - ms)) : link.linkfun(ms);
    }
  }
}

/** Σ dev(y, linkinv(offset), w): R's null deviance without an intercept (offset 0 if none). */
function nullAtOffset(p: Pass, kernel: LogitRowsKernel | null, hy: Float64Array | null): number {
  const { inp, y } = p;
  const { weights: w, offset, link } = inp;
  const n = y.length;
  if (kernel !== null) {
    // The kernel at η = offset; its other outputs are not used (the chunk arrays are scratch).
    const b = kernel.buffers, cap = kernel.capacity;
    kernel.resetSum();
    for (let start = 0; start < n; start += cap) {
      const count = Math.min(cap, n - start), end = start + count;
      if (offset === null) b.eta.fill(0, 0, count);
      else b.eta.set(offset.subarray(start, end));
      b.offset.set(b.eta.subarray(0, count));
      b.y.set(y.subarray(start, end));
      if (w === null) b.w.fill(1, 0, count);
      else b.w.set(w.subarray(start, end));
      if (hy === null) b.hy.fill(0, 0, count);
      else b.hy.set(hy.subarray(start, end));
      kernel.run(count);
    }
    const sum = kernel.sum();
    kernel.resetSum();
    return sum;
  }
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
  const beta = p.beta!, chunkEta = p.chunkEta;
  const k = X.cols, Xd = X.data, off = intercept ? 1 : 0;
  const b0 = intercept ? beta[0] : 0;
  let r = 0;
  for (; r + 3 < count; r += 4) {
    let s0 = b0, s1 = b0, s2 = b0, s3 = b0;
    const r0 = (start + r) * k, r1 = r0 + k, r2 = r1 + k, r3 = r2 + k;
    for (let j = 0; j < k; j++) {
      const bj = beta[j + off];
      s0 += Xd[r0 + j] * bj;
      s1 += Xd[r1 + j] * bj;
      s2 += Xd[r2 + j] * bj;
      s3 += Xd[r3 + j] * bj;
    }
    chunkEta[r] = s0;
    chunkEta[r + 1] = s1;
    chunkEta[r + 2] = s2;
    chunkEta[r + 3] = s3;
  }
  for (; r < count; r++) {
    let t = b0;
    const b = (start + r) * k;
    for (let j = 0; j < k; j++) t += Xd[b + j] * beta[j + off];
    chunkEta[r] = t;
  }
  if (offset !== null) { for (let q = 0; q < count; q++) chunkEta[q] += offset[start + q]; }
}

/**
 * Step 2 of every pass, logit: from the chunk's η, μ and the unit deviances (stored, summed),
 * then (when `sw` is given) √W and z·√W for the kernel, 0 on rows of weight 0. With
 * u = exp(−|η|) and q = 1/(1 + u): μ = q or u·q, dμ/dη = u·q² = μ(1 − μ), so R's
 * √(w μ.η²/V(μ)) is √(w μ.η) (ε beyond |η| = 30, as R clamps μ.η; there the two agree to
 * rounding as well).
 */
function logitRows(
  p: Pass,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
) {
  const { y, eta, mu, dev, chunkEta, acc } = p;
  const { weights: w, offset } = p.inp;
  let sum = acc[0], comp = acc[1], valid = true;
  for (let r = 0, i = start; r < count; r++, i++) {
    const e = chunkEta[r];
    eta[i] = e;
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
    if (sw === null || zw === null) continue;
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
  acc[0] = sum;
  acc[1] = comp;
  if (!valid) p.valid = false;
}

/** Step 2 for the other links, with R's link functions and logarithms. */
function linkRows(
  p: Pass,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
) {
  const { y, eta, mu, dev, chunkEta, acc } = p;
  const { weights: w, offset, link } = p.inp;
  let valid = true;
  for (let r = 0, i = start; r < count; r++, i++) {
    const e = chunkEta[r];
    eta[i] = e;
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

/** The chunk's inputs and outputs through the WebAssembly row kernel (logit). */
function kernelRows(
  p: Pass,
  k: LogitRowsKernel,
  hy: Float64Array | null,
  start: number,
  count: number,
  sw: Float64Array | null,
  zw: Float64Array | null,
): void {
  const b = k.buffers, end = start + count;
  const { weights: w, offset } = p.inp;
  b.eta.set(p.chunkEta.subarray(0, count));
  b.y.set(p.y.subarray(start, end));
  if (w === null) b.w.fill(1, 0, count);
  else b.w.set(w.subarray(start, end));
  if (offset === null) b.offset.fill(0, 0, count);
  else b.offset.set(offset.subarray(start, end));
  if (hy === null) b.hy.fill(0, 0, count);
  else b.hy.set(hy.subarray(start, end));
  k.run(count);
  p.eta.set(b.eta.subarray(0, count), start);
  p.mu.set(b.mu.subarray(0, count), start);
  p.dev.set(b.dev.subarray(0, count), start);
  if (sw !== null && zw !== null) {
    sw.set(b.sw.subarray(0, count));
    zw.set(b.zw.subarray(0, count));
  }
}

/** H(y) = y log y + (1 − y) log(1 − y) of every row, or null when every y is 0 or 1. */
function entropies(y: Float64Array): Float64Array | null {
  let fractional = false;
  for (let i = 0; i < y.length && !fractional; i++) fractional = y[i] !== 0 && y[i] !== 1;
  if (!fractional) return null;
  return y.map((v) => (v === 0 || v === 1 ? 0 : v * Math.log(v) + (1 - v) * Math.log(1 - v)));
}

/**
 * R's IRLS loop on the normal equations with fused passes (see the module's text). Returns null
 * when the solver gives up (possible aliasing, poor conditioning) or a step would need halving;
 * the caller then fits by QR. Throws when R would: invalid starting values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fusedIrls } from "./fused_irls.ts";
 * import { binomialLink } from "../glm/links.ts";
 * import { choleskySolver } from "../glm/glm.ts";
 * import { fromRows } from "../core/matrix.ts";
 * const X = fromRows([[0], [1], [2], [3]]);
 * const fit = fusedIrls({
 *   X, intercept: true, link: binomialLink("logit"), y: [0.25, 0.5, 0.5, 0.75],
 *   weights: Float64Array.of(4, 4, 4, 4), offset: null, maxit: 25, epsilon: 1e-8,
 *   nullAtOffset: false,
 * }, choleskySolver(X, true, Infinity));
 * assert.ok(fit !== null && fit.conv && fit.coef[1] > 0);
 * ```
 */
export function fusedIrls(inp: FusedInput, solver: FusedSolver): FusedResult | null {
  const n = inp.X.rows;
  const { weights: w, link } = inp;
  // binomial()$initialize: y is 0 where the weight is 0; the "non-integer" test.
  const y = new Float64Array(n);
  let nonInteger = false;
  for (let i = 0; i < n; i++) {
    const wi = w === null ? 1 : w[i];
    const yi = wi === 0 ? 0 : inp.y[i];
    y[i] = yi;
    // |m − round(m)| does not depend on how halves are rounded.
    if (!nonInteger && Math.abs(wi * yi - Math.round(wi * yi)) > 1e-3) nonInteger = true;
  }
  const pass: Pass = {
    inp,
    y,
    eta: new Float64Array(n),
    mu: new Float64Array(n),
    dev: new Float64Array(n),
    chunkEta: new Float64Array(0),
    beta: null,
    acc: new Float64Array(2),
    scratch: new Float64Array(3),
    valid: true,
  };
  const logit = link.name === "logit";
  // The logit's row kernel (WebAssembly SIMD), null for the other links or without SIMD.
  let kernel = logit && inp.rowKernel !== false ? logitRowsKernel(4096) : null;
  const hy = kernel === null ? null : entropies(y);
  const rows = (start: number, count: number, sw: Float64Array | null, zw: Float64Array | null) => {
    if (pass.chunkEta.length < count) pass.chunkEta = new Float64Array(count);
    if (pass.beta === null) startChunk(pass, start, count);
    else etaChunk(pass, start, count);
    if (kernel !== null && kernel.capacity < count) {
      const carried = kernel.sum(); // a pass's sum so far, kept across the new kernel
      kernel = logitRowsKernel(count);
      kernel!.resetSum();
      add(pass.acc, 0, carried);
    }
    if (kernel !== null) kernelRows(pass, kernel, hy, start, count, sw, zw);
    else if (logit) logitRows(pass, start, count, sw, zw);
    else linkRows(pass, start, count, sw, zw);
  };
  const fill: RowWeights = rows;
  const CHUNK = 4096;
  /** An update pass without the next system (the fit is expected to converge on it). */
  const updateOnly = () => {
    for (let start = 0; start < n; start += CHUNK) {
      rows(start, Math.min(CHUNK, n - start), null, null);
    }
  };
  /** The next system from the stored η and μ, when that expectation was wrong. */
  const systemOnly = () =>
    solver.solve((start, count, sw, zw) => {
      const { eta, mu } = pass;
      const { offset } = inp;
      for (let r = 0, i = start; r < count; r++, i++) {
        const wi = w === null ? 1 : w[i];
        if (!(wi > 0)) {
          sw[r] = 0;
          zw[r] = 0;
          continue;
        }
        const e = eta[i], m = mu[i];
        const me = link.muEta(e);
        const sqrtW = Math.sqrt((wi * (me * me)) / (m * (1 - m)));
        sw[r] = sqrtW;
        zw[r] = ((offset === null ? e : e - offset[i]) + (y[i] - m) / me) * sqrtW;
      }
    });
  const resetDeviance = () => {
    pass.acc.fill(0);
    kernel?.resetSum();
    pass.valid = true;
  };
  const deviance = () => pass.acc[0] + pass.acc[1] + (kernel === null ? 0 : kernel.sum());

  const nullDeviance = inp.nullAtOffset ? nullAtOffset(pass, kernel, hy) : NaN;
  // The start pass: R's start, its deviance, and the first system, solved.
  resetDeviance();
  let step = solver.solve(fill);
  if (!pass.valid) {
    throw new RangeError(
      "glm: cannot find valid starting values (fitted probabilities outside (0, 1))",
    );
  }
  if (step === null) return null;
  let devold = deviance();
  let se = solver.standardErrors(), cov = solver.covariance();
  const p = step.coefficients.length;
  let coef: Float64Array = new Float64Array(p);
  let dev = devold;
  let conv = false;
  let iter: number;
  // The last relative change of the deviance: Newton's steps square it, roughly, so once its
  // square is far below epsilon the next update is expected to converge, and its pass need not
  // accumulate the next system (if it does not converge after all, a separate pass does).
  let change = Infinity;
  const warnings: string[] = [];
  const trace: { deviance: number; coefficients: number[] }[] = [];
  for (iter = 1; iter <= inp.maxit; iter++) {
    const beta: Float64Array = step.coefficients;
    if (!beta.every(Number.isFinite)) {
      warnings.push(`non-finite coefficients at iteration ${iter}`);
      break;
    }
    // Update with this iteration's coefficients, and the next system in the same pass.
    pass.beta = beta;
    resetDeviance();
    const expectConverged = change * change < inp.epsilon / 100;
    let next: { coefficients: Float64Array } | null = null;
    if (expectConverged) updateOnly();
    else next = solver.solve(fill);
    dev = deviance();
    if (!Number.isFinite(dev) || !pass.valid) return null; // R would halve: QR does
    trace.push({ deviance: dev, coefficients: Array.from(beta) });
    coef = beta;
    change = Math.abs(dev - devold) / (0.1 + Math.abs(dev));
    if (change < inp.epsilon) {
      conv = true;
      break;
    }
    devold = dev;
    if (iter === inp.maxit) continue;
    if (expectConverged) next = systemOnly();
    if (next === null) return null;
    step = next;
    se = solver.standardErrors();
    cov = solver.covariance();
  }
  if (iter > inp.maxit) iter = inp.maxit;
  if (!conv) warnings.push("glm.fit: algorithm did not converge");
  const eps = 10 * DBL_EPSILON;
  for (let i = 0; i < n; i++) {
    if (pass.mu[i] > 1 - eps || pass.mu[i] < eps) {
      warnings.push("glm.fit: fitted probabilities numerically 0 or 1 occurred");
      break;
    }
  }
  return {
    y,
    eta: pass.eta,
    mu: pass.mu,
    dev: pass.dev,
    nonInteger,
    coef,
    iter,
    conv,
    warnings,
    trace,
    deviance: dev,
    standardErrors: se,
    covariance: cov,
    nullDeviance,
  };
}

/**
 * −2 Σ log dbinom(round(w·y), round(w), μ) (R's `binomial()$aic` without 2·rank) from the unit
 * deviances of the fit, without a logarithm per row: for y ∈ {0, 1} R's `dbinom_raw` takes
 * round(w)·log(μ) or round(w)·log(1 − μ) — minus round(w) times the deviance's log(1/μ) or
 * log(1/(1 − μ)), which is dᵢ/(2wᵢ) — except where the probability of the observed outcome
 * exceeds 0.9 (R's `bd0` branch) or y is fractional: those rows take `logDbinom` itself.
 * Equal to R's value to rounding.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { minus2LogLikFromDeviance } from "./fused_irls.ts";
 * import { binomialMinus2LogLik } from "../glm/loglik.ts";
 * const y = Float64Array.of(1, 0, 1), mu = Float64Array.of(0.3, 0.4, 0.95), w = Float64Array.of(2, 1, 1);
 * const dev = Float64Array.from(y, (v, i) => 2 * w[i] * Math.log(1 / (v === 1 ? mu[i] : 1 - mu[i])));
 * const exact = binomialMinus2LogLik(y, mu, w);
 * assert.ok(Math.abs(minus2LogLikFromDeviance(y, mu, w, dev) - exact) < 1e-14 * exact);
 * ```
 */
export function minus2LogLikFromDeviance(
  y: Float64Array,
  mu: Float64Array,
  w: Float64Array | null,
  dev: Float64Array,
): number {
  const acc = new Float64Array(2);
  for (let i = 0; i < y.length; i++) {
    const wi = w === null ? 1 : w[i];
    if (!(wi > 0)) continue;
    const n = w === null ? 1 : roundHalfEven(wi);
    if (n === 0) continue; // dbinom(0, 0, μ) = 1
    const yi = y[i], m = mu[i];
    let x: number;
    if (yi === 1 && m <= 0.9) x = -n * (dev[i] / (2 * wi));
    else if (yi === 0 && m >= 0.1) x = -n * (dev[i] / (2 * wi));
    else x = logDbinom(roundHalfEven(wi * yi), n, m);
    add(acc, 0, x);
  }
  return -2 * (acc[0] + acc[1]);
}
