/**
 * Speed of `glm` against R's `glm.fit`, side by side on identical data.
 *
 *     deno run -A scripts/bench_glm.ts [--reps 3] [--sizes 1000000x10,100000x100] [--method auto]
 *                                      [--weighted]
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
 * `--weighted` times the fit with prior weights and an offset on both sides: the same stream goes
 * on to draw `w <- runif(N, 0.5, 2)` and `offset <- rnorm(N) * 0.1` (scripts/bench_glm.R
 * `--weighted`), and both fit `glm.fit(X, y, weights = w, offset = offset)` (no intercept, logit;
 * the weights are not whole numbers, so both warn "non-integer #successes").
 *
 * @module
 */

import { glm, type GlmOptions } from "../lib/glm/glm.ts";
import { wasmCrossprodAvailable } from "../lib/_kernels/crossprod.ts";
import { fromColumnMajor } from "../lib/core/matrix.ts";
import { rRng } from "../lib/r/random.ts";
import process from "node:process";

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
  const g = (globalThis as { gc?: () => void }).gc;
  const seconds: number[] = [];
  const cpuSeconds: number[] = [];
  let peakExtra = 0;
  let fit = null;
  for (let r = 0; r < reps; r++) {
    fit = null;
    g?.();
    await new Promise((res) => setTimeout(res, 10));
    const rssBefore = procStatus("VmRSS");
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fit = glm(X, y, { maxit: 25, epsilon: 1e-8, method, ...options });
    seconds.push((performance.now() - t0) / 1000);
    const c1 = process.cpuUsage(c0);
    cpuSeconds.push((c1.user + c1.system) / 1e6);
    peakExtra = Math.max(peakExtra, procStatus("VmHWM") - rssBefore);
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

async function run(cmd: string, args: string[]): Promise<Record<string, unknown>> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${cmd} ${args.join(" ")} failed`);
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines[lines.length - 1]);
}

async function main() {
  const reps = Number(arg("reps", "3"));
  const method = arg("method", "auto");
  const weighted = Deno.args.includes("--weighted");
  const sizes = arg("sizes", "1000000x10,100000x100").split(",").map((s) =>
    s.split("x").map(Number)
  );
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
      new URL("./bench_glm.R", import.meta.url).pathname,
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

if (Deno.args[0] === "--child") {
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
