/**
 * Speed of `glm` against R's `glm.fit`, side by side on identical data.
 *
 *     deno run -A scripts/bench/bench_glm.ts [--reps 3] [--sizes 1000000x10,100000x100] [--method auto]
 *                                      [--weighted] [--peers [--threads T]]
 *
 * Both sides generate X = matrix(rnorm(N*K), ncol = K) and y = rbinom(N, 1, 0.5) from
 * `set.seed(SEED)` (R) and `rRng(SEED)` (ours, bit-identical to R's stream; checked by comparing
 * sums). Each side times only the fit (median of `reps` runs of elapsed time, and median and
 * minimum of CPU time — user + system, all threads — which is steadier on a shared machine); data
 * generation and I/O are excluded. Our peak memory is measured in a child process: the kernel's
 * peak resident set (VmHWM, reset through /proc/self/clear_refs just before the fit) minus the
 * resident set before the fit, compared with the size of X. `--method` (auto, qr or cholesky; default auto) is passed
 * to `glm`; the table shows the method the fit used (for auto, the one it chose).
 *
 * `--peers` adds Python's peers and prints one table of all four instead: numpy running R's IRLS
 * algorithm by BLAS and a Cholesky factorisation, and scikit-learn's `newton-cholesky` logistic
 * regression (see `scripts/bench/peers.py`), installed into `.venv` on first use
 * (`scripts/bench/requirements-peers.txt`). They fit the same data: X and y as generated here, written
 * once to `.cache/bench_glm/` as binary doubles. Every coefficient vector is compared with R's.
 * The contenders' fits are 300 ms apart (`PAUSE_MS`): without it, OpenBLAS's threads, still
 * spinning after the peers' last call, took a core from the fit that came next (ours: 0.140 s a
 * fit on 1e6×10 against 0.119 s with the pause, the peers' times unchanged). This project runs on all cores (`lib/_kernels/pool.ts`), or on `--threads T`: its workers are
 * started, and timed, once per process before the first fit; a fit's shared memory (a copy of X
 * and the rows' weights) is kept a few seconds for the next fit, so the peak extra memory printed
 * leaves it out and its size is printed beside it.
 *
 * `--weighted` times the fit with prior weights and an offset on both sides: the same stream goes
 * on to draw `w <- runif(N, 0.5, 2)` and `offset <- rnorm(N) * 0.1` (scripts/r/bench_glm.R
 * `--weighted`), and both fit `glm.fit(X, y, weights = w, offset = offset)` (no intercept, logit;
 * the weights are not whole numbers, so both warn "non-integer #successes").
 *
 * @module
 */

import { glm, type GlmOptions } from "../../lib/glm/glm.ts";
import type { GlmFit } from "../../lib/glm/glm_fit.ts";
import { wasmCrossprodAvailable } from "../../lib/_kernels/crossprod.ts";
import { parallelFusedBytes } from "../../lib/_kernels/fused_parallel.ts";
import { poolThreads, startPool } from "../../lib/_kernels/pool.ts";
import { fromColumnMajor } from "../../lib/core/matrix.ts";
import { rRng } from "../../lib/r/random.ts";
import process from "node:process";
import { describeBlas, lines, LineServer, overridesHere, startPeers, writeData } from "./peers.ts";

const SEED = 2024;

function arg(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < Deno.args.length ? Deno.args[i + 1] : fallback;
}

function generate(n: number, k: number, weighted: boolean) {
  const rng = rRng(SEED);
  const X = fromColumnMajor(n, k, rng.rnorm(n * k, 0, 1));
  const y = rng.rbinom(n, 1, 0.5);
  if (!weighted) return { X, y, options: {} };
  // R: runif(n, 0.5, 2) is 0.5 + (2 - 0.5) * u; rnorm(n) * 0.1.
  const weights = rng.runif(n).map((u) => 0.5 + 1.5 * u);
  const offset = rng.rnorm(n, 0, 1).map((z) => z * 0.1);
  return { X, y, options: { weights, offset } };
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function procStatus(key: string): number {
  const m = Deno.readTextFileSync("/proc/self/status").match(new RegExp(`${key}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Child mode: one timed fit with peak-memory measurement; prints one JSON line. */
async function child(
  n: number,
  k: number,
  reps: number,
  method: GlmOptions["method"],
  weighted: boolean,
) {
  const { X, y, options } = generate(n, k, weighted);
  startPool(); // once per process, before the first fit (as in --peers)
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let peakExtra = 0;
  let fit: GlmFit | null = null;
  for (let r = 0; r < reps; r++) {
    fit = null; // (the last fit collected before the next)
    const t = await timedFit(() => glm(X, y, { maxit: 25, epsilon: 1e-8, method, ...options }));
    fit = t.fit;
    seconds.push(t.seconds);
    cpuSeconds.push(t.cpuSeconds);
    peakExtra = Math.max(peakExtra, t.peakExtraBytes);
  }
  console.log(JSON.stringify({
    n,
    k,
    checksumX: sum(X.data),
    checksumY: sum(y),
    ...(weighted ? { checksumW: sum(options.weights!), checksumOffset: sum(options.offset!) } : {}),
    seconds,
    cpuSeconds,
    iterations: fit!.iterations,
    method: fit!.method,
    coefficients: fit!.coefficients,
    peakExtraBytes: peakExtra,
    xBytes: X.data.byteLength,
  }));
}

/**
 * Child mode for `--peers`: generates the data, prints its sums, then answers each line "run" on
 * standard input with one timed fit (as `child` times it) and "done" with the last fit's result.
 */
async function serveChild(n: number, k: number, method: GlmOptions["method"]) {
  const { X, y } = generate(n, k, false);
  const say = (o: unknown) => console.log(JSON.stringify(o));
  // The pool's workers start once per process: timed here, before the first fit.
  const threads = poolThreads(Number(arg("threads", String(poolThreads()))));
  const t0 = performance.now();
  const workers = startPool();
  const poolStartMs = performance.now() - t0;
  say({
    checksumX: sum(X.data),
    checksumY: sum(y),
    xBytes: X.data.byteLength,
    threads,
    workers,
    poolStartMs,
    sharedBytes: parallelFusedBytes(n, k),
  });
  let fit: GlmFit | null = null;
  for await (const line of lines(Deno.stdin.readable)) {
    if (line === "done") {
      say({ iterations: fit!.iterations, method: fit!.method, coefficients: fit!.coefficients });
      return;
    }
    fit = null;
    const { fit: f, ...times } = await timedFit(() =>
      glm(X, y, { maxit: 25, epsilon: 1e-8, method })
    );
    fit = f;
    say(times);
  }
}

/**
 * One timed fit, after a full garbage collection (with `--expose-gc`) and a pause: wall and CPU
 * seconds (user + system, all threads) and the peak resident set during it beyond the one before
 * (VmHWM, reset through /proc/self/clear_refs just before).
 */
async function timedFit(fit: () => GlmFit) {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((res) => setTimeout(res, 10));
  const rssBefore = procStatus("VmRSS");
  Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = fit();
  const seconds = (performance.now() - t0) / 1000, c1 = process.cpuUsage(c0);
  return {
    fit: result,
    seconds,
    cpuSeconds: (c1.user + c1.system) / 1e6,
    peakExtraBytes: procStatus("VmHWM") - rssBefore,
  };
}

/**
 * The pause between two contenders' fits in `--peers` (ms). OpenBLAS's threads keep spinning for
 * about 2^28 cycles after a call before they sleep (its THREAD_TIMEOUT), which would take a core
 * from whichever fit comes next; the pause lets that end, for every contender alike.
 */
const PAUSE_MS = 300;
const pause = () => new Promise((res) => setTimeout(res, PAUSE_MS));

/**
 * `--peers`: for each size, R, this project and the Python peers are started side by side as
 * servers on the same data, and their fits alternate, one of each per round (a burst of load on a
 * shared machine then falls on all of them alike); the first round is not measured. Prints one
 * table of all four.
 */
async function mainPeers(sizes: number[][], reps: number, method: string) {
  const loadBefore = await loadAverage();
  const rows: string[][] = [], memory: string[] = [], pool: string[] = [];
  let rVersion = "", py: Record<string, unknown> = {};
  for (const [n, k] of sizes) {
    const file = await dataFile(n, k);
    const self = new URL(import.meta.url).pathname,
      rScript = new URL("../r/bench_glm.R", import.meta.url).pathname;
    const [ours, r, peers] = await Promise.all([
      LineServer.start(Deno.execPath(), [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        self,
        "--serve",
        String(n),
        String(k),
        method,
        ...(Deno.args.includes("--threads") ? ["--threads", arg("threads", "")] : []),
      ]),
      LineServer.start("Rscript", [rScript, String(n), String(k), String(SEED), "1", "--serve"]),
      startPeers(["glm", file, String(n), String(k)]),
    ]);
    py = peers.ready;
    rVersion = String(r.ready.R);
    // R's sum() accumulates in long double, ours and Python's math.fsum exactly: equal data gives
    // sums equal to ~1e-12.
    const close = (a: unknown, b: unknown) =>
      Math.abs((a as number) - (b as number)) <= 1e-12 * Math.max(1, Math.abs(b as number));
    for (const other of [ours.ready, py]) {
      if (
        !(close(other.checksumX, r.ready.checksumX) && close(other.checksumY, r.ready.checksumY))
      ) {
        throw new Error(`${n}×${k}: the data differ between R, this project and Python`);
      }
    }
    // per implementation: wall and CPU seconds of each measured round
    type Times = { seconds: number[]; cpu: number[] };
    const names = [
      "R glm.fit",
      "numpy IRLS (R's algorithm, BLAS + Cholesky)",
      "scikit-learn newton-cholesky",
      "this project",
    ];
    const times: Times[] = names.map(() => ({ seconds: [], cpu: [] }));
    let peak = 0;
    for (let round = 0; round <= reps; round++) {
      const a = await r.send("run");
      await pause();
      const b = await peers.send("run") as unknown as Record<string, number>[];
      await pause();
      const c = await ours.send("run");
      await pause();
      if (round === 0) continue; // warm-up: lazy imports, thread start-up, the JIT
      const got = [a, b[0], b[1], c] as Record<string, number>[];
      got.forEach((t, i) => {
        times[i].seconds.push(t.seconds);
        times[i].cpu.push(t.cpuSeconds);
      });
      peak = Math.max(peak, c.peakExtraBytes as number);
    }
    const rFit = await r.close(), pyFit = await peers.close(), oursFit = await ours.close();
    memory.push(
      `${n}×${k}: ${(peak / 2 ** 20).toFixed(0)} MiB (X: ${
        ((ours.ready.xBytes as number) / 2 ** 20).toFixed(0)
      } MiB; shared memory, kept between fits: ${
        ((ours.ready.sharedBytes as number) / 2 ** 20).toFixed(0)
      } MiB)`,
    );
    pool.push(
      `${n}×${k}: ${ours.ready.threads} threads, ${ours.ready.workers} worker(s) started in ${
        (ours.ready.poolStartMs as number).toFixed(1)
      } ms`,
    );
    const rc = rFit.coefficients as number[];
    const fits = [rFit, pyFit.numpy_irls, pyFit.sklearn, oursFit] as Record<string, unknown>[];
    names[3] = `this project (glm, ${oursFit.method})`;
    const base = times[3];
    fits.forEach((f, i) => {
      const t = times[i];
      const paired = t.seconds.map((s, j) => s / base.seconds[j]);
      rows.push([
        `${n}×${k}`,
        names[i],
        median(t.seconds).toFixed(3),
        Math.min(...t.seconds).toFixed(3),
        median(t.cpu).toFixed(3),
        median(paired).toFixed(2) + "×",
        (Math.min(...t.seconds) / Math.min(...base.seconds)).toFixed(2) + "×",
        (median(t.cpu) / median(base.cpu)).toFixed(2) + "×",
        String(f.iterations),
        i === 0 ? "—" : maxRelDiff(f.coefficients as number[], rc).toExponential(1),
      ]);
    });
  }
  printTable(
    [
      "N×K",
      "implementation",
      "wall s (median)",
      "wall s (min)",
      "CPU s (median)",
      "÷ ours (paired, median)",
      "÷ ours (minima)",
      "CPU ÷ ours",
      "iterations",
      "max rel. coef. diff to R",
    ],
    rows,
    2,
  );
  const here = overridesHere();
  console.log(
    `\n(${reps} rounds after one unmeasured, each round one fit of each implementation in turn, ` +
      `${PAUSE_MS} ms apart, ` +
      `on the same data; "÷ ours (paired)": the median over rounds of the time over this ` +
      `project's time in the same round; CPU = user + system time of all threads; ` +
      `${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, ` +
      `Deno ${Deno.version.deno}, ${rVersion}, Python ${py.python}, numpy ${py.numpy} on ` +
      `${describeBlas(py)}, scikit-learn ${py.sklearnVersion}; the peers ran without ${
        here.length ? here.join(" and ") : "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (not set here)"
      })`,
  );
  console.log(`This project's peak extra memory during a fit: ${memory.join(", ")}.`);
  console.log(
    `This project's thread pool, started once per process before its first fit (not in the ` +
      `times above): ${pool.join("; ")}.`,
  );
  console.log(`Load average before the run: ${loadBefore}; after: ${await loadAverage()}.`);
}

async function run(cmd: string, args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

/** The 1, 5 and 15-minute load averages (Linux), for the record of a run on a shared machine. */
function loadAverage(): Promise<string> {
  return Deno.readTextFile("/proc/loadavg").then(
    (s) => s.split(" ").slice(0, 3).join(" "),
    () => "unknown",
  );
}

/** Where the peers find the data of size n × k: written once, reused while its size is right. */
async function dataFile(n: number, k: number): Promise<string> {
  const path =
    new URL(`../../.cache/bench_glm/seed${SEED}_${n}x${k}.f64`, import.meta.url).pathname;
  const size = await Deno.stat(path).then((s) => s.size, () => -1);
  if (size !== 8 * (n * k + n)) {
    const { X, y } = generate(n, k, false);
    await writeData(path, X.data, y);
  }
  return path;
}

function maxRelDiff(coef: number[], ref: number[]): number {
  let m = 0;
  ref.forEach((c, j) => (m = Math.max(m, Math.abs(coef[j] - c) / Math.abs(c))));
  return m;
}

/** Prints the rows as a Markdown table, the first `left` columns left-aligned. */
function printTable(head: string[], rows: string[][], left = 1): void {
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, j) => j < left ? c.padEnd(widths[j]) : c.padStart(widths[j])).join(" | ") +
    " |";
  console.log(line(head));
  console.log(
    "|" + widths.map((w, j) => j < left ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":").join("|") +
      "|",
  );
  for (const r of rows) console.log(line(r));
}

async function main() {
  const reps = Number(arg("reps", "3"));
  const method = arg("method", "auto");
  const weighted = Deno.args.includes("--weighted");
  const sizes = arg("sizes", "1000000x10,100000x100").split(",").map((s) =>
    s.split("x").map(Number)
  );
  if (Deno.args.includes("--peers")) return await mainPeers(sizes, reps, method);
  const rows: string[][] = [];
  for (const [n, k] of sizes) {
    const ours = await run(Deno.execPath(), [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      "--child",
      String(n),
      String(k),
      String(reps),
      method,
      ...(weighted ? ["--weighted"] : []),
    ]);
    const r = await run("Rscript", [
      new URL("../r/bench_glm.R", import.meta.url).pathname,
      String(n),
      String(k),
      String(SEED),
      String(reps),
      ...(weighted ? ["--weighted"] : []),
    ]);
    // R's sum() accumulates in long double, ours in double: equal data gives sums equal to ~1e-12.
    const close = (a: unknown, b: unknown) =>
      Math.abs((a as number) - (b as number)) <= 1e-12 * Math.max(1, Math.abs(b as number));
    const sameData = close(ours.checksumX, r.checksumX) && close(ours.checksumY, r.checksumY) &&
      (!weighted ||
        (close(ours.checksumW, r.checksumW) && close(ours.checksumOffset, r.checksumOffset)));
    const rc = r.coefficients as number[], oc = ours.coefficients as number[];
    let maxRel = 0;
    rc.forEach((c, j) => (maxRel = Math.max(maxRel, Math.abs(oc[j] - c) / Math.abs(c))));
    const tR = median(r.seconds as number[]), tOurs = median(ours.seconds as number[]);
    const cR = median(r.cpuSeconds as number[]), cOurs = median(ours.cpuSeconds as number[]);
    const mR = Math.min(...(r.cpuSeconds as number[]));
    const mOurs = Math.min(...(ours.cpuSeconds as number[]));
    rows.push([
      `${n}×${k}`,
      tR.toFixed(3),
      tOurs.toFixed(3),
      (tR / tOurs).toFixed(1) + "×",
      `${cR.toFixed(3)} / ${cOurs.toFixed(3)} = ${(cR / cOurs).toFixed(1)}×`,
      `${mR.toFixed(3)} / ${mOurs.toFixed(3)} = ${(mR / mOurs).toFixed(1)}×`,
      `${r.iterations}/${ours.iterations}`,
      String(ours.method),
      maxRel.toExponential(1) + (maxRel <= 1e-9 ? " ✓" : " ✗"),
      sameData ? "yes" : "NO",
      `${((ours.peakExtraBytes as number) / 2 ** 20).toFixed(0)} MiB`,
      `${((ours.xBytes as number) / 2 ** 20).toFixed(0)} MiB`,
    ]);
  }
  const head = [
    "N×K",
    "R glm.fit s",
    "ours s",
    "speed-up",
    "CPU s R / ours (median)",
    "CPU s R / ours (min)",
    "iter R/ours",
    `method (${method})`,
    "max rel. coef diff",
    "same data",
    "our peak extra",
    "size of X",
  ];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, j) => c.padEnd(widths[j])).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(r));
  if (weighted) {
    console.log(
      "\nWeighted: glm.fit(X, y, weights = runif(N, 0.5, 2), offset = rnorm(N) * 0.1) on both sides.",
    );
  }
  console.log(
    `\n(${reps} runs each; times are medians except the last CPU column; ${Deno.build.os} ${Deno.build.arch}, Deno ${Deno.version.deno}; ` +
      `cross-products by ${wasmCrossprodAvailable() ? "WebAssembly SIMD" : "TypeScript"})`,
  );
}

if (Deno.args[0] === "--serve") {
  await serveChild(
    Number(Deno.args[1]),
    Number(Deno.args[2]),
    (Deno.args[3] ?? "auto") as GlmOptions["method"],
  );
} else if (Deno.args[0] === "--child") {
  await child(
    Number(Deno.args[1]),
    Number(Deno.args[2]),
    Number(Deno.args[3]),
    (Deno.args[4] ?? "auto") as GlmOptions["method"],
    Deno.args.includes("--weighted"),
  );
} else {
  await main();
}
