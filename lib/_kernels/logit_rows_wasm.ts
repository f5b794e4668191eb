/**
 * The per-row work of a logit IRLS pass as WebAssembly with 128-bit SIMD (two rows per register):
 * from η, y, the prior weight w, the offset and H(y) = y log y + (1 − y) log(1 − y), it computes
 *
 * - u = exp(−|η|) (ε beyond |η| = 30, R's clamp), μ = 1/(1 + u) or u/(1 + u);
 * - the unit deviance 2w·(H(y) + y·log(1/μ) + (1 − y)·log(1/(1 − μ))), with log(1/μ) and
 *   log(1/(1 − μ)) equal to log(1 + u) plus |η| or 0 (the softplus of ∓η), summed in two lanes
 *   (a chunk's worth: the caller adds the chunks' sums with compensation);
 * - √W = √(w μ.η) with μ.η = u/(1 + u)² (ε beyond |η| = 30) and z·√W = ((η − offset) + (y − μ)/μ.η)·√W
 *   — R's weights for the canonical link, 0 where w = 0.
 *
 * exp(−|η|) reduces x = k·ln 2 + r (|r| ≤ ln 2/2) and sums the Taylor series of e^r to degree 13
 * by Estrin's scheme, then scales by 2^k through the exponent bits (as `network_wasm.ts`; about
 * 2 ulp). log(1 + u), u in (0, 1], is fdlibm's log kernel on f = u (u ≤ √2 − 1) or
 * f = (u − 1)/2 (then plus ln 2), s = f/(2 + f) and its degree-14 polynomial in s (below 1 ulp).
 * The results equal `fused_irls.ts`'s JavaScript loop (and R's arithmetic) to rounding, which is
 * what the normal-equations path allows itself anyway (checked in tests/logit_rows_test.ts).
 *
 * The kernel's memory holds the fit's rows for the whole fit — η, y, w, offset and H(y), then μ
 * and the unit deviances — so that a pass reads its inputs where they lie and writes η (from the
 * JavaScript Xβ), μ and the deviances in place; only √W and z√W go through a chunk-sized buffer
 * to the cross-product kernel. Where WebAssembly SIMD is not available, or the rows do not fit in
 * its memory, {@linkcode logitRowsKernel} returns `null` and the JavaScript loop runs.
 *
 * @module
 */

import {
  brIf,
  compileModule,
  control,
  f64x2,
  i32,
  i32Const as i32c,
  localGet as get,
  localSet as set,
  localTee as tee,
  simd as V,
  uleb,
  V128,
  wasmModule,
} from "./wasm.ts";
import { wasmReduce, wasmTimesPow2 } from "./exp.ts";

/** SIMD instructions the shared assembler does not list (opcodes of the SIMD proposal). */
const op = (code: number): number[] => [0xfd, ...uleb(code)];
const GT = op(0x4a); // f64x2.gt
const GE = op(0x4c); // f64x2.ge
const BITSELECT = op(0x52); // v128.bitselect(a, b, mask) = a where mask, else b
const SQRT = op(0xef); // f64x2.sqrt
const MIN = op(0xf4); // f64x2.min
const EQ = op(0x47); // f64x2.eq
const LE = op(0x4b); // f64x2.le

const DBL_EPSILON = 2.220446049250313e-16;
const LOG_INVEPS = -Math.log(DBL_EPSILON);
/** fdlibm's split of ln 2. */
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
/** fdlibm's log polynomial (e_log.c). */
const LG = [
  6.666666666666735130e-01,
  3.999999999940941908e-01,
  2.857142874366239149e-01,
  2.222219843214978396e-01,
  1.818357216161805012e-01,
  1.531383769920937332e-01,
  1.479819860511658591e-01,
];

/** The kernel's buffers: the rows' (n long), then the chunk's (√W and z√W). */
export const ROW_BUFFERS = ["eta", "y", "w", "offset", "hy", "mu", "dev", "sw", "zw"] as const;

/**
 * What a run computes and stores, as bits (a compiled variant each): `SYSTEM` writes √W and z√W,
 * `ROWS` stores μ and the unit deviances, `HY` adds H(y) (needed only where some y is fractional),
 * `AT_OFFSET` takes η = offset (R's null deviance without an intercept). The deviance is always
 * summed. With `ROWS`, the stored row is the deviance residual sign(y − μ)·√d (not d), and the run
 * also sums −round(w)·log(probability of the observed y) — R's log-likelihood, `binomial()$aic` —
 * over the rows with y ∈ {0, 1}, round(w) > 0 and that probability at most 0.9, and counts the
 * other rows with round(w) > 0 (the exceptions, whose terms R takes from `dbinom`), and finds the
 * range of μ. Leaving out what a pass does not need saves the memory traffic of whole rows.
 */
export const RUN = { SYSTEM: 1, ROWS: 2, HY: 4, AT_OFFSET: 8 } as const;

/**
 * Assembles the kernel `rows(p, q, end, acc)` for row buffers `stride` bytes apart: `p` is the
 * byte address of the first row in the first buffer (η; the others follow at multiples of
 * `stride`, so each access is one load with a constant offset), `q` that of the chunk's √W (z√W
 * follows `zStride` bytes on), `end` the value of `p` after the last pair, and `acc` the address
 * of the deviance sum (2 lanes) that the run adds to.
 */
function assemble(
  stride: number,
  zStride: number,
  flags: number,
  shared = false,
): Uint8Array<ArrayBuffer> {
  const P = 0, Q = 1, END = 2, ACC = 3;
  const row = (name: typeof ROW_BUFFERS[number]) => stride * ROW_BUFFERS.indexOf(name);
  let next = 4;
  const L = () => next++;
  const [E, AE, CL, KD, RR, R2, R4, R8, U, A, Q1, UQ, POS, MU, F, BIG, SS, Z, W4, HF] = Array.from(
    { length: 20 },
    L,
  );
  const [LP, Y, WV, D, SUM, ME, SQW, LT, NW, OK, AICS, BADS, LO, HI] = Array.from(
    { length: 14 },
    L,
  );
  const nV128 = next - 4;
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  const coef: number[] = [];
  for (let n = 0, f = 1; n <= 13; n++, f *= n) coef.push(1 / f);

  emit(f64x2(0), set(SUM), f64x2(0), set(AICS), f64x2(0), set(BADS));
  emit(f64x2(Infinity), set(LO), f64x2(-Infinity), set(HI));
  emit(control.block, get(P), get(END), i32.geU, brIf(0), control.loop);
  // η, |η|, the clamp mask
  const etaFrom = flags & RUN.AT_OFFSET ? "offset" : "eta";
  emit(get(P), V.load(row(etaFrom)), tee(E), V.abs, tee(AE), f64x2(30), GT, set(CL));
  // exp(x), x = −min(|η|, 30): k = nearest(x/ln2), r = x − k·ln2 (exp.ts), Σ rⁿ/n! (Estrin), · 2^k
  emit(wasmReduce([...get(AE), ...f64x2(30), ...MIN, ...V.neg], KD), set(RR));
  emit(get(RR), get(RR), V.mul, tee(R2), get(R2), V.mul, tee(R4), get(R4), V.mul, set(R8));
  let level: number[][] = [];
  for (let n = 0; n <= 13; n += 2) {
    level.push([...f64x2(coef[n]), ...get(RR), ...f64x2(coef[n + 1]), ...V.mul, ...V.add]);
  }
  for (const power of [R2, R4, R8]) {
    const up: number[][] = [];
    for (let i = 0; i < level.length; i += 2) {
      up.push(
        i + 1 < level.length
          ? [...level[i], ...level[i + 1], ...get(power), ...V.mul, ...V.add]
          : level[i],
      );
    }
    level = up;
  }
  emit(level[0], wasmTimesPow2(KD));
  // u (ε beyond the clamp), a = |η| (−log ε beyond), q = 1/(1 + u), μ = q or u·q
  emit(set(U), f64x2(DBL_EPSILON), get(U), get(CL), BITSELECT, set(U));
  emit(f64x2(LOG_INVEPS), get(AE), get(CL), BITSELECT, set(A));
  emit(f64x2(1), f64x2(1), get(U), V.add, V.div, tee(Q1), get(U), V.mul, set(UQ));
  emit(get(E), f64x2(0), GE, set(POS));
  emit(get(Q1), get(UQ), get(POS), BITSELECT, set(MU));
  if (flags & RUN.ROWS) emit(get(P), get(MU), V.store(row("mu")));
  // log(1 + u): f = u or (u − 1)/2, s = f/(2 + f), fdlibm's polynomial, plus ln 2 for the second
  emit(get(U), f64x2(Math.SQRT2 - 1), GT, set(BIG));
  emit(get(U), f64x2(1), V.sub, f64x2(0.5), V.mul, get(U), get(BIG), BITSELECT, set(F));
  emit(get(F), f64x2(2), get(F), V.add, V.div, tee(SS), get(SS), V.mul, tee(Z), get(Z), V.mul);
  emit(set(W4));
  // R = z(Lg1 + w(Lg3 + w(Lg5 + w Lg7))) + w(Lg2 + w(Lg4 + w Lg6))
  emit(f64x2(LG[6]), get(W4), V.mul, f64x2(LG[4]), V.add, get(W4), V.mul, f64x2(LG[2]), V.add);
  emit(get(W4), V.mul, f64x2(LG[0]), V.add, get(Z), V.mul);
  emit(f64x2(LG[5]), get(W4), V.mul, f64x2(LG[3]), V.add, get(W4), V.mul, f64x2(LG[1]), V.add);
  emit(get(W4), V.mul, V.add, set(Z)); // Z := R
  emit(f64x2(0.5), get(F), V.mul, get(F), V.mul, set(HF));
  // LP = k·ln2_hi − ((hfsq − (s·(hfsq + R) + k·ln2_lo)) − f), k = 1 where BIG
  emit(f64x2(LN2_HI), f64x2(0), get(BIG), BITSELECT);
  emit(get(HF), get(SS), get(HF), get(Z), V.add, V.mul);
  emit(f64x2(LN2_LO), f64x2(0), get(BIG), BITSELECT, V.add, V.sub, get(F), V.sub, V.sub, set(LP));
  // L = H(y) + log(1 + u) + a·(η ≥ 0 ? 1 − y : y): y log(1/μ) + (1 − y) log(1/(1 − μ)) + H(y),
  // as log(1/μ) = log(1 + u) + (η ≥ 0 ? 0 : a) and log(1/(1 − μ)) = log(1 + u) + (η ≥ 0 ? a : 0).
  // d = (2w)·L, stored and summed (two lanes).
  emit(get(P), V.load(row("y")), set(Y), get(P), V.load(row("w")), set(WV));
  emit(get(LP));
  if (flags & RUN.HY) emit(get(P), V.load(row("hy")), V.add);
  emit(get(A), f64x2(1), get(Y), V.sub, get(Y), get(POS), BITSELECT, V.mul, V.add, tee(LT));
  emit(f64x2(2), get(WV), V.mul, V.mul, set(D));
  emit(get(SUM), get(D), V.add, set(SUM));
  if (flags & RUN.ROWS) {
    // the deviance residual sign(y − μ)·√d (−√d where y = μ), in d's place
    emit(get(D), f64x2(0), V.max, SQRT, tee(SQW), get(SQW), V.neg, get(Y), get(MU), GT, BITSELECT);
    emit(set(D), get(P), get(D), V.store(row("dev")));
    // n = round(w) (halves to even); y(1 − y) = 0 and P(observed) = (y = 1 ? μ : 1 − μ) ≤ 0.9
    emit(get(WV), V.nearest, set(NW));
    emit(get(Y), f64x2(1), get(Y), V.sub, V.mul, f64x2(0), EQ);
    emit(get(MU), f64x2(1), get(MU), V.sub, get(Y), f64x2(1), EQ, BITSELECT); // as JS computes it
    emit(f64x2(0.9), LE, V.and, set(OK));
    // −n·L where n > 0 and OK; a count of the rows with n > 0 and not OK
    emit(get(AICS), get(NW), get(LT), V.mul, V.neg, f64x2(0), get(OK), BITSELECT);
    emit(f64x2(0), get(NW), f64x2(0), GT, BITSELECT, V.add, set(AICS));
    emit(get(BADS), f64x2(0), f64x2(1), get(OK), BITSELECT);
    emit(f64x2(0), get(NW), f64x2(0), GT, BITSELECT, V.add, set(BADS));
    // the range of μ (glm.fit's test for fitted probabilities 0 or 1)
    emit(get(LO), get(MU), MIN, set(LO), get(HI), get(MU), V.max, set(HI));
  }
  if (flags & RUN.SYSTEM) {
    // μ.η = u·q² (ε beyond the clamp), √W = √(w μ.η), z√W = ((η − off) + (y − μ)/μ.η)·√W
    emit(f64x2(DBL_EPSILON), get(UQ), get(Q1), V.mul, get(CL), BITSELECT, set(ME));
    emit(get(Q), get(WV), get(ME), V.mul, SQRT, tee(SQW), V.store(0));
    emit(get(Q), get(E), get(P), V.load(row("offset")), V.sub, get(Y), get(MU), V.sub, get(ME));
    emit(V.div, V.add, get(SQW), V.mul, V.store(zStride));
    emit(get(Q), i32c(16), i32.add, set(Q));
  }
  // next pair
  emit(get(P), i32c(16), i32.add, tee(P), get(END), i32.ltU, brIf(0));
  emit(control.end, control.end);
  emit(get(ACC), get(ACC), V.load(0), get(SUM), V.add, V.store(0));
  if (flags & RUN.ROWS) {
    emit(get(ACC), get(ACC), V.load(16), get(AICS), V.add, V.store(16));
    emit(get(ACC), get(ACC), V.load(32), get(BADS), V.add, V.store(32));
    emit(get(ACC), get(ACC), V.load(48), get(LO), MIN, V.store(48));
    emit(get(ACC), get(ACC), V.load(64), get(HI), V.max, V.store(64));
  }
  emit(control.end);
  return wasmModule({
    exportName: "rows",
    params: 4,
    locals: [[nV128, V128]],
    body: c,
    memory: { import: ["m", "mem"], shared },
  });
}

/** A compiled row kernel with its memory: the fit's rows and a chunk's weights. */
export interface LogitRowsKernel {
  /** The number of rows its buffers hold. */
  readonly rows: number;
  /** The largest chunk it takes at once (even). */
  readonly chunk: number;
  /**
   * Views of its buffers (see {@linkcode ROW_BUFFERS}): `rows` doubles each for the rows',
   * `chunk` for `sw` and `zw` (row `start + r` of a run goes to index r).
   */
  readonly buffers: Record<typeof ROW_BUFFERS[number], Float64Array>;
  /** Sets the deviance sum (both lanes) to 0. */
  resetSum(): void;
  /** The deviance summed since the last reset. */
  sum(): number;
  /** Since the last reset, of the `ROWS` runs: Σ −round(w)·log P(observed) ({@linkcode RUN}). */
  logLikSum(): number;
  /** Since the last reset, of the `ROWS` runs: the number of exception rows ({@linkcode RUN}). */
  exceptions(): number;
  /** Since the last reset, of the `ROWS` runs: the least and the greatest μ. */
  muRange(): [number, number];
  /**
   * Runs rows start..start+count−1 (count even, ≤ chunk) computing what `flags` ({@linkcode RUN})
   * asks for; by default everything at η (not at the offset).
   */
  run(start: number, count: number, flags?: number): void;
  /** Its memory (imported by the kernel's modules, so that other kernels can share it). */
  readonly memory: WebAssembly.Memory;
  /** The byte address of the `extraBytes` asked for, after the kernel's own (64-aligned). */
  readonly extraAt: number;
}

/** Compiled modules by buffer strides and run flags (a fit of one size compiles each once). */
const compiled = new Map<string, WebAssembly.Module | null>();

/** The module for strides n, c (in rows) and `flags`, compiled on first use; null without SIMD. */
function moduleFor(n: number, c: number, flags: number, shared = false): WebAssembly.Module | null {
  const key = `${n}/${c}/${flags}/${shared}`;
  if (!compiled.has(key)) {
    if (compiled.size > 32) compiled.clear();
    compiled.set(key, compileModule(() => assemble(8 * n, 8 * c, flags, shared)));
  }
  return compiled.get(key)!;
}

/**
 * The row kernel `rows(p, q, end, acc)` for row buffers `n` doubles apart and chunk buffers `c`
 * doubles apart (√W, then z√W), importing a shared memory (for the threads of
 * `fused_parallel.ts`); compiled once per size and variant; null without SIMD or shared memory.
 * `acc` points at 10 doubles, 2 lanes each: the deviance, log-likelihood and exception sums, μ's
 * least and greatest (a run adds its own to them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logitRowsSharedModule, RUN } from "./logit_rows_wasm.ts";
 * const mod = logitRowsSharedModule(4, 4, RUN.SYSTEM);
 * if (mod !== null) {
 *   const mem = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
 *   const rows = new WebAssembly.Instance(mod, { m: { mem } }).exports.rows as (...a: number[]) => void;
 *   const h = new Float64Array(mem.buffer); // η (4), y (4), w (4), …; sw at 28, zw at 32; acc at 40
 *   h.set([1, 1], 4); h.set([1, 1], 8); // η = 0 for two rows with y = 1 and w = 1
 *   rows(0, 28 * 8, 2 * 8, 40 * 8);
 *   assert.ok(h[28] === 0.5 && Math.abs(h[40] + h[41] - 4 * Math.LN2) < 1e-15); // √(¼), 2·2 log 2
 * }
 * ```
 */
export function logitRowsSharedModule(
  n: number,
  c: number,
  flags: number,
): WebAssembly.Module | null {
  return typeof SharedArrayBuffer === "function" ? moduleFor(n, c, flags, true) : null;
}

/**
 * A row kernel for `rows` rows and chunks of up to `chunk` rows, or `null` where WebAssembly SIMD
 * is missing or the rows do not fit in a WebAssembly memory. Compiled once per size and variant;
 * each call makes its own memory, which a fit keeps as the storage of its rows (its views of the
 * buffers), with `extraBytes` more at `extraAt` for another kernel sharing it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logitRowsKernel, RUN } from "./logit_rows_wasm.ts";
 * const k = logitRowsKernel(2, 2);
 * if (k !== null) {
 *   const b = k.buffers;
 *   b.eta.set([0, 1]); b.y.set([1, 0]); b.w.set([1, 2]); // offset and H(y) stay 0
 *   k.resetSum();
 *   k.run(0, 2);
 *   assert.ok(b.mu[0] === 0.5 && Math.abs(b.mu[1] - 1 / (1 + Math.exp(-1))) < 1e-15);
 *   const dev = 2 * Math.log(2) + 4 * Math.log(1 + Math.exp(1));
 *   assert.ok(Math.abs(k.sum() - dev) < 1e-14 && b.sw[0] === 0.5);
 *   k.resetSum();
 *   k.run(0, 2, RUN.AT_OFFSET); // η = offset = 0: the sum only
 *   assert.ok(Math.abs(k.sum() - 6 * Math.log(2)) < 1e-14 && b.mu[1] !== 0.5);
 * }
 * ```
 */
export function logitRowsKernel(
  rows: number,
  chunk: number,
  extraBytes = 0,
): LogitRowsKernel | null {
  const n = rows + 2, c = chunk + 2; // room for a pair's second lane
  const extraAt = Math.ceil(((7 * n + 2 * c + 12) * 8) / 64) * 64; // cache-line aligned
  const bytes = extraAt + extraBytes;
  if (bytes > 2 ** 31 || moduleFor(n, c, RUN.SYSTEM | RUN.ROWS) === null) return null;
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
  } catch {
    return null; // no memory for the rows: the JavaScript loop runs instead
  }
  const heap = new Float64Array(memory.buffer);
  const start = (b: number) => (b < 7 ? b * n : 7 * n + (b - 7) * c);
  const buffers = Object.fromEntries(
    ROW_BUFFERS.map((
      name,
      b,
    ) => [name, heap.subarray(start(b), start(b) + (b < 7 ? rows : chunk))]),
  ) as Record<typeof ROW_BUFFERS[number], Float64Array>;
  // In doubles, 2 lanes each: the deviance, log-likelihood and exception sums, μ's min and max.
  const accAt = 7 * n + 2 * c;
  type Rows = (p: number, q: number, end: number, acc: number) => void;
  const fns: (Rows | undefined)[] = [];
  const fn = (flags: number): Rows =>
    fns[flags] ??= new WebAssembly.Instance(moduleFor(n, c, flags)!, { m: { mem: memory } })
      .exports.rows as Rows;
  return {
    rows,
    chunk,
    memory,
    extraAt,
    buffers,
    resetSum: () => {
      heap.fill(0, accAt, accAt + 6);
      heap.fill(Infinity, accAt + 6, accAt + 8);
      heap.fill(-Infinity, accAt + 8, accAt + 10);
    },
    sum: () => heap[accAt] + heap[accAt + 1],
    logLikSum: () => heap[accAt + 2] + heap[accAt + 3],
    exceptions: () => heap[accAt + 4] + heap[accAt + 5],
    muRange: () => [
      Math.min(heap[accAt + 6], heap[accAt + 7]),
      Math.max(heap[accAt + 8], heap[accAt + 9]),
    ],
    run(first: number, count: number, flags = RUN.SYSTEM | RUN.ROWS | RUN.HY) {
      const p = 8 * first;
      fn(flags)(p, 8 * start(7), p + 8 * count, accAt * 8);
    },
  };
}
