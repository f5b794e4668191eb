import assert from "node:assert/strict";
import fc from "fast-check";
import {
  contrastRatio,
  dodgeLabels,
  logTicks,
  PALETTE,
  powerOfTen,
  textWidth,
  wrapText,
} from "../lib/view/labels.ts";
import { ArgumentError } from "../lib/core/errors.ts";

const sumOfSquares = (a: number[], b: readonly number[]) =>
  a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);

Deno.test("dodgeLabels keeps every pair gap apart, in order, within the bounds", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 400, noNaN: true }), { maxLength: 12 }),
      fc.double({ min: 0, max: 20, noNaN: true }),
      (targets, gap) => {
        const [min, max] = [0, 400];
        fc.pre((targets.length - 1) * gap <= max - min);
        const out = dodgeLabels(targets, { gap, min, max });
        assert.equal(out.length, targets.length);
        const order = targets.map((_, i) => i).sort((a, b) => targets[a] - targets[b] || a - b);
        for (let r = 1; r < order.length; r++) {
          // 1e-9: the positions are sums of doubles
          assert.ok(out[order[r]] - out[order[r - 1]] >= gap - 1e-9, `gap at rank ${r}`);
        }
        for (const p of out) assert.ok(p >= min - 1e-9 && p <= max + 1e-9, `${p} out of bounds`);
      },
    ),
  );
});

Deno.test("dodgeLabels leaves labels alone that already clear each other", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 10 }), (steps) => {
      // Targets at least 12 apart, increasing.
      const targets = steps.map((_, i) =>
        12 * i + steps.slice(0, i + 1).reduce((a, b) => a + b, 0)
      );
      assert.deepEqual(dodgeLabels(targets, { gap: 12 }), targets);
    }),
  );
});

Deno.test("dodgeLabels moves labels as little as any valid placement (least squares)", () => {
  // Against a brute force over a grid of placements for three labels.
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 3, maxLength: 3 }),
      (targets) => {
        const gap = 10, min = 0, max = 40;
        const out = dodgeLabels(targets, { gap, min, max });
        const best = sumOfSquares(out, targets);
        const order = targets.map((_, i) => i).sort((a, b) => targets[a] - targets[b] || a - b);
        for (let a = 0; a <= 40; a += 0.5) {
          for (let b = a + gap; b <= 40; b += 0.5) {
            for (let c = b + gap; c <= max; c += 0.5) {
              const placed = new Array<number>(3);
              [a, b, c].forEach((p, r) => placed[order[r]] = p);
              assert.ok(best <= sumOfSquares(placed, targets) + 1e-9, `${placed} beats ${out}`);
            }
          }
        }
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("dodgeLabels spreads a crowd symmetrically and clamps it at the edges", () => {
  assert.deepEqual(dodgeLabels([50, 50, 50], { gap: 10 }), [40, 50, 60]);
  assert.deepEqual(dodgeLabels([100, 100, 100], { gap: 10, max: 100 }), [80, 90, 100]);
  // Order of the input is kept in the output; ties keep their input order.
  assert.deepEqual(dodgeLabels([30, 0, 30], { gap: 10 }), [25, 0, 35]);
});

Deno.test("dodgeLabels names the problem when the labels cannot fit", () => {
  assert.throws(
    () => dodgeLabels([0, 1, 2], { gap: 10, min: 0, max: 15 }),
    (e: unknown) =>
      e instanceof ArgumentError && e.argument === "targets" && /taller/.test(e.message),
  );
  assert.throws(() => dodgeLabels([0, NaN], { gap: 10 }), /targets\[1\]/);
  assert.throws(() => dodgeLabels([0], { gap: -1 }), /gap/);
});

Deno.test("textWidth estimates DejaVu Sans, so wide fonts fit", () => {
  // Measured in Chromium with DejaVu Sans at 100 px: "X10" is 68.5 + 63.6 + 63.6 = 195.7.
  assert.ok(Math.abs(textWidth("X10", 100) - 199.2) < 4);
  assert.ok(textWidth("scratch Adam", 10) > 60 && textWidth("scratch Adam", 10) < 80);
});

Deno.test("wrapText breaks at spaces and never exceeds the width with two words or more", () => {
  const text = "The distance of each iterate to the final coefficients, on a log scale";
  for (const line of wrapText(text, 200, 13)) {
    assert.ok(textWidth(line, 13) <= 200 || !line.includes(" "), line);
  }
  assert.equal(wrapText(text, 200, 13).join(" "), text);
});

Deno.test("powerOfTen writes exponents as superscripts, small powers as decimals", () => {
  assert.deepEqual(
    [1e-13, 1e-4, 0.001, 0.01, 0.1, 1, 10, 100, 1000, 1e5].map(powerOfTen),
    ["10⁻¹³", "10⁻⁴", "10⁻³", "0.01", "0.1", "1", "10", "100", "10³", "10⁵"],
  );
  assert.equal(powerOfTen(2000), "2000");
});

Deno.test("logTicks thins the decades to at most maxTicks, keeping 1", () => {
  for (const [lo, hi, max] of [[1e-13, 1e3, 6], [1e-3, 1e3, 4], [0.5, 2e4, 3]]) {
    const ticks = logTicks(lo, hi, max);
    assert.ok(ticks.length <= max && ticks.length > 0, `${ticks}`);
    assert.ok(ticks.every((t) => t >= lo && t <= hi));
    if (lo <= 1 && hi >= 1) assert.ok(ticks.includes(1), `${ticks}`);
  }
  assert.throws(() => logTicks(0, 1), ArgumentError);
});

Deno.test("PALETTE: ten distinct colours, each readable on white", () => {
  assert.equal(new Set(PALETTE).size, 10);
  for (const c of PALETTE) assert.ok(contrastRatio(c, "#ffffff") >= 4.5, c);
  // Observable's default tableau10 fails the same test (its yellow and pink are pale).
  assert.ok(contrastRatio("#edc948", "#ffffff") < 3);
});
