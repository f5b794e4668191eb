/**
 * Speed of the tutorial's from-scratch Adam: 1000 epochs, full batch, on the 1000×10 data.
 * Run: `deno bench --allow-read tests/scratch_adam_bench.ts`.
 * The R loop's time: `deno task compare` runs it side by side (or `Rscript scripts/r/reference_adam.R`).
 *
 * Full batch never builds the permutations (R's stream is advanced past them all at once, by
 * `skipSamples` in WebAssembly) and takes the gradient from a WebAssembly SIMD kernel; the
 * skipSamples benchmark is the generator's share, skipSample the readable version of it.
 */
import { generateData } from "../lib/data/dataset.ts";
import { scratchAdam } from "../lib/nn/scratch_adam.ts";
import { rRng } from "../lib/r/random.ts";
import { skipSamples } from "../lib/nn/engine.ts";

const { X, y } = generateData();

Deno.bench("scratchAdam: 1000 epochs, batch 1000, 1000×10 (the tutorial)", {
  baseline: true,
}, () => {
  scratchAdam(X, y, { rng: rRng(42) });
});

Deno.bench("scratchAdam: 50 epochs, batch 100 (10 steps an epoch)", () => {
  scratchAdam(X, y, { rng: rRng(42), epochs: 50, batchSize: 100 });
});

Deno.bench("R's sample(1000), 1000 times (the shuffling alone)", () => {
  const rng = rRng(42);
  for (let e = 0; e < 1000; e++) rng.sample(1000);
});

Deno.bench("skipSample(1000), 1000 times (what full batch draws instead)", () => {
  const rng = rRng(42);
  for (let e = 0; e < 1000; e++) rng.skipSample(1000);
});

Deno.bench(
  "skipSamples(rng, 1000, 1000) (the same, in WebAssembly, as scratchAdam does it)",
  () => {
    skipSamples(rRng(42), 1000, 1000);
  },
);

Deno.bench("1.1 million uniforms (the draws the shuffling needs)", () => {
  const rng = rRng(42);
  let s = 0;
  for (let i = 0; i < 1_100_000; i++) s += rng.unifRand();
  if (s < 0) throw new Error("unreachable");
});
