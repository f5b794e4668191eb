/**
 * Fast equals readable: every kernel of lib/_kernels/ against the readable code it speeds up, on
 * random inputs (fast-check). Where both do the same operations in the same order the test asks
 * for the same bits; elsewhere for a tolerance derived, in the comments, from how the two orders of
 * summation (and the two exp's) can differ.
 *
 * The bound used throughout: a floating-point sum of m terms tᵢ, in any order, is within
 * (m − 1)·ε·Σ|tᵢ| of the exact sum (to first order; ε = 2⁻⁵², Higham, "Accuracy and Stability of
 * Numerical Algorithms", §4.2), so two orders of the same sum are within 2(m − 1)·ε·Σ|tᵢ| of
 * each other. Products add one rounding each: ε relative, or, where the result is subnormal, up to
 * TINY = 2⁻¹⁰⁷⁴ absolute (Higham's model with gradual underflow, §2.1), which the bounds add once
 * per product.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { weightedCrossprod } from "../lib/_kernels/crossprod.ts";
import { updateRows as fusedUpdate } from "../lib/_kernels/glm_rows.ts";
import { float32Kernel, jsKernel } from "../lib/_kernels/network_js.ts";
import { wasmKernel } from "../lib/_kernels/network_wasm.ts";
import { gradientKernel } from "../lib/_kernels/scratch_adam_wasm.ts";
import { updateRows } from "../lib/glm/family.ts";
import { normalEquations } from "../lib/glm/normal_equations.ts";
import { forwardBackward, forwardBackwardFloat32, logit, type Unit } from "../lib/nn/dense_unit.ts";
import { tutorialGradientInto } from "../lib/nn/loss.ts";

const EPS = Number.EPSILON;
const TINY = 2 ** -1074;
const RUNS = { numRuns: 200 };

/** Doubles in [−a, a]. */
const doubles = (a: number, length: number) =>
  fc.array(fc.double({ min: -a, max: a, noNaN: true }), { minLength: length, maxLength: length });
/** float32 values in [−a, a], as doubles. */
const floats = (a: number, length: number) =>
  fc.array(fc.float({ min: -a, max: a, noNaN: true }), { minLength: length, maxLength: length });
const labels = (n: number) => fc.array(fc.constantFrom(0, 1), { minLength: n, maxLength: n });

/**
 * A batch for one dense unit: K ≤ 12 features, N ≤ 40 rows, |x| ≤ 2 and |w| ≤ 1, so that
 * |z| ≤ 2K + 1 ≤ 25 stays inside the fast exp's range (|z| ≤ 30).
 */
const unitBatch = (values: typeof doubles = doubles) =>
  fc.record({
    k: fc.integer({ min: 1, max: 12 }),
    n: fc.integer({ min: 1, max: 40 }),
    useBias: fc.boolean(),
  }).chain(({ k, n, useBias }) =>
    fc.record({
      unit: fc.constant<Unit>({ k, useBias }),
      n: fc.constant(n),
      X: values(2, n * k).map((a) => Float64Array.from(a)),
      y: labels(n).map((a) => Float64Array.from(a)),
      w: values(1, k + 1).map((a) => Float64Array.from(a)),
    })
  );

/**
 * What the readable pass computes per row, and how far a fast kernel's value may be from it:
 * z is a sum of K products and the bias; any order of it is within (K + 1)·ε·Sᵢ of the exact
 * value, Sᵢ = Σⱼ|xᵢⱼwⱼ| + |b| (K + 1 terms, each product rounded once), so the readable and a fast
 * order are within dzᵢ = 2(K + 1)·ε·Sᵢ. p̂ = σ(z) moves by at most σ′·dz ≤ dz/4, and each side's
 * exp and division add a few ulp of 1: dpᵢ = dzᵢ/4 + 8ε.
 */
function rowBounds(unit: Unit, X: Float64Array, y: Float64Array, w: Float64Array, n: number) {
  const { k, useBias } = unit;
  const rows = [];
  for (let i = 0; i < n; i++) {
    let s = useBias ? Math.abs(w[k]) : 0;
    for (let j = 0; j < k; j++) s += Math.abs(X[i * k + j] * w[j]);
    const z = logit(unit, X, i, w);
    const p = 1 / (1 + Math.exp(-z));
    const dz = 2 * (k + 1) * EPS * s;
    rows.push({ z, r: p - y[i], dz, dp: dz / 4 + 8 * EPS });
  }
  return rows;
}

/**
 * The gradient Σᵢ rᵢxᵢⱼ: each term moves by |xᵢⱼ|·(dpᵢ + ε) (r = p̂ − y adds one rounding), and
 * the two sums, in the same or another order of rows, are within 2N·ε·Σᵢ|rᵢxᵢⱼ| of each other.
 * The loss Σᵢ ℓᵢ: ℓ′(z) = p̂ − y, so |dℓᵢ| ≤ dzᵢ; the readable softplus and the kernels' running
 * product of (1 + e^−z) (one rounding per factor, each changing its log by ε) add a few ε·(1 + |zᵢ|)
 * per row, and the two sums of N terms of size ≤ 1 + |zᵢ| differ by 2N·ε·Σ(1 + |zᵢ|).
 */
function assertClose(
  what: string,
  unit: Unit,
  X: Float64Array,
  rows: ReturnType<typeof rowBounds>,
  got: { g: Float64Array; lossSum: number },
  want: { g: Float64Array; lossSum: number },
) {
  const { k, useBias } = unit, n = rows.length;
  for (let j = 0; j < k + (useBias ? 1 : 0); j++) {
    let tol = 0, mag = 0;
    rows.forEach((row, i) => {
      const x = j < k ? Math.abs(X[i * k + j]) : 1;
      tol += x * (row.dp + EPS);
      mag += Math.abs(row.r) * x;
    });
    tol += 2 * n * EPS * mag + 2 * n * (k + 2) * TINY;
    assert.ok(
      Math.abs(got.g[j] - want.g[j]) <= tol,
      `${what} g[${j}]: ${got.g[j]} vs ${want.g[j]}, tol ${tol}`,
    );
  }
  let tol = 0;
  for (const row of rows) tol += row.dz + 4 * EPS * (1 + Math.abs(row.z)) * (1 + 2 * n);
  assert.ok(
    Math.abs(got.lossSum - want.lossSum) <= tol,
    `${what} loss: ${got.lossSum} vs ${want.lossSum}, tol ${tol}`,
  );
}

Deno.test("jsKernel (generated JavaScript) equals the readable forward/backward pass to rounding", () => {
  fc.assert(
    fc.property(unitBatch(), fc.boolean(), ({ unit, n, X, y, w }, accuracy) => {
      const want = { g: new Float64Array(unit.k + 1), lossSum: 0 };
      const r = forwardBackward(unit, { X, y, start: 0, end: n }, w, want.g);
      want.lossSum = r.lossSum;
      const got = { g: new Float64Array(unit.k + 1), lossSum: 0, hits: 0 };
      assert.ok(jsKernel(unit.k, unit.useBias, accuracy)(X, y, w, got.g, 0, n, got));
      const rows = rowBounds(unit, X, y, w, n);
      assertClose("js", unit, X, rows, got, want);
      // Hits agree unless some p̂ is within rounding of 1/2 (|z| within its bound of 0).
      if (accuracy && rows.every((row) => Math.abs(row.z) > row.dz + 1e-12)) {
        assert.equal(got.hits, r.hits);
      }
    }),
    RUNS,
  );
});

Deno.test("wasmKernel (WebAssembly SIMD) equals the readable forward/backward pass to rounding", () => {
  fc.assert(
    fc.property(unitBatch(), ({ unit, n, X, y, w }) => {
      const kern = wasmKernel(unit.k, unit.useBias);
      if (!kern) return; // no WebAssembly SIMD here: the engine uses the readable pass
      const want = { g: new Float64Array(unit.k + 1), lossSum: 0 };
      want.lossSum = forwardBackward(unit, { X, y, start: 0, end: n }, w, want.g).lossSum;
      kern.reserve(n);
      kern.load(X, y, 0, n);
      const got = { g: new Float64Array(unit.k + 1), lossSum: 0 };
      assert.ok(kern.run(w, got.g, 0, n, got));
      // The kernel sums rows in two lanes (even and odd rows) and a scalar tail: another order
      // of the same sums, which the 2N·ε term of the bound covers.
      assertClose("wasm", unit, X, rowBounds(unit, X, y, w, n), got, want);
    }),
    RUNS,
  );
});

Deno.test("the fast kernels give up (return false) exactly when the readable pass is needed: |z| > 30", () => {
  const unit = { k: 1, useBias: false };
  const X = Float64Array.of(1, 2), y = Float64Array.of(1, 0), g = new Float64Array(2);
  const out = { lossSum: 0, hits: 0 };
  assert.equal(jsKernel(1, false, false)(X, y, Float64Array.of(16), g, 0, 2, out), false); // z = 32
  assert.equal(jsKernel(1, false, false)(X, y, Float64Array.of(14), g, 0, 2, out), true); // z = 28
  const kern = wasmKernel(1, false);
  if (kern) {
    kern.reserve(2);
    kern.load(X, y, 0, 2);
    assert.equal(kern.run(Float64Array.of(16), g, 0, 2, out), false);
  }
  // and the readable pass handles any z
  assert.ok(
    Number.isFinite(
      forwardBackward(unit, { X, y, start: 0, end: 2 }, Float64Array.of(1e4), g).lossSum,
    ),
  );
});

Deno.test("float32Kernel (generated JavaScript) gives the readable float32 pass's bits", () => {
  // Same operations, same order, every one rounded by Math.fround: the same bits.
  fc.assert(
    fc.property(
      unitBatch(floats),
      fc.integer({ min: 0, max: 39 }),
      ({ unit, n, X, y, w }, from) => {
        const start = Math.min(from, n - 1);
        const want = new Float64Array(unit.k + 1), got = new Float64Array(unit.k + 1);
        const r = forwardBackwardFloat32(unit, { X, y, start, end: n }, w, want);
        const out = { lossSum: 0, hits: 0 };
        assert.ok(float32Kernel(unit.k, unit.useBias)(X, y, w, got, start, n, out));
        assert.ok(Object.is(out.lossSum, r.lossSum), `loss ${out.lossSum} vs ${r.lossSum}`);
        assert.equal(out.hits, r.hits);
        assert.deepEqual(got, want);
      },
    ),
    RUNS,
  );
});

Deno.test("scratch Adam's gradientKernel (WebAssembly SIMD) equals the tutorial's gradient to rounding", () => {
  fc.assert(
    fc.property(unitBatch(), ({ unit, n, X, y, w }) => {
      const k = unit.k, theta = w.subarray(0, k), noBias = { k, useBias: false };
      const kern = gradientKernel(X, y, n, k);
      if (!kern) return; // no WebAssembly SIMD here: scratchAdam uses the readable sum
      const got = new Float64Array(k), want = new Float64Array(k);
      assert.ok(kern.run(theta, got));
      tutorialGradientInto(X, y, k, theta, want, undefined, 0, n);
      // z = xθ as two interleaved chains of multiply-adds (fused where the CPU has FMA): another
      // order of the same sum; σ from a [6/6] Padé approximant (error below 2e-19) and a
      // division: the bounds of rowBounds hold. Rows are summed in two lanes: the 2N·ε term.
      const rows = rowBounds(noBias, X, y, theta, n);
      assertClose("scratch", noBias, X, rows, { g: got, lossSum: 0 }, { g: want, lossSum: 0 });
    }),
    {
      ...RUNS,
      // Found by fast-check: subnormal products, where the error is absolute (TINY), not relative.
      examples: [[{
        unit: { k: 8, useBias: true },
        n: 3,
        X: Float64Array.from(
          { length: 24 },
          (_, i) => i === 7 ? -7e-323 : i === 23 ? -6.4e-323 : 0,
        ),
        y: new Float64Array(3),
        w: new Float64Array(9),
      }]],
    },
  );
});

Deno.test("weightedCrossprod (WebAssembly SIMD) equals the normal equations' definition", () => {
  fc.assert(
    fc.property(
      fc.record({
        k: fc.integer({ min: 1, max: 13 }),
        n: fc.integer({ min: 1, max: 300 }),
        intercept: fc.boolean(),
        chunkRows: fc.integer({ min: 4, max: 64 }),
      }).chain((s) =>
        fc.record({
          s: fc.constant(s),
          X: doubles(3, s.n * s.k),
          w: fc.array(fc.double({ min: 1e-3, max: 2, noNaN: true }), {
            minLength: s.n,
            maxLength: s.n,
          }),
          z: doubles(5, s.n),
        })
      ),
      ({ s: { k, n, intercept, chunkRows }, X, w, z }) => {
        const Xm = { rows: n, cols: k, data: Float64Array.from(X) };
        const cp = weightedCrossprod(Xm, { intercept, chunkRows });
        if (!cp) return; // no WebAssembly SIMD here: glm uses the definition
        const sw = Float64Array.from(w, Math.sqrt), zw = Float64Array.from(z, (v, i) => v * sw[i]);
        const fill = (start: number, count: number, a: Float64Array, b: Float64Array) => {
          a.set(sw.subarray(start, start + count));
          b.set(zw.subarray(start, start + count));
        };
        const fast = cp.computeRows(fill), ref = normalEquations(Xm, intercept).computeRows(fill);
        const p = ref.p, off = intercept ? 1 : 0;
        // b = Vᵀ(√w z) and the intercept's row and column of A are summed row by row by both,
        // from the same products: the same bits.
        assert.deepEqual(fast.b, ref.b);
        for (let j = 0; j < off * p; j++) {
          assert.ok(Object.is(fast.A[j], ref.A[j]) && Object.is(fast.A[j * p], ref.A[j * p]));
        }
        // VᵀV is summed chunk by chunk by the kernel and row by row by the definition: two
        // orders of a sum of N products vᵢⱼvᵢₗ: within 2N·ε·Σᵢ|vᵢⱼvᵢₗ|.
        for (let j = off; j < p; j++) {
          for (let l = off; l < p; l++) {
            let mag = 0;
            for (let i = 0; i < n; i++) {
              mag += Math.abs(X[i * k + j - off] * sw[i] * X[i * k + l - off] * sw[i]);
            }
            const tol = 2 * n * EPS * mag * (1 + 4 * EPS) + 4 * n * TINY;
            const d = Math.abs(fast.A[j * p + l] - ref.A[j * p + l]);
            assert.ok(
              d <= tol,
              `A[${j},${l}]: ${fast.A[j * p + l]} vs ${ref.A[j * p + l]}, tol ${tol}`,
            );
          }
        }
        // With one chunk the two orders coincide: the same bits.
        if (n <= Math.max(4, Math.min(n, chunkRows))) assert.deepEqual(fast.A, ref.A);
      },
    ),
    { numRuns: 100 },
  );
});

/**
 * glm's update after a solve: η, μ, exp(η) and the deviance, for N ≤ 60 rows, K ≤ 8, |x| ≤ 3 and
 * |β| ≤ 4, so that |η| reaches past R's clamp at ±30 on both sides.
 */
const glmRows = fc.record({
  k: fc.integer({ min: 1, max: 8 }),
  n: fc.integer({ min: 1, max: 60 }),
  intercept: fc.boolean(),
}).chain((s) =>
  fc.record({
    s: fc.constant(s),
    X: doubles(3, s.n * s.k),
    beta: doubles(4, s.k + 1),
    y: labels(s.n),
  })
);

for (const grouped of [false, true]) {
  Deno.test(`glm's fused row pass (grouped: ${grouped}) equals the row-by-row update`, () => {
    fc.assert(
      fc.property(glmRows, ({ s: { k, n, intercept }, X, beta, y }) => {
        const Xm = { rows: n, cols: k, data: Float64Array.from(X) };
        const b = Float64Array.from(beta), yv = Float64Array.from(y);
        const fast = { eta: new Float64Array(n), ex: new Float64Array(n), mu: new Float64Array(n) };
        const ref = { eta: new Float64Array(n), ex: new Float64Array(n), mu: new Float64Array(n) };
        const devFast = fusedUpdate(Xm, intercept, b, yv, fast.eta, fast.ex, fast.mu, grouped);
        const devRef = updateRows(Xm, intercept, b, yv, ref.eta, ref.ex, ref.mu);
        // η, exp(η) and μ: the same operations in the same order (four rows at a time only
        // interleaves independent rows): the same bits.
        assert.deepEqual(fast, ref);
        // The deviance: the unit deviances dᵢ ≥ 0 are the same numbers; the reference adds them
        // with Kahan's compensation (error ≤ 2ε·D, D = Σdᵢ), the fused pass first adds groups of
        // four plainly (3ε of each group's sum) and then Kahan-sums the groups (2ε·D): together
        // within 7ε·D. Grouped, a group is 2 log(1/(a₁a₂a₃a₄)): the product's three roundings
        // change the log by 3ε and the log rounds once more (ε of the group's value), twice that
        // for the factor 2: 6ε per group plus 2ε·D.
        const groups = Math.ceil(n / 4);
        const tol = (grouped ? 6 * EPS * groups + 9 * EPS * devRef : 7 * EPS * devRef) * 1.01;
        assert.ok(Math.abs(devFast - devRef) <= tol, `${devFast} vs ${devRef}, tol ${tol}`);
      }),
      RUNS,
    );
  });
}
