import assert from "node:assert/strict";
import { ArgumentError } from "../lib/core/errors.ts";
import { fromColumnMajor, fromRows } from "../lib/core/matrix.ts";
import { glm, predict } from "../lib/glm/glm.ts";
import { WARNING_FITTED_0_1, WARNING_NOT_CONVERGED } from "../lib/glm/glm_fit.ts";
import { pnorm } from "../lib/r/nmath.ts";
import { generateData } from "../lib/data/dataset.ts";
import { CASES, fitCase, loadCase } from "./glm_cases.ts";
import { referenceJson } from "./references.ts";

function relClose(actual: number | null, expected: number | null, tol: number, what: string) {
  if (expected === null) {
    assert.equal(actual, null, `${what}: R gives NA`);
    return;
  }
  assert.notEqual(actual, null, `${what}: R gives ${expected}`);
  const a = actual as number;
  const err = Math.abs(a - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(
    err <= tol || a === expected,
    `${what}: ${a} vs R ${expected} (relative error ${err.toExponential(2)})`,
  );
}

function relCloseAll(
  actual: ArrayLike<number | null>,
  expected: ArrayLike<number | null>,
  tol: number,
  what: string,
) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) relClose(actual[i], expected[i], tol, `${what}[${i}]`);
}

// Every case, including those where R stops without converging (maxit2, complete separation):
// the iterates are the same arithmetic as R's, so everything agrees to 1e-10 (in practice to the
// last bit or two).
// Each case with each solver. "auto" picks QR on these small data (N p < 100 000), and "cholesky"
// falls back to QR where R aliases a column (collinear, constant, k_gt_n). Forced normal equations
// on the two separation cases — ill-conditioned, non-converged iterates that amplify rounding —
// agree to 1e-9 rather than 1e-10 (there "auto" would have redone the fit by QR anyway).
const METHODS = ["qr", "cholesky", "auto"] as const;
const SEPARATION = ["quasi_separation", "complete_separation"];
for (const name of CASES) {
  for (const method of METHODS) {
    const tol = method === "cholesky" && SEPARATION.includes(name) ? 1e-9 : 1e-10;
    Deno.test(`glm agrees with R's glm within ${tol} on the ${name} case (method ${method})`, () => {
      const { ref, fit } = fitCase(name, method);
      const r = ref.fit;
      assert.deepEqual(fit.names, r.names);
      assert.equal(fit.iterations, r.iterations);
      assert.equal(fit.converged, r.converged);
      assert.deepEqual(fit.warnings, r.warnings);
      assert.equal(fit.rank, r.rank);
      assert.equal(fit.dfResidual, r.dfResidual);
      assert.equal(fit.dfNull, r.dfNull);
      relCloseAll(fit.coefficients, r.coefficients, tol, "coefficients");
      relCloseAll(fit.standardErrors, r.standardErrors, tol, "standardErrors");
      relCloseAll(fit.zValues, r.zValues, tol, "zValues");
      relCloseAll(fit.pValues, r.pValues, tol, "pValues");
      relClose(fit.deviance, r.deviance, tol, "deviance");
      relClose(fit.nullDeviance, r.nullDeviance, tol, "nullDeviance");
      relClose(fit.aic, r.aic, tol, "aic");
      relCloseAll(fit.fitted, r.fitted, tol, "fitted");
      assert.equal(fit.trace.length, r.trace.length);
      fit.trace.forEach((step, i) => {
        relClose(step.deviance, r.trace[i].deviance, tol, `trace[${i}].deviance`);
        relCloseAll(step.coefficients, r.trace[i].coefficients, tol, `trace[${i}].coefficients`);
      });
    });
  }
}

Deno.test("glm with method cholesky uses the normal equations where R does not alias", () => {
  for (const name of CASES) {
    const { ref, fit } = fitCase(name, "cholesky");
    const aliased = ref.fit.coefficients.some((c) => c === null);
    assert.equal(fit.method, aliased ? "qr" : "cholesky", name);
  }
});

/** A reference case with every row repeated `times` times. */
function replicated(name: string, times: number) {
  const { ref, X } = loadCase(name);
  const data = new Float64Array(X.data.length * times);
  const y: number[] = [];
  for (let t = 0; t < times; t++) {
    data.set(X.data, t * X.data.length);
    y.push(...ref.y);
  }
  return { ref, X: { rows: X.rows * times, cols: X.cols, data }, y };
}

// Repeating every row t times leaves IRLS's iterates unchanged (XᵀWX and XᵀWz both scale by t):
// the same coefficients, iterations and warnings as R's fit of the original rows, deviance × t,
// standard errors / √t. That makes R's small fits references for large ones, where "auto" acts.
Deno.test("glm auto chooses the normal equations for a large full-rank fit and matches R", () => {
  const t = 10; // tutorial × 10: N = 10 000, p = 10 → N p = 100 000
  const { ref, X, y } = replicated("tutorial", t);
  const fit = glm(X, y, { epsilon: ref.epsilon, maxit: ref.maxit });
  const r = ref.fit;
  assert.equal(fit.method, "cholesky");
  assert.equal(fit.iterations, r.iterations);
  assert.deepEqual(fit.warnings, r.warnings);
  relCloseAll(fit.coefficients, r.coefficients, 1e-10, "coefficients");
  relCloseAll(
    fit.standardErrors,
    r.standardErrors.map((s) => (s as number) / Math.sqrt(t)),
    1e-10,
    "standardErrors",
  );
  relCloseAll(fit.zValues, r.zValues.map((z) => (z as number) * Math.sqrt(t)), 1e-10, "zValues");
  relClose(fit.deviance, r.deviance * t, 1e-10, "deviance");
  relClose(fit.nullDeviance, r.nullDeviance * t, 1e-10, "nullDeviance");
  relClose(fit.aic, (r.aic - 2 * r.rank) * t + 2 * r.rank, 1e-10, "aic");
});

Deno.test("glm auto falls back to QR on the collinear case and gives R's NA", () => {
  const { ref, X, y } = replicated("collinear", 250); // N = 25 000, p = 5
  const r = ref.fit;
  const fit = glm(X, y, { intercept: ref.intercept, epsilon: ref.epsilon, maxit: ref.maxit });
  assert.equal(fit.method, "qr");
  assert.equal(fit.rank, r.rank);
  assert.equal(fit.iterations, r.iterations);
  assert.deepEqual(fit.warnings, r.warnings);
  assert.deepEqual(fit.coefficients.map((c) => c === null), r.coefficients.map((c) => c === null));
  relCloseAll(fit.coefficients, r.coefficients, 1e-10, "coefficients");
  relClose(fit.deviance, r.deviance * 250, 1e-10, "deviance");
});

Deno.test("glm auto redoes a fit that ends with warnings (separation) by QR, like R", () => {
  const { ref, X, y } = replicated("complete_separation", 1000);
  const fit = glm(X, y, { intercept: ref.intercept, epsilon: ref.epsilon, maxit: ref.maxit });
  assert.equal(fit.method, "qr");
  assert.equal(fit.iterations, ref.fit.iterations);
  assert.deepEqual(fit.warnings, ref.fit.warnings);
});

Deno.test("glm reports a non-finite X on the normal-equations path as checkMatrix does", () => {
  // There X's finiteness is certified by the first XᵀWX instead of a separate pass over X.
  const { X, y } = replicated("tutorial", 10);
  assert.equal(glm(X, y).method, "cholesky");
  const k = X.cols;
  for (
    const [bad, method] of [[NaN, "auto"], [Infinity, "auto"], [-Infinity, "cholesky"]] as const
  ) {
    const data = X.data.slice();
    data[4321 * k + 7] = bad;
    const Xbad = { rows: X.rows, cols: k, data };
    assert.throws(
      () => glm(Xbad, y, { method }),
      (e: unknown) =>
        e instanceof ArgumentError &&
        e.message.includes(`\`X\` holds ${bad} at row 4322, column 8`),
    );
    // X is reported before a bad y or a bad option, as when it is checked first.
    assert.throws(() => glm(Xbad, y.slice(1)), /`X` holds/);
    assert.throws(() => glm(Xbad, y, { maxit: 0 }), /`X` holds/);
  }
});

Deno.test("glm auto keeps QR for small data", () => {
  assert.equal(fitCase("tutorial").fit.method, "qr");
});

Deno.test("glm reproduces GUIDE §4's tutorial numbers (4 iterations, deviance 1376.8255816654…)", () => {
  const { fit } = fitCase("tutorial");
  assert.equal(fit.iterations, 4);
  assert.equal(fit.deviance.toFixed(10), "1376.8255816654");
  assert.equal(fit.aic.toFixed(10), "1396.8255816654");
});

Deno.test("glm stops at maxit like R: same iterates, not converged, R's warning", () => {
  const { ref, fit } = fitCase("maxit2");
  const r = ref.fit;
  assert.equal(fit.iterations, 2);
  assert.equal(fit.converged, false);
  assert.deepEqual(fit.warnings, [WARNING_NOT_CONVERGED]);
  assert.deepEqual(fit.warnings, r.warnings);
  relCloseAll(fit.coefficients, r.coefficients, 1e-10, "coefficients");
  relCloseAll(fit.standardErrors, r.standardErrors, 1e-10, "standardErrors");
  relClose(fit.deviance, r.deviance, 1e-10, "deviance");
  relClose(fit.aic, r.aic, 1e-10, "aic");
});

Deno.test("glm marks aliased columns null where R gives NA", () => {
  for (const name of ["collinear", "constant", "k_gt_n"]) {
    const { ref, fit } = fitCase(name);
    const naR = ref.fit.coefficients.map((c) => c === null);
    assert.deepEqual(fit.coefficients.map((c) => c === null), naR, name);
    assert.deepEqual(fit.standardErrors.map((c) => c === null), naR, name);
    assert.ok(naR.some((x) => x), `${name} has an NA in R`);
  }
});

// Separation: the likelihood has no maximum; R's iterates run off towards infinity and what it
// reports depends on where it stops. We compare what is meaningful: iterations, convergence flag,
// warnings, rank and NA pattern, deviance to an absolute 1e-6 and the fitted probabilities.
for (const name of ["quasi_separation", "complete_separation", "k_gt_n"]) {
  Deno.test(`glm matches R's iterations, warnings and NA pattern under ${name}`, () => {
    const { ref, fit } = fitCase(name);
    const r = ref.fit;
    assert.equal(fit.iterations, r.iterations);
    assert.equal(fit.converged, r.converged);
    assert.deepEqual(fit.warnings, r.warnings);
    assert.equal(fit.rank, r.rank);
    assert.deepEqual(
      fit.coefficients.map((c) => c === null),
      r.coefficients.map((c) => c === null),
    );
    assert.ok(
      Math.abs(fit.deviance - r.deviance) < 1e-6,
      `deviance ${fit.deviance} vs ${r.deviance}`,
    );
    relClose(fit.nullDeviance, r.nullDeviance, 1e-10, "nullDeviance");
    for (let i = 0; i < r.fitted.length; i++) {
      assert.ok(Math.abs(fit.fitted[i] - r.fitted[i]) < 1e-6, `fitted[${i}]`);
    }
  });
}

Deno.test("glm warns of fitted probabilities 0 or 1 under separation", () => {
  const { fit } = fitCase("complete_separation");
  assert.ok(fit.warnings.includes(WARNING_FITTED_0_1));
});

Deno.test("pnorm matches R's pnorm far into the tail", () => {
  const ref = referenceJson<{ x: number[]; pnorm: number[] }>("glm_pnorm.json");
  ref.x.forEach((x, i) => relClose(pnorm(x), ref.pnorm[i], 1e-14, `pnorm(${x})`));
});

Deno.test("predict gives the fit's linear predictors and probabilities on its own data", () => {
  const { fit, X } = fitCase("tutorial_intercept");
  const link = predict(fit, X);
  const resp = predict(fit, X, { type: "response" });
  for (let i = 0; i < X.rows; i++) {
    assert.ok(Math.abs(link[i] - fit.linearPredictors[i]) < 1e-12);
    assert.ok(Math.abs(resp[i] - fit.fitted[i]) < 1e-12);
  }
});

Deno.test("predict rejects a matrix with the wrong number of columns or an unknown type", () => {
  const { fit } = fitCase("mtcars");
  assert.throws(() => predict(fit, fromRows([[1, 2, 3]])), ArgumentError);
  assert.throws(
    // @ts-expect-error: checking the run-time guard
    () => predict(fit, fromRows([[1, 2]]), { type: "terms" }),
    /`options.type` must be "link" or "response"/,
  );
});

Deno.test("glm rejects bad input with messages naming the argument", () => {
  const X = fromRows([[1, 2], [3, 4], [5, 7]]);
  assert.throws(() => glm(X, [0, 1]), /`y` has 2 labels but X has 3 rows/);
  assert.throws(() => glm(X, [0, 1, 2]), /`y` holds 2 at position 3/);
  assert.throws(() => glm(X, [0, 1, NaN]), /`y` holds NaN/);
  assert.throws(
    () => glm(fromRows([[1, NaN], [3, 4]]), [0, 1]),
    /`X` holds NaN at row 1, column 2/,
  );
  assert.throws(() => glm(fromRows([[1, Infinity], [3, 4]]), [0, 1]), /`X` holds Infinity/);
  assert.throws(() => glm(fromRows([]), []), /`X` is empty/);
  assert.throws(
    () => glm(X, [0, 1, 1], { maxit: 0 }),
    /`options.maxit` must be a positive integer/,
  );
  assert.throws(() => glm(X, [0, 1, 1], { maxit: 2.5 }), /`options.maxit`/);
  assert.throws(
    () => glm(X, [0, 1, 1], { epsilon: 0 }),
    /`options.epsilon` must be greater than 0/,
  );
  assert.throws(() => glm(X, [0, 1, 1], { epsilon: -1 }), /`options.epsilon`/);
  assert.throws(() => glm(X, [0, 1, 1], { epsilon: NaN }), /`options.epsilon` must be a finite/);
  assert.throws(
    // @ts-expect-error: checking the run-time guard
    () => glm(X, [0, 1, 1], { method: "svd" }),
    /`options.method` must be "auto", "qr" or "cholesky", got svd/,
  );
  assert.throws(
    () => glm(X, [0, 1, 1], { names: ["a"] }),
    /`options.names` must hold one name per column of X \(2\), got 1/,
  );
});

Deno.test("glm treats a constant column like R: aliased with an intercept, fine without", () => {
  const c = fitCase("constant");
  const iConst = c.fit.names.indexOf("c3");
  assert.equal(c.fit.coefficients[iConst], null);
  const nc = fitCase("constant_no_intercept");
  assert.notEqual(nc.fit.coefficients[nc.fit.names.indexOf("c3")], null);
});

Deno.test("glm names columns X1..XK by default, as R prints Y ~ X - 1", () => {
  const { fit, ref } = fitCase("tutorial");
  const unnamed = glm(fromColumnMajor(ref.n, ref.k, ref.xColumnMajor), ref.y, { epsilon: 1e-10 });
  assert.deepEqual(unnamed.names, fit.names);
  assert.deepEqual(unnamed.names.slice(0, 2), ["X1", "X2"]);
});

for (const name of CASES) {
  Deno.test(`glm reference data for ${name} was written by R 4.2.2`, () => {
    const { ref } = loadCase(name);
    assert.match(ref.R, /^R version 4\.2\.2/);
  });
}

// Columns of extreme scale against R (data/reference/glm_tiny.json, scripts/r/reference_tiny.R):
// the tutorial's data with columns multiplied by 1e-170, 1e-300, 1e-160 or 1e170. R estimates
// every column; where its chol2inv overflows (or underflows) it reports a standard error of Inf
// (or 0), written as the string "Inf" in the JSON.
interface TinyCase {
  case: string;
  columns: number[];
  factor: number;
  intercept: boolean;
  maxit: number;
  epsilon: number;
  xFirstRow: number[];
  fit: {
    coefficients: (number | null)[];
    standardErrors: (number | string | null)[];
    zValues: (number | string | null)[];
    pValues: (number | null)[];
    deviance: number;
    nullDeviance: number;
    aic: number;
    iterations: number;
    converged: boolean;
    rank: number;
    warnings: string[];
  };
}
const TINY = referenceJson<{ R: string; cases: TinyCase[] }>("glm_tiny.json");
const extended = (v: number | string | null) =>
  v === "Inf" ? Infinity : v === "-Inf" ? -Infinity : v as number | null;

/** The tutorial's data (R's stream, bit for bit) with the case's columns scaled, `times` over. */
function tinyData(c: TinyCase, times = 1) {
  const ds = generateData();
  for (let i = 0; i < ds.X.rows; i++) {
    for (const col of c.columns) ds.X.data[i * ds.X.cols + col - 1] *= c.factor;
  }
  assert.deepEqual(Array.from(ds.X.data.subarray(0, ds.X.cols)), c.xFirstRow, "R's data");
  const data = new Float64Array(ds.X.data.length * times);
  const y = new Float64Array(ds.y.length * times);
  for (let t = 0; t < times; t++) {
    data.set(ds.X.data, t * ds.X.data.length);
    y.set(ds.y, t * ds.y.length);
  }
  return { X: { rows: ds.X.rows * times, cols: ds.X.cols, data }, y };
}

for (const c of TINY.cases) {
  Deno.test(`glm estimates columns of extreme scale as R does: ${c.case}`, () => {
    assert.match(TINY.R, /^R version 4\.2\.2/);
    const { X, y } = tinyData(c);
    const fit = glm(X, y, { intercept: c.intercept, maxit: c.maxit, epsilon: c.epsilon });
    const r = c.fit;
    assert.equal(fit.method, "qr");
    assert.deepEqual([fit.iterations, fit.converged, fit.rank], [
      r.iterations,
      r.converged,
      r.rank,
    ]);
    assert.deepEqual(fit.warnings, r.warnings);
    relCloseAll(fit.coefficients, r.coefficients, 1e-10, "coefficients");
    relCloseAll(fit.standardErrors, r.standardErrors.map(extended), 1e-10, "standardErrors");
    relCloseAll(fit.zValues, r.zValues.map(extended), 1e-10, "zValues");
    relCloseAll(fit.pValues, r.pValues, 1e-10, "pValues");
    relClose(fit.deviance, r.deviance, 1e-12, "deviance");
    relClose(fit.nullDeviance, r.nullDeviance, 1e-12, "nullDeviance");
    relClose(fit.aic, r.aic, 1e-12, "aic");
  });
}

// Repeated ten times, the data are large enough for "auto" to try the normal equations; there a
// column whose Σ w x² is subnormal (entries near 1e-160) lost digits before falling back to QR.
for (const c of TINY.cases) {
  Deno.test(`glm auto on ten copies of ${c.case} gives R's coefficients`, () => {
    const { X, y } = tinyData(c, 10);
    const fit = glm(X, y, { intercept: c.intercept, maxit: c.maxit, epsilon: c.epsilon });
    assert.equal(fit.iterations, c.fit.iterations);
    relCloseAll(fit.coefficients, c.fit.coefficients, 1e-10, "coefficients");
  });
}
