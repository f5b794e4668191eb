/**
 * The thread pool of lib/_kernels/pool.ts and the normal equations summed on it
 * (lib/_kernels/crossprod_parallel.ts): every block run once, the same bits whatever the number of
 * threads and from run to run, and glm's fits on the normal equations unchanged by the pool.
 */
import assert from "node:assert/strict";
import {
  type BlockFunction,
  poolReady,
  poolState,
  poolThreads,
  runBlocks,
  startBlocks,
  startPool,
} from "../lib/_kernels/pool.ts";
import { parallelCrossprod } from "../lib/_kernels/crossprod_parallel.ts";
import { normalEquations } from "../lib/glm/normal_equations.ts";
import { glm } from "../lib/glm/glm.ts";
import { fromColumnMajor } from "../lib/core/matrix.ts";
import { rRng } from "../lib/r/random.ts";

const DEFAULT_THREADS = poolThreads();
const THREADS = [1, 2, 3];

/** Runs `f` with the pool set to `t` threads, then restores the default. */
function withThreads<T>(t: number, f: () => T): T {
  poolThreads(t);
  try {
    return f();
  } finally {
    poolThreads(DEFAULT_THREADS);
  }
}

const bits = (a: Float64Array) => Array.from(new BigUint64Array(Float64Array.from(a).buffer));

Deno.test("startBlocks: the workers start at once, join runs what is left; every block once", () => {
  const run: BlockFunction = (_e, buffer, _p, block) => {
    Atomics.add(new Int32Array(buffer), 16 + block, 1);
  };
  for (const t of THREADS) {
    withThreads(t, () => {
      if (t > 1) startPool();
      assert.equal(poolReady(), t > 1);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
      const job = {
        run,
        modules: [],
        memory,
        params: new Float64Array(0),
        blocks: 300,
        control: 0,
      };
      const join = startBlocks(job);
      let busy = 0; // the calling thread's own work meanwhile
      for (let i = 0; i < 1e5; i++) busy += Math.sqrt(i);
      assert.ok(join() <= t - 1 && busy > 0);
      assert.ok(new Int32Array(memory.buffer, 64, 300).every((c) => c === 1), `threads ${t}`);
    });
  }
  assert.equal(poolState().broken, false);
});

Deno.test("runBlocks runs every block exactly once, on 1, 2 and 3 threads", () => {
  // Block b adds 1 to its counter (word 16 + b) and records the thread that ran it.
  const run: BlockFunction = (_e, buffer, _p, block, thread) => {
    const words = new Int32Array(buffer);
    Atomics.add(words, 16 + block, 1);
    words[16 + 1000 + block] = thread;
  };
  for (const t of THREADS) {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const helpers = withThreads(
      t,
      () =>
        runBlocks({
          run,
          modules: [],
          memory,
          params: new Float64Array(0),
          blocks: 500,
          control: 0,
        }),
    );
    const counts = new Int32Array(memory.buffer, 64, 500);
    assert.ok(counts.every((c) => c === 1), `threads ${t}: some block not run exactly once`);
    assert.ok(helpers <= t - 1);
    const ran = new Set(new Int32Array(memory.buffer, 64 + 4000, 500));
    assert.ok([...ran].every((x) => x >= 0 && x < t), `threads ${t}: thread indices ${[...ran]}`);
  }
});

Deno.test("the pool's workers start and answer where there are workers", () => {
  const answered = withThreads(2, () => startPool());
  // Deno has node:worker_threads and shared memory: the one worker of two threads answers.
  assert.equal(answered, 1);
});

Deno.test("poolThreads names a bad thread count", () => {
  assert.throws(() => poolThreads(0), /threads must be a whole number from 1 to 64, got 0/);
  assert.throws(() => poolThreads(2.5), /got 2.5/);
  assert.equal(poolThreads(), DEFAULT_THREADS);
});

/** A random N × K problem: X, √w and √w·z. */
function problem(n: number, k: number, seed: number) {
  const rng = rRng(seed);
  const X = fromColumnMajor(n, k, rng.rnorm(n * k, 0, 1));
  const sw = Float64Array.from(rng.runif(n), (u) => Math.sqrt(0.05 + 0.2 * u));
  const zw = Float64Array.from(rng.rnorm(n, 0, 1), (z, i) => z * sw[i]);
  return { X, sw, zw };
}

for (const [n, k, intercept] of [[50_000, 10, false], [7_001, 37, true], [3, 2, true]] as const) {
  Deno.test(`parallel normal equations of ${n}×${k}${intercept ? " + intercept" : ""}: the same bits on 1, 2 and 3 threads, run after run`, () => {
    const { X, sw, zw } = problem(n, k, 7 + k);
    const fill = (_s: number, _c: number, a: Float64Array, b: Float64Array) => {
      a.set(sw);
      b.set(zw);
    };
    const results = THREADS.flatMap((t) =>
      [0, 1].map(() =>
        withThreads(t, () => {
          const cp = parallelCrossprod(X, intercept)!;
          const { A, b } = cp.computeRows(fill);
          const out = { A: bits(A), b: bits(b) };
          cp.release();
          return out;
        })
      )
    );
    for (const r of results.slice(1)) assert.deepEqual(r, results[0]);
    // And the definition's sums, to rounding: |ΔA_jl| ≤ n·ε·Σ|v_j v_l| (any order of summation).
    const ref = normalEquations(X, intercept).computeRows(fill);
    const { A } = parallelCrossprod(X, intercept)!.computeRows(fill);
    const p = ref.p;
    for (let j = 0; j < p; j++) {
      for (let l = 0; l < p; l++) {
        const bound = n * Number.EPSILON * Math.sqrt(Math.abs(ref.A[j * p + j] * ref.A[l * p + l]));
        assert.ok(Math.abs(A[j * p + l] - ref.A[j * p + l]) <= bound, `A[${j},${l}]`);
      }
    }
  });
}

Deno.test("glm on the normal equations: the same coefficients to the bit on 1, 2 and 3 threads, and as the readable engine's to 1e-12", () => {
  const rng = rRng(2024);
  const n = 30_000, k = 8; // N·p ≥ 100 000: "auto" takes the normal equations
  const X = fromColumnMajor(n, k, rng.rnorm(n * k, 0, 1));
  const y = rng.rbinom(n, 1, 0.5);
  const fits = THREADS.flatMap((t) => [0, 1].map(() => withThreads(t, () => glm(X, y))));
  assert.equal(fits[0].method, "cholesky");
  const coef = (f: typeof fits[0]) => bits(Float64Array.from(f.coefficients, (c) => c!));
  for (const f of fits.slice(1)) {
    assert.deepEqual(coef(f), coef(fits[0]));
    assert.equal(f.deviance, fits[0].deviance);
  }
  const readable = glm(X, y, { engine: "reference" });
  readable.coefficients.forEach((c, j) => {
    assert.ok(Math.abs(c! - fits[0].coefficients[j]!) <= 1e-12 * Math.max(1, Math.abs(c!)));
  });
  // Without an intercept R's null model is η = 0: n unit deviances of 2 log 2.
  const rel = Math.abs(fits[0].nullDeviance - readable.nullDeviance) / readable.nullDeviance;
  assert.ok(rel <= 1e-14, `null deviance ${fits[0].nullDeviance} vs ${readable.nullDeviance}`);
});

/** A random logit problem of N × K: X, y (0/1 or proportions), weights and offset when asked. */
function logitProblem(n: number, k: number, seed: number, extras: boolean) {
  const rng = rRng(seed);
  const X = fromColumnMajor(n, k, rng.rnorm(n * k, 0, 1));
  if (!extras) return { X, y: rng.rbinom(n, 1, 0.5), options: {} };
  const trials = rng.runif(n).map((u) => 1 + Math.floor(4 * u));
  const y = Array.from(trials, (t, i) => Math.round(t * (0.3 + 0.4 * ((i * 7) % 5) / 5)) / t);
  const offset = rng.rnorm(n, 0, 1).map((z) => 0.1 * z);
  return { X, y, options: { weights: trials, offset } };
}

for (
  const [n, k, intercept, extras] of [
    [40_001, 5, true, false], // odd N: one row of padding
    [20_000, 12, false, true], // weights (trials), fractional y, an offset, no intercept
    [9_000, 33, true, true],
  ] as const
) {
  Deno.test(`glm's passes on all cores, ${n}×${k}${intercept ? " + intercept" : ""}${extras ? ", weights and offset" : ""}: the same bits on 1, 2 and 3 threads, the readable loop's numbers to 1e-12`, () => {
    const { X, y, options } = logitProblem(n, k, 11 + k, extras);
    const fitWith = (t: number) =>
      withThreads(t, () => glm(X, y, { intercept, method: "auto", ...options }));
    const fits = THREADS.map(fitWith);
    assert.equal(fits[0].method, "cholesky");
    assert.ok(!poolState().broken, "a worker failed: the block functions must be self-contained");
    const all = (f: typeof fits[0]) => [
      ...f.coefficients.map((c) => c!),
      f.deviance,
      f.nullDeviance,
      f.aic,
      ...f.fitted,
    ];
    for (const f of fits.slice(1)) {
      assert.deepEqual(bits(Float64Array.from(all(f))), bits(Float64Array.from(all(fits[0]))));
      assert.deepEqual(f.warnings, fits[0].warnings);
      assert.equal(f.iterations, fits[0].iterations);
    }
    const readable = glm(X, y, { intercept, engine: "reference", method: "cholesky", ...options });
    assert.equal(readable.iterations, fits[0].iterations);
    const close = (a: number, b: number, what: string) =>
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
    readable.coefficients.forEach((c, j) => close(fits[0].coefficients[j]!, c!, `β${j}`));
    close(fits[0].deviance, readable.deviance, "deviance");
    close(fits[0].nullDeviance, readable.nullDeviance, "null deviance");
    close(fits[0].aic, readable.aic, "AIC");
    for (let i = 0; i < n; i += 997) close(fits[0].fitted[i], readable.fitted[i], `μ${i}`);
  });
}
