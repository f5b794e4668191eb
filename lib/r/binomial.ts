/**
 * Binomial deviates as R 4.2's src/nmath/rbinom.c draws them: inversion of the cdf while
 * size·prob < 30 (one uniform per attempt: the tutorial's `rbinom(1000, 1, 0.5)`), and the BTPE
 * algorithm of Kachitvichyanukul & Schmeiser (1988) beyond, with R's constants and its Stirling
 * terms. Each is a port, operation for operation, so that the draws equal R's.
 *
 * @module
 */

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

/** The numbers both algorithms start from: p = min(pp, 1 − pp), and whether to flip at the end. */
interface Setup {
  n: number;
  p: number;
  q: number;
  /** p/q. */
  r: number;
  /** r·(n + 1). */
  g: number;
  /** Whether pp > 1/2 (draws are n − x then). */
  flip: boolean;
}

/**
 * A sampler of R 4.2's `rbinom(1, size = n, prob = pp)` for an integer 0 ≤ n < 2³¹ − 1 and
 * 0 ≤ pp ≤ 1 (the caller checks both); each call draws one deviate from `unif`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { binomialSampler } from "./binomial.ts";
 * import { mersenneTwister } from "./mersenne_twister.ts";
 * // R: set.seed(42); rbinom(3, 1, 0.5)  ->  1 1 0
 * const draw = binomialSampler(mersenneTwister(42).unifRand, 1, 0.5);
 * assert.deepEqual([draw(), draw(), draw()], [1, 1, 0]);
 * ```
 */
export function binomialSampler(unif: () => number, n: number, pp: number): () => number {
  if (n === 0 || pp === 0) return () => 0;
  if (pp === 1) return () => n;
  const p = Math.min(pp, 1 - pp);
  const q = 1 - p;
  const r = p / q;
  const setup: Setup = { n, p, q, r, g: r * (n + 1), flip: pp > 0.5 };
  return n * p < 30.0 ? inversion(unif, setup) : btpe(unif, setup);
}

/** Inversion of the cdf, one uniform per attempt (n·p < 30). */
function inversion(unif: () => number, { n, q, r, g, flip }: Setup): () => number {
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

/** BTPE's constants for one (n, p): the regions of its majorizing function. */
interface Btpe extends Setup {
  m: number;
  fm: number;
  npq: number;
  p1: number;
  p2: number;
  p3: number;
  p4: number;
  xm: number;
  xl: number;
  xr: number;
  c: number;
  xll: number;
  xlr: number;
}

/** BTPE (n·p ≥ 30): triangle, parallelogram and exponential tails, then an exact test. */
function btpe(unif: () => number, setup: Setup): () => number {
  const { n, p, q } = setup;
  const ffm = n * p + p;
  const m = Math.trunc(ffm);
  const fm = m;
  const npq = n * p * q;
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
  const b: Btpe = { ...setup, m, fm, npq, p1, p2, p3, p4, xm, xl, xr, c, xll, xlr };
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
      if (accepts(b, ix, v)) break;
    }
    return setup.flip ? n - ix : ix;
  };
}

/** BTPE's test of a candidate `ix` with height `v`: f(ix)/f(m) explicitly, or squeezes. */
function accepts(b: Btpe, ix: number, v: number): boolean {
  const { n, p, q, r, g, m, fm, npq, xm } = b;
  const k = Math.abs(ix - m);
  if (k <= 20 || k >= npq / 2 - 1) {
    // Explicit evaluation of f(ix)/f(m).
    let f = 1.0;
    if (m < ix) {
      for (let i = m + 1; i <= ix; i++) f *= g / i - r;
    } else if (m !== ix) {
      for (let i = ix + 1; i <= m; i++) f /= g / i - r;
    }
    return v <= f;
  }
  // Squeeze with bounds on log f(x), then Stirling's formula (R 4.2's form).
  const amaxp = (k / npq) * ((k * (k / 3. + 0.625) + 0.1666666666666) / npq + 0.5);
  const ynorm = -k * k / (2.0 * npq);
  const alv = Math.log(v);
  if (alv < ynorm - amaxp) return true;
  if (alv > ynorm + amaxp) return false;
  const x1 = ix + 1;
  const f1 = fm + 1.0;
  const z = n + 1 - fm;
  const w = n - ix + 1.0;
  const z2 = z * z;
  const x2 = x1 * x1;
  const f2 = f1 * f1;
  const w2 = w * w;
  return alv <=
    xm * Math.log(f1 / x1) + (n - m + 0.5) * Math.log(z / w) +
      (ix - m) * Math.log(w * p / (x1 * q)) +
      (13860. - (462. - (132. - (99. - 140. / f2) / f2) / f2) / f2) / f1 / 166320. +
      (13860. - (462. - (132. - (99. - 140. / z2) / z2) / z2) / z2) / z / 166320. +
      (13860. - (462. - (132. - (99. - 140. / x2) / x2) / x2) / x2) / x1 / 166320. +
      (13860. - (462. - (132. - (99. - 140. / w2) / w2) / w2) / w2) / w / 166320.;
}
