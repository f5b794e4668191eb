import assert from "node:assert/strict";
import { backs, numbersIn, significantDigits, unbacked } from "../scripts/check_quotes.ts";

const md = (source: string, quoted?: Record<string, string[]>) => ({
  cell_type: "markdown",
  source,
  metadata: quoted ? { quoted } : {},
});
const code = (source: string, plain: string) => ({
  cell_type: "code",
  source,
  outputs: [{ output_type: "execute_result", data: { "text/plain": plain } }],
});

Deno.test("numbersIn finds decimals and powers of ten, not integers or words", () => {
  assert.deepEqual(numbersIn("ends near 1376.83/2000 ≈ 0.6884 after 1000 epochs, X1 and 2.2e-15"), [
    "1376.83",
    "0.6884",
    "2.2e-15",
  ]);
  assert.deepEqual(numbersIn("within $2.1 \\times 10^{-7}$ and −0.003"), ["2.1e-7", "0.003"]);
  assert.deepEqual(numbersIn("$2.2\\cdot10^{-19}$ or 3·10^-4"), ["2.2e-19", "3e-4"]);
  // As the figures' labels and alt texts write them.
  assert.deepEqual(numbersIn("4.3·10⁻⁴ and 1.5·10⁻¹⁸, −2·10³"), ["4.3e-4", "1.5e-18", "2e3"]);
});

Deno.test("backs compares to the quote's significant digits, ignoring the sign", () => {
  assert.equal(significantDigits("0.000327"), 3);
  assert.equal(significantDigits("1376.83"), 6);
  assert.ok(backs(1376.8255816654, "1376.83"));
  assert.ok(backs(-0.003036788, "0.003"));
  assert.ok(!backs(0.000239, "0.000327"));
  assert.ok(!backs(1376.8255816654 / 1000, "0.6884"));
  assert.ok(backs(1376.8255816654 / 2000, "0.6884"));
});

Deno.test("unbacked reports a quote no output backs, and accepts declared quotes", () => {
  const cells = [
    code("fit()", "deviance 1376.826"),
    md("The loss ends near 0.6884, glm's deviance 1376.83 over 2N."),
    md("The tutorial printed 0.000239.", { tutorial: ["0.000239"] }),
  ];
  assert.deepEqual(unbacked({ cells }).map((u) => [u.cell, u.quote]), [[1, "0.6884"]]);
  cells[0] = code("fit()", "deviance 1376.826, loss 0.68841");
  assert.deepEqual(unbacked({ cells }), []);
});
