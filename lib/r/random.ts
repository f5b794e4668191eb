/**
 * Random numbers: R's default generator reproduced bit for bit, and a seedrandom-based one. The
 * pieces are in their own files: the Mersenne-Twister (`mersenne_twister.ts`), `qnorm`
 * (`qnorm.ts`), `rbinom` (`binomial.ts`) and `sample` (`sample.ts`).
 *
 * {@linkcode rRng} is a TypeScript port of what GNU R does after `set.seed(seed)` with its default
 * kinds (`RNGkind("Mersenne-Twister", "Inversion", "Rejection")`): the Mersenne-Twister with R's
 * seed scrambling (src/main/RNG.c), normal deviates by inversion through Wichura's AS 241 quantile
 * function (src/nmath/snorm.c, qnorm.c), binomial deviates by inversion for `size·prob < 30` and by
 * the BTPE algorithm otherwise (src/nmath/rbinom.c, as in R 4.2), and `sample(n)` by rejection
 * sampling (R ≥ 3.6). Its draws equal R 4.2.2's; the tests compare every value with R's.
 *
 * {@linkcode seedrandomRng} drives the same algorithms (inversion normals, the same binomial and
 * permutation code) with the uniforms of the npm package `seedrandom` instead of the
 * Mersenne-Twister. It is deterministic for a given seed but shares no stream with R.
 *
 * @module
 */

// @ts-types="npm:@types/seedrandom@3.0.8"
import seedrandom from "seedrandom";
import { ArgumentError } from "../core/errors.ts";
import { checkFinite, checkInteger } from "../core/validate.ts";
import { binomialSampler } from "./binomial.ts";
import { type MersenneTwister, mersenneTwister } from "./mersenne_twister.ts";
import { qnorm } from "./qnorm.ts";
import { permutationInto, unifIndex } from "./sample.ts";

/** A seeded stream of random numbers with R's vectorised interface. */
export interface Rng {
  /** Which uniform source drives the stream: R's Mersenne-Twister or npm `seedrandom`. */
  readonly kind: "r" | "seedrandom";
  /** One uniform deviate in (0, 1), like R's C-level `unif_rand()`. */
  unifRand(): number;
  /** `n` uniform deviates in (0, 1), like R's `runif(n)`. */
  runif(n: number): Float64Array;
  /** `n` normal deviates, like R's `rnorm(n, mean, sd)` (defaults 0 and 1). */
  rnorm(n: number, mean?: number, sd?: number): Float64Array;
  /** `n` binomial deviates with `size` trials of probability `prob`, like R's `rbinom`. */
  rbinom(n: number, size: number, prob: number): Float64Array;
  /** A random permutation of `1..n`, like R's `sample(n)`. */
  sample(n: number): Int32Array;
  /**
   * Advances the stream exactly as `sample(n)` would, without building the permutation: after
   * it, the stream stands where it would stand after `sample(n)` (and after R's `sample(n)`, for
   * {@linkcode rRng}). Faster than `sample(n)`; for code that needs only the stream's position.
   */
  skipSample(n: number): void;
}

/** Largest seed R's `set.seed` accepts (R's integers are 32-bit; −2³¹ is `NA`). */
const INT_MAX = 2147483647;

// The generators: R's algorithms (shared by both) driven by a uniform source in (0, 1).

/** 2²⁷, R's BIG in snorm.c: two uniforms make one finer-grained uniform for inversion. */
const BIG = 134217728;

/** R's norm_rand() with normal kind INVERSION. */
function normRand(unif: () => number): number {
  let u = unif();
  u = Math.trunc(BIG * u) + unif();
  return qnorm(u / BIG);
}

function checkCount(n: number): void {
  checkInteger("n", n, 0);
}

function makeRng(
  kind: "r" | "seedrandom",
  unif: () => number,
  skip: (n: number) => void = (n) => {
    for (let left = n; left > 0; left--) unifIndex(unif, left);
  },
): Rng {
  return {
    kind,
    unifRand: unif,
    skipSample(n: number): void {
      checkCount(n);
      if (n > INT_MAX) throw new ArgumentError("n", `must be at most ${INT_MAX}, got ${n}`);
      skip(n);
    },
    runif(n: number): Float64Array {
      checkCount(n);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = unif();
      return out;
    },
    rnorm(n: number, mean = 0, sd = 1): Float64Array {
      checkCount(n);
      checkFinite("mean", mean);
      checkFinite("sd", sd);
      if (sd < 0) throw new ArgumentError("sd", `must be ≥ 0, got ${sd}`);
      const out = new Float64Array(n);
      // R returns `mean` without drawing when sd is 0.
      if (sd === 0) return out.fill(mean);
      for (let i = 0; i < n; i++) out[i] = mean + sd * normRand(unif);
      return out;
    },
    rbinom(n: number, size: number, prob: number): Float64Array {
      checkCount(n);
      checkInteger("size", size, 0);
      if (size >= INT_MAX) {
        throw new ArgumentError("size", `must be below ${INT_MAX}, got ${size}`);
      }
      checkFinite("prob", prob);
      if (prob < 0 || prob > 1) {
        throw new ArgumentError("prob", `must be a probability in [0, 1], got ${prob}`);
      }
      const draw = binomialSampler(unif, size, prob);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = draw();
      return out;
    },
    sample(n: number): Int32Array {
      checkCount(n);
      if (n > INT_MAX) throw new ArgumentError("n", `must be at most ${INT_MAX}, got ${n}`);
      const out = new Int32Array(n);
      permutationInto(unif, n, out, new Int32Array(n));
      for (let i = 0; i < n; i++) out[i] += 1; // R counts from 1
      return out;
    },
  };
}

/**
 * R's default random number generator after `set.seed(seed)`, bit for bit: Mersenne-Twister,
 * normal deviates by inversion, binomial by inversion (size·prob < 30) or BTPE, and `sample(n)`
 * by rejection sampling, as in R ≥ 3.6 with `RNGkind("Mersenne-Twister", "Inversion",
 * "Rejection")`. Each call continues the same stream, as successive calls do in R.
 *
 * `seed` must be an integer of magnitude at most 2³¹ − 1 (what `set.seed` accepts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rRng } from "./random.ts";
 * // R: set.seed(42); runif(2)  ->  0.914806043496355 0.937075413297862
 * const u = rRng(42).runif(2);
 * assert.ok(u[0] === 0.91480604349635541 && u[1] === 0.93707541329786181);
 * // R: set.seed(42); sample(5)  ->  1 5 4 3 2 (R >= 3.6)
 * assert.ok(rRng(42).sample(5).join(" ") === "1 5 4 3 2");
 * // skipSample(n) moves the stream as sample(n) does, without building the permutation
 * const a = rRng(42), b = rRng(42);
 * a.sample(1000);
 * b.skipSample(1000);
 * assert.ok(a.unifRand() === b.unifRand());
 * ```
 */
export function rRng(seed: number): Rng {
  checkFinite("seed", seed);
  if (!Number.isInteger(seed) || Math.abs(seed) > INT_MAX) {
    throw new ArgumentError(
      "seed",
      `must be an integer between -${INT_MAX} and ${INT_MAX} (as R's set.seed), got ${seed}`,
    );
  }
  const mt = mersenneTwister(seed);
  const rng = makeRng("r", mt.unifRand, mt.skipSample);
  twisters.set(rng, mt);
  return rng;
}

/** The Mersenne-Twister behind each generator {@linkcode rRng} made. */
const twisters = new WeakMap<Rng, MersenneTwister>();

/**
 * The Mersenne-Twister behind `rng`, with its state, when `rng` came from {@linkcode rRng}
 * (else `undefined`): for code that advances R's stream by other means, such as a faster skip.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mersenneTwisterOf, rRng, seedrandomRng } from "./random.ts";
 * assert.equal(mersenneTwisterOf(rRng(1))?.position, 624); // after set.seed(1): a twist first
 * assert.equal(mersenneTwisterOf(seedrandomRng(1)), undefined);
 * ```
 */
export function mersenneTwisterOf(rng: Rng): MersenneTwister | undefined {
  return twisters.get(rng);
}

/**
 * A generator driven by the npm package `seedrandom` (ARC4, `seedrandom(String(seed))()`), with
 * the same algorithms as {@linkcode rRng} on top: normal deviates by inversion through
 * {@linkcode qnorm} (two uniforms per deviate), binomial by inversion or BTPE, permutations by
 * rejection sampling. Deterministic for a given seed; its streams are not R's.
 *
 * A numeric seed is turned into its decimal string, so `seedrandomRng(42)` and
 * `seedrandomRng("42")` give the same stream.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seedrandomRng } from "./random.ts";
 * const a = seedrandomRng(42).rnorm(3), b = seedrandomRng("42").rnorm(3);
 * assert.ok(a.every((x, i) => x === b[i]));
 * ```
 */
export function seedrandomRng(seed: number | string): Rng {
  if (typeof seed === "number") checkFinite("seed", seed);
  else if (typeof seed !== "string") {
    throw new ArgumentError("seed", `must be a finite number or a string, got ${typeof seed}`);
  }
  const prng = seedrandom(String(seed));
  const unif = (): number => {
    // seedrandom returns values in [0, 1); skip an exact 0 so that every uniform is in (0, 1).
    let u = prng();
    while (u <= 0) u = prng();
    return u;
  };
  return makeRng("seedrandom", unif);
}
