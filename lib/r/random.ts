/**
 * Random numbers: R's default generator reproduced bit for bit, and a seedrandom-based one.
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
import { ArgumentError, checkFinite, checkInteger } from "../core/validate.ts";

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

// ---------------------------------------------------------------------------------------------
// Mersenne-Twister as in R's src/main/RNG.c.

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
interface MersenneTwister {
  /** R's `unif_rand()`. */
  unifRand(): number;
  /** Advances the stream exactly as R's `sample(n)` does (n ≥ 0), without building it. */
  skipSample(n: number): void;
}

/** R's Mersenne-Twister: `set.seed(seed)` then repeated `unif_rand()`. */
function mersenneTwister(seed: number): MersenneTwister {
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

  return { unifRand, skipSample };
}

// ---------------------------------------------------------------------------------------------
// The natural logarithm as GNU R computes it on x86-64 Linux.
//
// R's qnorm calls the C library's log(). glibc (≥ 2.28) computes it with a table-driven algorithm
// that is accurate to about 0.52 ULP, not correctly rounded; V8's Math.log is (almost always)
// correctly rounded, and the two differ on rare near-halfway inputs (one draw in a few thousand
// of qnorm's tail branch). To match R bit for bit, the main path of glibc 2.36's __log, in the
// variant its x86-64 ifunc selects on CPUs with FMA (e_log-fma.c), is reproduced below operation
// by operation, with every fused multiply-add done exactly. The order of operations and which of
// them are fused were read off the machine code of Debian's libm.so.6 (glibc 2.36); the table is
// glibc's __log_data (from ARM's optimized-routines), copied bit for bit from the same library.
// On a CPU without FMA, glibc (and so R) takes a slightly different path; the reference values in
// data/reference/ were recorded on a CPU with FMA.

/** 128 pairs (1/c, log c), as the big-endian hex of their IEEE-754 bits, 16 digits each. */
const LOG_TABLE =
  "3ff734f0c3e0de9fbfd7cc7f79e690003ff713786a2ce91fbfd76feec20d00003ff6f26008fab5a0bfd713e31351e000" +
  "3ff6d1a61f138c7dbfd6b85b382878003ff6b1490bc5b4d1bfd65d55908078003ff69147332f0cbabfd602d076180000" +
  "3ff6719f18224223bfd5a8ca869090003ff6524f99a51ed9bfd54f43560350003ff63356aa8f24c4bfd4f637c36b4000" +
  "3ff614b36b9ddc14bfd49da7fda850003ff5f66452c65c4cbfd445923989a8003ff5d867b5912c4fbfd3edf439b0b800" +
  "3ff5babccb5b90debfd396ce448f70003ff59d61f2d91a78bfd3401e17bda0003ff5805612465687bfd2e9e2ef468000" +
  "3ff56397cee76bd3bfd2941b3830e0003ff54725e2a77f93bfd23ec58cda88003ff52aff42064583bfd1e9e129279000" +
  "3ff50f22dbb2bddfbfd1956d2b48f8003ff4f38f4734ded7bfd141679ab9f8003ff4d843cfde2840bfd0edd094ef9800" +
  "3ff4bd3ec078a3c8bfd09aa518db10003ff4a27fc3e0258abfd047e65263b8003ff4880524d48434bfcfeb224586f000" +
  "3ff46dce1b192d0bbfcf474a7517b0003ff453d9d3391854bfcea4443d1030003ff43a2744b4845abfce020d44e9b000" +
  "3ff420b54115f8fbbfcd60a22977f0003ff40782da3ef4b1bfccc001049590003ff3ee8f5d57fe8fbfcc202956891000" +
  "3ff3d5d9a00b4ce9bfcb81178d8110003ff3bd60c010c12bbfcae2c9ccd3d0003ff3a5242b75dab8bfca45402e129000" +
  "3ff38d22cd9fd002bfc9a877681df0003ff3755bc5847a1cbfc90c6d694830003ff35dce49ad36e2bfc87120a645c000" +
  "3ff34679984dd440bfc7d68fb41430003ff32f5cceffcb24bfc73cb83c6270003ff3187775a10d49bfc6a39a9b376000" +
  "3ff301c8373e3990bfc60b3154b7a0003ff2eb4ebb95f841bfc5737d762430003ff2d50a0219a9d1bfc4dc7b8fc23000" +
  "3ff2bef9a8b7fd2abfc4462c51d200003ff2a91c7a0c1babbfc3b08abc8300003ff293726014b530bfc31b996b490000" +
  "3ff27dfa5757a1f5bfc2875490a440003ff268b39b1d3bbfbfc1f3b9f879a0003ff2539d838ff5bdbfc160c8252ca000" +
  "3ff23eb7aac9083bbfc0ce7f57f720003ff22a012ba940b6bfc03cdc49fea0003ff2157996cc4132bfbf57bdbc4b8000" +
  "3ff201201dd2fc9bbfbe3708964040003ff1ecf4494d480bbfbd17983ef940003ff1d8f5528f6569bfbbf9674ed8a000" +
  "3ff1c52311577e7cbfbadc79202f60003ff1b17c74cb26e9bfb9c0c3e72880003ff19e010c2c1ab6bfb8a646b372c000" +
  "3ff18ab07bb670bdbfb78d01b3ac00003ff1778a25efbcb6bfb674f1453800003ff1648d354c31dabfb55e0e6d878000" +
  "3ff151b990275fddbfb4485cdea1e0003ff13f0ea432d24cbfb333d94d6aa0003ff12c8b7210f9dabfb22079f8c56000" +
  "3ff11a3028ecb531bfb10e46986220003ff107fbda8434afbfaffa6c6ad200003ff0f5ee0f4e6bb3bfadda8d4a774000" +
  "3ff0e4065d2a9fcebfabbcece48500003ff0d244632ca521bfa9a1894012c0003ff0c0a77ce2981abfa788583302c000" +
  "3ff0af2f83c636d1bfa5715e67d680003ff09ddb98a01339bfa35c8a496580003ff08cabaf52e7dfbfa149e364154000" +
  "3ff07b9f2f4e28fbbf9e72c082eb80003ff06ab58c358f19bf9a55f1525280003ff059eea5ecf92cbf963d62cf818000" +
  "3ff04949cdd12c90bf9228fb8caa00003ff038c6c6f0ada9bf8c317b20f900003ff02865137932a9bf8419355daa0000" +
  "3ff0182427ea7348bf781203c2ec00003ff008040614b195bf600409792400003fefe01ff726fa1a3f6feff384900000" +
  "3fefa11cc261ea743f87dc41353d00003fef6310b081992e3f93cea3c4c280003fef25f63ceeadcd3f9b9fc114890000" +
  "3feee9c8039113e73fa1b0d8ce1100003feeae8078cbb1ab3fa58a5bd001c0003fee741aa29d0c9b3fa95c8340d88000" +
  "3fee3a91830a99b53fad276aef5780003fee01e009609a563fb07598e598c0003fedca01e577bb983fb253f5e30d2000" +
  "3fed92f20b7c91033fb42edd8b3800003fed5cac66fb5cce3fb606598757c0003fed272caa5ede9d3fb7da76356a0000" +
  "3fecf26e3e6b2ccd3fb9ab434e1c60003fecbe6da2a779023fbb78c7bb0d60003fec8b266d37086d3fbd431332e72000" +
  "3fec5894bd5d58043fbf0a3171de60003fec26b533bb9f8c3fc067152b9140003febf583eeece73f3fc147858292b000" +
  "3febc4fd75db96c13fc2266ecdca30003feb951e0c864a283fc303d7a6c550003feb65e2c5ef3e2c3fc3dfc33c331000" +
  "3feb374867c9888b3fc4ba366b7a80003feb094b211d304a3fc5933928d1f0003feadbe885f2ef7e3fc66acd2418f000" +
  "3feaaf1d31603da23fc740f8ec6690003fea82e63fd358a73fc815c0f51af0003fea5740ef09738b3fc8e92954f68000" +
  "3fea2c2a90ab4b273fc9bb3602f840003fea01a01393f2d13fca8bed1c2c00003fe9d79f24db3c1b3fcb5b515c01d000" +
  "3fe9ae2505c7b1903fcc2967ccbcc0003fe9852ef297ce2f3fccf635d54860003fe95cbaeea44b753fcdc1bd3446c000" +
  "3fe934c69de748383fce8c01b8cfe0003fe90d4f2f6752e63fcf5509c01790003fe8e6528effd79d3fd00e6c121fb800" +
  "3fe8bfce9fcc007c3fd071b80e93d0003fe899c0dabec30e3fd0d46b9e8670003fe87427aa2317fb3fd13687334bd000" +
  "3fe84f00acb39a083fd1980d672348003fe82a49e8653e553fd1f8ffe0cc80003fe8060195f402603fd2595fd7636800" +
  "3fe7e22563e0a3293fd2b9300914a8003fe7beb377dcb5ad3fd31872104360003fe79baa679725c23fd377266dec1800" +
  "3fe77907f21706573fd3d54ffbaf30003fe756cadbd6130c3fd432eee32fe000";

const LOG_INVC = new Float64Array(128);
const LOG_LOGC = new Float64Array(128);
const LN2HI = 0.6931471805598903; // 0x3fe62e42fefa3800
const LN2LO = 5.497923018708371e-14; // 0x3d2ef35793c76730
const LOG_A = new Float64Array(5); // glibc's __log_data.poly

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer); // little-endian words of F64[0]
const U64 = new BigUint64Array(F64.buffer);

function fromHex(hex: string): number {
  U64[0] = BigInt("0x" + hex);
  return F64[0];
}
for (let i = 0; i < 128; i++) {
  LOG_INVC[i] = fromHex(LOG_TABLE.slice(32 * i, 32 * i + 16));
  LOG_LOGC[i] = fromHex(LOG_TABLE.slice(32 * i + 16, 32 * i + 32));
}
["bfe0000000000001", "3fd555555551305b", "bfcfffffffeb4590", "3fc999b324f10111", "bfc55575e506c89f"]
  .forEach((hex, i) => LOG_A[i] = fromHex(hex));

/** Writes the finite double x as m·2^e with an integer m; returns m and sets EXP. */
let EXP = 0;
function mantissa(x: number): bigint {
  F64[0] = x;
  const hi = U32[1], lo = U32[0];
  const biased = (hi >>> 20) & 0x7ff;
  let m = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  if (biased === 0) EXP = -1074;
  else {
    m += 4503599627370496n; // the implicit bit, 2^52
    EXP = biased - 1075;
  }
  return hi >>> 31 ? -m : m;
}

/**
 * fma(a, b, c) = a·b + c rounded once to nearest (ties to even), for finite a, b, c with a finite
 * result, computed exactly with BigInt.
 */
function fma(a: number, b: number, c: number): number {
  if (a === 0 || b === 0 || c === 0) return a * b + c;
  const ma = mantissa(a), ea = EXP;
  const mb = mantissa(b), eb = EXP;
  const mc = mantissa(c), ec = EXP;
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const sum = ma * mb * (1n << BigInt(ep - e)) + mc * (1n << BigInt(ec - e));
  if (sum === 0n) return 0; // exact cancellation gives +0 when rounding to nearest
  const negative = sum < 0n;
  const mag = negative ? -sum : sum;
  const length = mag.toString(2).length;
  let shift = Math.max(length - 53, -1074 - e);
  let q: bigint;
  if (shift > 0) {
    const s = BigInt(shift);
    q = mag >> s;
    const rem = mag - (q << s);
    const half = 1n << (s - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  } else {
    q = mag;
    shift = 0;
  }
  // q ≤ 2^53, so Number(q) is exact, and q·2^k is representable, so the scaling is exact.
  const k = e + shift;
  let v = Number(q);
  if (k >= -1022) {
    v *= 2 ** Math.min(k, 1023);
    if (k > 1023) v *= 2 ** (k - 1023);
  } else {
    v = v * 2 ** (k + 52) * 2 ** -52;
  }
  return negative ? -v : v;
}

/**
 * log(x) for 0 < x < 0.9375 exactly as glibc 2.36's __log_fma computes it (see above); any
 * other input goes to Math.log.
 */
function logR(x: number): number {
  if (!(x > 0 && x < 0.9375)) return Math.log(x);
  let kAdjust = 0;
  if (x < 2.2250738585072014e-308) { // subnormal: normalise as glibc does
    x *= 4503599627370496; // 2^52
    kAdjust = -52;
  }
  F64[0] = x;
  const hi = U32[1];
  // tmp = ix - 0x3fe6000000000000; the low word of the offset is 0.
  const tmpHi = (hi - 0x3fe60000) | 0;
  const i = (tmpHi >>> 13) & 127;
  const k = (tmpHi >> 20) + kAdjust;
  U32[1] = (hi - (tmpHi & 0xfff00000)) >>> 0;
  const z = F64[0];
  const invc = LOG_INVC[i], logc = LOG_LOGC[i];
  const kd = k;
  const w = fma(kd, LN2HI, logc); // exact by construction of the table
  const r = fma(z, invc, -1.0);
  const t1 = fma(r, LOG_A[2], LOG_A[1]);
  const hiSum = r + w;
  const r2 = r * r;
  const lo = fma(kd, LN2LO, w - hiSum + r);
  const r3 = r * r2;
  const t2 = fma(r, LOG_A[4], LOG_A[3]);
  const s = fma(r2, LOG_A[0], lo);
  const p = fma(t2, r2, t1);
  return fma(r3, p, s) + hiSum;
}

// ---------------------------------------------------------------------------------------------
// Normal quantile: Wichura's AS 241 as in R's src/nmath/qnorm.c (lower tail, not log scale).

/**
 * The standard normal quantile function Φ⁻¹(p) by Wichura's algorithm AS 241, ported from R's
 * `qnorm5(p, 0, 1, TRUE, FALSE)` operation for operation so that results agree bit for bit
 * (the tails take the logarithm exactly as glibc's `log` rounds it, not with `Math.log`).
 *
 * Returns `-Infinity` for `p = 0`, `Infinity` for `p = 1` and `NaN` outside [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { qnorm } from "./random.ts";
 * assert.ok(qnorm(0.5) === 0);
 * assert.ok(Math.abs(qnorm(0.975) - 1.959963984540054) < 1e-15);
 * ```
 */
export function qnorm(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  let r: number;
  let val: number;
  if (Math.abs(q) <= .425) {
    r = .180625 - q * q;
    val = q *
      (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
                        45921.953931549871457) * r + 13731.693765509461125) * r +
                1971.5909503065514427) * r +
            133.14166789178437745) * r + 3.387132872796366608) /
      (((((((r * 5226.495278852854561 + 28729.085735721942674) * r + 39307.89580009271061) * r +
                        21213.794301586595867) * r + 5394.1960214247511077) * r +
                687.1870074920579083) * r +
            42.313330701600911252) * r + 1.);
    return val;
  }
  // R computes 1 - p as 0.5 - p + 0.5 (R_D_Cval).
  r = q > 0 ? 0.5 - p + 0.5 : p;
  r = Math.sqrt(-logR(r));
  if (r <= 5.) {
    r += -1.6;
    val = (((((((r * 7.7454501427834140764e-4 + .0227238449892691845833) * r +
                          .24178072517745061177) * r + 1.27045825245236838258) * r +
                  3.64784832476320460504) * r + 5.7694972214606914055) * r +
          4.6303378461565452959) *
        r + 1.42343711074968357734) /
      (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r +
                            .0151986665636164571966) * r + .14810397642748007459) * r +
                    .68976733498510000455) * r + 1.6763848301838038494) * r +
            2.05319162663775882187) *
          r + 1.);
  } else {
    r += -5.;
    val = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r +
                          .0012426609473880784386) * r + .026532189526576123093) * r +
                  .29656057182850489123) * r + 1.7848265399172913358) * r + 5.4637849111641143699) *
        r + 6.6579046435011037772) /
      (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r +
                            1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
                    .0148753612908506148525) * r + .13692988092273580531) * r +
            .59983220655588793769) *
          r + 1.);
  }
  return q < 0.0 ? -val : val;
}

// ---------------------------------------------------------------------------------------------
// Algorithms shared by both generators, driven by a uniform source in (0, 1).

/** 2²⁷, R's BIG in snorm.c: two uniforms make one finer-grained uniform for inversion. */
const BIG = 134217728;

/** R's norm_rand() with normal kind INVERSION. */
function normRand(unif: () => number): number {
  let u = unif();
  u = Math.trunc(BIG * u) + unif();
  return qnorm(u / BIG);
}

/** R's R_pow_di: x^n by repeated squaring (n ≥ 0). */
function powDi(x: number, n: number): number {
  let xn = 1.0;
  while (true) {
    if (n & 1) xn *= x;
    n >>= 1;
    if (n) x *= x;
    else break;
  }
  return xn;
}

/** R 4.2's rbinom(n, pp) for integer 0 ≤ n < 2³¹−1 and 0 ≤ pp ≤ 1 (checked by the caller). */
function binomialSampler(unif: () => number, n: number, pp: number): () => number {
  if (n === 0 || pp === 0) return () => 0;
  if (pp === 1) return () => n;
  const p = Math.min(pp, 1 - pp);
  const q = 1 - p;
  const np = n * p;
  const r = p / q;
  const g = r * (n + 1);
  const flip = pp > 0.5;

  if (np < 30.0) {
    // Inversion of the cdf, one uniform per attempt.
    const qn = powDi(q, n);
    return () => {
      while (true) {
        let ix = 0;
        let f = qn;
        let u = unif();
        while (true) {
          if (u < f) return flip ? n - ix : ix;
          if (ix > 110) break;
          u -= f;
          ix++;
          f *= g / ix - r;
        }
      }
    };
  }

  // BTPE (Kachitvichyanukul & Schmeiser 1988), with R 4.2's constants and Stirling terms.
  const ffm = np + p;
  const m = Math.trunc(ffm);
  const fm = m;
  const npq = np * q;
  const p1 = Math.trunc(2.195 * Math.sqrt(npq) - 4.6 * q) + 0.5;
  const xm = fm + 0.5;
  const xl = xm - p1;
  const xr = xm + p1;
  const c = 0.134 + 20.5 / (15.3 + fm);
  let al = (ffm - xl) / (ffm - xl * p);
  const xll = al * (1.0 + 0.5 * al);
  al = (xr - ffm) / (xr * q);
  const xlr = al * (1.0 + 0.5 * al);
  const p2 = p1 * (1.0 + c + c);
  const p3 = p2 + c / xll;
  const p4 = p3 + c / xlr;

  return () => {
    let ix: number;
    while (true) {
      const u = unif() * p4;
      let v = unif();
      if (u <= p1) { // triangular region
        ix = Math.trunc(xm - p1 * v + u);
        break;
      }
      if (u <= p2) { // parallelogram region
        const x = xl + (u - p1) / c;
        v = v * c + 1.0 - Math.abs(xm - x) / p1;
        if (v > 1.0 || v <= 0.) continue;
        ix = Math.trunc(x);
      } else if (u > p3) { // right tail
        ix = Math.trunc(xr - Math.log(v) / xlr);
        if (ix > n) continue;
        v = v * (u - p3) * xlr;
      } else { // left tail
        ix = Math.trunc(xl + Math.log(v) / xll);
        if (ix < 0) continue;
        v = v * (u - p2) * xll;
      }
      const k = Math.abs(ix - m);
      if (k <= 20 || k >= npq / 2 - 1) {
        // Explicit evaluation of f(ix)/f(m).
        let f = 1.0;
        if (m < ix) {
          for (let i = m + 1; i <= ix; i++) f *= g / i - r;
        } else if (m !== ix) {
          for (let i = ix + 1; i <= m; i++) f /= g / i - r;
        }
        if (v <= f) break;
      } else {
        // Squeeze with bounds on log f(x), then Stirling's formula (R 4.2's form).
        const amaxp = (k / npq) * ((k * (k / 3. + 0.625) + 0.1666666666666) / npq + 0.5);
        const ynorm = -k * k / (2.0 * npq);
        const alv = Math.log(v);
        if (alv < ynorm - amaxp) break;
        if (alv <= ynorm + amaxp) {
          const x1 = ix + 1;
          const f1 = fm + 1.0;
          const z = n + 1 - fm;
          const w = n - ix + 1.0;
          const z2 = z * z;
          const x2 = x1 * x1;
          const f2 = f1 * f1;
          const w2 = w * w;
          if (
            alv <=
              xm * Math.log(f1 / x1) + (n - m + 0.5) * Math.log(z / w) +
                (ix - m) * Math.log(w * p / (x1 * q)) +
                (13860. - (462. - (132. - (99. - 140. / f2) / f2) / f2) / f2) / f1 / 166320. +
                (13860. - (462. - (132. - (99. - 140. / z2) / z2) / z2) / z2) / z / 166320. +
                (13860. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x1 / 166320. +
                (13860. - (462. - (132. - (99. - 140. / w2) / w2) / w2) / w2) / w / 166320.
          ) break;
        }
      }
    }
    return flip ? n - ix : ix;
  };
}

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

/** R's R_unif_index(dn) with sample kind "Rejection": a uniform integer in [0, dn). */
function unifIndex(unif: () => number, dn: number): number {
  if (dn <= 0) return 0;
  let bits = 0; // ceil(log2(dn)) for an integer dn ≥ 1
  while (2 ** bits < dn) bits++;
  let dv: number;
  do {
    dv = rbits(unif, bits);
  } while (dn <= dv);
  return dv;
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
      // R's do_sample without replacement: x[i] = i; y[i] = x[j] + 1; x[j] = x[--n].
      const x = new Int32Array(n);
      for (let i = 0; i < n; i++) x[i] = i;
      const y = new Int32Array(n);
      let left = n;
      for (let i = 0; i < n; i++) {
        const j = unifIndex(unif, left);
        y[i] = x[j] + 1;
        x[j] = x[--left];
      }
      return y;
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
  return makeRng("r", mt.unifRand, mt.skipSample);
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
