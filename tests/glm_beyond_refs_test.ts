/**
 * Checks that the R references of scripts/r/reference_glm_beyond.R are well formed and agree with
 * themselves (each output recomputed from the file's own inputs and other outputs). These test the
 * reference files, not lib/: a file that R wrote from a different fit, a column or weight that was
 * written in the wrong order, or a field from another case would fail here.
 */
import assert from "node:assert/strict";
import {
  anovaText,
  BEYOND_CASES,
  type BeyondCase,
  caseOptions,
  type Link,
  loadBeyondCase,
  summaryText,
} from "./glm_beyond_cases.ts";

const EPS = 2.220446049250313e-16; // .Machine$double.eps
// R 4.2.2: sprintf("%.17g", qnorm(c(0.025, 0.975, 0.05, 0.95))). confint.default uses both tails,
// and qnorm(0.025) is not exactly -qnorm(0.975).
const QNORM: Record<string, [number, number]> = {
  "0.95": [-1.9599639845400538, 1.9599639845400536],
  "0.9": [-1.6448536269514726, 1.6448536269514715],
};

function close(actual: number, expected: number, rel: number, what: string, abs = 0) {
  const err = Math.abs(actual - expected);
  assert.ok(
    err <= rel * Math.abs(expected) || err <= abs,
    `${what}: ${actual} vs ${expected} (difference ${err.toExponential(2)})`,
  );
}

/** The value of a coefficient-like entry that must be present (not NA). */
function num(x: number | null, what: string): number {
  assert.ok(typeof x === "number" && Number.isFinite(x), `${what}: expected a number, got ${x}`);
  return x;
}

/** dμ/dη as R's binomial(link)$mu.eta computes it (with its clamps). */
function muEta(link: Link, eta: number): number {
  switch (link) {
    case "logit": {
      if (eta > 30 || eta < -30) return EPS;
      const e = Math.exp(eta);
      return e / ((1 + e) * (1 + e));
    }
    case "probit":
      return Math.max(Math.exp(-0.5 * eta * eta) / Math.sqrt(2 * Math.PI), EPS);
    case "cloglog": {
      const t = Math.min(eta, 700);
      return Math.max(Math.exp(t) * Math.exp(-Math.exp(t)), EPS);
    }
    case "cauchit":
      return Math.max(1 / (Math.PI * (1 + eta * eta)), EPS);
  }
}

/** μ from η as R's binomial(link)$linkinv, for the links that need no normal CDF. */
function linkinv(link: Exclude<Link, "probit">, eta: number): number {
  switch (link) {
    case "logit": {
      const t = eta < -30 ? EPS : eta > 30 ? 1 / EPS : Math.exp(eta);
      return t / (1 + t);
    }
    case "cloglog":
      return Math.max(Math.min(-Math.expm1(-Math.exp(eta)), 1 - EPS), EPS);
    case "cauchit":
      return 0.5 + Math.atan(eta) / Math.PI;
  }
}

/** The unit deviance of binomial()$dev.resids: 2 w (y log(y/μ) + (1−y) log((1−y)/(1−μ))). */
function unitDeviance(y: number, mu: number, w: number): number {
  const ylogy = (a: number, b: number) => (a !== 0 ? a * Math.log(a / b) : 0);
  return 2 * w * (ylogy(y, mu) + ylogy(1 - y, 1 - mu));
}

/** Row i of the full design (with the intercept column first when the case has one). */
function designRow(ref: BeyondCase, xColumnMajor: number[], rows: number, i: number): number[] {
  const row: number[] = ref.intercept ? [1] : [];
  for (let j = 0; j < ref.k; j++) row.push(xColumnMajor[j * rows + i]);
  return row;
}

/** x·β with aliased (null) coefficients taken as 0, as R's glm.fit and predict.lm do. */
function dotCoef(x: number[], beta: (number | null)[]): number {
  return x.reduce((s, xj, j) => s + xj * (beta[j] ?? 0), 0);
}

for (const name of BEYOND_CASES) {
  const ref = loadBeyondCase(name);
  const { n, k, fit } = ref;
  const K = k + (ref.intercept ? 1 : 0);
  const w = ref.weights ?? Array.from({ length: n }, () => 1);
  const aliased = fit.coefficients.map((c) => c === null);

  Deno.test(`glm_${name}: the file is complete and its shapes agree`, () => {
    assert.equal(ref.case, name);
    assert.match(ref.R, /^R version 4\.2\.2/);
    assert.equal(ref.MASS, "7.3.58.2");
    assert.ok(["logit", "probit", "cloglog", "cauchit"].includes(ref.link));
    assert.ok(ref.call.includes(`link = "${ref.link}"`), ref.call);
    assert.equal(ref.featureNames.length, k);
    assert.equal(ref.xColumnMajor.length, n * k);
    assert.ok(ref.xColumnMajor.every(Number.isFinite));
    for (const v of [ref.y, fit.y, fit.priorWeights, fit.workingWeights, fit.fitted]) {
      assert.equal(v.length, n);
    }
    for (const v of [fit.linearPredictors, ...Object.values(ref.residuals)]) {
      assert.equal(v.length, n);
    }
    if (ref.weights !== null) assert.equal(ref.weights.length, n);
    if (ref.offset !== null) assert.equal(ref.offset.length, n);
    assert.deepEqual(fit.names, [...(ref.intercept ? ["(Intercept)"] : []), ...ref.featureNames]);
    for (const v of [fit.coefficients, fit.standardErrors, fit.zValues, fit.pValues]) {
      assert.equal(v.length, K);
    }
    assert.equal(ref.vcov.length, K);
    for (const row of ref.vcov) assert.equal(row.length, K);
    assert.equal(fit.rank, aliased.filter((a) => !a).length);
    assert.equal(fit.trace.length, fit.iterations);
    assert.deepEqual(fit.trace[fit.iterations - 1].coefficients, fit.coefficients);
    assert.equal(fit.trace[fit.iterations - 1].deviance, fit.deviance);
    const opts = caseOptions(ref);
    assert.equal(opts.weights, ref.weights ?? undefined);
    assert.equal(opts.offset, ref.offset ?? undefined);
    assert.ok(ref.predict.length > 0);
    for (const p of ref.predict) {
      assert.equal(p.xColumnMajor.length, p.n * k);
      for (const v of [p.link.fit, p.link.seFit, p.response.fit, p.response.seFit]) {
        assert.equal(v.length, p.n);
      }
      assert.equal(p.offset === null, ref.offset === null);
      if (p.offset !== null) assert.equal(p.offset.length, p.n);
      assert.equal(p.residualScale, 1);
    }
    assert.deepEqual(ref.confint.wald.map((c) => c.level), [0.95, 0.9]);
    assert.deepEqual(ref.confint.profile.map((c) => c.level), [0.95, 0.9]);
  });

  Deno.test(`glm_${name}: R's y, weights and warnings follow binomial()$initialize`, () => {
    assert.deepEqual(fit.priorWeights, w);
    // y is set to 0 where the weight is 0; elsewhere it is the y given.
    assert.deepEqual(fit.y, ref.y.map((y, i) => (w[i] === 0 ? 0 : y)));
    assert.ok(ref.y.every((y) => y >= 0 && y <= 1));
    // "non-integer #successes" exactly when some w·y is further than 0.001 from an integer.
    const nonInteger = fit.y.some((y, i) => Math.abs(w[i] * y - Math.round(w[i] * y)) > 0.001);
    assert.equal(fit.warnings.includes("non-integer #successes in a binomial glm!"), nonInteger);
    // Rows of weight 0 have working weight 0.
    fit.workingWeights.forEach((ww, i) => assert.ok(w[i] === 0 ? ww === 0 : ww > 0, `row ${i}`));
  });

  Deno.test(`glm_${name}: linear predictors, fitted values and df agree with the inputs`, () => {
    for (let i = 0; i < n; i++) {
      const eta = dotCoef(designRow(ref, ref.xColumnMajor, n, i), fit.coefficients) +
        (ref.offset?.[i] ?? 0);
      close(fit.linearPredictors[i], eta, 1e-12, `η[${i}]`, 1e-12);
      if (ref.link !== "probit") {
        close(fit.fitted[i], linkinv(ref.link, fit.linearPredictors[i]), 1e-12, `μ[${i}]`);
      }
    }
    const nonZero = w.filter((wi) => wi !== 0).length;
    assert.equal(ref.nobs, nonZero);
    assert.equal(fit.dfResidual, nonZero - fit.rank);
    assert.equal(fit.dfNull, nonZero - (ref.intercept ? 1 : 0));
  });

  Deno.test(`glm_${name}: vcov is symmetric, NA where aliased, and gives the std. errors`, () => {
    for (let i = 0; i < K; i++) {
      for (let j = 0; j < K; j++) {
        assert.equal(ref.vcov[i][j] === null, aliased[i] || aliased[j], `vcov[${i}][${j}]`);
        assert.equal(ref.vcov[i][j], ref.vcov[j][i], `vcov[${i}][${j}] vs [${j}][${i}]`);
      }
      if (aliased[i]) {
        assert.equal(fit.standardErrors[i], null);
        assert.equal(fit.zValues[i], null);
        assert.equal(fit.pValues[i], null);
        continue;
      }
      const se = num(fit.standardErrors[i], `se[${i}]`);
      close(
        Math.sqrt(num(ref.vcov[i][i], `vcov[${i}][${i}]`)),
        se,
        1e-12,
        `sqrt(vcov[${i}][${i}])`,
      );
      close(num(fit.zValues[i], `z[${i}]`), num(fit.coefficients[i], `β[${i}]`) / se, 1e-12, `z`);
      const p = num(fit.pValues[i], `p[${i}]`);
      assert.ok(p > 0 && p <= 1, `p[${i}] = ${p}`);
    }
  });

  Deno.test(`glm_${name}: logLik, AIC and BIC agree (BIC counts every row)`, () => {
    const { value, df, nobs } = ref.logLik;
    assert.equal(df, fit.rank);
    // R counts the rows with a non-NA working residual: all n, including those of weight 0,
    // while nobs(fit) leaves the rows of weight 0 out.
    assert.equal(nobs, n);
    close(value, fit.rank - fit.aic / 2, 1e-14, "logLik = rank - aic/2");
    close(ref.AIC, -2 * value + 2 * df, 1e-14, "AIC = -2 logLik + 2 rank");
    close(ref.AIC, fit.aic, 1e-14, "AIC(fit) = fit$aic");
    close(ref.BIC, -2 * value + Math.log(nobs) * df, 1e-14, "BIC = -2 logLik + log(n) rank");
    assert.ok(fit.deviance <= fit.nullDeviance);
  });

  Deno.test(`glm_${name}: the four kinds of residuals agree with y, μ and the weights`, () => {
    const { deviance, pearson, working, response } = ref.residuals;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const y = fit.y[i];
      const mu = fit.fitted[i];
      assert.equal(response[i], y - mu, `response[${i}] = y - μ`);
      close(
        pearson[i],
        (y - mu) * Math.sqrt(w[i]) / Math.sqrt(mu * (1 - mu)),
        1e-13,
        `pearson[${i}]`,
        1e-300,
      );
      close(
        working[i],
        (y - mu) / muEta(ref.link, fit.linearPredictors[i]),
        1e-12,
        `working[${i}]`,
      );
      const d = unitDeviance(y, mu, w[i]);
      close(deviance[i], Math.sign(y - mu) * Math.sqrt(Math.max(d, 0)), 1e-12, `deviance[${i}]`);
      sumSq += deviance[i] * deviance[i];
    }
    close(sumSq, fit.deviance, 1e-12, "sum of squared deviance residuals = deviance");
  });

  Deno.test(`glm_${name}: predict gives x·β + offset and sqrt(x V xᵀ) on new rows`, () => {
    for (const p of ref.predict) {
      for (let i = 0; i < p.n; i++) {
        const x = designRow(ref, p.xColumnMajor, p.n, i);
        const what = `${p.label}[${i}]`;
        const eta = dotCoef(x, fit.coefficients) + (p.offset?.[i] ?? 0);
        close(p.link.fit[i], eta, 1e-12, `link ${what}`, 1e-12);
        let q = 0;
        for (let a = 0; a < K; a++) {
          for (let b = 0; b < K; b++) {
            if (!aliased[a] && !aliased[b]) q += x[a] * num(ref.vcov[a][b], "vcov") * x[b];
          }
        }
        close(p.link.seFit[i], Math.sqrt(q), 1e-12, `se.fit link ${what}`);
        close(
          p.response.seFit[i],
          p.link.seFit[i] * muEta(ref.link, p.link.fit[i]),
          1e-12,
          `se.fit response ${what}`,
        );
        if (ref.link !== "probit") {
          close(p.response.fit[i], linkinv(ref.link, p.link.fit[i]), 1e-12, `response ${what}`);
        }
      }
      const rankDeficient = aliased.some((a) => a);
      assert.equal(
        p.warnings.includes("prediction from a rank-deficient fit may be misleading"),
        rankDeficient,
      );
    }
  });

  Deno.test(`glm_${name}: Wald and profile intervals agree with the fit`, () => {
    for (const c of ref.confint.wald) {
      const [lo, hi] = QNORM[String(c.level)];
      for (let j = 0; j < K; j++) {
        if (aliased[j]) {
          assert.equal(c.lower[j], null);
          assert.equal(c.upper[j], null);
          continue;
        }
        const b = num(fit.coefficients[j], "β");
        const se = num(fit.standardErrors[j], "se");
        close(num(c.lower[j], "lower"), b + lo * se, 1e-14, `Wald ${c.level} lower[${j}]`, 1e-14);
        close(num(c.upper[j], "upper"), b + hi * se, 1e-14, `Wald ${c.level} upper[${j}]`, 1e-14);
      }
    }
    const [p95, p90] = ref.confint.profile;
    for (const c of ref.confint.profile) {
      close(c.alpha, (1 - c.level) / 4, 1e-15, "alpha");
      assert.equal(c.profiles.length, K);
      for (let j = 0; j < K; j++) {
        const prof = c.profiles[j];
        if (aliased[j]) {
          assert.equal(prof, null);
          assert.equal(c.lower[j], null);
          continue;
        }
        assert.ok(prof !== null);
        assert.equal(prof.name, fit.names[j]);
        const b = num(fit.coefficients[j], "β");
        const lower = num(c.lower[j], "profile lower");
        const upper = num(c.upper[j], "profile upper");
        assert.ok(lower < b && b < upper, `${prof.name}: ${lower} < ${b} < ${upper}`);
        assert.equal(prof.parVals.length, prof.z.length);
        // z rises with the profiled coefficient and is 0 at the fit (where all of β is the fit's).
        const at = prof.z.indexOf(0);
        assert.ok(at >= 0);
        assert.deepEqual(prof.parVals[at], fit.coefficients);
        for (let r = 1; r < prof.z.length; r++) {
          assert.ok(prof.z[r] > prof.z[r - 1], `${prof.name}: z sorted`);
          assert.ok(num(prof.parVals[r][j], "par") > num(prof.parVals[r - 1][j], "par"));
        }
        // Each row is a whole coefficient vector, NA only where aliased.
        for (const row of prof.parVals) {
          assert.equal(row.length, K);
          row.forEach((v, a) => assert.equal(v === null, aliased[a]));
        }
        // The interval lies inside the profiled range.
        assert.ok(
          lower >= num(prof.parVals[0][j], "par") && upper <= num(prof.parVals.at(-1)![j], "par"),
        );
      }
    }
    // The 90% interval lies inside the 95% one.
    for (let j = 0; j < K; j++) {
      if (aliased[j]) continue;
      assert.ok(
        num(p95.lower[j], "") < num(p90.lower[j], "") &&
          num(p90.upper[j], "") < num(p95.upper[j], ""),
      );
    }
  });

  Deno.test(`glm_${name}: the printed summary shows this fit`, () => {
    const text = summaryText(name);
    assert.ok(text.startsWith("\nCall:\n"), "starts with Call:");
    assert.ok(text.includes(`family = binomial(link = "${ref.link}")`));
    assert.match(text, new RegExp(`Null deviance: +\\S+ +on +${fit.dfNull} +degrees of freedom`));
    assert.match(
      text,
      new RegExp(`Residual deviance: +\\S+ +on +${fit.dfResidual} +degrees of freedom`),
    );
    assert.ok(text.includes(`Number of Fisher Scoring iterations: ${fit.iterations}\n`));
    for (const nm of fit.names) assert.ok(text.includes(`\n${nm} `), `row ${nm}`);
    const nAliased = aliased.filter((a) => a).length;
    assert.equal(
      text.includes(`(${nAliased} not defined because of singularities)`),
      nAliased > 0,
    );
  });

  Deno.test(`glm_${name}: the anova table agrees with the two fits`, () => {
    const a = ref.anova;
    const text = anovaText(name);
    assert.equal(a === null, text === null);
    if (a === null || text === null) return;
    assert.ok(a.columns.every((c) => c >= 0 && c < k));
    assert.deepEqual(a.fit.names, [
      ...(ref.intercept ? ["(Intercept)"] : []),
      ...a.columns.map((c) => ref.featureNames[c]),
    ]);
    assert.deepEqual(a.residDf, [a.fit.dfResidual, fit.dfResidual]);
    assert.deepEqual(a.residDev, [a.fit.deviance, fit.deviance]);
    assert.equal(a.fit.nullDeviance, fit.nullDeviance);
    assert.deepEqual(a.df, [null, a.fit.dfResidual - fit.dfResidual]);
    assert.equal(a.df[1], k - a.columns.length);
    assert.equal(a.deviance[0], null);
    close(num(a.deviance[1], "deviance"), a.fit.deviance - fit.deviance, 1e-14, "Deviance");
    assert.equal(a.pChi[0], null);
    const p = num(a.pChi[1], "Pr(>Chi)");
    assert.ok(p > 0 && p < 1);
    assert.deepEqual(a.heading[0], "Analysis of Deviance Table\n");
    assert.ok(text.startsWith(a.heading.join("\n")), "the printed heading");
    assert.ok(ref.call.includes(a.heading[1].split("\nModel 2: ")[1]), "model 2 is the case's");
  });
}
