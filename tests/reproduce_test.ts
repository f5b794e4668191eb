import assert from "node:assert/strict";
import { TUTORIAL_KERAS_WEIGHTS } from "../lib/book/tutorial.ts";
import { formatColumn } from "../lib/r/format.ts";
import {
  helpText,
  isLongRun,
  MAX_VALUES,
  parseOptions,
  reproduce,
  UsageError,
} from "../scripts/reproduce.ts";
import { referenceJson } from "./references.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

Deno.test("parseOptions takes the tutorial's settings by default", () => {
  const o = parseOptions([]);
  assert.deepEqual(
    [o.rng, o.seed, o.n, o.k, o.maxit, o.epsilon, o.epochs, o.batchSize, o.intercept, o.float32],
    ["r", 42, 1000, 10, 25, 1e-10, 1000, 1000, false, false],
  );
  assert.deepEqual([o.json, o.help, o.progress, o.data], [false, false, false, undefined]);
});

Deno.test("parseOptions rejects bad options with a one-line message", () => {
  const cases: [string[], RegExp][] = [
    [["--n", "0"], /--n must be at least 1/],
    [["--n", "1.5"], /--n must be a decimal integer/],
    [["--seed", "abc"], /--seed must be a decimal integer/],
    [["--rng", "mt"], /--rng must be "r" or "seedrandom"/],
    [["--epsilon", "0"], /--epsilon must be greater than 0/],
    [["--maxit", "0"], /--maxit must be between 1 and 100000/],
    [["--batch-size=-3"], /--batch-size must be at least 1/],
    [["--bogus"], /unknown option --bogus \(see --help/],
    [["extra"], /positional/i],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseOptions(args), (e: unknown) => {
      assert.ok(e instanceof UsageError, `${args}: ${e}`);
      assert.match(e.message, message);
      assert.ok(!e.message.includes("\n"), "one line");
      return true;
    });
  }
});

Deno.test("reproduce reports the tutorial's data and R's glm fit", async () => {
  const r = await reproduce(parseOptions([]));
  assert.equal(r.data.source, "generated");
  assert.deepEqual([r.data.n, r.data.k, r.data.names.at(-1)], [1000, 10, "target"]);
  // data/reference/tutorial_data.json and glm_tutorial.json: written by the R scripts.
  // deno-lint-ignore no-explicit-any
  const data = referenceJson<any>("glm_tutorial.json");
  assert.deepEqual(
    r.data.head[0].slice(0, 10),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((j) => data.xColumnMajor[j * 1000]),
  );
  const f = data.fit;
  r.glm.coefficients.forEach((c, j) => assert.ok(rel(c!, f.coefficients[j]) < 1e-10));
  r.glm.standardErrors.forEach((c, j) => assert.ok(rel(c!, f.standardErrors[j]) < 1e-10));
  assert.ok(rel(r.glm.deviance, f.deviance) < 1e-12 && rel(r.glm.aic, f.aic) < 1e-12);
  assert.deepEqual([r.glm.iterations, r.glm.converged, r.glm.warnings], [4, true, []]);
  assert.deepEqual(r.glm.names, ["X1", "X2", "X3", "X4", "X5", "X6", "X7", "X8", "X9", "X10"]);
});

Deno.test("reproduce names the intercept first with --intercept", async () => {
  const r = await reproduce(parseOptions(["--intercept", "--n", "200", "--k", "2"]));
  assert.deepEqual(r.glm.names, ["(Intercept)", "X1", "X2"]);
  assert.equal(r.glm.dfResidual, 197);
});

// Reading files needs --allow-read, which `deno task test` grants and a plain `deno test` does not.
const canRead = (await Deno.permissions.query({ name: "read" })).state === "granted";

Deno.test({
  name: "reproduce fits a CSV file with the names from its header",
  ignore: !canRead,
  async fn() {
    const r = await reproduce(parseOptions(["--data", "data/tutorial.csv", "--json"]));
    assert.equal(r.data.source, "file");
    assert.equal(r.data.rng, null);
    assert.equal(r.glm.iterations, 4);
  },
});

Deno.test({
  name: "reproduce explains an unreadable data file",
  ignore: !canRead,
  async fn() {
    await assert.rejects(
      () => reproduce(parseOptions(["--data", "no/such/file.csv"])),
      /--data: cannot read "no\/such\/file.csv": no such file/,
    );
  },
});

Deno.test("reproduce adds the network, the hand-written Adam and their errors against glm", async () => {
  const r = await reproduce(parseOptions([]));
  // The tutorial's printed Keras weights (In [12]) and MAPEs (In [15], In [17]).
  TUTORIAL_KERAS_WEIGHTS.forEach((w, j) => assert.ok(Math.abs(r.network.weights[j] - w) < 3e-7));
  assert.equal(r.network.bias, null);
  assert.deepEqual([r.network.epochs, r.network.batchSize, r.network.dtype], [
    1000,
    1000,
    "float64",
  ]);
  assert.equal(formatColumn([r.mape.scratchAdamVsGlm!], 7)[0], "0.000326558");
  assert.ok(r.mape.networkVsGlm! > 0 && r.mape.networkVsGlm! < 1e-3);
  // R's own run of the tutorial's loop: data/reference/scratch_adam.json (scripts/r/reference_adam.R).
  const fromR = referenceJson<{ theta: number[] }>("scratch_adam.json");
  r.scratchAdam.theta.forEach((t, j) => assert.ok(rel(t, fromR.theta[j]) < 1e-10));
  assert.deepEqual(Object.keys(r.timings), ["glmMs", "networkMs", "scratchAdamMs"]);
});

Deno.test("reproduce trains a bias when asked for an intercept, in float32 when asked", async () => {
  const r = await reproduce(
    parseOptions(["--intercept", "--n", "300", "--k", "3", "--epochs", "50", "--float32"]),
  );
  assert.equal(typeof r.network.bias, "number");
  assert.equal(r.network.dtype, "float32");
  assert.equal(r.scratchAdam.theta.length, 4);
  assert.equal(r.glm.names.length, 4);
});

/** parseOptions(args) must throw a one-line UsageError matching `message`. */
function rejects(args: string[], message: RegExp) {
  assert.throws(() => parseOptions(args), (e: unknown) => {
    assert.ok(e instanceof UsageError, `${args}: ${e}`);
    assert.match(e.message, message, args.join(" "));
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  });
}

Deno.test("parseOptions --help asks for the help, which lists every option and its default", () => {
  assert.equal(parseOptions(["--help"]).help, true);
  assert.equal(parseOptions(["--n", "5", "-h"]).help, true);
  const help = helpText();
  // The options and defaults README.md and the guide document.
  const documented: [string, string | null][] = [
    ["--json", null],
    ["--rng r|seedrandom", "r"],
    ["--seed", "42"],
    ["--n", "1000"],
    ["--k", "10"],
    ["--data", null],
    ["--intercept", null],
    ["--maxit", "25"],
    ["--epsilon", "1e-10"],
    ["--epochs", "1000"],
    ["--batch-size", "1000"],
    ["--float32", null],
    ["--progress", null],
    ["--help", null],
  ];
  for (const [option, value] of documented) {
    const at = help.indexOf(`  ${option}`);
    assert.ok(at >= 0, `${option} is listed`);
    const entry = help.slice(at).split(/\n {2}--/)[0];
    if (value !== null) assert.ok(entry.includes(`(default: ${value})`), entry);
  }
});

Deno.test("parseOptions takes decimal integers only", () => {
  for (const bad of ["0x10", "0o20", "0b10000", "1e3", "16.0", "16 ", "", "1_000", "Infinity"]) {
    rejects(["--epochs", bad], /^--epochs must be a decimal integer \(digits only/);
  }
  rejects(["--seed", "99999999999999999999"], /--seed must be a decimal integer/); // not exact
  rejects(["--epsilon", "0x10"], /^--epsilon must be a decimal number/);
  assert.equal(parseOptions(["--epochs", "16"]).epochs, 16);
  assert.equal(parseOptions(["--epochs=+16"]).epochs, 16);
  assert.equal(parseOptions(["--seed", "-7"]).seed, -7);
  assert.equal(parseOptions(["--epsilon", "1e-8"]).epsilon, 1e-8);
});

Deno.test("parseOptions rejects repeated and conflicting options, naming both", () => {
  rejects(
    ["--data", "a.csv", "--data", "b.csv"],
    /^--data is given twice \(--data a\.csv and --data b\.csv\); give it once$/,
  );
  rejects(["--epochs", "5", "--epochs=6"], /--epochs is given twice \(--epochs 5 and --epochs 6\)/);
  rejects(["--json", "--json"], /--json is given twice/);
  rejects(
    ["--data", "a.csv", "--n", "100"],
    /^--n 100 conflicts with --data a\.csv: the file decides the rows; leave out --n$/,
  );
  rejects(["--k", "3", "--data=a.csv"], /^--k 3 conflicts with --data a\.csv/);
});

Deno.test("parseOptions names the option and the problem for every bad value", () => {
  const cases: [string[], RegExp][] = [
    [["--epochs"], /^--epochs needs a value, such as --epochs 1000$/],
    [["--data", "--json"], /^--data needs a value/],
    [["--data="], /^--data needs a file name/],
    [["--json=yes"], /^--json takes no value/],
    [["-n", "5"], /^unknown option "-n": options start with two dashes/],
    [["--seed", "3000000000"], /^--seed must be between -2147483647 and 2147483647 for --rng r/],
    [["--epochs", "1000001"], /^--epochs must be between 1 and 1000000/],
    [["--maxit", "100001"], /^--maxit must be between 1 and 100000/],
    [["--epsilon", "1e-400"], /^--epsilon must be greater than 0, got "1e-400" \(.*rounds to 0\)/],
    [["--rng", "\u001b[2J"], /^--rng must be "r" or "seedrandom", got "\\u001b\[2J"$/],
  ];
  for (const [args, message] of cases) rejects(args, message);
  // seedrandom takes any exact integer as its seed
  assert.equal(parseOptions(["--rng", "seedrandom", "--seed", "3000000000"]).seed, 3e9);
});

Deno.test("parseOptions refuses sizes beyond the limits, saying the limit and why", () => {
  rejects(
    ["--n", "100000000"],
    /^--n 100000000 with --k 10 makes 100000000 × 10 = 1e9 numbers \(8\.0 GB as float64\); the limit is 1e7 \(80 MB\), because .* working copy/,
  );
  rejects(
    ["--n", "100000", "--k", "100000"],
    /= 1e10 numbers \(80 GB as float64\); the limit is 1e7/,
  );
  rejects(
    ["--n", "10000", "--k", "1000"],
    /glm needs about N·p·min\(N, p\) = 1e10 multiply-adds per IRLS iteration .* the limit is 2e9/,
  );
  assert.equal(parseOptions(["--n", String(MAX_VALUES / 10)]).n, 1_000_000); // at the limit
});

Deno.test("isLongRun: the tutorial is short; a million rows for 1000 epochs is long", () => {
  assert.equal(isLongRun(1000, 10, 1000), false);
  assert.equal(isLongRun(1_000_000, 10, 1000), true);
  assert.equal(isLongRun(1000, 10, 1_000_000), true);
});

Deno.test("reproduce refuses a data file beyond the limit before allocating it", async () => {
  await Deno.mkdir(".cache", { recursive: true }).catch(() => {});
  const canWrite = (await Deno.permissions.query({ name: "write", path: ".cache" })).state;
  if (canWrite !== "granted") return;
  const path = await Deno.makeTempFile({ dir: ".cache", suffix: ".csv" });
  try {
    // 4 000 001 lines of three features: up to 1.2e7 numbers (blank lines are counted as rows).
    await Deno.writeTextFile(path, "a,b,c,target\n" + "\n".repeat(4_000_000));
    await assert.rejects(
      () => reproduce(parseOptions(["--data", path])),
      (e: unknown) =>
        e instanceof UsageError &&
        /^--data ".*" holds up to 4000000 rows × 3 features = 1\.2e7 numbers .*the limit is 1e7/
          .test(e.message),
    );
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("reproduce reports its steps and the network's epochs through `say` with --progress", async () => {
  const lines: string[] = [];
  await reproduce(
    parseOptions(["--progress", "--n", "200", "--k", "3", "--epochs", "50"]),
    (l) => lines.push(l),
  );
  assert.match(lines[0], /^glm: fitting 200 rows × 3 features/);
  assert.ok(lines.some((l) => /^network: training 50 epochs/.test(l)), lines.join("\n"));
  assert.ok(
    lines.some((l) =>
      /^network: Epoch 1\/50 - \d+ ms - loss: 0\.6931 - binary_crossentropy: 0\.6931$/.test(l)
    ),
  );
  assert.ok(lines.some((l) => /^network: Epoch 50\/50 - /.test(l)));
  assert.match(lines.at(-1)!, /^Adam by hand: 50 epochs/);
  // Without --progress a short run says nothing.
  const quiet: string[] = [];
  await reproduce(parseOptions(["--n", "200", "--k", "3", "--epochs", "50"]), (l) => quiet.push(l));
  assert.deepEqual(quiet, []);
});
