import assert from "node:assert/strict";
import { ArgumentError } from "../lib/core/errors.ts";
import { adam, adamPaper } from "../lib/nn/adam.ts";
import { getOptimizer } from "../lib/nn/optimizers.ts";
import { sgd } from "../lib/nn/sgd.ts";

const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);

// (tolerance: a few ulp of 1.) Two Keras-Adam steps from w = (0.5, −1) with gradients g₁ = (0.2, −3), g₂ = (−0.1, −2), defaults
// lr = 0.001, β₁ = 0.9, β₂ = 0.999, ε = 1e-7. By hand (40-digit decimal arithmetic):
//   t = 1: a = 0.001·√(1 − 0.999)/(1 − 0.9) = 3.16227766016837933e-4
//          m = 0.1·g₁ = (0.02, −0.3);  v = 0.001·g₁² = (4e-5, 0.009)
//          w₀ = 0.5 − a·0.02/(√4e-5 + 1e-7) = 0.49900001581113830479
//          w₁ = −1 + a·0.3/(√0.009 + 1e-7) = −0.99900000105409144228
//   t = 2: a = 0.001·√(1 − 0.999²)/(1 − 0.9²) = 2.35316725327454285e-4
//          m = m + (g₂ − m)·0.1 = (0.008, −0.47);  v = v + (g₂² − v)·0.001 = (4.996e-5, 0.012991)
//          w₀ = 0.49873368253950666381,  w₁ = −0.99802964977734424919
Deno.test("adam takes Keras' steps, checked against hand-computed numbers", () => {
  const opt = adam();
  const w = new Float64Array([0.5, -1]);
  opt.step(w, [0.2, -3]);
  close(w[0], 0.49900001581113830479, 4e-16, "t=1 w0");
  close(w[1], -0.99900000105409144228, 4e-16, "t=1 w1");
  opt.step(w, [-0.1, -2]);
  close(w[0], 0.49873368253950666381, 4e-16, "t=2 w0");
  close(w[1], -0.99802964977734424919, 4e-16, "t=2 w1");
  assert.equal(opt.iterations, 2);
});

// The paper's form on the same gradients (m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), w −= lr·m̂/(√v̂ + ε)):
//   t = 1: m̂ = g₁, v̂ = g₁²: w₀ = 0.5 − 0.001·0.2/(0.2 + 1e-7) = 0.49900000049999975000
//   t = 2: w₀ = 0.49873366362881086025, w₁ = −0.99802964794330102385
Deno.test("adamPaper takes the paper's steps, checked against hand-computed numbers", () => {
  const opt = adamPaper();
  const w = new Float64Array([0.5, -1]);
  opt.step(w, [0.2, -3]);
  close(w[0], 0.49900000049999975000, 4e-16);
  opt.step(w, [-0.1, -2]);
  close(w[0], 0.49873366362881086025, 4e-16);
  close(w[1], -0.99802964794330102385, 4e-16);
});

Deno.test("adam and adamPaper coincide when epsilon is negligible", () => {
  const a = adam({ epsilon: 1e-300 }), b = adamPaper({ epsilon: 1e-300 });
  const wa = new Float64Array([0.1, 0.2, 0.3]), wb = wa.slice();
  for (let t = 0; t < 50; t++) {
    const g = [Math.sin(t), Math.cos(t), 0.01 * t];
    a.step(wa, g);
    b.step(wb, g);
  }
  for (let j = 0; j < 3; j++) close(wa[j], wb[j], 1e-14);
});

Deno.test("adam in float32 keeps every weight a float32 value and stays near float64", () => {
  const a = adam({ dtype: "float32" }), b = adam();
  const wa = new Float64Array([0.5, -1]), wb = wa.slice();
  for (let t = 0; t < 100; t++) {
    const g = [Math.sin(t) * 0.3, Math.cos(t)];
    a.step(wa, g);
    b.step(wb, g);
  }
  for (let j = 0; j < 2; j++) {
    assert.equal(Math.fround(wa[j]), wa[j]);
    close(wa[j], wb[j], 1e-6);
  }
});

Deno.test("sgd steps w −= lr·g, with momentum as Keras", () => {
  const w = new Float64Array([1, 2]);
  sgd({ learningRate: 0.5 }).step(w, [1, -2]);
  assert.deepEqual(Array.from(w), [0.5, 3]);
  const m = sgd({ learningRate: 0.1, momentum: 0.5 });
  const u = new Float64Array([0]);
  m.step(u, [1]); // velocity −0.1
  m.step(u, [1]); // velocity 0.5·(−0.1) − 0.1 = −0.15
  close(u[0], -0.25, 1e-16);
});

Deno.test("setting dtype resets the optimizer's state", () => {
  const opt = adam();
  opt.step(new Float64Array([0]), [1]);
  assert.equal(opt.iterations, 1);
  opt.dtype = "float32";
  assert.equal(opt.iterations, 0);
});

Deno.test("optimizers reject bad input naming the argument", () => {
  const arg = (name: string) => (e: unknown) => e instanceof ArgumentError && e.argument === name;
  assert.throws(() => adam({ learningRate: 0 }), arg("learningRate"));
  assert.throws(() => adam({ learningRate: -1 }), arg("learningRate"));
  assert.throws(() => adamPaper({ learningRate: NaN }), arg("learningRate"));
  assert.throws(() => sgd({ learningRate: 0 }), arg("learningRate"));
  assert.throws(() => adam({ beta1: 1 }), arg("beta1"));
  assert.throws(() => adam({ beta2: -0.1 }), arg("beta2"));
  assert.throws(() => adam({ epsilon: 0 }), arg("epsilon"));
  assert.throws(() => adam({ dtype: "float16" as "float32" }), arg("dtype"));
  assert.throws(() => getOptimizer("adagrad" as "adam"), arg("optimizer"));
  const opt = adam();
  assert.throws(() => opt.step(new Float64Array(2), [1]), arg("grads"));
  opt.step(new Float64Array(2), [1, 1]);
  assert.throws(() => opt.step(new Float64Array(3), [1, 1, 1]), arg("weights"));
});
