/**
 * confint (Wald, as R's confint.default; profile, as MASS 7.3-58's profile.glm and
 * confint.profile.glm) and profile, against GNU R 4.2.2 on the 13 cases of
 * scripts/r/reference_glm_beyond.R, and R's spline/approx as MASS uses them.
 */
import assert from "node:assert/strict";
import { confint, glm, type GlmFit, profile } from "../lib/mod.ts";
import { approx, seqLength, spline } from "../lib/r/spline.ts";
import { fromRows } from "../lib/core/matrix.ts";
import {
  BEYOND_CASES,
  type BeyondCase,
  caseMatrix,
  caseOptions,
  loadBeyondCase,
} from "./glm_beyond_cases.ts";

function close(a: number | null, b: number | null, tol: number, what: string) {
  if (b === null) {
    assert.equal(a, null, `${what}: R gives NA`);
    return;
  }
  assert.ok(a !== null, `${what}: R gives ${b}, got null`);
  const err = Math.abs(a - b);
  assert.ok(err <= tol * Math.abs(b), `${what}: ${a} vs R ${b} (relative ${err / Math.abs(b)})`);
}

const fits = new Map<string, { ref: BeyondCase; fit: GlmFit }>();
function fitted(name: (typeof BEYOND_CASES)[number]) {
  if (!fits.has(name)) {
    const ref = loadBeyondCase(name);
    fits.set(name, { ref, fit: glm(caseMatrix(ref), ref.y, caseOptions(ref)) });
  }
  return fits.get(name)!;
}

for (const name of BEYOND_CASES) {
  Deno.test(`confint (Wald) agrees with R's confint.default on ${name}`, () => {
    const { ref, fit } = fitted(name);
    for (const r of ref.confint.wald) {
      const ci = confint(fit, { level: r.level, method: "wald" });
      assert.equal(ci.method, "wald");
      r.lower.forEach((v, j) => close(ci.lower[j], v, 1e-8, `${r.level} lower[${j}]`));
      r.upper.forEach((v, j) => close(ci.upper[j], v, 1e-8, `${r.level} upper[${j}]`));
    }
  });

  Deno.test(`confint (profile) agrees with MASS's confint on ${name}, profile points too`, () => {
    const { ref, fit } = fitted(name);
    for (const r of ref.confint.profile) {
      const ci = confint(fit, { level: r.level });
      assert.equal(ci.method, "profile");
      r.lower.forEach((v, j) => close(ci.lower[j], v, 1e-6, `${r.level} lower[${j}]`));
      r.upper.forEach((v, j) => close(ci.upper[j], v, 1e-6, `${r.level} upper[${j}]`));
      assert.deepEqual(ci.warnings, r.warnings);
      assert.equal(ci.profile!.alpha, r.alpha);
      ci.profile!.profiles.forEach((p, j) => {
        const rp = r.profiles[j];
        if (rp === null) {
          assert.equal(p, null, `profile of an aliased coefficient (${j})`);
          return;
        }
        assert.ok(p !== null);
        assert.equal(p.name, rp.name);
        assert.equal(p.z.length, rp.z.length, `${rp.name}: number of profile points`);
        p.z.forEach((z, i) => assert.ok(Math.abs(z - rp.z[i]) < 1e-8, `${rp.name} z[${i}]`));
        p.parVals.forEach((row, i) =>
          row.forEach((v, l) => close(v, rp.parVals[i][l], 1e-8, `${rp.name} parVals[${i}][${l}]`))
        );
      });
    }
  });
}

Deno.test("confint prints R's matrix header and rejects a bad level or method", () => {
  const { fit } = fitted("budworm_logit");
  const text = String(confint(fit, { method: "wald" })).split("\n");
  assert.match(text[0], /^\s+2\.5 % +97\.5 %$/);
  assert.match(text[1], /^\(Intercept\) /);
  assert.throws(() => confint(fit, { level: 1 }), /`options.level` must lie in \(0, 1\), got 1/);
  assert.throws(
    // @ts-expect-error: checking the run-time guard
    () => confint(fit, { method: "score" }),
    /`options.method`/,
  );
  assert.throws(() => profile(fit, { maxsteps: 1 }), /`options.maxsteps` must be an integer ≥ 2/);
});

Deno.test("profile of a one-coefficient model uses the empty model's deviance at each step", () => {
  // y ~ x − 1: moving the only coefficient into the offset leaves no column (R's EMPTY glm.fit).
  const X = fromRows([[-2], [-1], [0.5], [1], [2], [3]]);
  const fit = glm(X, [0, 1, 0, 1, 1, 1]);
  const { profiles } = profile(fit, { alpha: 0.0125 });
  const p = profiles[0]!;
  // Each point's z² is the deviance at η = b·x minus the fit's deviance.
  p.z.forEach((z, i) => {
    const b = p.parVals[i][0]!;
    let dev = 0;
    X.data.forEach((x, r) => {
      const mu = 1 / (1 + Math.exp(-b * x));
      dev += -2 * Math.log([0, 1, 0, 1, 1, 1][r] === 1 ? mu : 1 - mu);
    });
    assert.ok(Math.abs(z * z - (dev - fit.deviance)) < 1e-10, `point ${i}`);
  });
});

Deno.test("spline and approx equal R's: fmm spline on 3n points, linear approx, NA outside", () => {
  // GNU R 4.2.2: s <- spline(c(0, 1, 3, 4), c(0, 1, 0, 2)); sprintf("%.17g", s$y)
  const rY = [
    0,
    0.68269471575256702,
    0.97670924117205105,
    0.9782118707738543,
    0.78337089907337842,
    0.48835462058602541,
    0.1893313298271978,
    -0.017530678687703638,
    -0.036063110443275814,
    0.22990232907588301,
    0.87653393438517468,
    1.9999999999999998,
  ];
  const s = spline([0, 1, 3, 4], [0, 1, 0, 2]);
  assert.deepEqual(s.x, seqLength(0, 4, 12));
  s.y.forEach((y, i) => assert.ok(Math.abs(y - rY[i]) <= 1e-15, `y[${i}]: ${y} vs ${rY[i]}`));
  // approx(s$y, s$x, xout = c(0.5, 1.5, -1))$y: 1.7310215557638231 2.5764705882352943 NA
  const a = approx(s.y, s.x, [0.5, 1.5, -1]);
  assert.ok(
    Math.abs(a[0] - 1.7310215557638231) < 1e-15 && Math.abs(a[1] - 2.5764705882352943) < 1e-15,
  );
  assert.ok(Number.isNaN(a[2]));
  // spline(c(2, 1, 2, 3), c(10, 5, 20, 0)): the tied x = 2 collapse to their mean 15, n = 3 · 3.
  const t = spline([2, 1, 2, 3], [10, 5, 20, 0]);
  const rT = [
    5,
    9.84375,
    13.125,
    14.843750000000002,
    15.000000000000002,
    13.59375,
    10.625,
    6.0937500000000018,
    0,
  ];
  assert.equal(t.x.length, 9);
  t.y.forEach((y, i) => assert.ok(Math.abs(y - rT[i]) <= 1e-14, `tied y[${i}]: ${y} vs ${rT[i]}`));
});
