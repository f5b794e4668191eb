import assert from "node:assert/strict";
import { ArgumentError } from "../lib/core/errors.ts";
import { column, fromColumnMajor, fromRows, matrix, row, toRows } from "../lib/core/matrix.ts";

Deno.test("fromColumnMajor fills column by column like R's matrix(values, ncol = k)", () => {
  // R: matrix(1:6, ncol = 2) is rows (1, 4), (2, 5), (3, 6).
  const m = fromColumnMajor(3, 2, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(toRows(m), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(Array.from(column(m, 1)), [4, 5, 6]);
  assert.deepEqual(Array.from(row(m, 2)), [3, 6]);
});

Deno.test("matrix, fromRows and fromColumnMajor reject data that does not fit the shape", () => {
  assert.throws(() => matrix(2, 2, [1, 2, 3]), ArgumentError);
  assert.throws(() => matrix(-1, 2), /`rows` must be a non-negative integer/);
  assert.throws(() => fromRows([[1, 2], [3]]), /row 2 has 1 entries, row 1 has 2/);
  assert.throws(() => fromColumnMajor(2, 2, [1, 2, 3]), /`values` has 3 entries/);
});

Deno.test("matrix copies its data rather than sharing it", () => {
  const data = [1, 2, 3, 4];
  const m = matrix(2, 2, data);
  data[0] = 99;
  assert.equal(m.data[0], 1);
  assert.deepEqual(matrix(1, 3).data, new Float64Array(3));
});
