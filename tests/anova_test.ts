/**
 * anova(reduced, full) against GNU R 4.2.2's anova(reduced, fit, test = "Chisq") on the four
 * reference cases with a reduced model (scripts/r/reference_glm_beyond.R), its printed text byte for
 * byte, the χ² tail, and the errors for fits that cannot be compared.
 */
import assert from "node:assert/strict";
import { anova, glm, type GlmOptions } from "../lib/mod.ts";
import { fromColumnMajor, fromRows } from "../lib/core/matrix.ts";
import { pchisqUpper } from "../lib/r/pchisq.ts";
import { ArgumentError } from "../lib/core/errors.ts";
import {
  anovaText,
  BEYOND_CASES,
  caseMatrix,
  caseOptions,
  loadBeyondCase,
} from "./glm_beyond_cases.ts";

const METHODS = ["qr", "cholesky"] as const;

for (const name of BEYOND_CASES) {
  const ref = loadBeyondCase(name);
  const r = ref.anova;
  if (r === null) continue;
  for (const method of METHODS) {
    Deno.test(`anova agrees with R's anova(…, test = "Chisq") on ${name} (method ${method})`, () => {
      const opts: GlmOptions = { ...caseOptions(ref), method };
      const full = glm(caseMatrix(ref), ref.y, opts);
      // The reduced model's columns, taken from the full design (column-major storage).
      const cols = r.columns;
      const data = cols.flatMap((j) => ref.xColumnMajor.slice(j * ref.n, (j + 1) * ref.n));
      const X = fromColumnMajor(ref.n, cols.length, data);
      const reduced = glm(X, ref.y, { ...opts, names: cols.map((j) => ref.featureNames[j]) });
      assert.deepEqual(reduced.names, r.fit.names);
      const t = anova(reduced, full);
      assert.deepEqual(t.rows.map((row) => row.dfResidual), r.residDf);
      t.rows.forEach((row, i) => {
        const rel = Math.abs(row.deviance - r.residDev[i]) / r.residDev[i];
        assert.ok(rel < 1e-10, `residual deviance ${i}`);
      });
      assert.equal(t.rows[0].df, null);
      assert.equal(t.rows[0].devianceChange, null);
      assert.equal(t.rows[0].pValue, null);
      assert.equal(t.rows[1].df, r.df[1]);
      const dd = Math.abs(t.rows[1].devianceChange! - r.deviance[1]!) / r.deviance[1]!;
      assert.ok(dd < 1e-8, `deviance change: relative ${dd}`);
      const dp = Math.abs(t.rows[1].pValue! - r.pChi[1]!) / r.pChi[1]!;
      assert.ok(dp < 1e-7, `p value: relative ${dp}`);
      // R's print.anova, byte for byte (R's formulas in the heading, as R deparses them).
      const lines = anovaText(name)!.trimEnd().split("\n");
      const formulas = lines.filter((l) => l.startsWith("Model ")).map((l) =>
        l.replace(/^Model \d: /, "")
      ) as [string, string];
      assert.equal(String(anova(reduced, full, { formulas })), lines.join("\n"));
    });
  }
}

Deno.test("pchisqUpper equals R's pchisq(x, df, lower.tail = FALSE)", () => {
  // GNU R 4.2.2: sprintf("%.17g", pchisq(c(10.227, 0.5, 21.035, 60, 3.2, 1500), c(1, 2, 1, 3, 7, 1200), lower.tail = FALSE))
  const x = [10.227, 0.5, 21.035, 60, 3.2, 1500];
  const df = [1, 2, 1, 3, 7, 1200];
  const r = [
    0.0013839958691583706,
    0.77880078307140488,
    4.5096953328254868e-06,
    5.8782307279069133e-13,
    0.86590474173609833,
    6.3410712857247336e-09,
  ];
  x.forEach((v, i) => {
    const rel = Math.abs(pchisqUpper(v, df[i]) - r[i]) / r[i];
    assert.ok(rel < 1e-12, `pchisq(${v}, ${df[i]}): relative ${rel}`);
  });
});

Deno.test("anova refuses fits that are not of the same data, naming the problem", () => {
  const X = fromRows([[0], [1], [2], [3], [4], [5]]);
  const y = [0, 1, 0, 1, 1, 1];
  const a = glm(X, y, { intercept: true });
  const check = (b: ReturnType<typeof glm>, message: RegExp) =>
    assert.throws(
      () => anova(a, b),
      (e: unknown) => e instanceof ArgumentError && message.test(e.message),
    );
  check(
    glm(fromRows([[0], [1], [2], [3], [4]]), y.slice(1), { intercept: true }),
    /same size of dataset/,
  );
  check(glm(X, [1, 1, 0, 1, 1, 1], { intercept: true }), /different responses/);
  check(glm(X, y, { intercept: true, weights: [1, 2, 1, 1, 1, 1] }), /different prior weights/);
  check(glm(X, y, { intercept: true, offset: [0, 0, 0.1, 0, 0, 0] }), /different offsets/);
  check(glm(X, y, { intercept: true, link: "probit" }), /different links/);
});
