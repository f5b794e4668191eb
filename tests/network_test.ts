import { TUTORIAL_KERAS_WEIGHTS } from "../lib/book/tutorial.ts";
import { ArgumentError } from "../lib/core/errors.ts";
import { jupyterDisplay } from "../lib/core/html.ts";
import { fromRows, type Matrix, matrix } from "../lib/core/matrix.ts";
import { readCsv } from "../lib/data/csv.ts";
import { adam } from "../lib/nn/adam.ts";
import { constant, dense, glorotUniform, input } from "../lib/nn/layers.ts";
import { binaryCrossEntropyGradient, binaryCrossEntropyLoss } from "../lib/nn/loss.ts";
import { type Model, model } from "../lib/nn/model.ts";
import { jupyterProgress } from "../lib/nn/progress.ts";
import { sgd } from "../lib/nn/sgd.ts";
import type { ModelSummary } from "../lib/nn/summary.ts";
import assert from "node:assert/strict";

const close = (a: number, b: number, tol: number, what = "") =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b} (tol ${tol})`);

/** The tutorial's network: steps 1–4 of "Logistic Regression is a Neural Network". */
function tutorialModel(k = 10, useBias = false): Model {
  const inputs = input({ shape: [k] });
  const outputs = dense({
    units: 1,
    kernelInitializer: constant(0),
    activation: "sigmoid",
    useBias,
  }).apply(inputs);
  const m = model({ inputs, outputs });
  m.compile({ loss: "binary_crossentropy", optimizer: adam(), metrics: ["binary_crossentropy"] });
  return m;
}

// get_weights(nn_model)[1] as printed in the tutorial (In [12]), after
// fit(X, Y, epochs = 1000, batch_size = 1000) with Keras: lib/book/tutorial.ts copies it from the text.
const KERAS_WEIGHTS = TUTORIAL_KERAS_WEIGHTS;

async function tutorialData() {
  return await readCsv(new URL("../data/tutorial.csv", import.meta.url).pathname);
}

function maxGap(w: Matrix): number {
  return Math.max(...KERAS_WEIGHTS.map((k, j) => Math.abs(k - w.data[j])));
}

Deno.test("Model.fit reproduces the tutorial's Keras weights within 3e-7 in float64", async () => {
  const { X, y } = await tutorialData();
  for (const engine of ["wasm", "js"] as const) {
    const m = tutorialModel();
    const h = await m.fit(X, y, { epochs: 1000, batchSize: 1000, verbose: 0, engine });
    const gap = maxGap(m.getWeights()[0]);
    assert.ok(gap <= 3e-7, `${engine}: max |w − Keras| = ${gap}`);
    assert.equal(h.history.loss.length, 1000);
    assert.deepEqual(h.epoch.slice(0, 3), [0, 1, 2]);
  }
});

Deno.test("Model.fit reproduces the tutorial's Keras weights within 1.5e-7 in float32", async () => {
  const { X, y } = await tutorialData();
  const m = tutorialModel();
  m.fitSync(X, y, { epochs: 1000, batchSize: 1000, verbose: 0, dtype: "float32" });
  const w = m.getWeights()[0];
  const gap = maxGap(w);
  assert.ok(gap <= 1.5e-7, `max |w − Keras| = ${gap}`);
  for (const v of w.data) assert.equal(Math.fround(v), v);
});

Deno.test("Model.fit logs log 2 as the first loss from zero weights, and the metric equals the loss", () => {
  const X = fromRows([[1, 2], [0.5, -1], [2, 0.3], [-1, 1]]);
  const m = tutorialModel(2);
  const h = m.fitSync(X, [1, 0, 1, 0], { epochs: 3, batchSize: 4, verbose: 0 });
  close(h.history.loss[0], Math.LN2, 1e-16); // every p̂ = 1/2 at θ = 0
  assert.deepEqual(h.history.binary_crossentropy, h.history.loss);
});

Deno.test("Model.fit with one batch takes exactly one Keras-Adam step on the mean BCE gradient", () => {
  // Independent path: gradient from loss.ts (Xᵀ(p̂ − y)/N), step from optimizers.ts.
  const X = fromRows([[1.2, -0.4], [0.3, 0.9], [-0.8, 0.2], [1.5, 1.1], [-0.2, -1.3]]);
  const y = [1, 0, 0, 1, 1];
  const start = [0.3, -0.2];
  for (const engine of ["wasm", "js"] as const) {
    const m = tutorialModel(2);
    m.setWeights([matrix(2, 1, start)]);
    const h = m.fitSync(X, y, { epochs: 2, batchSize: 100, verbose: 0, engine });
    const w = Float64Array.from(start);
    const opt = adam();
    for (let e = 0; e < 2; e++) {
      close(h.history.loss[e], binaryCrossEntropyLoss(X, y, w, { reduction: "mean" }), 1e-15);
      opt.step(w, binaryCrossEntropyGradient(X, y, w, { reduction: "mean" }));
    }
    const got = m.getWeights()[0].data;
    for (let j = 0; j < 2; j++) close(got[j], w[j], 1e-16, engine);
  }
});

Deno.test("Model.fit: the wasm and js kernels agree (odd N, odd batches, bias, shuffling)", () => {
  const rows = Array.from({ length: 23 }, (_, i) => [Math.sin(i), Math.cos(2 * i), 0.3 * (i % 5)]);
  const X = fromRows(rows), y = rows.map((_, i) => (i * 7) % 3 === 0 ? 1 : 0);
  for (
    const [batchSize, shuffle, useBias] of [[23, true, false], [5, true, true], [
      4,
      false,
      true,
    ]] as const
  ) {
    const run = (engine: "wasm" | "js") => {
      const inputs = input({ shape: [3] });
      const m = model({
        inputs,
        outputs: dense({ units: 1, useBias, kernelInitializer: glorotUniform({ seed: 2 }) })
          .apply(inputs),
      });
      m.compile({ loss: "binary_crossentropy", optimizer: adam({ learningRate: 0.05 }) });
      const h = m.fitSync(X, y, { epochs: 30, batchSize, shuffle, seed: 5, verbose: 0, engine });
      return { h, w: m.getWeights().flatMap((x) => Array.from(x.data)) };
    };
    const a = run("wasm"), b = run("js");
    a.w.forEach((v, j) => close(v, b.w[j], 1e-13, `weight ${j} (batch ${batchSize})`));
    a.h.history.loss.forEach((v, e) => close(v, b.h.history.loss[e], 1e-14, `loss ${e}`));
  }
});

Deno.test("Model.fit takes the same steps when some |Xθ| is large (stable fallback path)", () => {
  // |z| up to 5e3: the fast kernel hands the batch to the stable one; results must match loss.ts.
  const X = fromRows([[50, -1], [-40, 2], [3, 0.5], [1, 1]]);
  const y = [0, 1, 1, 0];
  for (const start of [[100, 2], [1, 0.5], [-20, 3]]) {
    for (const engine of ["wasm", "js"] as const) {
      const m = tutorialModel(2);
      m.setWeights([matrix(2, 1, start)]);
      const h = m.fitSync(X, y, { epochs: 1, batchSize: 4, verbose: 0, engine });
      const w = Float64Array.from(start);
      const loss = binaryCrossEntropyLoss(X, y, w, { reduction: "mean" });
      assert.ok(Number.isFinite(h.history.loss[0]));
      close(h.history.loss[0], loss, 1e-12 * Math.max(1, loss));
      adam().step(w, binaryCrossEntropyGradient(X, y, w, { reduction: "mean" }));
      const got = m.getWeights()[0].data;
      for (let j = 0; j < 2; j++) close(got[j], w[j], 1e-15);
    }
  }
});

Deno.test("Model.fit with mini-batches steps once per batch and repeats with the same seed", () => {
  const rows = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(3 * i), 0.1 * i]);
  const X = fromRows(rows), y = rows.map((_, i) => i % 3 === 0 ? 1 : 0);
  const run = (seed: number, shuffle = true) => {
    const m = tutorialModel(3, true);
    m.fitSync(X, y, { epochs: 4, batchSize: 3, seed, shuffle, verbose: 0 });
    assert.equal(m.optimizer?.iterations, 4 * 4); // ceil(10 / 3) = 4 steps per epoch
    return Array.from(m.getWeights().flatMap((w) => Array.from(w.data)));
  };
  assert.deepEqual(run(7), run(7));
  assert.notDeepEqual(run(7), run(8));
  assert.deepEqual(run(1, false), run(2, false)); // no shuffle: the seed does not matter
});

Deno.test("Model.fit with one batch: the seed only changes summation order", () => {
  const X = fromRows([[1, 2], [0.5, -1], [2, 0.3], [-1, 1]]);
  const a = tutorialModel(2), b = tutorialModel(2);
  a.fitSync(X, [1, 0, 1, 0], { epochs: 20, batchSize: 4, seed: 1, verbose: 0 });
  b.fitSync(X, [1, 0, 1, 0], { epochs: 20, batchSize: 4, seed: 2, verbose: 0 });
  assert.deepEqual(a.getWeights(), b.getWeights());
});

Deno.test("Model.fit with a bias learns an intercept and logs accuracy", () => {
  const X = fromRows([[0], [0], [0], [0]]);
  const inputs = input({ shape: [1] });
  const outputs = dense({ units: 1, useBias: true, kernelInitializer: "zeros" }).apply(inputs);
  const m = model({ inputs, outputs });
  m.compile({
    loss: "binary_crossentropy",
    optimizer: sgd({ learningRate: 1 }),
    metrics: ["accuracy"],
  });
  const h = m.fitSync(X, [1, 1, 1, 0], { epochs: 200, batchSize: 4, verbose: 0 });
  const [kernel, bias] = m.getWeights();
  assert.equal(kernel.data[0], 0);
  close(bias.data[0], Math.log(3), 1e-3); // the MLE of a constant-only model: logit(3/4)
  assert.equal(h.history.accuracy.at(-1), 0.75);
  close(m.predict(X).data[0], 0.75, 1e-3);
  const ev = m.evaluate(X, [1, 1, 1, 0]);
  close(ev.loss, h.history.loss.at(-1)!, 1e-6);
});

Deno.test("Model.predict and evaluate follow the weights", () => {
  const m = tutorialModel(2);
  m.setWeights([matrix(2, 1, [Math.log(3), 0])]);
  const X = fromRows([[1, 5], [-1, 5]]);
  const p = m.predict(X);
  assert.equal(p.rows, 2);
  assert.equal(p.cols, 1);
  close(p.data[0], 0.75, 1e-15);
  close(p.data[1], 0.25, 1e-15);
  close(m.evaluate(X, [1, 0]).loss, -Math.log(0.75), 1e-15);
});

Deno.test("Model.fit with verbose 0 is silent; 1 writes about ten lines; 2 one per epoch", async () => {
  const X = fromRows([[1, 2], [0.5, -1], [2, 0.3], [-1, 1]]);
  const captured: string[] = [];
  const orig = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const sink = (...a: unknown[]) => void captured.push(a.join(" "));
  Object.assign(console, { log: sink, error: sink, warn: sink, info: sink });
  try {
    await tutorialModel(2).fit(X, [1, 0, 1, 0], { epochs: 50, batchSize: 4, verbose: 0 });
    tutorialModel(2).fitSync(X, [1, 0, 1, 0], { epochs: 50, batchSize: 4, verbose: 0 });
    assert.deepEqual(captured, []);
    await tutorialModel(2).fit(X, [1, 0, 1, 0], { epochs: 50, batchSize: 4, verbose: 1 });
    assert.equal(captured.length, 10);
    assert.match(captured[9], /^Epoch 50\/50 - \d+ ms - loss: 0\.\d{4} - binary_crossentropy: /);
    captured.length = 0;
    await tutorialModel(2).fit(X, [1, 0, 1, 0], { epochs: 7, batchSize: 4, verbose: 2 });
    assert.equal(captured.length, 7);
  } finally {
    Object.assign(console, orig);
  }
});

Deno.test("Model.fit awaits callbacks and calls them once per epoch", async () => {
  const X = fromRows([[1, 2], [0.5, -1]]);
  const seen: number[] = [];
  let began = 0, ended = 0;
  await tutorialModel(2).fit(X, [1, 0], {
    epochs: 5,
    batchSize: 2,
    verbose: 0,
    callbacks: [{
      onTrainBegin: (p) => void (began = p.epochs),
      onEpochEnd: async (e, logs) => {
        await new Promise((r) => setTimeout(r, 0));
        assert.ok(Number.isFinite(logs.loss));
        seen.push(e);
      },
      onTrainEnd: () => void ended++,
    }],
  });
  assert.equal(began, 5);
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
  assert.equal(ended, 1);
});

Deno.test("jupyterProgress shows one display and updates it in place", async () => {
  const X = fromRows([[1, 2], [0.5, -1]]);
  const calls: { id: string; update: boolean; text: string }[] = [];
  let t = 0;
  const reporter = jupyterProgress({
    display: (b, o) =>
      void calls.push({ id: o.display_id, update: !!o.update, text: b["text/plain"] }),
    minIntervalMs: 10,
    now: () => (t += 4),
  });
  await tutorialModel(2).fit(X, [1, 0], {
    epochs: 30,
    batchSize: 2,
    verbose: 0,
    callbacks: [reporter],
  });
  assert.equal(calls[0].update, false);
  assert.ok(calls.slice(1).every((c) => c.update && c.id === calls[0].id));
  assert.ok(calls.length < 31, `throttled: ${calls.length} displays`);
  assert.match(calls.at(-1)!.text, /^Epoch 30\/30/);
});

Deno.test("Model.summary lists layers, output shapes and parameter counts", () => {
  const s: ModelSummary = tutorialModel().summary();
  const text = s.toString();
  assert.match(text, /input \(InputLayer\)\s+\[\(None, 10\)\]\s+0/);
  assert.match(text, /dense \(Dense\)\s+\(None, 1\)\s+10/);
  assert.match(text, /Total params: 10/);
  const bundle = s[jupyterDisplay]();
  assert.match(bundle["text/html"], /<table>.*dense \(Dense\).*<\/table>/s);
  assert.equal(bundle["text/plain"], text);
  const inputs = input({ shape: [4] });
  const withBias = model({ inputs, outputs: dense({ units: 1 }).apply(inputs) });
  assert.match(withBias.summary().toString(), /Total params: 5/); // 4 weights and a bias
  const other = input({ shape: [4] });
  assert.throws(
    () => model({ inputs: other, outputs: dense({ units: 1 }).apply(inputs) }),
    (e) => e instanceof ArgumentError && e.argument === "outputs",
  );
});

Deno.test("glorotUniform is seeded and bounded", () => {
  const a = glorotUniform({ seed: 3 }).initialize(10, 1),
    b = glorotUniform({ seed: 3 }).initialize(10, 1);
  assert.deepEqual(a, b);
  assert.ok(a.every((v) => Math.abs(v) <= Math.sqrt(6 / 11)));
  assert.notDeepEqual(a, glorotUniform({ seed: 4 }).initialize(10, 1));
});

Deno.test("network rejects bad input naming the argument", async () => {
  const arg = (name: string) => (e: unknown) => e instanceof ArgumentError && e.argument === name;
  const X = fromRows([[1, 2], [0.5, -1], [2, 0.3]]);
  const m = tutorialModel(2);
  const fit = (Xa: Matrix, ya: number[], o = {}) =>
    m.fitSync(Xa, ya, { epochs: 1, batchSize: 3, verbose: 0, ...o });
  assert.throws(() => fit(X, [1, 0]), arg("y")); // different lengths
  assert.throws(() => fit(X, [1, 0, 2]), arg("y")); // not 0/1
  assert.throws(() => fit(fromRows([[1], [2], [3]]), [1, 0, 1]), arg("X")); // shape ≠ [2]
  assert.throws(() => fit(fromRows([[1, NaN], [2, 1], [3, 1]]), [1, 0, 1]), arg("X"));
  assert.throws(() => fit(fromRows([[1, Infinity], [2, 1], [3, 1]]), [1, 0, 1]), arg("X"));
  assert.throws(() => fit(X, [1, 0, 1], { epochs: 0 }), arg("epochs"));
  assert.throws(() => fit(X, [1, 0, 1], { epochs: 2.5 }), arg("epochs"));
  assert.throws(() => fit(X, [1, 0, 1], { batchSize: -3 }), arg("batchSize"));
  assert.throws(() => fit(X, [1, 0, 1], { verbose: 3 }), arg("verbose"));
  assert.throws(() => fit(X, [1, 0, 1], { dtype: "float16" }), arg("dtype"));
  assert.throws(() => fit(X, [1, 0, 1], { engine: "gpu" }), arg("engine"));
  assert.throws(() => fit(X, [1, 0, 1], { engine: "wasm", dtype: "float32" }), arg("engine"));
  await assert.rejects(() => m.fit(X, [1, 0], { verbose: 0 }), arg("y"));
  assert.throws(() => adam({ learningRate: 0 }), arg("learningRate"));
  assert.throws(() => adam({ learningRate: -0.1 }), arg("learningRate"));
  assert.throws(
    () => m.compile({ loss: "mse" as "binary_crossentropy", optimizer: "adam" }),
    arg("loss"),
  );
  assert.throws(
    () => m.compile({ loss: "binary_crossentropy", optimizer: "rmsprop" as "adam" }),
    arg("optimizer"),
  );
  assert.throws(
    () =>
      m.compile({ loss: "binary_crossentropy", optimizer: "adam", metrics: ["auc" as "accuracy"] }),
    arg("metrics"),
  );
  assert.throws(() => dense({ units: 1, activation: "relu" as "sigmoid" }), arg("activation"));
  assert.throws(() => dense({ units: 1, activation: "sigmod" as "sigmoid" }), arg("activation"));
  assert.throws(() => dense({ units: 2 }), arg("units"));
  assert.throws(() => dense({ units: 0 }), arg("units"));
  assert.throws(
    () => dense({ units: 1, kernelInitializer: "he" as "zeros" }),
    arg("kernelInitializer"),
  );
  assert.throws(() => input({ shape: [0] }), arg("shape[0]"));
  assert.throws(() => input({ shape: [2, 3] }), arg("shape"));
  // fit before compile
  const inputs = input({ shape: [2] });
  const raw = model({ inputs, outputs: dense({ units: 1 }).apply(inputs) });
  assert.throws(() => raw.fitSync(X, [1, 0, 1], { verbose: 0 }), /not compiled.*compile\(/);
  assert.throws(() => raw.evaluate(X, [1, 0, 1]), /not compiled/);
});
