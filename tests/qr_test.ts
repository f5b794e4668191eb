import assert from "node:assert/strict";
import { dqrdc2, qrls } from "../lib/r/qr.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// x = s (1, 2, 2) and y = (1, 2, 3): b = xᵀy / xᵀx = 11 / (9 s), and ‖x‖ = 3 s, for any scale s.
// Every square of an entry below about 1.5e-162 underflows to 0, so only a scaled norm sees the
// column (BLAS dnrm2, which R's dqrdc2 calls, scales).
for (const s of [1, 1e-150, 1e-160, 1e-170, 1e-300, 1e-305, 1e150, 1e170, 1e300]) {
  Deno.test(`qrls solves a one-column problem scaled by ${s} exactly`, () => {
    const fit = qrls(Float64Array.of(s, 2 * s, 2 * s), 3, 1, Float64Array.of(1, 2, 3), 1e-7);
    assert.equal(fit.rank, 1, "the column is not a zero column");
    assert.ok(rel(fit.coefficients[0], 11 / (9 * s)) < 1e-14, `${fit.coefficients[0]}`);
    assert.ok(rel(Math.abs(fit.qr[0]), 3 * s) < 1e-15, `|R[1,1]| = ${fit.qr[0]}, not 3 s`);
  });
}

Deno.test("dqrdc2 keeps a tiny column beside ordinary ones and still aliases a zero column", () => {
  // Columns (1,1,1,1), 1e-170 (1,2,3,4), (0,0,0,0): rank 2, the zero column pivoted out.
  const x = Float64Array.of(1, 1, 1, 1, 1e-170, 2e-170, 3e-170, 4e-170, 0, 0, 0, 0);
  const pivot = Int32Array.of(0, 1, 2);
  const rank = dqrdc2(x, 4, 3, 1e-7, new Float64Array(3), pivot);
  assert.equal(rank, 2);
  assert.deepEqual(Array.from(pivot), [0, 1, 2]);
});

Deno.test("qrls fits y = 2 + 3e170 t with t of order 1e-170 to the last digits", () => {
  const t = [1e-170, 2e-170, 3e-170, 5e-170];
  const x = Float64Array.from([1, 1, 1, 1, ...t]);
  const y = Float64Array.from(t, (ti) => 2 + 3e170 * ti);
  const fit = qrls(x, 4, 2, y, 1e-7);
  assert.equal(fit.rank, 2);
  assert.ok(rel(fit.coefficients[0], 2) < 1e-13, `${fit.coefficients[0]}`);
  assert.ok(rel(fit.coefficients[1], 3e170) < 1e-13, `${fit.coefficients[1]}`);
});
