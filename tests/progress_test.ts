import assert from "node:assert/strict";
import {
  formatEpoch,
  inJupyterKernel,
  jupyterProgress,
  progressFor,
  terminalProgress,
} from "../lib/nn/progress.ts";

const params = { epochs: 1000, steps: 1, samples: 1000, batchSize: 1000 };

Deno.test("formatEpoch reads like Keras' progress line", () => {
  assert.equal(
    formatEpoch(9, 1000, { loss: 0.693147, binary_crossentropy: 0.693147 }, 12.4),
    "Epoch 10/1000 - 12 ms - loss: 0.6931 - binary_crossentropy: 0.6931",
  );
});

Deno.test("terminalProgress writes about ten lines, the last epoch always among them", () => {
  const out: string[] = [];
  let t = 0;
  const r = terminalProgress({ write: (s) => out.push(s), now: () => (t += 1) });
  r.onTrainBegin?.(params);
  for (let e = 0; e < 1000; e++) r.onEpochEnd?.(e, { loss: 1 });
  assert.equal(out.length, 10);
  assert.match(out[0], /^Epoch 100\/1000 /);
  assert.match(out[9], /^Epoch 1000\/1000 /);
});

Deno.test("terminalProgress with every: 1 writes one line an epoch", () => {
  const out: string[] = [];
  const r = terminalProgress({ every: 1, write: (s) => out.push(s) });
  r.onTrainBegin?.({ ...params, epochs: 7 });
  for (let e = 0; e < 7; e++) r.onEpochEnd?.(e, { loss: 1 });
  assert.equal(out.length, 7);
});

Deno.test("jupyterProgress shows one display and then updates it in place", async () => {
  const calls: { text: string; id: unknown; update: unknown }[] = [];
  let t = 0;
  const r = jupyterProgress({
    display: (bundle, options) => {
      calls.push({ text: bundle["text/plain"], id: options.display_id, update: options.update });
    },
    minIntervalMs: 100,
    now: () => (t += 30),
  });
  await r.onTrainBegin?.(params);
  for (let e = 0; e < 1000; e++) await r.onEpochEnd?.(e, { loss: 0.5 });
  assert.equal(calls[0].update, undefined);
  assert.ok(calls.slice(1).every((c) => c.update === true && c.id === calls[0].id));
  // Throttled (every ~100 ms of 30 ms epochs), and the final epoch is always shown.
  assert.ok(calls.length > 10 && calls.length < 400, `${calls.length} displays`);
  assert.match(calls.at(-1)!.text, /^Epoch 1000\/1000 /);
});

Deno.test("progressFor is silent at verbose 0 and prints in a terminal otherwise", () => {
  assert.equal(progressFor(0), undefined);
  assert.equal(inJupyterKernel(), false);
  assert.ok(progressFor(1) !== undefined && progressFor(2) !== undefined);
});
