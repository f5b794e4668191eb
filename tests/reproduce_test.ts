import assert from "node:assert/strict";
import { TUTORIAL_KERAS_WEIGHTS } from "../lib/book/tutorial.ts";
import { formatColumn } from "../lib/r/format.ts";
import { parseOptions, reproduce, UsageError } from "../scripts/reproduce.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

Deno.test("parseOptions takes the tutorial's settings by default", () => {
  const o = parseOptions([]);
  assert.deepEqual(
    [o.rng, o.seed, o.n, o.k, o.maxit, o.epsilon, o.epochs, o.batchSize, o.intercept, o.float32],
    ["r", 42, 1000, 10, 25, 1e-10, 1000, 1000, false, false],
  );
});

Deno.test("parseOptions rejects bad options with a one-line message", () => {
  const cases: [string[], RegExp][] = [
    [["--n", "0"], /--n must be at least 1/],
    [["--n", "1.5"], /--n must be an integer/],
    [["--seed", "abc"], /--seed must be an integer/],
    [["--rng", "mt"], /--rng must be "r" or "seedrandom"/],
    [["--epsilon", "0"], /--epsilon must be greater than 0/],
    [["--maxit", "0"], /--maxit must be at least 1/],
    [["--batch-size=-3"], /--batch-size must be at least 1/],
    [["--bogus"], /Unknown option '--bogus'/],
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
  const data = JSON.parse(
    await Deno.readTextFile(new URL("../data/reference/glm_tutorial.json", import.meta.url)),
  );
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

Deno.test("reproduce fits a CSV file with the names from its header", async () => {
  const r = await reproduce(parseOptions(["--data", "data/tutorial.csv", "--json"]));
  assert.equal(r.data.source, "file");
  assert.equal(r.data.rng, null);
  assert.equal(r.glm.iterations, 4);
});

Deno.test("reproduce explains an unreadable data file", async () => {
  await assert.rejects(
    () => reproduce(parseOptions(["--data", "no/such/file.csv"])),
    /--data: cannot read "no\/such\/file.csv": no such file/,
  );
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
  // R's own run of the tutorial's loop: data/reference/scratch_adam.json (scripts/reference_adam.R).
  const fromR = JSON.parse(
    await Deno.readTextFile(new URL("../data/reference/scratch_adam.json", import.meta.url)),
  );
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
