/**
 * `deno bench --allow-read tests/network_bench.ts`: the speed target, training the
 * tutorial's network (1000 epochs, batch size 1000, 1000 × 10 data, Adam, zeros init) in
 * float64 and float32.
 */
import { readCsv } from "../lib/data/csv.ts";
import { tutorialNetwork } from "../lib/nn/network.ts";

const { X, y } = await readCsv(new URL("../data/tutorial.csv", import.meta.url).pathname);

function train(dtype: "float64" | "float32", engine: "auto" | "js" = "auto") {
  const m = tutorialNetwork(10);
  return m.fitSync(X, y, { epochs: 1000, batchSize: 1000, verbose: 0, dtype, engine });
}

Deno.bench("fit 1000 epochs, batch 1000, 1000×10, float64", { baseline: true }, () => {
  train("float64");
});
Deno.bench("fit 1000 epochs, batch 1000, 1000×10, float64, engine js", () => {
  train("float64", "js");
});
Deno.bench("fit 1000 epochs, batch 1000, 1000×10, float32", () => {
  train("float32");
});
