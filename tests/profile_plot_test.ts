import assert from "node:assert/strict";
import { confint, glm, profilePlot } from "../lib/mod.ts";
import { caseMatrix, caseOptions, loadBeyondCase } from "./glm_beyond_cases.ts";

const ref = loadBeyondCase("budworm_cloglog");
const fit = glm(caseMatrix(ref), ref.y, caseOptions(ref));
const ci = confint(fit);

Deno.test("profilePlot draws every profile point, the cut-offs and both intervals' ends", () => {
  const j = fit.names.indexOf("ldose");
  const fig = profilePlot(fit, ci, "ldose");
  assert.equal((fig.svg.match(/<circle /g) ?? []).length, ci.profile!.profiles[j]!.z.length);
  assert.ok(fig.svg.includes(">profile<") && fig.svg.includes(">Wald<"));
  assert.ok(fig.svg.includes(">ldose"), "the x axis is labelled with the coefficient");
  // Two groups of rules: the cut-offs ±z (2 lines), then the two intervals' ends (4 lines).
  const rules = [...fig.svg.matchAll(/aria-label="rule"[^]*?<\/g>/g)].map((m) =>
    (m[0].match(/<line /g) ?? []).length
  );
  assert.deepEqual(rules, [2, 4]);
});

Deno.test("profilePlot names the problem with a bad coefficient or intervals without a profile", () => {
  assert.throws(
    () => profilePlot(fit, ci, "dose"),
    /`coefficient` must be one of the fit's coefficients/,
  );
  assert.throws(
    () => profilePlot(fit, confint(fit, { method: "wald" }), "ldose"),
    /`ci` holds no profile of ldose/,
  );
});
