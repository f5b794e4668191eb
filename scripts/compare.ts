/**
 * Times the tutorial's training three ways and prints one table:
 *
 * - this library: `fit` with 1000 epochs, batch size 1000, zeros init, no bias, Adam defaults,
 *   mean binary cross-entropy (median of 20 runs, float64; float32 shown too);
 * - TensorFlow.js (`npm:@tensorflow/tfjs`, CPU backend), the same model and hyper-parameters
 *   (median of 3 runs) — a peer for comparison only, imported here and nowhere else;
 * - the tutorial's from-scratch R loop (`Rscript scripts/compare_adam.R`), timed inside R around
 *   the loop, when `Rscript` is on PATH.
 *
 * Run: `deno run -A scripts/compare.ts` (add `--json` for one JSON object).
 */
import { scratchAdam, TUTORIAL_KERAS_WEIGHTS, tutorialNetwork } from "../lib/mod.ts";
import { readCsv } from "../lib/data/csv.ts";

// get_weights(nn_model)[1] as printed in the tutorial after Keras' fit (In [12]).
const KERAS = TUTORIAL_KERAS_WEIGHTS;
const EPOCHS = 1000, BATCH = 1000;
const json = Deno.args.includes("--json");
const log = (s: string) => json ? console.error(s) : console.log(s);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const gap = (w: ArrayLike<number>) => Math.max(...KERAS.map((k, j) => Math.abs(k - w[j])));

const { X, y } = await readCsv(new URL("../data/tutorial.csv", import.meta.url).pathname);

function ours(dtype: "float64" | "float32", engine: "auto" | "js" = "auto") {
  const m = tutorialNetwork(X.cols);
  const t0 = performance.now();
  m.fitSync(X, y, { epochs: EPOCHS, batchSize: BATCH, verbose: 0, dtype, engine });
  return { ms: performance.now() - t0, weights: Array.from(m.getWeights()[0].data) };
}

interface Row {
  name: string;
  runs: number;
  medianMs: number | null;
  maxGapToKeras: number | null;
  note: string;
}
const rows: Row[] = [];

/** Times `run` (after `warmUp` unmeasured runs, to let V8 compile) and adds a row. */
function measure(
  name: string,
  note: string,
  runs: number,
  warmUp: number,
  run: () => { ms: number; weights: number[] },
): void {
  for (let i = 0; i < warmUp; i++) run();
  const results = Array.from({ length: runs }, run);
  rows.push({
    name,
    runs,
    medianMs: median(results.map((r) => r.ms)),
    maxGapToKeras: gap(results[0].weights),
    note,
  });
}

measure(
  "this lib (float64)",
  "mean BCE, Keras Adam; WebAssembly SIMD kernel",
  20,
  5,
  () => ours("float64"),
);
measure(
  "this lib (float64, js)",
  'engine: "js" (generated JavaScript kernel)',
  20,
  5,
  () => ours("float64", "js"),
);
measure("this lib (float32)", "every op rounded to float32", 10, 2, () => ours("float32"));
// The tutorial's from-scratch loop (paper-form Adam ascending the summed log-likelihood), here.
measure(
  "this lib, Adam by hand",
  "the tutorial's R loop in TypeScript (lib/nn/scratch_adam.ts)",
  20,
  5,
  () => {
    const t0 = performance.now();
    const r = scratchAdam(X, y, { epochs: EPOCHS, batchSize: BATCH, seed: 42 });
    return { ms: performance.now() - t0, weights: Array.from(r.theta) };
  },
);

// TensorFlow.js, CPU backend.
try {
  const spec = "npm:@tensorflow/tfjs@4.22.0";
  const quiet = console.log; // tfjs greets Node-like runtimes with a banner on stdout
  const quietWarn = console.warn;
  console.log = console.warn = () => {};
  const tf = await import(spec).finally(() => {
    console.log = quiet;
    console.warn = quietWarn;
  });
  await tf.setBackend("cpu");
  await tf.ready();
  const xs = tf.tensor2d(Array.from(X.data), [X.rows, X.cols]);
  const ys = tf.tensor2d(Array.from(y), [X.rows, 1]);
  const times: number[] = [];
  let weights: number[] = [];
  for (let r = 0; r < 3; r++) {
    const m = tf.sequential();
    m.add(tf.layers.dense({
      units: 1,
      inputShape: [X.cols],
      activation: "sigmoid",
      useBias: false,
      kernelInitializer: "zeros",
    }));
    m.compile({
      loss: "binaryCrossentropy",
      optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7),
    });
    const t0 = performance.now();
    await m.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: true, verbose: 0 });
    times.push(performance.now() - t0);
    if (r === 0) weights = Array.from(await m.getWeights()[0].data() as Float32Array);
    m.dispose();
  }
  rows.push({
    name: `TensorFlow.js ${tf.version.tfjs} (cpu)`,
    runs: 3,
    medianMs: median(times),
    maxGapToKeras: gap(weights),
    note: "same model and hyper-parameters",
  });
} catch (e) {
  rows.push({
    name: "TensorFlow.js (cpu)",
    runs: 0,
    medianMs: null,
    maxGapToKeras: null,
    note: `failed: ${(e as Error).message.split("\n")[0]}`,
  });
}

// The tutorial's R loop.
let rVersion = "";
try {
  const out = await new Deno.Command("Rscript", {
    args: ["scripts/compare_adam.R", "5"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).trim());
  const text = new TextDecoder().decode(out.stdout);
  const field = (k: string) =>
    text.split("\n").find((l) => l.startsWith(k + " "))?.slice(k.length + 1).trim() ?? "";
  rVersion = field("R_VERSION");
  const times = field("R_LOOP_MS").split(/\s+/).map(Number);
  rows.push({
    name: "tutorial's R loop",
    runs: times.length,
    medianMs: median(times),
    maxGapToKeras: null,
    note: "paper-form Adam on the summed log-likelihood gradient (not Keras' algorithm)",
  });
} catch (e) {
  rows.push({
    name: "tutorial's R loop",
    runs: 0,
    medianMs: null,
    maxGapToKeras: null,
    note: e instanceof Deno.errors.NotFound ? "skipped: Rscript not found" : `failed: ${e}`,
  });
}

const base = rows[0].medianMs!;
if (json) {
  console.log(JSON.stringify({
    epochs: EPOCHS,
    batchSize: BATCH,
    deno: Deno.version.deno,
    r: rVersion || null,
    rows: rows.map((r) => ({
      ...r,
      ratioToThisLib: r.medianMs === null ? null : r.medianMs / base,
    })),
  }));
} else {
  log(
    `Training 1000×10, ${EPOCHS} epochs, batch size ${BATCH}, Adam defaults, zeros init, no bias`,
  );
  log(`Deno ${Deno.version.deno}${rVersion ? `, ${rVersion}` : ""}`);
  log("");
  const head = ["", "runs", "median ms", "× this lib", "max |w − Keras|", "note"];
  const body = rows.map((r) => [
    r.name,
    String(r.runs),
    r.medianMs === null ? "—" : r.medianMs.toFixed(r.medianMs < 100 ? 2 : 0),
    r.medianMs === null ? "—" : (r.medianMs / base).toFixed(r.medianMs / base < 10 ? 2 : 0),
    r.maxGapToKeras === null ? "—" : r.maxGapToKeras.toExponential(2),
    r.note,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) =>
    "| " + cells.map((c, i) =>
      i === 0 || i === 5 ? c.padEnd(widths[i]) : c.padStart(widths[i])
    ).join(" | ") + " |";
  log(fmt(head));
  log(
    "|" + widths.map((w, i) =>
      (i === 0 || i === 5 ? ":" : "-") + "-".repeat(w) + (i === 0 || i === 5 ? "-" : ":")
    ).join("|") + "|",
  );
  for (const b of body) {
    log(fmt(b));
  }
  log("");
  const byName = (prefix: string) =>
    rows.find((r) => r.name.startsWith(prefix))?.medianMs ?? null;
  const [tfjs, rLoop, byHand] = [
    byName("TensorFlow.js"),
    byName("tutorial's R loop"),
    byName("this lib, Adam by hand"),
  ];
  if (tfjs !== null) {
    log(`TensorFlow.js ÷ this lib (network, float64): ${(tfjs / base).toFixed(0)}×`);
  }
  if (rLoop !== null) log(`R loop ÷ this lib (network, float64): ${(rLoop / base).toFixed(0)}×`);
  if (rLoop !== null && byHand !== null) {
    log(`R loop ÷ this lib (Adam by hand, the same algorithm): ${(rLoop / byHand).toFixed(0)}×`);
  }
  log(
    "Keras weights: the tutorial's printed get_weights(nn_model) after fit (1000 epochs, batch 1000).",
  );
}
