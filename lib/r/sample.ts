/**
 * Random integers and permutations as R's `sample()` draws them (R ≥ 3.6, `sample.kind =
 * "Rejection"`, src/main/RNG.c `R_unif_index` and src/main/random.c `do_sample`), from any source
 * of uniforms in (0, 1).
 *
 * @module
 */

/** R's rbits(bits): `bits` random bits built 16 at a time from uniforms. */
function rbits(unif: () => number, bits: number): number {
  let v = 0;
  for (let n = 0; n <= bits; n += 16) {
    const v1 = Math.floor(unif() * 65536);
    v = 65536 * v + v1;
  }
  // v < 2^48 here, so the mask can be taken exactly with doubles.
  return v % 2 ** bits;
}

/**
 * R's R_unif_index(dn) with sample kind "Rejection": a uniform integer in [0, dn), from
 * ⌈log₂ dn⌉ random bits, redrawn until below dn.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unifIndex } from "./sample.ts";
 * // 3 bits from u = 0.3: floor(0.3·65536) mod 8 = 19660 mod 8 = 4, which is below 5
 * assert.equal(unifIndex(() => 0.3, 5), 4);
 * ```
 */
export function unifIndex(unif: () => number, dn: number): number {
  if (dn <= 0) return 0;
  let bits = 0; // ceil(log2(dn)) for an integer dn ≥ 1
  while (2 ** bits < dn) bits++;
  let dv: number;
  do {
    dv = rbits(unif, bits);
  } while (dn <= dv);
  return dv;
}

/**
 * Writes a random permutation of `0..n−1` into `out`, drawing exactly what R's `sample(n)` draws:
 * R's `do_sample` without replacement (x[i] = i; then out[i] = x[j], x[j] = x[n − 1 − i] with
 * j = R_unif_index(n − i)), so that it equals R's `sample(n) - 1`. `work` is scratch space of
 * length ≥ n; nothing is allocated.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { permutationInto } from "./sample.ts";
 * import { rRng } from "./random.ts";
 * const out = new Int32Array(5);
 * permutationInto(rRng(42).unifRand, 5, out, new Int32Array(5));
 * assert.deepEqual(Array.from(out), [0, 4, 3, 2, 1]); // R: set.seed(42); sample(5) - 1
 * ```
 */
export function permutationInto(
  unif: () => number,
  n: number,
  out: Int32Array,
  work: Int32Array,
): void {
  for (let i = 0; i < n; i++) work[i] = i;
  for (let i = 0, left = n; i < n; i++) {
    const j = unifIndex(unif, left);
    out[i] = work[j];
    work[j] = work[--left];
  }
}
