/**
 * Prints the bits of trained weights, to show that a change to a kernel leaves them alone: the
 * network (full batch, minibatches, with and without a bias) and scratch Adam, each on the
 * tutorial's data with 1000 epochs, as 16 hex digits per weight, with a digest of the network's
 * loss history. Run it before and after a change and compare the outputs:
 *
 *     deno run --allow-read scripts/bench/weight_bits.ts > before.txt
 *     # … change a kernel …
 *     deno run --allow-read scripts/bench/weight_bits.ts | diff before.txt - && echo identical
 *
 * @module
 */
import { generateData, scratchAdam, tutorialNetwork } from "../../lib/mod.ts";
import { readCsv } from "../../lib/data/csv_file.ts";

const { X, y } = await readCsv(new URL("../../data/tutorial.csv", import.meta.url).pathname);

/** The 64 bits of each double, as hex. */
const hex = (a: ArrayLike<number>) =>
  Array.from(a, (v) => {
    const d = new DataView(new ArrayBuffer(8));
    d.setFloat64(0, v);
    return d.getBigUint64(0).toString(16).padStart(16, "0");
  }).join(" ");

/** The first 8 bytes of the SHA-256 of the doubles' bits. */
async function digest(a: number[]): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new Float64Array(a)));
  return Array.from(bytes.slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

const runs = [[1000, false], [100, false], [1000, true], [999, true]] as const;
for (const [batchSize, useBias] of runs) {
  const m = tutorialNetwork(10, { useBias });
  const h = m.fitSync(X, y, { epochs: 1000, batchSize, verbose: 0 });
  const w = m.getWeights().flatMap((t) => Array.from(t.data));
  console.log(`network, batch ${batchSize}, bias ${useBias}: ${hex(w)}`);
  console.log(`  loss history ${await digest(h.history.loss)}, last ${h.history.loss.at(-1)}`);
}
const d = generateData();
console.log(`scratchAdam (tutorial's stream): ${hex(scratchAdam(d.X, d.y, { rng: d.rng }).theta)}`);
console.log(`scratchAdam (batch 100):         ${hex(scratchAdam(X, y, { batchSize: 100 }).theta)}`);
