import assert from "node:assert/strict";
import { fromColumnMajor } from "../lib/core/matrix.ts";
import { irlsStart, irlsStep } from "../lib/glm/irls_step.ts";
import { referenceJson } from "./references.ts";

interface RCase {
  n: number;
  k: number;
  xColumnMajor: number[];
  y: number[];
  fit: { trace: { deviance: number; coefficients: number[] }[] };
}

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

Deno.test("irlsStep retraces R's glm iterations on the tutorial's data", () => {
  // data/reference/glm_tutorial.json: scripts/r/reference_glm.R, R's coefficients after each iteration
  // of glm(Y ~ X - 1, binomial, control = list(maxit = 25, epsilon = 1e-10)).
  const r = referenceJson<RCase>("glm_tutorial.json");
  const X = fromColumnMajor(r.n, r.k, r.xColumnMajor);
  let eta = irlsStart(r.y);
  for (const [i, step] of r.fit.trace.entries()) {
    const s = irlsStep(X, r.y, eta, { tol: 1e-13 });
    step.coefficients.forEach((c, j) =>
      assert.ok(
        relErr(s.beta[j], c) < 1e-12,
        `iteration ${i + 1}, β${j + 1}: ${s.beta[j]} vs R ${c}`,
      )
    );
    eta = s.nextEta;
  }
});

Deno.test("irlsStep forms the working response and weights of the logit link", () => {
  const X = fromColumnMajor(2, 1, [1, 2]);
  const s = irlsStep(X, [1, 0], Float64Array.of(0, Math.log(3)));
  // At η = 0: μ = 1/2, W = 1/4, z = 0 + (1 − 1/2)/(1/4) = 2.
  assert.ok(Math.abs(s.mu[0] - 0.5) < 1e-15 && Math.abs(s.weights[0] - 0.25) < 1e-15);
  assert.ok(Math.abs(s.z[0] - 2) < 1e-15);
  // At η = log 3: μ = 3/4, W = 3/16, z = log 3 + (0 − 3/4)/(3/16) = log 3 − 4.
  assert.ok(Math.abs(s.weights[1] - 3 / 16) < 1e-15);
  assert.ok(Math.abs(s.z[1] - (Math.log(3) - 4)) < 1e-14);
  // One column: β = Σ w x z / Σ w x².
  const beta = (0.25 * 1 * 2 + (3 / 16) * 2 * (Math.log(3) - 4)) / (0.25 + (3 / 16) * 4);
  assert.ok(Math.abs(s.beta[0] - beta) < 1e-14);
});

Deno.test("irlsStep rejects an eta of the wrong length", () => {
  const X = fromColumnMajor(2, 1, [1, 2]);
  assert.throws(() => irlsStep(X, [1, 0], new Float64Array(3)), /`eta` must be/);
  assert.throws(() => irlsStep(X, [1, 2], new Float64Array(2)), /`y` holds 2/);
});
