/**
 * The training loop as callbacks see it (lib/nn/train.ts driven by Model.fit and fitSync): the
 * order of the hooks, and that fit and fitSync run the same loop.
 */
import assert from "node:assert/strict";
import { type Callback, fromRows, jupyterProgress, tutorialNetwork } from "../lib/mod.ts";

const X = fromRows([[1, 0.5], [-1, 2], [0.3, -0.7], [2, 1], [-0.5, -1]]);
const y = [1, 0, 1, 1, 0];

/** A callback recording each hook with the optimizer's step count and the weights at that time. */
function recorder(net: ReturnType<typeof tutorialNetwork>, async: boolean) {
  const events: string[] = [];
  const weights: number[][] = [];
  const note = (what: string) => {
    events.push(`${what} after ${net.optimizer!.iterations} steps`);
    weights.push(Array.from(net.getWeights()[0].data));
    return async ? Promise.resolve() : undefined;
  };
  const callback: Callback = {
    onTrainBegin: () => note("begin"),
    onEpochEnd: (epoch) => note(`epoch ${epoch}`),
    onTrainEnd: () => note("end"),
  };
  return { events, weights, callback };
}

const expected = [
  "begin after 0 steps",
  "epoch 0 after 2 steps",
  "epoch 1 after 4 steps",
  "epoch 2 after 6 steps",
  "end after 6 steps",
];

Deno.test("Model.fit calls onTrainBegin before the first epoch trains, then every epoch in order", async () => {
  const net = tutorialNetwork(2);
  const r = recorder(net, true);
  await net.fit(X, y, { epochs: 3, batchSize: 3, verbose: 0, callbacks: [r.callback] });
  assert.deepEqual(r.events, expected);
  assert.deepEqual(r.weights[0], [0, 0]); // the start, untrained
  assert.notDeepEqual(r.weights[1], [0, 0]);
});

Deno.test("Model.fitSync runs the same loop: the same hooks in the same order, the same weights", async () => {
  const a = tutorialNetwork(2), b = tutorialNetwork(2);
  const ra = recorder(a, true), rb = recorder(b, false);
  const ha = await a.fit(X, y, { epochs: 3, batchSize: 3, verbose: 0, callbacks: [ra.callback] });
  const hb = b.fitSync(X, y, { epochs: 3, batchSize: 3, verbose: 0, callbacks: [rb.callback] });
  assert.deepEqual(rb.events, expected);
  assert.deepEqual(rb.weights, ra.weights);
  assert.deepEqual(hb, ha);
});

Deno.test("the Jupyter progress display appears before the first epoch and then follows every epoch", async () => {
  const net = tutorialNetwork(2);
  const shown: string[] = [];
  const progress = jupyterProgress({
    minIntervalMs: 0,
    display: (bundle, options) => {
      shown.push(
        `${options.update ? "update" : "show"} at ${net.optimizer!.iterations} steps: ${
          bundle["text/plain"].split(" - ")[0]
        }`,
      );
      return Promise.resolve();
    },
  });
  await net.fit(X, y, { epochs: 2, batchSize: 5, verbose: 0, callbacks: [progress] });
  assert.deepEqual(shown, [
    "show at 0 steps: Epoch 0/2",
    "update at 1 steps: Epoch 1/2",
    "update at 2 steps: Epoch 2/2",
  ]);
});

Deno.test("Model.fit checks its options before any callback runs", async () => {
  const net = tutorialNetwork(2);
  const r = recorder(net, false);
  await assert.rejects(
    () => net.fit(X, y, { epochs: 0, verbose: 0, callbacks: [r.callback] }),
    /`epochs` must be a positive integer/,
  );
  assert.deepEqual(r.events, []);
});
