/**
 * R's default uniform generator: the Mersenne-Twister of R's src/main/RNG.c, seeded as
 * `set.seed(seed)` seeds it, with R's `unif_rand()` (`fixup` away from 0 and 1) and a fast way to
 * advance the stream exactly as `sample(n)` would.
 *
 * @module
 */

import { unifIndex } from "./sample.ts";

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df | 0;
const UPPER_MASK = 0x80000000 | 0;
const LOWER_MASK = 0x7fffffff;
const TEMPERING_MASK_B = 0x9d2c5680 | 0; // as signed 32-bit words (small integers in V8)
const TEMPERING_MASK_C = 0xefc60000 | 0;
/** 2⁻³², the factor R applies to a 32-bit Mersenne-Twister word. */
const TWO_POW_M32 = 2.3283064365386963e-10;
/** R's `i2_32m1` = 1/(2³² − 1), used to keep uniforms away from 0 and 1. */
const I2_32M1 = 2.328306437080797e-10;

/** MT_genrand's twist (R's src/main/RNG.c): the next 624 untempered words, in place. */
function mtTwist(mt: Int32Array): void {
  let y: number;
  let kk = 0;
  for (; kk < N - M; kk++) {
    y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
    mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  for (; kk < N - 1; kk++) {
    y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
    mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
  }
  y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
  mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
}

/**
 * Consumes, from the state `mt` at position `mti`, the words R's `sample()` draws for
 * R_unif_index(left), R_unif_index(left − 1), …, R_unif_index(1), for left ≤ 2¹⁵; returns the new
 * position. Each draw there is one uniform u = fixup(w·2⁻³²) of the tempered word w, and
 * rbits(bits) = floor(u·65536) mod 2^bits. Since w·2⁻³²·65536 = w/65536 exactly, floor(u·65536)
 * is w's top 16 bits; fixup only changes w = 0 (to 2⁻³³/(1 − 2⁻³²), whose floor(u·65536) is 0
 * too) and never sees 1. Tempering's last step (y ^= y >>> 18) leaves the top 14 bits alone, so
 * it is skipped. The indices themselves are not needed, only how many words each draw consumes,
 * which depends on the rejection test alone.
 */
function mtSkipDraws(mt: Int32Array, mti: number, left: number): number {
  let bits = 0;
  while (1 << bits < left) bits++;
  let i = mti;
  while (left > 0) {
    while (bits > 0 && 1 << (bits - 1) >= left) bits--;
    // All draws while `left` keeps this bit count share the mask: left runs down to `low`.
    const mask = (1 << bits) - 1;
    const low = bits > 0 ? (1 << (bits - 1)) : 0;
    while (left > low) {
      if (i >= N) {
        mtTwist(mt);
        i = 0;
      }
      // Each word accepts at most one draw, so the next left − low words are all consumed
      // (R rejects or accepts each); the acceptance test is branch-free.
      const end = Math.min(N, i + (left - low));
      for (; i < end; i++) {
        let y = mt[i];
        y ^= y >>> 11;
        y ^= (y << 7) & TEMPERING_MASK_B;
        y ^= (y << 15) & TEMPERING_MASK_C;
        left -= (((y >>> 16) & mask) - left) >>> 31; // accepted iff (y >>> 16) & mask < left
      }
    }
  }
  return i;
}

/** R's Mersenne-Twister after `set.seed(seed)`: `unif_rand()`, and a fast path for `sample(n)`. */
export interface MersenneTwister {
  /** R's `unif_rand()`. */
  unifRand(): number;
  /** Advances the stream exactly as R's `sample(n)` does (n ≥ 0), without building it. */
  skipSample(n: number): void;
  /**
   * The state's 624 words, live (R's `.Random.seed[3:626]`): for code that advances the stream
   * itself, as a faster skip does (`lib/_kernels/sample_skip_wasm.ts`).
   */
  readonly words: Int32Array;
  /** The position in the words, 0..624 (R's `.Random.seed[2]`; at 624 a twist comes first). */
  position: number;
}

/**
 * R's Mersenne-Twister: `set.seed(seed)` then repeated `unif_rand()`. The seed is taken as a
 * 32-bit integer; {@linkcode rRng} checks it first.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mersenneTwister } from "./mersenne_twister.ts";
 * // R: set.seed(42); runif(1)  ->  0.914806043496355
 * assert.equal(mersenneTwister(42).unifRand(), 0.91480604349635541);
 * ```
 */
export function mersenneTwister(seed: number): MersenneTwister {
  // R's Randomize(kind) -> RNG_Init: scramble the seed 50 times, then fill the 625 words
  // dummy[0..624] with further LCG steps; FixupSeeds(initial = TRUE) then sets dummy[0] = mti = 624.
  let s = seed >>> 0;
  for (let j = 0; j < 50; j++) s = (Math.imul(69069, s) + 1) >>> 0;
  // dummy[1..624], held as signed 32-bit words (the bits are what matter; small integers are
  // faster in V8 than the doubles a Uint32Array would hand out above 2³¹).
  const mt = new Int32Array(N);
  s = (Math.imul(69069, s) + 1) >>> 0; // dummy[0], overwritten by mti below
  for (let j = 0; j < N; j++) {
    s = (Math.imul(69069, s) + 1) >>> 0;
    mt[j] = s;
  }
  let mti = N;

  function twist(): void {
    mtTwist(mt);
    mti = 0;
  }

  function unifRand(): number {
    if (mti >= N) twist();
    let y = mt[mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & TEMPERING_MASK_B;
    y ^= (y << 15) & TEMPERING_MASK_C;
    y ^= y >>> 18;
    const value = (y >>> 0) * TWO_POW_M32;
    // R's fixup(): keep the value inside (0, 1).
    if (value <= 0) return 0.5 * I2_32M1;
    if (1 - value <= 0) return 1 - 0.5 * I2_32M1;
    return value;
  }

  function skipSample(n: number): void {
    let left = n;
    // Above 2¹⁵ R_unif_index takes two uniforms per attempt: the general path; below, one.
    for (; left > 32768; left--) unifIndex(unifRand, left);
    mti = mtSkipDraws(mt, mti, left);
  }

  return {
    unifRand,
    skipSample,
    words: mt,
    get position() {
      return mti;
    },
    set position(p: number) {
      if (!(Number.isInteger(p) && p >= 0 && p <= N)) {
        throw new RangeError(`position must be a whole number from 0 to ${N}, got ${p}`);
      }
      mti = p;
    },
  };
}
