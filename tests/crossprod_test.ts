import assert from "node:assert/strict";
import { wasmCrossprodAvailable, weightedCrossprod } from "../lib/_kernels/crossprod.ts";
import { normalEquations } from "../lib/glm/normal_equations.ts";

/** A small deterministic pseudo-random sequence (an LCG), so the tests need no seed handling. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
}

/** XᵀWX and XᵀWz straight from the definition. */
function naive(
  n: number,
  k: number,
  x: Float64Array,
  w: Float64Array,
  z: Float64Array,
  icpt: boolean,
) {
  const p = k + (icpt ? 1 : 0);
  const col = (i: number, j: number) => (icpt ? (j === 0 ? 1 : x[i * k + j - 1]) : x[i * k + j]);
  const A = new Float64Array(p * p), b = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      b[j] += w[i] * col(i, j) * z[i];
      for (let l = 0; l < p; l++) A[j * p + l] += w[i] * col(i, j) * col(i, l);
    }
  }
  return { A, b };
}

const SHAPES: [number, number, boolean][] = [
  [7, 3, true],
  [1000, 10, false],
  [1001, 13, true],
  [513, 1, false],
  [50, 6, true],
  [300, 2, false],
  [257, 17, false],
];

for (const engine of ["wasm", "readable"] as const) {
  for (const [n, k, intercept] of SHAPES) {
    Deno.test(`weightedCrossprod (${engine}) equals the definition for ${n}×${k}${intercept ? " + intercept" : ""}`, () => {
      const r = lcg(n * 31 + k);
      const x = Float64Array.from({ length: n * k }, r);
      const w = Float64Array.from({ length: n }, () => r() + 0.5);
      const z = Float64Array.from({ length: n }, r);
      const sw = w.map(Math.sqrt);
      const zw = z.map((v, i) => v * sw[i]);
      // Small chunks, so that several chunks and a short last one are exercised.
      const X = { rows: n, cols: k, data: x };
      const cp = engine === "wasm"
        ? weightedCrossprod(X, { intercept, chunkRows: 64 })!
        : normalEquations(X, intercept);
      const ref = naive(n, k, x, w, z, intercept);
      for (let rep = 0; rep < 2; rep++) { // a second call must start from zero again
        const { A, b, p } = cp.computeRows((start, count, s, z) => {
          s.set(sw.subarray(start, start + count));
          z.set(zw.subarray(start, start + count));
        });
        assert.equal(p, k + (intercept ? 1 : 0));
        for (let i = 0; i < A.length; i++) {
          assert.ok(Math.abs(A[i] - ref.A[i]) <= 1e-12 * n, `A[${i}]: ${A[i]} vs ${ref.A[i]}`);
        }
        for (let j = 0; j < p; j++) {
          assert.ok(Math.abs(b[j] - ref.b[j]) <= 1e-12 * n, `b[${j}]: ${b[j]} vs ${ref.b[j]}`);
        }
      }
    });
  }
}

Deno.test("wasmCrossprodAvailable is true under Deno (WebAssembly SIMD)", () => {
  assert.equal(wasmCrossprodAvailable(), true);
});

{
  Deno.test("weightedCrossprod computeRows gives exactly what compute gives", () => {
    const n = 1000, k = 7;
    const r = lcg(99);
    const x = Float64Array.from({ length: n * k }, r);
    const sw = Float64Array.from({ length: n }, () => r() + 1);
    const zw = Float64Array.from({ length: n }, r);
    const cp = weightedCrossprod({ rows: n, cols: k, data: x }, {
      intercept: true,
      chunkRows: 96,
    })!;
    const a = cp.compute(sw, zw);
    const A = a.A.slice(), b = a.b.slice();
    const starts: number[] = [];
    const c = cp.computeRows((start, count, s, z) => {
      starts.push(start);
      assert.ok(count <= 96 && s.length >= count && z.length >= count);
      for (let i = 0; i < count; i++) {
        s[i] = sw[start + i];
        z[i] = zw[start + i];
      }
    });
    assert.deepEqual(starts, Array.from({ length: Math.ceil(n / 96) }, (_, i) => 96 * i));
    assert.deepEqual(c.A, A);
    assert.deepEqual(c.b, b);
  });
}
