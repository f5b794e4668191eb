/**
 * The lib's own exp, log, log1p and log10 (lib/core/math.ts): correctly rounded, hence equal to
 * Deno 2.9.6's Math functions (V8 15.0 rounds these correctly) on every argument tried; their
 * exact slow path and their tables checked on their own; and the lib's numbers shown not to depend
 * on the engine's Math (an engine whose Math.exp, Math.log and Math.log1p are one ulp off, as
 * glibc's are on some arguments, gives the same glm, network and loss to the bit).
 */

import assert from "node:assert/strict";
import { exp, log, log10, log1p } from "../lib/core/math.ts";
import { expExact, log10Exact, log1pExact, logExact, mathTables } from "../lib/core/math_exact.ts";
import { EXP2, LN2, LN2_BY_64, LOG_RECIP } from "../lib/core/math_tables.ts";
import {
  binaryCrossEntropyLoss,
  generateData,
  glm,
  scratchAdam,
  tutorialNetwork,
} from "../lib/mod.ts";

/** A small deterministic generator (an LCG), so failures can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

const F64 = new Float64Array(1), U32 = new Uint32Array(F64.buffer);
/** A double with random bits (any sign, exponent, NaN or infinity). */
function anyDouble(rnd: () => number): number {
  U32[0] = (rnd() * 4294967296) >>> 0;
  U32[1] = (rnd() * 4294967296) >>> 0;
  return F64[0];
}

/** Arguments of the kinds the lib meets and of every kind of double. */
function argumentsFor(n: number, seed: number): number[] {
  const rnd = lcg(seed), xs: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(
      (rnd() - 0.5) * 80, // logits
      (rnd() - 0.5) * 1500, // up to overflow and underflow
      1 + (rnd() - 0.5) * 1e-3, // near 1 (log's hardest region)
      (rnd() - 0.5) * 2 * 10 ** ((rnd() - 0.8) * 40), // tiny to large, both signs
      rnd() * 10 ** ((rnd() - 0.5) * 600), // positive, every scale
      anyDouble(rnd),
    );
  }
  for (let k = -1074; k <= 1023; k++) xs.push(2 ** k, -(2 ** k), 2 ** k * 1.5);
  for (let k = -323; k <= 308; k++) xs.push(Number(`1e${k}`));
  xs.push(0, -0, 1, -1, Infinity, -Infinity, NaN, 708, -708, 709.782712893384, -745.1332191019412);
  return xs;
}

const pairs = [
  ["exp", exp, Math.exp],
  ["log", log, Math.log],
  ["log1p", log1p, Math.log1p],
  ["log10", log10, Math.log10],
] as const;

Deno.test("exp, log, log1p, log10 equal Deno's Math functions bit for bit", () => {
  const xs = argumentsFor(60_000, 42);
  for (const [name, ours, deno] of pairs) {
    const wrong: string[] = [];
    for (const x of xs) {
      const a = ours(x), b = deno(x);
      if (!Object.is(a, b) && wrong.length < 5) wrong.push(`${name}(${x}) = ${a}, Math: ${b}`);
    }
    assert.deepEqual(wrong, [], `${name} differs from Math.${name}`);
  }
});

Deno.test("the exact slow paths are correctly rounded (equal to Deno's Math)", () => {
  const xs = argumentsFor(400, 7);
  const exact = [expExact, logExact, log1pExact, log10Exact];
  pairs.forEach(([name, , deno], i) => {
    for (const x of xs) assert.ok(Object.is(exact[i](x), deno(x)), `${name}Exact(${x})`);
  });
});

Deno.test("the tables in math_tables.ts are what math_exact.ts computes", () => {
  const t = mathTables();
  assert.deepEqual(Array.from(EXP2), t.exp2);
  assert.deepEqual(Array.from(LOG_RECIP), t.logRecip);
  assert.deepEqual([...LN2], t.ln2);
  assert.deepEqual([...LN2_BY_64], t.ln2By64);
});

/** Runs `fn` with Math.exp, Math.log and Math.log1p returning the next double up or down. */
function withSkewedMath<T>(fn: () => T): T {
  const saved = [Math.exp, Math.log, Math.log1p] as const;
  const skew = (f: (x: number) => number) => (x: number) => {
    const y = f(x);
    if (!Number.isFinite(y) || y === 0) return y;
    F64[0] = y;
    const lo = U32[0];
    U32[0] = lo ^ 1; // flips the last bit: one ulp off, as a C library may be
    return F64[0];
  };
  const m = Math as { exp: (x: number) => number; log: typeof Math.log; log1p: typeof Math.log1p };
  m.exp = skew(saved[0]);
  m.log = skew(saved[1]);
  m.log1p = skew(saved[2]);
  try {
    return fn();
  } finally {
    [m.exp, m.log, m.log1p] = saved;
  }
}

Deno.test("the lib's numbers do not depend on the engine's Math.exp, log and log1p", () => {
  const run = () => {
    const { X, y } = generateData({ n: 300, k: 4 });
    const net = tutorialNetwork(4);
    net.fitSync(X, y, { epochs: 30, batchSize: 300, verbose: 0, engine: "reference" });
    const net32 = tutorialNetwork(4);
    net32.fitSync(X, y, { epochs: 5, batchSize: 50, verbose: 0, dtype: "float32" });
    return [
      ...glm(X, y).coefficients as number[],
      glm(X, y).deviance,
      ...scratchAdam(X, y, { epochs: 20, engine: "reference" }).theta,
      ...scratchAdam(X, y, { epochs: 5, batchSize: 7 }).theta,
      ...net.getWeights()[0].data,
      ...net32.getWeights()[0].data,
      binaryCrossEntropyLoss(X, y, [0.1, -0.2, 0.3, 0.05]),
    ];
  };
  const plain = run();
  const skewed = withSkewedMath(run);
  assert.deepEqual(skewed, plain);
});
