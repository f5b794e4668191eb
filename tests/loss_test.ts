import assert from "node:assert/strict";
import fc from "fast-check";
import { ArgumentError } from "../lib/core/errors.ts";
import { fromRows, matrix } from "../lib/core/matrix.ts";
import {
  bernoulliLogLikelihood,
  bernoulliLogLikelihoodGradient,
  binaryCrossEntropy,
  binaryCrossEntropyGradient,
  binaryCrossEntropyLoss,
  binaryCrossEntropyWithLogits,
  linearPredictor,
  logSigmoid,
  sigmoid,
  softplus,
} from "../lib/nn/loss.ts";
import { numericalGradient } from "../lib/nn/numerical_gradient.ts";

const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);

// A small fixed data set: 6 rows, 3 features, mixed labels.
const X = fromRows([
  [1.2, -0.4, 0.7],
  [0.3, 0.9, -1.1],
  [-0.8, 0.2, 0.5],
  [1.5, 1.1, 0.1],
  [-0.2, -1.3, 0.8],
  [0.6, 0.4, -0.9],
]);
const y = [1, 0, 0, 1, 1, 0];
const theta = [0.3, -0.7, 0.45];

Deno.test("sigmoid matches hand values and is symmetric", () => {
  assert.equal(sigmoid(0), 0.5);
  close(sigmoid(Math.log(3)), 0.75, 1e-16, "σ(log 3) = 3/4");
  close(sigmoid(-Math.log(3)), 0.25, 1e-16, "σ(−log 3) = 1/4");
  for (const z of [-20, -3, -0.5, 0.5, 3, 20]) close(sigmoid(z) + sigmoid(-z), 1, 3e-16);
});

Deno.test("sigmoid stays in [0, 1], never NaN, strictly inside (0, 1) for -745 < z < 36.7", () => {
  fc.assert(
    fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), (z) => {
      const p = sigmoid(z);
      assert.ok(p >= 0 && p <= 1 && !Number.isNaN(p));
      if (z > -745 && z < 36.7) assert.ok(p > 0 && p < 1, `σ(${z}) = ${p}`);
    }),
  );
  // the documented exact ends
  assert.equal(sigmoid(37), 1);
  assert.equal(sigmoid(-746), 0);
});

Deno.test("logSigmoid and softplus are finite for |z| up to 1e4 and agree with the naive form", () => {
  fc.assert(
    fc.property(fc.double({ min: -1e4, max: 1e4, noNaN: true }), (z) => {
      const l = logSigmoid(z), s = softplus(z);
      assert.ok(Number.isFinite(l) && l <= 0);
      assert.ok(Number.isFinite(s) && s >= 0);
      if (Math.abs(z) < 30) {
        close(l, Math.log(1 / (1 + Math.exp(-z))), 1e-14 * Math.max(1, Math.abs(l)));
      }
    }),
  );
  assert.equal(logSigmoid(-1e4), -1e4);
  assert.equal(softplus(1e4), 1e4);
});

Deno.test("binaryCrossEntropyWithLogits is finite for |Xθ| up to 1e4, and matches the clipped form inside the clip", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.constantFrom(0, 1)),
        { minLength: 1, maxLength: 20 },
      ),
      (pairs) => {
        const z = pairs.map((p) => p[0]), yy = pairs.map((p) => p[1]);
        const sum = binaryCrossEntropyWithLogits(yy, z);
        const mean = binaryCrossEntropyWithLogits(yy, z, { reduction: "mean" });
        assert.ok(Number.isFinite(sum) && sum >= 0);
        close(mean, sum / z.length, 1e-12 * Math.max(1, mean));
        // Keras' clipped form agrees while every p̂ is inside [1e-7, 1 − 1e-7] (|z| < 16)
        if (z.every((v) => Math.abs(v) < 15)) {
          const clipped = binaryCrossEntropy(yy, z.map(sigmoid));
          close(clipped, sum, 1e-6 * Math.max(1, sum));
        }
      },
    ),
  );
});

Deno.test("binaryCrossEntropy clips probabilities like Keras (epsilon 1e-7)", () => {
  // hand: −log(1e-7) for a positive label predicted 0, and for a negative label predicted 1
  close(binaryCrossEntropy([1], [0]), -Math.log(1e-7), 1e-12);
  close(binaryCrossEntropy([0], [1]), -Math.log(1e-7), 1e-6);
  close(binaryCrossEntropy([1, 0], [0.5, 0.5], { reduction: "mean" }), Math.LN2, 1e-16);
  close(binaryCrossEntropy([1], [0], { epsilon: 1e-3 }), -Math.log(1e-3), 1e-12);
});

Deno.test("binaryCrossEntropyLoss equals minus bernoulliLogLikelihood (tutorial: identical up to sign)", () => {
  const bce = binaryCrossEntropyLoss(X, y, theta);
  assert.equal(bernoulliLogLikelihood(X, y, theta), -bce);
  // and both equal the textbook formula Σ y log p + (1 − y) log(1 − p), written out here
  const z = linearPredictor(X, theta);
  let ll = 0;
  for (let i = 0; i < y.length; i++) {
    const p = 1 / (1 + Math.exp(-z[i]));
    ll += y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  close(bernoulliLogLikelihood(X, y, theta), ll, 1e-13);
  close(binaryCrossEntropyLoss(X, y, theta, { reduction: "mean" }), -ll / y.length, 1e-13);
});

Deno.test("binaryCrossEntropyLoss at θ = 0 is N log 2 (every p̂ = 1/2)", () => {
  close(binaryCrossEntropyLoss(X, y, [0, 0, 0]), 6 * Math.LN2, 1e-15);
});

Deno.test("binaryCrossEntropyGradient matches finite differences (sum and mean)", () => {
  for (const reduction of ["sum", "mean"] as const) {
    const g = binaryCrossEntropyGradient(X, y, theta, { reduction });
    const num = numericalGradient(
      (t) => binaryCrossEntropyLoss(X, y, t, { reduction }),
      theta,
      { h: 1e-6 },
    );
    for (let j = 0; j < 3; j++) close(g[j], num[j], 1e-8, `${reduction} gradient[${j}]`);
  }
});

Deno.test("binaryCrossEntropyGradient matches finite differences on random data", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }),
          fc.constantFrom(0, 1),
        ),
        { minLength: 1, maxLength: 15 },
      ),
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2, maxLength: 2 }),
      (rows, t) => {
        const Xr = fromRows(rows.map((r) => r[0])), yr = rows.map((r) => r[1]);
        const g = binaryCrossEntropyGradient(Xr, yr, t);
        const num = numericalGradient((u) => binaryCrossEntropyLoss(Xr, yr, u), t, { h: 1e-6 });
        for (let j = 0; j < 2; j++) close(g[j], num[j], 1e-6 * Math.max(1, Math.abs(g[j])));
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("binaryCrossEntropyGradient is Σ(p̂ − y)x by hand, and the log-likelihood gradient its negative", () => {
  // X = [[1], [3]], y = [0, 1], θ = 0: p̂ = 1/2, gradient = 0.5·1 − 0.5·3 = −1
  const Xs = fromRows([[1], [3]]);
  assert.deepEqual(Array.from(binaryCrossEntropyGradient(Xs, [0, 1], [0])), [-1]);
  assert.deepEqual(Array.from(binaryCrossEntropyGradient(Xs, [0, 1], [0], { reduction: "mean" })), [
    -0.5,
  ]);
  assert.deepEqual(Array.from(bernoulliLogLikelihoodGradient(Xs, [0, 1], [0])), [1]);
});

Deno.test("loss and gradient stay finite for |Xθ| up to 1e4", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 10 }),
      fc.array(fc.constantFrom(0, 1), { minLength: 10, maxLength: 10 }),
      (xs, labels) => {
        const Xc = matrix(xs.length, 1, xs), yc = labels.slice(0, xs.length);
        for (const t of [1, -1]) {
          const l = binaryCrossEntropyLoss(Xc, yc, [t]);
          const g = binaryCrossEntropyGradient(Xc, yc, [t]);
          assert.ok(Number.isFinite(l) && l >= 0, `loss ${l}`);
          assert.ok(Number.isFinite(g[0]), `gradient ${g[0]}`);
          assert.ok(Number.isFinite(bernoulliLogLikelihood(Xc, yc, [t])));
        }
      },
    ),
  );
  // a confidently wrong prediction costs |z|, not Infinity
  assert.equal(binaryCrossEntropyLoss(matrix(1, 1, [1e4]), [0], [1]), 1e4);
});

Deno.test("loss functions reject bad input naming the argument", () => {
  const arg = (name: string) => (e: unknown) => e instanceof ArgumentError && e.argument === name;
  assert.throws(() => binaryCrossEntropyLoss(X, [1, 0], theta), arg("y"));
  assert.throws(() => binaryCrossEntropyLoss(X, [1, 0, 0, 1, 2, 0], theta), arg("y"));
  assert.throws(() => binaryCrossEntropyLoss(X, y, [1, 2]), arg("theta"));
  assert.throws(() => binaryCrossEntropyLoss(X, y, [1, NaN, 0]), arg("theta"));
  assert.throws(() => binaryCrossEntropyLoss(fromRows([[NaN]]), [1], [0]), arg("X"));
  assert.throws(
    () => binaryCrossEntropyLoss(X, y, theta, { reduction: "avg" as "mean" }),
    arg("reduction"),
  );
  assert.throws(() => binaryCrossEntropy([1], [1.5]), arg("p"));
  assert.throws(() => binaryCrossEntropy([1], [0.5], { epsilon: 0 }), arg("epsilon"));
  assert.throws(() => binaryCrossEntropyWithLogits([1], [Infinity]), arg("z"));
  assert.throws(() => numericalGradient((t) => t[0], [0], { h: -1 }), arg("h"));
});
