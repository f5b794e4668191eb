/**
 * The public `engine` option: `"reference"` runs the readable code where `"fast"` (the default)
 * runs the kernels, for `Model.fit`/`fitSync`, `scratchAdam` and `glm`. Both must reproduce the
 * same references (Keras' weights, R's loop, R's glm) and agree with each other: to the bit where
 * they do the same operations, else within what the order of summation allows.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { TUTORIAL_KERAS_WEIGHTS } from "../lib/book/tutorial.ts";
import { fromColumnMajor, fromRows, type Matrix } from "../lib/core/matrix.ts";
import { parseCsv } from "../lib/data/csv.ts";
import { generateData } from "../lib/data/dataset.ts";
import { glm } from "../lib/glm/glm.ts";
import { adam } from "../lib/nn/adam.ts";
import { constant, dense, input } from "../lib/nn/layers.ts";
import { model } from "../lib/nn/model.ts";
import { tutorialNetwork } from "../lib/nn/network.ts";
import { scratchAdam } from "../lib/nn/scratch_adam.ts";
import { rRng } from "../lib/r/random.ts";
import { CASES, fitCase } from "./glm_cases.ts";
import { referenceJson, tutorialCsv } from "./references.ts";

const EPS = Number.EPSILON;
/** The absolute error of a subnormal result (gradual underflow): counted once per product. */
const TINY = 2 ** -1074;
// deno-lint-ignore no-explicit-any
const read = (name: string) => referenceJson<any>(name);
const gap = (w: ArrayLike<number>) =>
  Math.max(...TUTORIAL_KERAS_WEIGHTS.map((k, j) => Math.abs(k - w[j])));
const tutorial = parseCsv(tutorialCsv, { source: "data/tutorial.csv" });

Deno.test('Model.fit with engine "reference" lands on the tutorial\'s Keras weights as "fast" does', () => {
  const { X, y } = tutorial;
  const run = (engine: "fast" | "reference", dtype: "float64" | "float32") => {
    const m = tutorialNetwork(10);
    m.fitSync(X, y, { epochs: 1000, batchSize: 1000, verbose: 0, engine, dtype });
    return m.getWeights()[0].data;
  };
  // float64: both within the 2.1e-7 the README reports (the fast engine's 2.097e-7).
  const [fast, ref] = [run("fast", "float64"), run("reference", "float64")];
  assert.ok(gap(fast) <= 2.1e-7 && gap(ref) <= 2.1e-7, `${gap(fast)}, ${gap(ref)}`);
  // float32: the fast engine sums the one batch in stored order (4.87e-8 from Keras), the
  // reference in the shuffled order, as Keras does; float32 sums depend on their order, and
  // Keras' own order is not reproduced, so the reference lands elsewhere within float32's reach.
  assert.ok(gap(run("fast", "float32")) <= 4.9e-8);
  assert.ok(gap(run("reference", "float32")) <= 1.5e-7);
});

/** A small random training problem: N ≤ 30 rows, K ≤ 6 features, |x| ≤ 2, 0/1 labels. */
const problem = fc.record({ n: fc.integer({ min: 2, max: 30 }), k: fc.integer({ min: 1, max: 6 }) })
  .chain(({ n, k }) =>
    fc.record({
      X: fc.array(fc.double({ min: -2, max: 2, noNaN: true }), {
        minLength: n * k,
        maxLength: n * k,
      })
        .map((d) => ({ rows: n, cols: k, data: Float64Array.from(d) }) as Matrix),
      y: fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n }),
      useBias: fc.boolean(),
      seed: fc.nat(1000),
    })
  );

function unitModel(k: number, useBias: boolean) {
  const inputs = input({ shape: [k] });
  const outputs = dense({ units: 1, useBias, kernelInitializer: constant(0) }).apply(inputs);
  const m = model({ inputs, outputs });
  m.compile({ loss: "binary_crossentropy", optimizer: adam({ learningRate: 0.05 }) });
  return m;
}

Deno.test("Model.fit in float32 with minibatches: fast and reference give the same bits", () => {
  // Both gather each shuffled batch and run the same float32 operations in the same order (the
  // generated kernel mirrors the readable pass): every loss and weight must be identical.
  fc.assert(
    fc.property(problem, fc.integer({ min: 1, max: 4 }), ({ X, y, useBias, seed }, parts) => {
      const batchSize = Math.max(1, Math.ceil(X.rows / (parts + 1)));
      const run = (engine: "fast" | "reference") => {
        const m = unitModel(X.cols, useBias);
        const h = m.fitSync(X, y, {
          epochs: 5,
          batchSize,
          seed,
          verbose: 0,
          dtype: "float32",
          engine,
        });
        return { loss: h.history.loss, w: m.getWeights().map((w) => Array.from(w.data)) };
      };
      assert.deepEqual(run("fast"), run("reference"));
    }),
    { numRuns: 60 },
  );
});

Deno.test("Model.fit in float64: fast and reference take the same first step", () => {
  // One epoch, one batch: each engine computes the mean gradient ḡ (the fast one in stored order,
  // the reference in shuffled order), within δⱼ = Σᵢ|xᵢⱼ|·(|Δzᵢ|/4 + 8ε)/N + 2Nε·max|ḡ| of each
  // other (|Δzᵢ| ≤ 2(K + 1)ε·Σ|xᵢⱼwⱼ| = 0 at w = 0: δⱼ ≤ 9ε·mean|xᵢⱼ| + 2Nε). Adam's first step
  // from w = 0 is −lr·ḡ/(|ḡ| + ε′), ε′ = 1e-7/√(1 − β₂): its slope in ḡ is at most lr/ε′, so the
  // two first weights are within lr·δⱼ/ε′, plus a rounding of the weight itself.
  fc.assert(
    fc.property(problem, ({ X, y, useBias, seed }) => {
      const run = (engine: "fast" | "reference") => {
        const m = unitModel(X.cols, useBias);
        m.fitSync(X, y, { epochs: 1, batchSize: X.rows, seed, verbose: 0, engine });
        return m.getWeights().flatMap((w) => Array.from(w.data));
      };
      const [fast, ref] = [run("fast"), run("reference")];
      const n = X.rows, k = X.cols, lr = 0.05, epsPrime = 1e-7 / Math.sqrt(1 - 0.999);
      fast.forEach((w, j) => {
        let meanAbsX = 0;
        for (let i = 0; i < n; i++) meanAbsX += (j < k ? Math.abs(X.data[i * k + j]) : 1) / n;
        const delta = 9 * EPS * meanAbsX + 2 * n * EPS * Math.max(1, meanAbsX) + 4 * n * TINY;
        const tol = (lr * delta) / epsPrime + 2 * EPS * Math.abs(w);
        assert.ok(Math.abs(w - ref[j]) <= tol, `w[${j}]: ${w} vs ${ref[j]}, tol ${tol}`);
      });
    }),
    { numRuns: 100 },
  );
});

Deno.test('scratchAdam with engine "reference" equals R\'s from-scratch loop and stream', () => {
  // The reference engine is R's loop as written (sample() every epoch, the gradient summed in the
  // shuffled order): it must match R as the fast engine does, to 1e-10 relative.
  const full = read("scratch_adam.json");
  const { X, y, rng } = generateData();
  const { theta } = scratchAdam(X, y, { rng, engine: "reference" });
  theta.forEach((t, j) => {
    const rel = Math.abs(t - full.theta[j]) / Math.abs(full.theta[j]);
    assert.ok(rel < 1e-10, `theta[${j}]: ${t} vs R ${full.theta[j]}`);
  });
  assert.deepEqual(Array.from(rng.runif(5)), full.runif5_after);
});

Deno.test("scratchAdam: fast and reference agree (minibatches to the bit, a full batch's step to rounding)", () => {
  fc.assert(
    fc.property(problem, fc.integer({ min: 1, max: 3 }), ({ X, y, seed }, parts) => {
      const run = (engine: "fast" | "reference", batchSize: number, epochs: number) =>
        scratchAdam(X, y, { epochs, batchSize, seed, alpha: 0.01, engine }).theta;
      // Minibatches: both engines run the same readable loop, sample() and all.
      const b = Math.max(1, Math.ceil(X.rows / (parts + 1)));
      if (b < X.rows) assert.deepEqual(run("fast", b, 20), run("reference", b, 20));
      // Full batch: the summed gradient g, from the kernel in stored order or by the readable
      // sum in sample()'s order. At θ = 0 every z is 0, so the two differ only by σ's rounding
      // (a few ulp: 8ε) times |x| per row and by the order of the sum (2Nε·Σ|rᵢxᵢⱼ|):
      // δⱼ ≤ Σᵢ|xᵢⱼ|·9ε + 2Nε·Σᵢ|xᵢⱼ|/2. The first step is α·g/(|g| + ε) (m̂ = g, v̂ = g²), whose
      // slope in g is at most α/ε: the first θ's are within α·δⱼ/ε.
      const [fast, ref] = [run("fast", X.rows, 1), run("reference", X.rows, 1)];
      const n = X.rows, k = X.cols;
      fast.forEach((t, j) => {
        let sumAbsX = 0;
        for (let i = 0; i < n; i++) sumAbsX += Math.abs(X.data[i * k + j]);
        const delta = 9 * EPS * sumAbsX + n * EPS * sumAbsX + 4 * n * TINY;
        const tol = (0.01 * delta) / 1e-7 + 2 * EPS * Math.abs(t);
        assert.ok(Math.abs(t - ref[j]) <= tol, `θ[${j}]: ${t} vs ${ref[j]}, tol ${tol}`);
      });
    }),
    { numRuns: 100 },
  );
});

for (const method of ["qr", "cholesky"] as const) {
  Deno.test(`glm with engine "reference" agrees with R's glm on every reference case (method ${method})`, () => {
    for (const name of CASES) {
      const { ref, fit } = fitCase(name, method, { engine: "reference" });
      const r = ref.fit;
      // As the fast engine's tests: 1e-10, 1e-9 for forced normal equations under separation.
      const tol = method === "cholesky" && name.includes("separation") ? 1e-9 : 1e-10;
      assert.equal(fit.iterations, r.iterations, name);
      assert.deepEqual(fit.warnings, r.warnings, name);
      const rel = (a: number | null, b: number | null) =>
        a === b || (a !== null && b !== null && Math.abs(a - b) <= tol * Math.abs(b));
      fit.coefficients.forEach((c, j) => assert.ok(rel(c, r.coefficients[j]), `${name} β${j}`));
      fit.standardErrors.forEach((s, j) =>
        assert.ok(rel(s, r.standardErrors[j]), `${name} se${j}`)
      );
      assert.ok(rel(fit.deviance, r.deviance) && rel(fit.aic, r.aic), name);
    }
  });
}

Deno.test("glm: fast and reference engines agree on the normal-equations path", () => {
  // 20 000 × 10 standard normal columns: the equilibrated XᵀWX is within a few units of the
  // identity (condition number < 2 here). The engines' XᵀWX and XᵀWz differ by ≤ 2Nε relative
  // (two orders of sums of N products) and their deviances by a few ε per group of rows; the
  // solutions of the two perturbed systems differ by ≤ cond·2Nε = 2·2Nε ≈ 1.8e-11 relative.
  const n = 20_000, k = 10, rng = rRng(7);
  const X = fromColumnMajor(n, k, rng.rnorm(n * k));
  const y = rng.rbinom(n, 1, 0.5);
  const [fast, ref] = (["fast", "reference"] as const).map((engine) =>
    glm(X, y, { method: "cholesky", engine })
  );
  assert.equal(fast.method, "cholesky");
  assert.equal(fast.iterations, ref.iterations);
  const tol = 2 * 2 * n * EPS;
  fast.coefficients.forEach((c, j) => {
    const r = ref.coefficients[j] as number;
    assert.ok(Math.abs((c as number) - r) <= tol * Math.abs(r), `β${j}: ${c} vs ${r}`);
  });
  assert.ok(Math.abs(fast.deviance - ref.deviance) <= tol * ref.deviance);
});

Deno.test("engine options are checked", () => {
  const X = fromRows([[1], [2]]);
  assert.throws(() => glm(X, [0, 1], { engine: "gpu" as "fast" }), /`options.engine` must be/);
  assert.throws(() => scratchAdam(X, [0, 1], { engine: "gpu" as "fast" }), /`engine` must be/);
  const m = tutorialNetwork(1);
  assert.throws(() => m.fitSync(X, [0, 1], { engine: "gpu" as "fast" }), /`engine` must be/);
});
