/**
 * `deno task reproduce --data FILE.csv` with `--weights COLUMN`, `--offset COLUMN` and `--link`:
 * the glm part of the report against GNU R on reference cases (their data written as CSV files
 * under .cache/), and the errors for bad values.
 */
import assert from "node:assert/strict";
import { formatCsv } from "../lib/data/csv_file.ts";
import { fromColumnMajor } from "../lib/core/matrix.ts";
import { parseOptions, reproduce, UsageError } from "../scripts/reproduce.ts";
import { type BeyondCaseName, loadBeyondCase } from "./glm_beyond_cases.ts";

// These tests write CSV files to .cache/ and read them back: `deno task test` grants that, a plain
// `deno test` does not (they are then reported as ignored).
const canWrite = (await Deno.permissions.query({ name: "write", path: ".cache" })).state ===
  "granted";

const DIR = new URL("../.cache/reproduce_glm/", import.meta.url);

/** Writes a reference case's data as CSV: its features, `target`, and an extra column. */
function writeCase(name: BeyondCaseName, extra: { column: string; values: number[] } | null) {
  const ref = loadBeyondCase(name);
  const cols = [...ref.xColumnMajor];
  const names = [...ref.featureNames];
  if (extra !== null) {
    cols.push(...extra.values);
    names.push(extra.column);
  }
  const X = fromColumnMajor(ref.n, names.length, cols);
  Deno.mkdirSync(DIR, { recursive: true });
  const path = new URL(`${name}.csv`, DIR).pathname;
  Deno.writeTextFileSync(
    path,
    formatCsv({ X, y: Float64Array.from(ref.y), names, target: "target" }),
  );
  return { ref, path };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

Deno.test(
  "reproduce --weights and --offset fit R's weighted and offset glm",
  { ignore: !canWrite },
  async () => {
    for (
      const [name, option] of [["tutorial_weights", "weights"], [
        "tutorial_offset",
        "offset",
      ]] as const
    ) {
      const ref = loadBeyondCase(name);
      const values = option === "weights" ? ref.weights! : ref.offset!;
      const { path } = writeCase(name, { column: "extra", values });
      const r = await reproduce(parseOptions([
        ...["--data", path, "--intercept", `--${option}`, "extra", "--epsilon", "1e-8"],
        ...["--epochs", "1"],
      ]));
      const g = r.glm;
      assert.deepEqual(g.names, ref.fit.names, "the extra column is not a feature");
      g.coefficients.forEach((c, j) =>
        assert.ok(rel(c!, ref.fit.coefficients[j]!) < 1e-10, `${name} coefficient ${j}`)
      );
      assert.ok(rel(g.deviance, ref.fit.deviance) < 1e-10 && rel(g.aic, ref.fit.aic) < 1e-10);
      assert.ok(rel(g.nullDeviance, ref.fit.nullDeviance) < 1e-10);
      assert.deepEqual(g.warnings, ref.fit.warnings);
      assert.equal(g.link, "logit");
      assert.equal(g[option], "extra");
      assert.equal(g[option === "weights" ? "offset" : "weights"], null);
      assert.equal(g.nobs, ref.nobs);
      assert.deepEqual(r.data.names.includes("extra"), false);
      // The JSON output carries them.
      const json = JSON.parse(JSON.stringify(r));
      assert.equal(json.glm[option], "extra");
    }
  },
);

Deno.test("reproduce --link probit fits R's probit glm", { ignore: !canWrite }, async () => {
  const { ref, path } = writeCase("mtcars_probit", null);
  const r = await reproduce(
    parseOptions([
      "--data",
      path,
      "--intercept",
      "--link",
      "probit",
      "--epsilon",
      "1e-8",
      "--epochs",
      "1",
    ]),
  );
  assert.equal(r.glm.link, "probit");
  r.glm.coefficients.forEach((c, j) => assert.ok(rel(c!, ref.fit.coefficients[j]!) < 1e-10));
  assert.deepEqual(r.glm.warnings, ref.fit.warnings);
  assert.deepEqual([r.glm.weights, r.glm.offset], [null, null]);
});

Deno.test("reproduce rejects bad --weights, --offset and --link values, naming the option", {
  ignore: !canWrite,
}, async () => {
  const { path } = writeCase("tutorial_weights", {
    column: "w",
    values: loadBeyondCase("tutorial_weights").weights!,
  });
  const bad: [string[], RegExp][] = [
    [["--link", "log"], /--link must be one of "logit", "probit", "cloglog", "cauchit", got "log"/],
    [["--weights", "w"], /--weights names a column of --data FILE\.csv/],
    [["--offset", "w"], /--offset names a column of --data FILE\.csv/],
    [
      ["--data", path, "--weights", "w", "--offset", "w"],
      /--weights and --offset name the same column "w"/,
    ],
  ];
  for (const [args, message] of bad) {
    assert.throws(
      () => parseOptions(args),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  }
  // Caught when the file is read, before anything is fitted or trained.
  await assert.rejects(
    () => reproduce(parseOptions(["--data", path, "--weights", "nope"])),
    (e: unknown) =>
      e instanceof UsageError &&
      /--weights: no column named "nope" in .*columns: X1,/.test(e.message),
  );
  const negative = writeCase("infert", {
    column: "w",
    values: loadBeyondCase("infert").y.map((_v, i) => (i === 4 ? -1 : 1)),
  });
  await assert.rejects(
    () => reproduce(parseOptions(["--data", negative.path, "--weights", "w"])),
    (e: unknown) =>
      e instanceof UsageError &&
      e.message === `--weights: column "w" holds -1 at data row 5; weights must be non-negative`,
  );
});
