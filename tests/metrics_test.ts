import assert from "node:assert/strict";
import { ArgumentError } from "../lib/core/errors.ts";
import { distance, maxAbsDifference, meanAbsolutePercentageError } from "../lib/core/metrics.ts";

Deno.test("meanAbsolutePercentageError is 100·mean(|(ref − est)/ref|) (hand computation)", () => {
  // |(1 − 1.1)/1| = 0.1, |(−2 − (−1))/(−2)| = 0.5, |(4 − 4)/4| = 0: mean 0.2 → 20 %.
  assert.ok(Math.abs(meanAbsolutePercentageError([1, -2, 4], [1.1, -1, 4]) - 20) < 1e-12);
  assert.equal(meanAbsolutePercentageError([3, 5], [3, 5]), 0);
  // Not symmetric: the reference is the denominator.
  assert.ok(Math.abs(meanAbsolutePercentageError([2], [1]) - 50) < 1e-12);
  assert.ok(Math.abs(meanAbsolutePercentageError([1], [2]) - 100) < 1e-12);
});

Deno.test("meanAbsolutePercentageError reproduces R on the tutorial's weights (data/reference)", () => {
  const ref = JSON.parse(
    Deno.readTextFileSync(new URL("../data/reference/scratch_adam.json", import.meta.url)),
  );
  const e = meanAbsolutePercentageError(ref.lr_coefs, ref.theta);
  assert.ok(Math.abs(e - ref.mape) <= 1e-15 * ref.mape);
});

Deno.test("meanAbsolutePercentageError refuses a zero or NA reference with a clear message", () => {
  assert.throws(
    () => meanAbsolutePercentageError([1, 0], [1, 0]),
    (e: unknown) => e instanceof ArgumentError && /is 0 at position 2/.test(e.message),
  );
  assert.throws(
    () => meanAbsolutePercentageError([1, null], [1, 2]),
    (e: unknown) =>
      e instanceof ArgumentError && /R's NA/.test(e.message) && e.argument === "reference",
  );
});

Deno.test("maxAbsDifference is the largest |ref − est|", () => {
  assert.equal(maxAbsDifference([1, 2, 3], [1.5, 2, 0]), 3);
  assert.equal(maxAbsDifference([-1], [-1]), 0);
});

Deno.test("distance is the Euclidean norm of the difference, without overflow", () => {
  assert.equal(distance([0, 0, 0], [1, 2, 2]), 3);
  assert.ok(Math.abs(distance([1e200, 0], [-2e200, 4e200]) / 5e200 - 1) < 1e-15);
  assert.equal(distance([1e-200], [1e-200]), 0);
  assert.ok(Math.abs(distance([3e-200, 0], [0, 4e-200]) - 5e-200) < 1e-214);
});

Deno.test("metrics reject unequal lengths, empty and non-finite input, naming the argument", () => {
  for (const f of [meanAbsolutePercentageError, maxAbsDifference, distance]) {
    assert.throws(
      () => f([1, 2], [1]),
      (e: unknown) => e instanceof ArgumentError && e.argument === "estimate",
    );
    assert.throws(
      () => f([], []),
      (e: unknown) => e instanceof ArgumentError && e.argument === "reference",
    );
    assert.throws(
      () => f([1], [NaN]),
      (e: unknown) => e instanceof ArgumentError && e.argument === "estimate",
    );
    assert.throws(
      () => f(null as unknown as number[], [1]),
      (e: unknown) => e instanceof ArgumentError && e.argument === "reference",
    );
  }
});
