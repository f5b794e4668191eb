import assert from "node:assert/strict";
import { collinearitySplit, convergence, separation } from "../lib/book/breakdowns.ts";
import {
  agreementVsBatchSize,
  agreementVsEpochs,
  agreementVsInitialisation,
  agreementVsLearningRate,
  sumVersusMean,
} from "../lib/book/experiments.ts";
import { tutorialProblem } from "../lib/book/problem.ts";
import { ArgumentError } from "../lib/core/errors.ts";
import { fromRows } from "../lib/core/matrix.ts";
import { WARNING_FITTED_0_1, WARNING_NOT_CONVERGED } from "../lib/glm/glm_fit.ts";
import { gradientDescent, lipschitzStep } from "../lib/nn/gradient_descent.ts";

const p = tutorialProblem();
const R = JSON.parse(
  Deno.readTextFileSync(new URL("../data/reference/scratch_adam.json", import.meta.url)),
);

Deno.test("tutorialProblem holds the tutorial's data and R's glm coefficients", () => {
  assert.equal(p.X.rows, 1000);
  for (let j = 0; j < 10; j++) assert.ok(Math.abs(p.glm[j] - R.lr_coefs[j]) < 1e-12);
});

Deno.test("agreementVsEpochs: MAPE falls with the epochs; 1000 epochs give the tutorial's 0.000326558", () => {
  const rows = agreementVsEpochs(p, { epochs: [100, 1000, 2000] });
  assert.equal(rows.length, 6);
  for (const method of ["network", "scratch Adam"]) {
    const m = rows.filter((r) => r.method === method).map((r) => r.mape);
    assert.ok(m[0] > m[1] && m[1] > m[2], method);
    assert.ok(m[2] < 1e-9, method); // both reach glm to rounding by 2000 epochs
  }
  // Full batch: the shuffle only reorders the sum, so a fresh stream gives the tutorial's digits.
  const at1000 = rows.find((r) => r.method === "scratch Adam" && r.value === 1000)!;
  assert.equal(Number(at1000.mape.toPrecision(6)), 0.000326558);
});

Deno.test("agreementVsLearningRate: too small a step leaves Adam far from glm after 1000 epochs", () => {
  const rows = agreementVsLearningRate(p, { rates: [1e-4, 1e-2] });
  assert.equal(rows.length, 4);
  const mape = (method: string, lr: number) =>
    rows.find((r) => r.method === method && r.value === lr)!.mape;
  for (const m of ["network", "scratch Adam"]) assert.ok(mape(m, 1e-4) > 1e6 * mape(m, 1e-2));
});

Deno.test("agreementVsBatchSize: minibatches leave a noise floor that the full batch does not", () => {
  const rows = agreementVsBatchSize(p, { batchSizes: [10, 1000] });
  for (const m of ["network", "scratch Adam"]) {
    const small = rows.find((r) => r.method === m && r.value === 10)!;
    const full = rows.find((r) => r.method === m && r.value === 1000)!;
    assert.ok(small.mape > 100 * full.mape, m);
  }
});

Deno.test("agreementVsInitialisation: zeros start closest and agree best after 1000 epochs", () => {
  const rows = agreementVsInitialisation(p, { seeds: [1, 2] });
  assert.equal(rows.length, 2 * (1 + 2 * 2));
  const zeros = rows.filter((r) => r.init === "zeros");
  assert.ok(Math.abs(zeros[0].startDistance - Math.hypot(...p.glm)) < 1e-15);
  for (const r of rows) {
    if (r.init !== "zeros") {
      assert.ok(r.mape > zeros[0].mape && r.startDistance > zeros[0].startDistance);
    }
  }
});

Deno.test("sumVersusMean: the scale of the loss matters only through ε", () => {
  const rows = sumVersusMean(p, { epsilons: [1e-7, 1e-1], epochs: [1000] });
  assert.equal(rows.length, 2);
  assert.ok(rows[0].maxAbsDiff < 1e-8); // ε ≪ √v̂: the two runs agree
  assert.ok(rows[1].mapeMean > 1000 * rows[1].mapeSum); // ε ≈ the mean gradient: steps shrink
});

Deno.test("convergence: IRLS reaches 1e-8 in ≤ 6 iterations; Adam and gradient descent need hundreds of epochs", () => {
  const rows = convergence(p, { epochs: 2000 });
  const irls = rows.filter((r) => r.method === "IRLS");
  assert.deepEqual(irls.map((r) => r.iteration), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.ok(irls.findIndex((r) => r.distance < 1e-8) <= 5);
  for (const m of ["Adam", "gradient descent"]) {
    const path = rows.filter((r) => r.method === m);
    assert.equal(path[0].iteration, 1);
    assert.equal(path.at(-1)!.iteration, 2000);
    const at = (e: number) => path.filter((r) => r.iteration <= e).at(-1)!.distance;
    assert.ok(at(100) > 1e-3, m);
    assert.ok(at(2000) < 1e-9, m);
  }
});

Deno.test("separation: glm warns and its coefficients grow; the network's weights keep growing", () => {
  const s = separation({ n: 1000, epochs: 2000 });
  assert.ok(s.warnings.includes(WARNING_FITTED_0_1));
  assert.ok(s.warnings.includes(WARNING_NOT_CONVERGED));
  assert.equal(s.converged, false);
  for (const m of ["glm", "network"]) {
    const norms = s.rows.filter((r) => r.method === m).map((r) => r.norm);
    assert.ok(norms.length > 5, m);
    for (let i = 1; i < norms.length; i++) assert.ok(norms[i] > norms[i - 1], `${m} ${i}`);
  }
});

Deno.test("collinearitySplit: glm aliases the copy; the network splits the weight, the sum matches glm", () => {
  const c = collinearitySplit({ epochs: 2000 });
  assert.equal(c.glm.length, 11);
  assert.equal(c.glm[10], null);
  const zeros = c.rows.filter((r) => r.init === "zeros");
  for (const r of zeros) assert.equal(r.w1, r.w2); // same gradient, same start: equal halves
  const random = c.rows.filter((r) => r.init === "random");
  const gap0 = random[0].w1 - random[0].w2;
  for (const r of random) assert.ok(Math.abs(r.w1 - r.w2 - gap0) < 1e-10); // the gap never moves
  for (const last of [zeros.at(-1)!, random.at(-1)!]) {
    assert.ok(Math.abs(last.sum - c.glmCoefficient) < 1e-6);
  }
});

Deno.test("gradientDescent: step 1/L from λ_max(XᵀX) (hand computation) and descent to the optimum", () => {
  // XᵀX = [[2, 0], [0, 8]] for these rows; N = 2, L = 8/(4·2) = 1.
  assert.ok(Math.abs(lipschitzStep(fromRows([[1, 2], [1, -2]])) - 1) < 1e-9);
  const gd = gradientDescent(p.X, p.y, { iterations: 3000 });
  for (let j = 0; j < 10; j++) assert.ok(Math.abs(gd.theta[j] - p.glm[j]) < 1e-9);
  assert.throws(() => gradientDescent(p.X, p.y, { learningRate: -1 }), ArgumentError);
  assert.throws(() => gradientDescent(p.X, p.y, { iterations: 0 }), ArgumentError);
});

Deno.test("experiments reject bad settings, naming the argument", () => {
  const bad: [string, () => unknown][] = [
    ["epochs", () => agreementVsEpochs(p, { epochs: [] })],
    ["epochs", () => agreementVsEpochs(p, { epochs: [0] })],
    ["rates", () => agreementVsLearningRate(p, { rates: [-1] })],
    ["batchSizes", () => agreementVsBatchSize(p, { batchSizes: [2.5] })],
    ["epsilons", () => sumVersusMean(p, { epsilons: [0] })],
    ["irlsIterations", () => convergence(p, { irlsIterations: 0 })],
    ["n", () => separation({ n: 1 })],
    ["y", () => tutorialProblem(p.X, [1, 0])],
  ];
  for (const [argument, f] of bad) {
    assert.throws(
      f,
      (e: unknown) => e instanceof ArgumentError && e.argument === argument,
      argument,
    );
  }
});
