/**
 * The network's seeded randomness: a small counter-based generator, for Glorot initial weights
 * and for reshuffling the rows every epoch (Fisher–Yates), so that runs repeat for a given seed.
 *
 * @module
 */

/**
 * A small counter-based generator (mulberry32): the state moves by a fixed odd constant per draw
 * and the output is a bit mix of the state, so skipping n draws is one multiplication.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CounterRng } from "./shuffle.ts";
 * const a = new CounterRng(7), b = new CounterRng(7);
 * a.next();
 * a.next();
 * b.advance(2);
 * assert.equal(a.next(), b.next());
 * ```
 */
export class CounterRng {
  #state: number;
  /** Starts the stream at `seed` (taken as a 32-bit unsigned integer). */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A uniform number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6D2B79F5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Skips `n` draws. */
  advance(n: number): void {
    this.#state = (this.#state + Math.imul(n >>> 0, 0x6D2B79F5)) >>> 0;
  }
}

/**
 * The order of the rows, epoch after epoch: the rows as stored, or reshuffled every epoch by a
 * Fisher–Yates shuffle of the previous order, drawn from a {@linkcode CounterRng}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RowOrder } from "./shuffle.ts";
 * const order = new RowOrder(4, 0);
 * const rows = Array.from(order.shuffle()!);
 * assert.deepEqual([...rows].sort(), [0, 1, 2, 3]);
 * ```
 */
export class RowOrder {
  readonly #rng: CounterRng;
  readonly #rows: Uint32Array;

  /** `n` rows, shuffled with the generator seeded by `seed`. */
  constructor(n: number, seed: number) {
    this.#rng = new CounterRng(seed);
    this.#rows = Uint32Array.from({ length: n }, (_, i) => i);
  }

  /**
   * The next epoch's order (reused: valid until the next call). With `skip`, the shuffle is not
   * built, only its n − 1 draws are skipped, and `null` is returned: for callers that would only
   * permute the terms of a sum (one batch holding every row).
   */
  shuffle(skip = false): Uint32Array | null {
    const rows = this.#rows, n = rows.length;
    if (skip) {
      this.#rng.advance(Math.max(0, n - 1));
      return null;
    }
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.#rng.next() * (i + 1));
      const t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
    return rows;
  }
}
