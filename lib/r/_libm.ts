/**
 * Internal: the natural logarithm exactly as glibc computes it, for {@linkcode qnorm}'s tails.
 *
 * R's qnorm calls the C library's log(). glibc (≥ 2.28) computes it with a table-driven algorithm
 * that is accurate to about 0.52 ULP, not correctly rounded; V8's Math.log is (almost always)
 * correctly rounded, and the two differ on rare near-halfway inputs (one draw in a few thousand of
 * qnorm's tail branch). To match R bit for bit, the main path of glibc 2.36's __log, in the variant
 * its x86-64 ifunc selects on CPUs with FMA (e_log-fma.c), is reproduced here operation by
 * operation, with every fused multiply-add done exactly. The order of operations and which of them
 * are fused were read off the machine code of Debian's libm.so.6 (glibc 2.36); the table is glibc's
 * __log_data (from ARM's optimized-routines), copied bit for bit from the same library. On a CPU
 * without FMA, glibc (and so R) takes a slightly different path; the reference values in
 * data/reference/ were recorded on a CPU with FMA.
 *
 * @module
 */

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
 * log(x) for 0 < x < 0.9375 exactly as glibc 2.36's __log_fma computes it (see the module
 * documentation); any other input goes to Math.log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { logR } from "./_libm.ts";
 * assert.equal(logR(0.5), -Math.LN2);
 * assert.equal(logR(2), Math.log(2)); // outside (0, 0.9375): Math.log
 * ```
 */
export function logR(x: number): number {
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
