/**
 * R's `sample(n)` skipped many times over, as WebAssembly: advances a Mersenne-Twister state
 * (`r/mersenne_twister.ts`) exactly as `times` calls of `sample(n)` would, for n ≤ 2¹⁵, without
 * building the permutations. It is `mtSkipDraws` of `r/mersenne_twister.ts` (read that first),
 * with two changes for speed and none to the words consumed:
 *
 * - the twist makes four words at a time (`i32x4` SIMD) and tempers them on the way, keeping
 *   each word's top 16 tempered bits (all that R's `rbits` uses for n ≤ 2¹⁵) in a second array;
 * - the acceptance test, draw after draw, is one `select` on those bits: left − 1 when
 *   (bits & mask) < left, else left.
 *
 * Scratch Adam with a full batch uses it (through `nn/engine.ts`): there only the stream's
 * position after each epoch's `sample(N)` matters, and the JavaScript skip was half of the run's
 * time. The states after it equal the readable skip's, word for word (tested).
 *
 * @module
 */

import { type BlockFunction, poolReady, startBlocks } from "./pool.ts";
import {
  br,
  brIf,
  compileModule,
  control,
  I32,
  i32,
  i32Const as i32c,
  i64x2,
  localGet as get,
  localSet as set,
  localTee as tee,
  simd as V,
  V128,
  wasmModule,
} from "./wasm.ts";

const N = 624, M = 397;
/** Bytes: the 624 words, then 4 words that repeat the new words 0..3 during a twist. */
const WORDS = 0, MIRROR = 4 * N;
/** Bytes: the top 16 tempered bits of each word, as i32; then where the new position goes. */
const TOP = MIRROR + 16, RESULT = TOP + 4 * N;

/** A 32-bit constant in all four lanes. */
const i32x4 = (v: number) => {
  const u = BigInt(v >>> 0);
  return i64x2((u << 32n) | u);
};

/** R's sample(n) skips, `times` over: see {@linkcode sampleSkipper}. */
export interface SampleSkipper {
  /**
   * Advances the state (`words`, 624 of them, changed in place; `position` 0..624) as `times`
   * calls of R's `sample(n)` would, for 1 ≤ n ≤ 2¹⁵; returns the new position.
   */
  skip(words: Int32Array, position: number, n: number, times: number): number;
}

/**
 * The module: `skip(position, n, times)` on the words at 0, writing the new position at RESULT.
 * Every word is tempered once on entry; a twist (when the position reaches 624) makes and
 * tempers the next 624.
 */
function assemble(shared: boolean): Uint8Array<ArrayBuffer> {
  const POS = 0, NN = 1, TIMES = 2; // params; POS is kept in bytes (4 × the word index)
  const LEFT = 3, MASK = 4, LOW = 5, END = 6, KK = 7, BITS = 8; // i32
  const Y = 9, W = 10; // v128
  // the twist's and tempering's masks, in locals (registers) rather than rebuilt in the loops
  const [UPPER, LOWER, MATRIX_A, TB, TC] = [11, 12, 13, 14, 15];
  const c: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((p) => c.push(...p));
  /** W (the words on the stack, tempered) → their top 16 bits, stored at TOP + KK. */
  const temper = () => [
    [...tee(W), ...get(W), ...i32c(11), ...V.i32shrU, ...V.xor, ...set(W)], // y ^= y >>> 11
    [...get(W), ...get(W), ...i32c(7), ...V.i32shl, ...get(TB), ...V.and, ...V.xor],
    [...tee(W), ...get(W), ...i32c(15), ...V.i32shl, ...get(TC), ...V.and, ...V.xor],
    [...i32c(16), ...V.i32shrU, ...set(W)], // (y >>> 16): y ^= y >>> 18 leaves these bits alone
    [...get(KK), ...get(W), ...V.store(TOP)],
  ];
  /**
   * Four new words at KK (bytes) from the old ones at KK and KK + 4 and the word M ahead (`far`:
   * its address), as MT_genrand's twist makes them one at a time; stored, and tempered.
   */
  const twist4 = (far: number[]) => [
    [...get(KK), ...get(KK), ...V.load(WORDS), ...get(UPPER), ...V.and],
    [...get(KK), ...V.load(WORDS + 4), ...get(LOWER), ...V.and, ...V.or, ...set(Y)],
    [...far, ...get(Y), ...i32c(1), ...V.i32shrU, ...V.xor],
    // −(y & 1) & MATRIX_A: the low bit, spread over the lane by shifting it up and back
    [...get(Y), ...i32c(31), ...V.i32shl, ...i32c(31), ...V.i32shrS, ...get(MATRIX_A)],
    [...V.and, ...V.xor, ...tee(W), ...V.store(WORDS)],
    get(W),
    ...temper(),
  ];
  const loopKK = (from: number, to: number, body: number[][]) => {
    emit(i32c(from), set(KK), control.loop, ...body);
    emit(get(KK), i32c(16), i32.add, tee(KK), i32c(to), i32.ne, brIf(0), control.end);
  };

  [0x80000000, 0x7fffffff, 0x9908b0df, 0x9d2c5680, 0xefc60000].forEach((v, i) =>
    emit(i32x4(v), set(UPPER + i))
  );
  // Temper the words as they stand.
  loopKK(0, 4 * N, [[...get(KK), ...V.load(WORDS)], ...temper()]);
  emit(get(POS), i32c(2), i32.shl, set(POS));
  emit(control.loop); // times
  emit(get(NN), set(LEFT), control.block, control.loop); // draws, while left > 0
  emit(get(LEFT), i32.eqz, brIf(1));
  // bits = ceil(log2(left)), mask = 2^bits − 1, low = 2^bits / 2: the draws while left > low
  emit(i32c(32), get(LEFT), i32c(1), i32.sub, i32.clz, i32.sub, set(BITS));
  emit(i32c(1), get(BITS), i32.shl, tee(MASK), i32c(1), i32.shrU, set(LOW));
  emit(get(MASK), i32c(1), i32.sub, set(MASK));
  emit(control.loop); // group: consume left − low words (each accepts at most one draw)
  emit(get(POS), i32c(4 * N), i32.geU, control.if);
  // The twist: words 0..227 from the old words M ahead (word 624 is the new word 0, mirrored),
  // then 228..623 from the new words 227 behind.
  emit(i32c(0), set(KK), ...twist4([...get(KK), ...V.load(WORDS + 4 * M)]));
  emit(i32c(0), i32c(0), V.load(WORDS), V.store(MIRROR)); // the new words 0..3, repeated
  loopKK(16, 4 * 228, twist4([...get(KK), ...V.load(WORDS + 4 * M)]));
  loopKK(4 * 228, 4 * N, twist4([...get(KK), ...i32c(4 * (N - M)), ...i32.sub, ...V.load(WORDS)]));
  emit(i32c(0), set(POS), control.end);
  // end = min(pos + 4(left − low), 4N)
  emit(get(POS), get(LEFT), get(LOW), i32.sub, i32c(2), i32.shl, i32.add, set(END));
  emit(i32c(4 * N), get(END), get(END), i32c(4 * N), i32.gtU, i32.select, set(END));
  // each word: left − 1 if its bits & mask < left, else left (a select: no branch to mispredict)
  emit(control.loop, get(LEFT), i32c(1), i32.sub, get(LEFT));
  emit(get(POS), i32.load(TOP), get(MASK), i32.and, get(LEFT), i32.ltU, i32.select, set(LEFT));
  emit(get(POS), i32c(4), i32.add, tee(POS), get(END), i32.ne, brIf(0), control.end);
  emit(get(LEFT), get(LOW), i32.gtU, brIf(0), control.end); // group
  emit(br(0), control.end, control.end); // draws: again; end of the loop and of the block
  emit(get(TIMES), i32c(1), i32.sub, tee(TIMES), brIf(0), control.end); // times
  emit(i32c(RESULT), get(POS), i32c(2), i32.shrU, i32.store(0), control.end);
  return wasmModule({
    exportName: "skip",
    params: 3,
    locals: [[6, I32], [7, V128]],
    body: c,
    memory: { import: ["m", "mem"], shared },
  });
}

const compiled = new Map<boolean, WebAssembly.Module | null>();
const compiledFor = (shared: boolean) => {
  if (!compiled.has(shared)) compiled.set(shared, compileModule(() => assemble(shared)));
  return compiled.get(shared) ?? null;
};
let made: SampleSkipper | null | undefined;

/**
 * The WebAssembly skipper, compiled once, or `undefined` where WebAssembly SIMD is unavailable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleSkipper } from "./sample_skip_wasm.ts";
 * const skipper = sampleSkipper();
 * if (skipper) {
 *   const words = Int32Array.from({ length: 624 }, (_, i) => Math.imul(i + 1, 69069));
 *   assert.ok(skipper.skip(words, 624, 10, 3) > 0); // a twist, then 30 draws or a few more
 * }
 * ```
 */
export function sampleSkipper(): SampleSkipper | undefined {
  if (made === undefined) {
    const mod = compiledFor(false);
    made = mod === null ? null : instantiate(mod);
  }
  return made ?? undefined;
}

/** The checks of `skip`'s arguments. */
function checkSkip(words: Int32Array, position: number, n: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= 32768)) {
    throw new RangeError(`sample skip: n must be a whole number from 1 to 32768, got ${n}`);
  }
  if (words.length !== N || !(Number.isInteger(position) && position >= 0 && position <= N)) {
    throw new RangeError("sample skip: a Mersenne-Twister state is 624 words and a position");
  }
}

function instantiate(mod: WebAssembly.Module): SampleSkipper {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const fn = new WebAssembly.Instance(mod, { m: { mem } }).exports.skip as (
    position: number,
    n: number,
    times: number,
  ) => void;
  const i32s = new Int32Array(mem.buffer);
  return {
    skip(words, position, n, times) {
      checkSkip(words, position, n);
      if (times <= 0) return position;
      i32s.set(words, WORDS / 4);
      fn(position, n, times);
      words.set(i32s.subarray(WORDS / 4, WORDS / 4 + N));
      return i32s[RESULT / 4];
    },
  };
}

/** Where the pool's control words sit in a background skip's memory (after RESULT). */
const CONTROL = RESULT + 16;

/** One block: the skip, with its arguments from `params` (self-contained, for the workers). */
const skipBlock: BlockFunction = (exports, _buffer, params) => {
  (exports[0].skip as (position: number, n: number, times: number) => void)(
    params[0],
    params[1],
    params[2],
  );
};

/**
 * The skip of {@linkcode SampleSkipper} started on the pool's worker, where the pool is running
 * (else `undefined`: starting it takes tens of milliseconds, more than the skip): the calling thread goes on with other work, and `join()` (which does the skip
 * itself if the worker has not taken it) returns the new position, the words updated in place.
 * The words must not be used before `join()`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleSkipper, skipInBackground } from "./sample_skip_wasm.ts";
 * import { startPool } from "./pool.ts";
 * const words = () => Int32Array.from({ length: 624 }, (_, i) => Math.imul(i + 7, 69069));
 * const a = words(), b = words();
 * startPool();
 * const started = skipInBackground(a, 624, 1000, 20);
 * if (started) assert.equal(started.join(), sampleSkipper()!.skip(b, 624, 1000, 20));
 * if (started) assert.deepEqual(a, b);
 * ```
 */
export function skipInBackground(
  words: Int32Array,
  position: number,
  n: number,
  times: number,
): { join(): number } | undefined {
  checkSkip(words, position, n);
  const mod = compiledFor(true);
  if (mod === null || times <= 0 || !poolReady()) return undefined;
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const i32s = new Int32Array(memory.buffer);
  i32s.set(words, WORDS / 4);
  const params = Float64Array.of(position, n, times);
  const finish = startBlocks({
    run: skipBlock,
    modules: [mod],
    memory,
    params,
    blocks: 1,
    control: CONTROL,
  });
  return {
    join() {
      finish();
      words.set(i32s.subarray(WORDS / 4, WORDS / 4 + N));
      return i32s[RESULT / 4];
    },
  };
}
