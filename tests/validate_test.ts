import assert from "node:assert/strict";
import { ArgumentError } from "../lib/core/errors.ts";
import { fromRows, matrix } from "../lib/core/matrix.ts";
import { checkFinite, checkInteger, checkLabels, checkMatrix } from "../lib/core/validate.ts";

const rejects = (f: () => void, argument: string, message: RegExp) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ArgumentError, String(e));
    assert.equal(e.argument, argument);
    assert.match(e.message, message);
    return true;
  });

Deno.test("checkInteger names the argument and what it must be", () => {
  checkInteger("epochs", 3);
  rejects(() => checkInteger("epochs", 0), "epochs", /must be a positive integer, got 0/);
  rejects(() => checkInteger("epochs", 1.5), "epochs", /got 1.5/);
  rejects(() => checkInteger("n", -1, 0), "n", /must be an integer ≥ 0/);
});

Deno.test("checkFinite rejects NaN, Infinity and non-positive values when asked", () => {
  checkFinite("lr", 0.1, { positive: true });
  rejects(() => checkFinite("lr", NaN), "lr", /must be a finite number, got NaN/);
  rejects(() => checkFinite("lr", Infinity), "lr", /got Infinity/);
  rejects(() => checkFinite("lr", 0, { positive: true }), "lr", /greater than 0, got 0/);
});

Deno.test("checkMatrix names the first bad cell by row and column", () => {
  checkMatrix("X", fromRows([[1, 2]]), { cols: 2 });
  rejects(() => checkMatrix("X", fromRows([[1, 2], [3, NaN]])), "X", /NaN at row 2, column 2/);
  rejects(() => checkMatrix("X", matrix(0, 3)), "X", /is empty \(0×3\)/);
  rejects(() => checkMatrix("X", fromRows([[1, 2]]), { cols: 3 }), "X", /2 columns but 3/);
});

Deno.test("checkLabels wants 0/1 labels, one per row", () => {
  checkLabels("y", [0, 1], 2);
  rejects(() => checkLabels("y", [0, 1], 3), "y", /has 2 labels but X has 3 rows/);
  rejects(() => checkLabels("y", [0, 0.5], 2), "y", /holds 0.5 at position 2/);
  // Typed arrays take a branch-free sum first; the first bad label is still the one named.
  checkLabels("y", Float64Array.of(0, 1, -0, 1), 4);
  for (const bad of [0.5, 2, -1, 1e-320, 1 + 2 ** -52, NaN, Infinity, -Infinity]) {
    const y = Float64Array.of(1, 0, bad, 1, bad);
    rejects(() => checkLabels("y", y, 5), "y", new RegExp(`holds ${bad} at position 3;`));
  }
  rejects(() => checkLabels("y", Int32Array.of(0, 1, 2), 3), "y", /holds 2 at position 3/);
  // Plain arrays keep the strict comparison: no coercion of null, booleans or strings.
  for (const bad of [null, true, "1"]) {
    rejects(() => checkLabels("y", [0, bad as unknown as number], 2), "y", /at position 2/);
  }
});
