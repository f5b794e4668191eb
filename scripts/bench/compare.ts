/**
 * Times the tutorial's training three ways and prints one table:
 *
 * - this library: `fit` with 1000 epochs, batch size 1000, zeros init, no bias, Adam defaults,
 *   mean binary cross-entropy (median and minimum of 20 runs after 10 unmeasured ones, float64;
 *   float32 shown too), the float64 network's runs alternating with those of numpy (`--peers`),
 *   so that a burst of load on a shared machine falls on them alike;
 * - the hand-written Adam (`scratchAdam`), 20 runs after 10, with the thread pool started first
 *   (its start timed apart) and after numpy's process has exited;
 * - TensorFlow.js (`npm:@tensorflow/tfjs`, CPU backend), the same model and hyper-parameters
 *   (median of 3 runs) — a peer for comparison only, imported here and nowhere else;
 * - the tutorial's from-scratch R loop (`Rscript scripts/r/compare_adam.R`), timed inside R around
 *   the loop, when `Rscript` is on PATH;
 * - with `--peers`, numpy: Keras' Adam on the mean binary cross-entropy, full batch, in float64
 *   (`scripts/bench/peers.py adam`, a server whose runs alternate with ours), on the same data handed over
 *   as binary doubles in `.cache/compare/`; numpy is installed into `.venv` on first use
 *   (`scripts/bench/requirements-peers.txt`).
 *
 * Run: `deno run -A scripts/bench/compare.ts [--peers]` (add `--json` for one JSON object).
 */
import { scratchAdam, TUTORIAL_KERAS_WEIGHTS, tutorialNetwork } from "../../lib/mod.ts";
import { readCsv } from "../../lib/data/csv_file.ts";
import { startPool } from "../../lib/_kernels/pool.ts";
import { describeBlas, type LineServer, overridesHere, startPeers, writeData } from "./peers.ts";

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

/** The 1, 5 and 15-minute load averages (Linux), for the record of a run on a shared machine. */
const loadAverage = () =>
  Deno.readTextFile("/proc/loadavg").then(
    (s) => s.split(" ").slice(0, 3).join(" "),
    () => "unknown",
  );
const loadBefore = await loadAverage();

const { X, y } = await readCsv(new URL("../../data/tutorial.csv", import.meta.url).pathname);

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
  /** The fastest run. */
  minMs: number | null;
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
    minMs: Math.min(...results.map((r) => r.ms)),
    maxGapToKeras: gap(results[0].weights),
    note,
  });
}

/** One run of an entry measured by {@linkcode measureTogether}. */
type Run = () => Promise<{ ms: number; weights: number[] | null }>;

/**
 * Times several entries in alternation, one run of each per round (a burst of load on a shared
 * machine then falls on all of them alike), after `warmUp` unmeasured rounds; returns their rows.
 */
async function measureTogether(
  entries: { name: string; note: string; run: Run; weights?: () => Promise<number[]> }[],
  runs: number,
  warmUp: number,
): Promise<Row[]> {
  const ms: number[][] = entries.map(() => []),
    first: (number[] | null)[] = entries.map(() => null);
  for (let round = 0; round < warmUp + runs; round++) {
    for (const [i, e] of entries.entries()) {
      const r = await e.run();
      if (round < warmUp) continue;
      ms[i].push(r.ms);
      first[i] ??= r.weights;
    }
  }
  const rows: Row[] = [];
  for (const [i, e] of entries.entries()) {
    const w = first[i] ?? await e.weights!();
    rows.push({
      name: e.name,
      runs,
      medianMs: median(ms[i]),
      minMs: Math.min(...ms[i]),
      maxGapToKeras: gap(w),
      note: e.note,
    });
  }
  return rows;
}

// numpy, Keras' Adam in float64, as a server whose runs alternate with ours.
let peerNote = "";
let numpy: Parameters<typeof measureTogether>[0][number] | null = null, numpyFailed = "";
if (Deno.args.includes("--peers")) {
  try {
    const file = new URL("../../.cache/compare/tutorial.f64", import.meta.url).pathname;
    await writeData(file, X.data, Float64Array.from(y));
    const peer: LineServer = await startPeers([
      "adam",
      file,
      String(X.rows),
      String(X.cols),
      String(EPOCHS),
    ]);
    const py = peer.ready, here = overridesHere();
    peerNote = `numpy ${py.numpy} (Python ${py.python}) on ${describeBlas(py)}, run without ${
      here.length ? here.join(" and ") : "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (not set here)"
    }`;
    numpy = {
      name: `numpy ${py.numpy}, Keras' Adam (float64)`,
      note: "the same algorithm, vectorised: X @ w, X.T @ (p - y) / n, Adam's update",
      run: async () => {
        const [t] = await peer.send("run") as unknown as { seconds: number }[];
        return { ms: 1000 * t.seconds, weights: null };
      },
      weights: async () => (await peer.close()).weights as number[],
    };
  } catch (e) {
    numpyFailed = `failed: ${(e as Error).message.split("\n")[0]}`;
  }
}

// The thread pool (lib/_kernels/pool.ts), started once per process, as a glm fit on large data
// starts it: while it runs, the hand-written Adam advances R's stream on the second core as it
// trains. Its start is timed here and not counted in the runs.
const poolT0 = performance.now(), poolWorkers = startPool();
const poolNote = `thread pool: ${poolWorkers} worker${poolWorkers === 1 ? "" : "s"}, started in ${
  (performance.now() - poolT0).toFixed(0)
} ms (once per process, before the runs)`;

// The network and the tutorial's from-scratch loop (paper-form Adam ascending the summed
// log-likelihood), here, and numpy: in alternation.
const sync = (f: () => { ms: number; weights: number[] }): Run => () => Promise.resolve(f());
const together = await measureTogether(
  [
    {
      name: "this lib (float64)",
      note: "mean BCE, Keras Adam; WebAssembly SIMD kernel",
      run: sync(() => ours("float64")),
    },
    ...(numpy ? [numpy] : []),
  ],
  20,
  10,
);
// The hand-written Adam on its own, after numpy's process has exited: OpenBLAS' threads keep
// spinning on the second core for a while after each call, and this loop uses that core.
const [byHandRow] = await measureTogether(
  [{
    name: "this lib, Adam by hand",
    note: "the tutorial's R loop in TypeScript (lib/nn/scratch_adam.ts)",
    run: sync(() => {
      const t0 = performance.now();
      const r = scratchAdam(X, y, { epochs: EPOCHS, batchSize: BATCH, seed: 42 });
      return { ms: performance.now() - t0, weights: Array.from(r.theta) };
    }),
  }],
  20,
  10,
);
rows.push(together[0]);
const numpyRow = numpy ? together[1] : undefined;
measure(
  "this lib (float64, js)",
  'engine: "js" (generated JavaScript kernel)',
  20,
  5,
  () => ours("float64", "js"),
);
measure("this lib (float32)", "every op rounded to float32", 10, 2, () => ours("float32"));
rows.push(byHandRow);

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
    minMs: Math.min(...times),
    maxGapToKeras: gap(weights),
    note: "same model and hyper-parameters",
  });
} catch (e) {
  rows.push({
    name: "TensorFlow.js (cpu)",
    runs: 0,
    medianMs: null,
    minMs: null,
    maxGapToKeras: null,
    note: `failed: ${(e as Error).message.split("\n")[0]}`,
  });
}

if (numpyRow) rows.push(numpyRow);
else if (numpyFailed) {
  rows.push({
    name: "numpy (Keras' Adam)",
    runs: 0,
    medianMs: null,
    minMs: null,
    maxGapToKeras: null,
    note: numpyFailed,
  });
}

// The tutorial's R loop.
let rVersion = "";
try {
  const out = await new Deno.Command("Rscript", {
    args: ["scripts/r/compare_adam.R", "5"],
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
    minMs: Math.min(...times),
    maxGapToKeras: null,
    note: "paper-form Adam on the summed log-likelihood gradient (not Keras' algorithm)",
  });
} catch (e) {
  rows.push({
    name: "tutorial's R loop",
    runs: 0,
    medianMs: null,
    minMs: null,
    maxGapToKeras: null,
    note: e instanceof Deno.errors.NotFound ? "skipped: Rscript not found" : `failed: ${e}`,
  });
}

const base = rows[0].medianMs!, baseMin = rows[0].minMs!;
if (json) {
  console.log(JSON.stringify({
    epochs: EPOCHS,
    batchSize: BATCH,
    deno: Deno.version.deno,
    r: rVersion || null,
    peers: peerNote || null,
    pool: poolNote,
    loadAverage: { before: loadBefore, after: await loadAverage() },
    rows: rows.map((r) => ({
      ...r,
      ratioToThisLib: r.medianMs === null ? null : r.medianMs / base,
      minRatioToThisLib: r.minMs === null ? null : r.minMs / baseMin,
    })),
  }));
} else {
  log(
    `Training 1000×10, ${EPOCHS} epochs, batch size ${BATCH}, Adam defaults, zeros init, no bias`,
  );
  log(`Deno ${Deno.version.deno}${rVersion ? `, ${rVersion}` : ""}`);
  log("");
  const head = [
    "",
    "runs",
    "median ms",
    "min ms",
    "× this lib (median)",
    "× (min)",
    "max |w − Keras|",
    "note",
  ];
  const ms = (v: number | null) => v === null ? "—" : v.toFixed(v < 100 ? 2 : 0);
  const ratio = (v: number | null, b: number) =>
    v === null ? "—" : (v / b).toFixed(v / b < 10 ? 2 : 0);
  const body = rows.map((r) => [
    r.name,
    String(r.runs),
    ms(r.medianMs),
    ms(r.minMs),
    ratio(r.medianMs, base),
    ratio(r.minMs, baseMin),
    r.maxGapToKeras === null ? "—" : r.maxGapToKeras.toExponential(2),
    r.note,
  ]);
  const left = (i: number) => i === 0 || i === head.length - 1;
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const fmt = (cells: string[]) =>
    "| " + cells.map((c, i) => left(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])).join(" | ") +
    " |";
  log(fmt(head));
  log(
    "|" + widths.map((w, i) =>
      (left(i) ? ":" : "-") + "-".repeat(w) + (left(i) ? "-" : ":")
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
  const numpyMs = byName("numpy");
  if (numpyMs !== null) {
    log(`numpy ÷ this lib (network, float64): ${(numpyMs / base).toFixed(2)}×; ${peerNote}.`);
  }
  log(
    "Keras weights: the tutorial's printed get_weights(nn_model) after fit (1000 epochs, batch 1000).",
  );
  log(`Adam by hand: ${poolNote}.`);
  log(`Load average before the run ${loadBefore}, after ${await loadAverage()}.`);
}
