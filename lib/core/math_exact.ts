/**
 * Internal: e^x and logarithms in exact integer arithmetic (BigInt fixed point with 360 fractional
 * bits), rounded once to the nearest double. The slow path of `math.ts`, taken when its fast
 * double-double evaluation cannot decide the rounding (in practice never on a random argument),
 * and the source of its tables (`scripts/math_tables.ts`).
 *
 * 360 bits leave far more than the ~120 that the hardest-to-round arguments of exp and log in
 * double precision need (Lefèvre and Muller's worst cases): the rounding is always the correct one.
 *
 * @module
 */

/** Fractional bits of the fixed-point numbers. */
export const P = 360;
const ONE = 1n << BigInt(P);
/** Extra bits carried by constants so that k·ln 2 keeps P bits for |k| ≤ 2^20. */
const GUARD = 24;

/** The double `x` as an exact fraction: `[m, e]` with x = m·2^e, m an integer (BigInt). */
export function toFraction(x: number): [bigint, number] {
  if (x === 0) return [0n, 0];
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = biased - 1075;
  if (biased === 0) e = -1074;
  else m |= 1n << 52n;
  return [hi >>> 31 ? -m : m, e];
}

const bitLength = (v: bigint) => v === 0n ? 0 : v.toString(2).length;

/** `x·2^n` for a double x and an integer n, exact whenever the result is representable. */
function ldexp(x: number, n: number): number {
  while (n > 600) [x, n] = [x * 2 ** 600, n - 600];
  while (n < -600) [x, n] = [x * 2 ** -600, n + 600];
  return x * 2 ** n;
}

/**
 * The double nearest to v·2^scale (v an integer), ties to even, with gradual underflow and
 * overflow to ±Infinity.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { roundToDouble } from "./math_exact.ts";
 * assert.equal(roundToDouble(3n, -1), 1.5);
 * assert.equal(roundToDouble((1n << 54n) + 1n, -54), 1); // 1 + 2^-54 rounds to 1
 * assert.equal(roundToDouble(3n, -1076), 2 ** -1074); // 0.75 of the smallest subnormal
 * ```
 */
export function roundToDouble(v: bigint, scale: number): number {
  if (v === 0n) return 0;
  const sign = v < 0n ? -1 : 1;
  if (v < 0n) v = -v;
  const len = bitLength(v);
  const top = len - 1 + scale; // exponent of the leading bit
  if (top > 1023) return sign * Infinity;
  const precision = top >= -1022 ? 53 : 53 - (-1022 - top);
  if (precision < 0) return sign * 0;
  const drop = len - precision;
  if (drop <= 0) return sign * ldexp(Number(v), scale);
  let q = v >> BigInt(drop);
  const rest = v - (q << BigInt(drop)), half = 1n << BigInt(drop - 1);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
  return sign * ldexp(Number(q), scale + drop);
}

let ln2Cache: bigint | undefined;

/** ln 2 in fixed point with P + GUARD fractional bits: Σ 1/(k·2^k). */
function ln2Fixed(): bigint {
  if (ln2Cache === undefined) {
    const scale = 1n << BigInt(P + GUARD + 8);
    let sum = 0n;
    for (let k = 1n; k <= BigInt(P + GUARD + 16); k++) sum += scale / (k << k);
    ln2Cache = sum >> 8n;
  }
  return ln2Cache;
}

/** `x` (an integer times 2^e) in fixed point with P fractional bits, truncated. */
function fixed(m: bigint, e: number): bigint {
  const s = e + P;
  return s >= 0 ? m << BigInt(s) : m >> BigInt(-s);
}

/**
 * e^x for a double x, correctly rounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expExact } from "./math_exact.ts";
 * assert.equal(expExact(1), Math.E);
 * assert.equal(expExact(-745.2), 0);
 * ```
 */
export function expExact(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return Infinity;
  if (x === -Infinity || x < -746) return 0;
  if (x > 710) return Infinity;
  const [m, e] = toFraction(x);
  // x exactly in fixed point: its lowest bit is at least 2^-1074, but for |x| < 2^-300 the
  // result is 1 to any precision that matters; truncation there is harmless.
  const X = fixed(m, e);
  const L = ln2Fixed() >> BigInt(GUARD); // P bits
  let k = X / L;
  let R = X - k * L;
  if (2n * R > L) [k, R] = [k + 1n, R - L];
  else if (-2n * R > L) [k, R] = [k - 1n, R + L];
  // R = x − k·ln 2, up to k ulps of ln 2's rounding: |R| ≤ ln2/2 (+ tiny)
  const G = BigInt(GUARD);
  const ln2g = ln2Fixed();
  R = (X << G) - k * ln2g; // with guard bits: |error| ≤ |k|·2^-(P+GUARD)
  const one = ONE << G;
  let term = one, sum = one;
  for (let n = 1n; term !== 0n; n++) {
    term = (term * R) / one / n;
    sum += term;
  }
  return roundToDouble(sum, Number(k) - P - GUARD);
}

/**
 * log(v·2^e) for a positive integer v, in fixed point with P fractional bits.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logFixed, P, roundToDouble } from "./math_exact.ts";
 * assert.equal(roundToDouble(logFixed(1n, 1), -P), Math.LN2);
 * ```
 */
export function logFixed(v: bigint, e: number): bigint {
  if (v <= 0n) throw new RangeError("logFixed: v must be positive");
  const len = bitLength(v);
  // v·2^e = (a/b)·2^k with a/b in [1/√2, √2]: b = 2^(len−1) or 2^len
  let b = 1n << BigInt(len - 1);
  let k = e + len - 1;
  if (2n * v * v > 4n * b * b) [b, k] = [b << 1n, k + 1]; // v/b > √2
  const G = BigInt(GUARD), one = ONE << G;
  const s = ((v - b) * one) / (v + b); // (a − b)/(a + b), |s| ≤ 0.1716
  const s2 = (s * s) / one;
  let term = s, sum = s;
  for (let n = 3n; term !== 0n; n += 2n) {
    term = (term * s2) / one;
    sum += term / n;
  }
  return (2n * sum + BigInt(k) * ln2Fixed()) >> G;
}

/**
 * log(x) for a double x, correctly rounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logExact } from "./math_exact.ts";
 * assert.equal(logExact(1), 0);
 * assert.equal(logExact(Math.E), 1);
 * ```
 */
export function logExact(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  const [m, e] = toFraction(x);
  return roundToDouble(logFixed(m, e), -P);
}

/**
 * log(1 + x) for a double x, correctly rounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log1pExact } from "./math_exact.ts";
 * assert.equal(log1pExact(1e-300), 1e-300);
 * assert.equal(log1pExact(1), Math.LN2);
 * ```
 */
export function log1pExact(x: number): number {
  if (Number.isNaN(x) || x < -1) return NaN;
  if (x === -1) return -Infinity;
  if (x === Infinity) return Infinity;
  // |log1p(x) − x| ≤ x²/2 < a quarter of x's ulp: the nearest double is x itself.
  if (Math.abs(x) < 2 ** -60) return x;
  const [m, e] = toFraction(x);
  // 1 + x = (2^-e + m)·2^e for e < 0, else (1 + m·2^e)
  const v = e < 0 ? (1n << BigInt(-e)) + m : 1n + (m << BigInt(e));
  return roundToDouble(logFixed(v, Math.min(e, 0)), -P);
}

let ln10Cache: bigint | undefined;

/**
 * log10(x) for a double x, correctly rounded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { log10Exact } from "./math_exact.ts";
 * assert.equal(log10Exact(1e-300), -300);
 * assert.equal(log10Exact(2), 0.3010299956639812);
 * ```
 */
export function log10Exact(x: number): number {
  if (Number.isNaN(x) || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return Infinity;
  ln10Cache ??= logFixed(10n, 0);
  const [m, e] = toFraction(x);
  const L = logFixed(m, e);
  // exactly an integer n when x = 10^n: then L/ln10 is within an ulp of n·2^P
  const q = (L << BigInt(P)) / ln10Cache;
  const n = (q + (ONE >> 1n)) >> BigInt(P);
  if (n > 0n && n <= 22n && x === Number(`1e${n}`)) return Number(n); // 10^n exact
  return roundToDouble(q, -P);
}

/**
 * A real number given in fixed point (P fractional bits) as a double-double: `[hi, lo]` with hi
 * the nearest double and lo the nearest double to the rest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logFixed, splitDouble } from "./math_exact.ts";
 * const [hi, lo] = splitDouble(logFixed(1n, 1));
 * assert.equal(hi, Math.LN2);
 * assert.ok(lo !== 0 && Math.abs(lo) < 1e-16);
 * ```
 */
export function splitDouble(v: bigint): [number, number] {
  const hi = roundToDouble(v, -P);
  const [m, e] = toFraction(hi);
  const rest = v - (e + P >= 0 ? m << BigInt(e + P) : m >> BigInt(-(e + P)));
  return [hi, roundToDouble(rest, -P)];
}

/** The constants of `math.ts`'s fast paths, computed exactly (see `scripts/math_tables.ts`). */
export interface MathTables {
  /** 2^(j/64) for j = 0..63 as double-doubles, flattened: hi, lo, hi, lo, … */
  exp2: number[];
  /** −log(r_i) as double-doubles (flattened) for r_i = 1/(0.75 + i/256) rounded, i = 0..192. */
  logRecip: number[];
  /** ln 2 in three parts: the first with 42 significant bits, then two more doubles. */
  ln2: [number, number, number];
  /** ln 2 / 64 in three parts: the first with 32 significant bits, then two more doubles. */
  ln2By64: [number, number, number];
}

/** `v` (fixed point) in three doubles, the first rounded to `bits` significant bits. */
function split3(v: bigint, bits: number): [number, number, number] {
  const shift = BigInt(bitLength(v) - bits);
  const first = (v >> shift) << shift; // truncated to `bits` bits
  const [mid, lo] = splitDouble(v - first);
  return [roundToDouble(first, -P), mid, lo];
}

/**
 * Computes the tables of `math.ts` from scratch (about a second).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mathTables } from "./math_exact.ts";
 * const t = mathTables();
 * assert.equal(t.exp2[0], 1);
 * assert.equal(t.ln2[0] + t.ln2[1], Math.LN2);
 * ```
 */
export function mathTables(): MathTables {
  const exp2: number[] = [];
  const ln2 = ln2Fixed() >> BigInt(GUARD);
  for (let j = 0; j < 64; j++) {
    // 2^(j/64) = e^(j·ln2/64)
    const R = (BigInt(j) * ln2) / 64n;
    let term = ONE, sum = ONE;
    for (let n = 1n; term !== 0n; n++) {
      term = (term * R) / ONE / n;
      sum += term;
    }
    exp2.push(...splitDouble(sum));
  }
  const logRecip: number[] = [];
  for (let i = 0; i <= 192; i++) {
    const r = 1 / (0.75 + i / 256);
    const [m, e] = toFraction(r);
    logRecip.push(...(i === 64 ? [0, 0] : splitDouble(-logFixed(m, e))));
  }
  return { exp2, logRecip, ln2: split3(ln2, 42), ln2By64: split3(ln2 / 64n, 32) };
}
