/**
 * glm's fused normal-equations passes (lib/_kernels/fused_*.ts, taken for a fit with prior
 * weights, an offset or a link other than logit) against the readable IRLS loop of
 * lib/glm/binomial_loop.ts, on random problems: the same iterations and warnings, and coefficients
 * and deviance within a tolerance of the summation order (the passes sum rows in blocks and in
 * another order, and compute the deviance's logarithms by a table: ~1e-13 relative per sum,
 * amplified by the conditioning of XᵀWX, which the generator keeps moderate).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { fromColumnMajor } from "../lib/core/matrix.ts";
import { glm } from "../lib/glm/glm.ts";

const LINKS = ["logit", "probit", "cloglog", "cauchit"] as const;

const problem = fc.record({
  n: fc.integer({ min: 40, max: 160 }),
  k: fc.integer({ min: 1, max: 4 }),
  link: fc.constantFrom(...LINKS),
  weighted: fc.boolean(),
  withOffset: fc.boolean(),
  intercept: fc.boolean(),
  seed: fc.integer({ min: 1, max: 2 ** 30 }),
});

/** A small deterministic generator (the property's own randomness comes from fast-check's seed). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
}

Deno.test("glm's fused passes equal the readable loop on random weighted, offset and linked fits", () => {
  fc.assert(
    fc.property(problem, (p) => {
      const u = lcg(p.seed);
      const x = Array.from({ length: p.n * p.k }, () => 2 * u() - 1);
      const X = fromColumnMajor(p.n, p.k, x);
      const eta = Array.from({ length: p.n }, (_, i) => 0.8 * x[i] - 0.3);
      const y = eta.map((e) => (u() < 1 / (1 + Math.exp(-e)) ? 1 : 0));
      const options = {
        method: "cholesky" as const,
        link: p.link,
        intercept: p.intercept,
        maxit: 50,
        epsilon: 1e-10,
        ...(p.weighted ? { weights: y.map(() => 0.5 + 2 * u()) } : {}),
        ...(p.withOffset ? { offset: y.map(() => 0.2 * u() - 0.1) } : {}),
      };
      const fast = glm(X, y, { ...options, engine: "fast" });
      const ref = glm(X, y, { ...options, engine: "reference" });
      assert.equal(fast.iterations, ref.iterations);
      assert.deepEqual(fast.warnings, ref.warnings);
      assert.ok(Math.abs(fast.deviance - ref.deviance) <= 1e-10 * Math.max(1, ref.deviance));
      fast.coefficients.forEach((c, j) => {
        const r = ref.coefficients[j];
        if (c === null || r === null) return assert.equal(c, r);
        assert.ok(
          Math.abs(c - r) <= 1e-8 * Math.max(1, Math.abs(r)),
          `coefficient ${j}: ${c} vs ${r}`,
        );
      });
    }),
    { seed: 20261130, numRuns: 150 },
  );
});
