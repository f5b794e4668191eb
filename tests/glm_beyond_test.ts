/**
 * glm with prior weights, offsets and the four links, and what is computed from a fit (vcov,
 * logLik, AIC, BIC, nobs, residuals, predict with standard errors, the printed summary), against
 * GNU R 4.2.2 on the 13 cases of scripts/r/reference_glm_beyond.R, with each solver.
 */
import assert from "node:assert/strict";
import {
  AIC,
  BIC,
  glm,
  type GlmFit,
  logLik,
  nobs,
  predict,
  residuals,
  summary,
  vcov,
  WARNING_NON_INTEGER,
} from "../lib/mod.ts";
import { fromRows } from "../lib/core/matrix.ts";
import { ArgumentError } from "../lib/core/errors.ts";
import {
  BEYOND_CASES,
  type BeyondCase,
  type BeyondCaseName,
  caseMatrix,
  caseOptions,
  loadBeyondCase,
  predictionMatrix,
  summaryText,
} from "./glm_beyond_cases.ts";

/** |a − b| ≤ tol·|b| (relative), or both null. */
export function relClose(a: number | null, b: number | null, tol: number, what: string): void {
  if (b === null) {
    assert.equal(a, null, `${what}: R gives NA, got ${a}`);
    return;
  }
  assert.ok(a !== null, `${what}: R gives ${b}, got null`);
  const err = Math.abs(a - b);
  assert.ok(
    err <= tol * Math.abs(b),
    `${what}: ${a} vs R ${b} (relative error ${(err / Math.abs(b)).toExponential(2)} > ${tol})`,
  );
}

/** Element-wise relative closeness of two vectors of equal length. */
export function relCloseAll(
  a: ArrayLike<number | null>,
  b: ArrayLike<number | null>,
  tol: number,
  what: string,
): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) relClose(a[i], b[i], tol, `${what}[${i}]`);
}

/** |a − b| ≤ tol·max(|b|, 1): relative for entries of size ≥ 1, absolute below. */
function scaledCloseAll(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    assert.ok(
      err <= tol * Math.max(Math.abs(b[i]), 1),
      `${what}[${i}]: ${a[i]} vs R ${b[i]} (difference ${err.toExponential(2)})`,
    );
  }
}

/** Each solver: R's QR, the normal equations (fused fast passes, or the readable loop), auto. */
const METHODS = ["qr", "cholesky", "cholesky/reference", "auto"] as const;

function fitCase(ref: BeyondCase, method: typeof METHODS[number]): GlmFit {
  const [m, engine] = method.split("/") as ["qr" | "cholesky" | "auto", "reference" | undefined];
  return glm(caseMatrix(ref), ref.y, { ...caseOptions(ref), method: m, engine: engine ?? "fast" });
}

/** R aliases a column in these cases: the normal equations hand the fit to QR. */
const ALIASED: readonly BeyondCaseName[] = ["rank_deficient_weights", "zero_weight_alias"];

for (const name of BEYOND_CASES) {
  const ref = loadBeyondCase(name);
  for (const method of METHODS) {
    Deno.test(`glm agrees with R on the ${name} case (method ${method})`, () => {
      const fit = fitCase(ref, method);
      const r = ref.fit;
      const normal = method.startsWith("cholesky") && !ALIASED.includes(name);
      assert.equal(fit.method, normal ? "cholesky" : "qr");
      assert.equal(fit.link, ref.link);
      assert.deepEqual(fit.names, r.names);
      assert.equal(fit.iterations, r.iterations);
      assert.equal(fit.converged, r.converged);
      assert.equal(fit.boundary, r.boundary);
      assert.deepEqual(fit.warnings, r.warnings);
      assert.equal(fit.rank, r.rank);
      assert.equal(fit.dfResidual, r.dfResidual);
      assert.equal(fit.dfNull, r.dfNull);
      relCloseAll(fit.coefficients, r.coefficients, 1e-10, "coefficients");
      relClose(fit.deviance, r.deviance, 1e-10, "deviance");
      relClose(fit.nullDeviance, r.nullDeviance, 1e-10, "nullDeviance");
      relClose(fit.aic, r.aic, 1e-10, "aic");
      relCloseAll(fit.standardErrors, r.standardErrors, 1e-8, "standardErrors");
      relCloseAll(fit.zValues, r.zValues, 1e-8, "zValues");
      relCloseAll(fit.pValues, r.pValues, 1e-8, "pValues");
      relCloseAll(fit.fitted, r.fitted, 1e-10, "fitted");
      scaledCloseAll(fit.linearPredictors, r.linearPredictors, 1e-10, "linearPredictors");
      assert.deepEqual(Array.from(fit.y), r.y, "fit$y (0 where the weight is 0)");
      assert.deepEqual(
        fit.priorWeights === null ? r.y.map(() => 1) : Array.from(fit.priorWeights),
        r.priorWeights,
      );
      assert.equal(fit.trace.length, r.trace.length);
      fit.trace.forEach((step, i) => {
        relClose(step.deviance, r.trace[i].deviance, 1e-10, `trace[${i}].deviance`);
        relCloseAll(step.coefficients, r.trace[i].coefficients, 1e-10, `trace[${i}].coefficients`);
      });
    });

    Deno.test(`vcov, logLik, AIC, BIC and nobs agree with R on ${name} (method ${method})`, () => {
      const fit = fitCase(ref, method);
      const ll = logLik(fit);
      relClose(ll.value, ref.logLik.value, 1e-10, "logLik");
      assert.equal(ll.df, ref.logLik.df);
      assert.equal(ll.nobs, ref.logLik.nobs);
      assert.equal(nobs(fit), ref.nobs);
      relClose(AIC(fit), ref.AIC, 1e-10, "AIC");
      relClose(BIC(fit), ref.BIC, 1e-10, "BIC");
      const V = vcov(fit);
      assert.equal(V.length, ref.vcov.length);
      ref.vcov.forEach((row, i) =>
        row.forEach((v, j) => {
          if (v === null) {
            assert.equal(V[i][j], null, `vcov[${i}][${j}] is NA in R`);
            return;
          }
          // Entries on the scale of their variances: |ΔVᵢⱼ| ≤ tol·√(Vᵢᵢ Vⱼⱼ).
          const scale = Math.sqrt((ref.vcov[i][i] as number) * (ref.vcov[j][j] as number));
          const err = Math.abs((V[i][j] as number) - v);
          assert.ok(err <= 1e-8 * scale, `vcov[${i}][${j}]: ${V[i][j]} vs R ${v}`);
        })
      );
    });

    Deno.test(`residuals of all four types agree with R on ${name} (method ${method})`, () => {
      const fit = fitCase(ref, method);
      for (const type of ["deviance", "pearson", "working", "response"] as const) {
        scaledCloseAll(residuals(fit, type), ref.residuals[type], 1e-8, `${type} residuals`);
      }
    });

    Deno.test(`predict with standard errors agrees with R on ${name} (method ${method})`, () => {
      const fit = fitCase(ref, method);
      for (const p of ref.predict) {
        const X = predictionMatrix(ref, p);
        const o = p.offset === null ? {} : { offset: p.offset };
        const link = predict(fit, X, { ...o, seFit: true });
        const resp = predict(fit, X, { ...o, type: "response", seFit: true });
        scaledCloseAll(link.fit, p.link.fit, 1e-10, `${p.label}: link fit`);
        relCloseAll(resp.fit, p.response.fit, 1e-10, `${p.label}: response fit`);
        relCloseAll(link.seFit, p.link.seFit, 1e-8, `${p.label}: link se.fit`);
        relCloseAll(resp.seFit, p.response.seFit, 1e-8, `${p.label}: response se.fit`);
        assert.equal(link.residualScale, p.residualScale);
        assert.deepEqual(link.warnings, p.warnings);
        // Without seFit: the same predictions.
        assert.deepEqual(predict(fit, X, o), link.fit);
      }
    });
  }

  Deno.test(`summary prints R's print.summary.glm text for the ${name} case`, () => {
    const lines = summaryText(name).split("\n");
    const r = lines.slice(lines.findIndex((l) => l.startsWith("Deviance Residuals"))).join("\n");
    for (const method of METHODS) {
      assert.equal(String(summary(fitCase(ref, method))).trimEnd(), r.trimEnd(), method);
    }
  });
}

Deno.test("glm with unit weights and a zero offset gives the plain fit's numbers", () => {
  const ref = loadBeyondCase("infert");
  const X = caseMatrix(ref);
  const plain = glm(X, ref.y, { intercept: true, names: ref.featureNames });
  const ones = ref.y.map(() => 1), zeros = ref.y.map(() => 0);
  const general = glm(X, ref.y, {
    intercept: true,
    names: ref.featureNames,
    weights: ones,
    offset: zeros,
    link: "logit",
  });
  relCloseAll(general.coefficients, plain.coefficients, 1e-13, "coefficients");
  relClose(general.deviance, plain.deviance, 1e-13, "deviance");
  relClose(general.aic, plain.aic, 1e-13, "aic");
  assert.equal(general.iterations, plain.iterations);
});

Deno.test("glm counts a weight of k like k copies of the row (R's grouped binomial)", () => {
  // 3 successes out of 4 at x = 0, 1 out of 4 at x = 1: grouped vs one row per trial.
  const grouped = glm(fromRows([[0], [1]]), [0.75, 0.25], { intercept: true, weights: [4, 4] });
  const X = fromRows([[0], [0], [0], [0], [1], [1], [1], [1]]);
  const single = glm(X, [1, 1, 1, 0, 1, 0, 0, 0], { intercept: true });
  // The same maximum (log 3 and −2 log 3), reached from different starts (R's mustart differs:
  // (w·y + ½)/(w + 1) against (y + ½)/2), so equal to the convergence tolerance, not to the bit.
  relCloseAll(grouped.coefficients, single.coefficients, 1e-9, "coefficients");
  relClose(grouped.coefficients[0], Math.log(3), 1e-9, "log-odds at x = 0");
  // Standard errors come from the weights of the last iteration's start, so they agree only to
  // about the size of the last step; at the maximum, SE(intercept) = √(1/(4 · ¾ · ¼)) = √(4/3).
  relCloseAll(grouped.standardErrors, single.standardErrors, 1e-5, "standardErrors");
  relClose(grouped.standardErrors[0], Math.sqrt(4 / 3), 1e-5, "SE of the intercept");
  assert.deepEqual(grouped.warnings, []);
  assert.equal(grouped.dfResidual, 0);
});

Deno.test("glm warns of non-integer successes with R's text", () => {
  const fit = glm(fromRows([[1], [2], [3], [4]]), [1, 0, 1, 0], { weights: [1.5, 1, 1, 1] });
  assert.deepEqual(fit.warnings, [WARNING_NON_INTEGER]);
  assert.equal(WARNING_NON_INTEGER, "non-integer #successes in a binomial glm!");
  // |w·y − round(w·y)| ≤ 0.001 does not warn.
  const ok = glm(fromRows([[1], [2], [3], [4]]), [1, 0, 1, 0], { weights: [1.0005, 1, 1, 1] });
  assert.deepEqual(ok.warnings, []);
});

Deno.test("glm rejects bad weights, offsets, responses and links, naming the argument", () => {
  const X = fromRows([[1], [2], [3]]);
  const y = [0, 1, 1];
  const bad: [Parameters<typeof glm>[2], RegExp][] = [
    [{ weights: [1, -1, 1] }, /`options.weights` holds -1 at position 2; weights must be finite/],
    [{ weights: [1, NaN, 1] }, /`options.weights` holds NaN at position 2/],
    [{ weights: [1, 1] }, /`options.weights` has 2 entries but X has 3 rows/],
    [{ weights: [0, 0, 0] }, /`options.weights` are all 0/],
    [{ offset: [0, Infinity, 0] }, /`options.offset` holds Infinity at position 2/],
    [{ offset: [0, 0, 0, 0] }, /`options.offset` has 4 entries but X has 3 rows/],
    [
      // @ts-expect-error: checking the run-time guard
      { link: "log" },
      /`options.link` must be one of "logit", "probit", "cloglog", "cauchit", got log/,
    ],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => glm(X, y, options), (e: unknown) => {
      assert.ok(e instanceof ArgumentError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
  assert.throws(
    () => glm(X, [0, 1.5, 1], { link: "probit" }),
    /`y` holds 1.5 at position 2; y must be 0\/1 labels or proportions in \[0, 1\]/,
  );
  // Where the weight is 0, R accepts any y (and sets it to 0).
  const fit = glm(X, [0, 7, 1], { weights: [1, 0, 1] });
  assert.deepEqual(Array.from(fit.y), [0, 0, 1]);
  // The plain fit still demands 0/1 labels.
  assert.throws(() => glm(X, [0, 0.5, 1]), /`y` holds 0.5 at position 2; labels must be 0 or 1/);
});

Deno.test("predict demands the new rows' offset when the fit has one", () => {
  const ref = loadBeyondCase("tutorial_offset");
  const fit = glm(caseMatrix(ref), ref.y, caseOptions(ref));
  const X = predictionMatrix(ref, ref.predict[0]);
  assert.throws(() => predict(fit, X), /`options.offset` is required: the fit has an offset/);
  assert.throws(() => predict(fit, X, { offset: [0, 0] }), /`options.offset` must hold one number/);
  assert.throws(
    // @ts-expect-error: checking the run-time guard
    () => predict(fit, X, { offset: [0, 0, 0, 0, 0], seFit: "yes" }),
    /`options.seFit` must be true or false/,
  );
});

Deno.test("residuals rejects an unknown type", () => {
  const fit = glm(fromRows([[1], [2], [3]]), [0, 1, 1]);
  assert.throws(
    // @ts-expect-error: checking the run-time guard
    () => residuals(fit, "partial"),
    /`type` must be "deviance", "pearson", "working" or "response", got partial/,
  );
});

Deno.test("glm keeps its own copies of the weights and offset it was given", () => {
  const ref = loadBeyondCase("tutorial_weights");
  for (const method of ["qr", "cholesky"] as const) {
    const weights = Float64Array.from(ref.weights!);
    const offset = new Float64Array(ref.n).fill(0.25);
    const fit = glm(caseMatrix(ref), ref.y, { ...caseOptions(ref), weights, offset, method });
    weights.fill(7);
    offset.fill(-3);
    assert.deepEqual(Array.from(fit.priorWeights!), ref.weights, method);
    assert.ok(fit.offset!.every((o) => o === 0.25), method);
  }
});
