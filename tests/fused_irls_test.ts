/**
 * The fast pieces of the normal-equations path for weighted/offset/other-link fits: the table
 * exp and log1p, the WebAssembly logit row kernel and the fused IRLS loop, each against the plain
 * arithmetic it replaces (R's formulas, Math.exp/Math.log1p, the QR path).
 */
import assert from "node:assert/strict";
import { expTable, log1pUnit } from "../lib/_kernels/fastmath.ts";
import { logitRowsKernel } from "../lib/_kernels/logit_rows_wasm.ts";
import { wasmCrossprodAvailable } from "../lib/_kernels/crossprod.ts";
import { glm } from "../lib/mod.ts";
import { fusedIrls, minus2LogLikAndResiduals } from "../lib/_kernels/fused_irls.ts";
import { roundHalfEven } from "../lib/r/distributions.ts";
import { binomialLink } from "../lib/glm/links.ts";
import { choleskySolver } from "../lib/glm/cholesky.ts";
import { normalEquations } from "../lib/glm/normal_equations.ts";
import { fromColumnMajor } from "../lib/core/matrix.ts";
import { rRng } from "../lib/r/random.ts";
import { fitCase, loadCase } from "./glm_cases.ts";

/** The distance between x and the next double away from zero. */
function ulp(x: number): number {
  const b = new Float64Array([Math.abs(x)]);
  const u = new BigUint64Array(b.buffer);
  u[0] += 1n;
  return b[0] - Math.abs(x);
}

Deno.test("expTable is within an ulp of Math.exp on [−708, 708]", () => {
  const rng = rRng(1);
  const u = rng.runif(200_000);
  let worst = 0;
  u.forEach((v, i) => {
    const x = (2 * v - 1) * (i % 2 ? 40 : 708);
    worst = Math.max(worst, Math.abs(expTable(x) - Math.exp(x)) / ulp(Math.exp(x)));
  });
  assert.ok(worst <= 1, `max error ${worst} ulp`);
  assert.equal(expTable(0), 1);
});

Deno.test("log1pUnit is within an ulp of Math.log1p on [0, 1]", () => {
  const rng = rRng(2);
  const u = rng.runif(200_000);
  let worst = 0;
  u.forEach((v, i) => {
    const x = i % 3 === 0 ? v * 1e-6 : v;
    worst = Math.max(worst, Math.abs(log1pUnit(x) - Math.log1p(x)) / ulp(Math.log1p(x)));
  });
  assert.ok(worst <= 1, `max error ${worst} ulp`);
  assert.equal(log1pUnit(0), 0);
  assert.ok(Math.abs(log1pUnit(1) - Math.LN2) <= ulp(Math.LN2));
});

const EPS = 2.220446049250313e-16;

/** R's binomial(logit) row: μ, unit deviance, √W, z√W (family.c and glm.fit). */
function rRow(e: number, y: number, w: number, o: number) {
  const t = e < -30 ? EPS : e > 30 ? 1 / EPS : Math.exp(e);
  const mu = t / (1 + t);
  const me = e > 30 || e < -30 ? EPS : Math.exp(e) / ((1 + Math.exp(e)) * (1 + Math.exp(e)));
  const ylogy = (a: number, b: number) => (a !== 0 ? a * Math.log(a / b) : 0);
  const dev = 2 * w * (ylogy(y, mu) + ylogy(1 - y, 1 - mu));
  const sw = Math.sqrt((w * me * me) / (mu * (1 - mu)));
  return { mu, dev, sw, zw: ((e - o) + (y - mu) / me) * sw };
}

Deno.test("the WebAssembly logit row kernel equals R's row arithmetic to rounding", () => {
  const n = 999; // rows 0..998, and row 999 of weight 0 to make whole pairs
  const kernel = logitRowsKernel(n + 1, 600); // two runs: rows 0..599 and 600..999
  if (kernel === null) {
    assert.equal(wasmCrossprodAvailable(), false, "SIMD is there, so the kernel must be too");
    return;
  }
  const b = kernel.buffers;
  const rng = rRng(3);
  const u = rng.runif(4 * 999);
  let sum = 0;
  const expected = [];
  for (let i = 0; i < n; i++) {
    // |η| up to 12 (where R's own 1 − μ still has 10 digits), a few beyond the clamp at 30.
    const e = i < 6 ? [-45, -31, 30.5, 44, 0, -0][i] : (u[4 * i] - 0.5) * 24;
    const y = i % 5 === 0 ? u[4 * i + 1] : u[4 * i + 1] < 0.5 ? 1 : 0;
    const w = i % 11 === 0 ? 0 : 0.5 + 3 * u[4 * i + 2];
    const o = u[4 * i + 3] - 0.5;
    b.eta[i] = e;
    b.y[i] = y;
    b.w[i] = w;
    b.offset[i] = o;
    b.hy[i] = y === 0 || y === 1 ? 0 : y * Math.log(y) + (1 - y) * Math.log(1 - y);
    const r = rRow(e, y, w, o);
    expected.push(r);
    sum += r.dev;
  }
  kernel.resetSum();
  kernel.run(0, 600);
  const sw = Array.from(b.sw.subarray(0, 600)), zw = Array.from(b.zw.subarray(0, 600));
  kernel.run(600, 400); // rows 600..999 (999 is a zero row: weight 0, y 0)
  sw.push(...b.sw.subarray(0, 399));
  zw.push(...b.zw.subarray(0, 399));
  const close = (a: number, r: number, tol: number, what: string) =>
    assert.ok(
      Math.abs(a - r) <= tol * Math.max(Math.abs(r), 1e-300) || Math.abs(a - r) < 1e-13,
      `${what}: ${a} vs ${r}`,
    );
  let logLik = 0, exceptions = 0;
  for (let i = 0; i < n; i++) {
    const r = expected[i];
    close(b.mu[i], r.mu, 1e-15, `mu[${i}]`);
    // the deviance residual in d's place
    const y = b.y[i], w = b.w[i];
    close(b.dev[i], (y > r.mu ? 1 : -1) * Math.sqrt(r.dev), 1e-12, `residual[${i}]`);
    close(sw[i], r.sw, 1e-10, `sw[${i}]`);
    close(zw[i], r.zw, 1e-10, `zw[${i}]`);
    // −round(w)·log P(observed y), where y is 0 or 1 and that probability at most 0.9
    const m = roundHalfEven(w), pObs = y === 1 ? b.mu[i] : 1 - b.mu[i];
    if (m > 0 && (y === 0 || y === 1) && pObs <= 0.9) logLik -= m * (r.dev / (2 * w));
    else if (m > 0) exceptions++;
  }
  close(kernel.sum(), sum, 1e-14, "summed deviance");
  close(kernel.logLikSum(), logLik, 1e-13, "summed log-likelihood");
  assert.equal(kernel.exceptions(), exceptions);
  const mus = Array.from(b.mu.subarray(0, n + 1));
  assert.deepEqual(kernel.muRange(), [Math.min(...mus), Math.max(...mus)]);
  assert.ok(exceptions > 100 && exceptions < 900);
});

Deno.test("glm's fused normal-equations path equals its QR path on a large weighted, offset fit", () => {
  const rng = rRng(2024);
  const n = 20_000, k = 5;
  const X = fromColumnMajor(n, k, rng.rnorm(n * k, 0, 1));
  const y = rng.rbinom(n, 1, 0.5);
  const weights = rng.runif(n).map((v) => 0.5 + 1.5 * v);
  const offset = rng.rnorm(n, 0, 1).map((v) => v * 0.1);
  for (const intercept of [false, true]) {
    const opts = { weights, offset, intercept };
    const auto = glm(X, y, opts);
    const qr = glm(X, y, { ...opts, method: "qr" });
    assert.equal(auto.method, "cholesky");
    assert.equal(auto.iterations, qr.iterations);
    assert.deepEqual(auto.warnings, qr.warnings);
    const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
    auto.coefficients.forEach((c, j) =>
      assert.ok(rel(c!, qr.coefficients[j]!) < 1e-10, `coefficient ${j}`)
    );
    for (const key of ["deviance", "nullDeviance", "aic"] as const) {
      assert.ok(rel(auto[key], qr[key]) < 1e-12, key);
    }
    auto.standardErrors.forEach((s, j) =>
      assert.ok(rel(s!, qr.standardErrors[j]!) < 1e-10, `standard error ${j}`)
    );
    for (let i = 0; i < n; i += 97) {
      assert.ok(rel(auto.fitted[i], qr.fitted[i]) < 1e-12, `fitted[${i}]`);
      assert.ok(Math.abs(auto.devianceResiduals[i] - qr.devianceResiduals[i]) < 1e-12);
    }
  }
});

Deno.test("the fused loop's JavaScript rows (no SIMD) equal its WebAssembly rows", () => {
  const rng = rRng(7);
  const n = 5000, k = 3;
  const X = fromColumnMajor(n, k, rng.rnorm(n * k, 0, 1));
  const y = rng.runif(n).map((v) => Math.round(v * 4) / 4); // proportions 0, ¼, …, 1
  const weights = rng.runif(n).map((v) => (v < 0.05 ? 0 : 4));
  const offset = rng.rnorm(n, 0, 0.3);
  const input = {
    X,
    intercept: true,
    link: binomialLink("logit"),
    y,
    weights,
    offset,
    maxit: 25,
    epsilon: 1e-8,
    nullAtOffset: true,
  };
  const a = fusedIrls(input, choleskySolver(normalEquations(X, true), k + 1, Infinity))!;
  const b = fusedIrls(
    { ...input, rowKernel: false },
    choleskySolver(normalEquations(X, true), k + 1, Infinity),
  )!;
  assert.equal(a.iter, b.iter);
  const rel = (u: number, v: number) => Math.abs(u - v) / Math.abs(v);
  a.coef.forEach((c, j) => assert.ok(rel(c, b.coef[j]) < 1e-12, `coefficient ${j}`));
  assert.ok(rel(a.deviance, b.deviance) < 1e-13);
  assert.ok(rel(a.nullDeviance, b.nullDeviance) < 1e-13);
  // The kernel's last run gave the residuals and the log-likelihood; JavaScript, the deviances.
  const m2 = minus2LogLikAndResiduals(b.y, b.mu, weights, b.dev);
  assert.ok(rel(a.minus2LogLik!, m2) < 1e-13);
  for (let i = 0; i < n; i += 7) {
    assert.ok(rel(a.mu[i], b.mu[i]) < 1e-13, `mu[${i}]`);
    assert.ok(Math.abs(a.dev[i] - b.dev[i]) < 1e-12, `residual[${i}]`);
  }
});

Deno.test("the fused loop's rows are those of its last coefficients when it stops after a system", () => {
  // The row kernel stores μ and the deviances only in passes without a system; a loop that ends
  // right after one (maxit, or a convergence it did not expect) computes them again.
  const rng = rRng(11);
  const n = 3001, k = 4; // an odd n: the last row goes through the JavaScript loop
  const X = fromColumnMajor(n, k, rng.rnorm(n * k, 0, 1));
  const y = rng.rbinom(n, 1, 0.4);
  const weights = rng.runif(n).map((v) => 0.5 + v);
  const offset = rng.rnorm(n, 0, 0.2);
  for (const maxit of [1, 2, 3, 25]) {
    const input = {
      X,
      intercept: true,
      link: binomialLink("logit"),
      y,
      weights,
      offset,
      maxit,
      epsilon: 1e-8,
      nullAtOffset: false,
    };
    const solver = () => choleskySolver(normalEquations(X, true), k + 1, Infinity);
    const a = fusedIrls(input, solver())!;
    const b = fusedIrls({ ...input, rowKernel: false }, solver())!;
    assert.equal(a.iter, b.iter);
    assert.equal(a.conv, b.conv);
    const rel = (u: number, v: number) => Math.abs(u - v) / Math.abs(v);
    assert.ok(rel(a.deviance, b.deviance) < 1e-13, `deviance, maxit ${maxit}`);
    const m2 = minus2LogLikAndResiduals(b.y, b.mu, weights, b.dev);
    assert.ok(rel(a.minus2LogLik!, m2) < 1e-13, `−2 log-likelihood, maxit ${maxit}`);
    let dsum = 0;
    for (let i = 0; i < n; i++) {
      assert.ok(rel(a.mu[i], b.mu[i]) < 1e-13, `mu[${i}], maxit ${maxit}`);
      assert.ok(Math.abs(a.dev[i] - b.dev[i]) < 1e-12, `residual[${i}], maxit ${maxit}`);
      dsum += a.dev[i] * a.dev[i];
    }
    assert.ok(rel(dsum, a.deviance) < 1e-12, `Σ residual² = deviance, maxit ${maxit}`);
  }
});

Deno.test("the fused path with unit weights gives R's iterations and warnings on the separation cases", () => {
  // glm with weights runs binomialFit; "cholesky" keeps it on the fused passes (the row kernel's
  // range of μ gives the "fitted probabilities 0 or 1" warning, its last run the residuals).
  for (const name of ["quasi_separation", "complete_separation", "maxit2", "tutorial"]) {
    const n = loadCase(name).ref.n;
    const { ref, fit } = fitCase(name, "cholesky", { weights: new Array(n).fill(1) });
    assert.equal(fit.method, "cholesky", name);
    assert.equal(fit.iterations, ref.fit.iterations, name);
    assert.deepEqual(fit.warnings, ref.fit.warnings, name);
    assert.ok(Math.abs(fit.deviance - ref.fit.deviance) <= 1e-6 * ref.fit.deviance, name);
  }
});
