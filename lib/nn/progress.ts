/**
 * Training callbacks and the progress reporters behind `fit(..., { verbose })`.
 *
 * This is the one file of the network code that does I/O: a reporter writes lines to the
 * terminal, or, inside Deno's Jupyter kernel, one output line that is updated in place with
 * `Deno.jupyter.display(bundle, { raw: true, display_id, update: true })`. The training loop
 * itself only calls the {@linkcode Callback} interface, so it stays pure and testable.
 *
 * @module
 */

import { escapeHtml } from "../core/html.ts";

/** The numbers logged at the end of an epoch: the loss and each compiled metric. */
export interface EpochLogs {
  /** The epoch's loss (batch losses averaged with weights of batch size, as Keras reports it). */
  readonly loss: number;
  /** Each metric by its Keras name, e.g. `binary_crossentropy`. */
  readonly [metric: string]: number;
}

/** What a callback learns when training starts. */
export interface TrainParams {
  /** Number of epochs. */
  readonly epochs: number;
  /** Optimizer steps (batches) per epoch. */
  readonly steps: number;
  /** Rows of X. */
  readonly samples: number;
  /** Rows per batch. */
  readonly batchSize: number;
}

/**
 * A training callback, as Keras' `callback_*`: each hook may return a promise, which `fit` awaits
 * (`fitSync` does not). Epochs are numbered from 0, as in Keras' `on_epoch_end`.
 */
export interface Callback {
  /** Called once before the first epoch. */
  onTrainBegin?(params: TrainParams): void | Promise<void>;
  /** Called after every epoch with that epoch's logs. */
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  /** Called once after the last epoch. */
  onTrainEnd?(logs: EpochLogs | undefined): void | Promise<void>;
}

/** A callback that shows progress. */
export type ProgressReporter = Callback;

/** How much `fit` reports: 0 silent, 1 a progress line (updated in place in Jupyter), 2 one line per epoch. */
export type Verbosity = 0 | 1 | 2;

/**
 * Formats one progress line like Keras:
 * `Epoch 10/1000 - 3 ms - loss: 0.6931 - binary_crossentropy: 0.6931`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatEpoch } from "./progress.ts";
 * const line = formatEpoch(9, 1000, { loss: Math.LN2 }, 3.2);
 * assert.ok(line === "Epoch 10/1000 - 3 ms - loss: 0.6931");
 * ```
 */
export function formatEpoch(
  epoch: number,
  epochs: number,
  logs: EpochLogs,
  elapsedMs: number,
): string {
  const parts = [`Epoch ${epoch + 1}/${epochs}`, `${Math.round(elapsedMs)} ms`];
  for (const [k, v] of Object.entries(logs)) parts.push(`${k}: ${v.toFixed(4)}`);
  return parts.join(" - ");
}

/**
 * True inside Deno's Jupyter kernel (where `Deno.jupyter.display` exists). Outside the kernel
 * merely reading `Deno.jupyter` throws, hence the `try`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inJupyterKernel } from "./progress.ts";
 * assert.ok(inJupyterKernel() === false); // under `deno test`
 * ```
 */
export function inJupyterKernel(): boolean {
  try {
    const d = (globalThis as { Deno?: { jupyter?: { display?: unknown } } }).Deno;
    return typeof d?.jupyter?.display === "function";
  } catch {
    return false;
  }
}

/**
 * A reporter that writes lines with `write` (default `console.log`): with `every` set, a line
 * every `every` epochs; otherwise about `lines` lines (default 10) spread over training. The
 * last epoch is always reported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalProgress } from "./progress.ts";
 * const out: string[] = [];
 * const r = terminalProgress({ lines: 2, write: (s) => out.push(s) });
 * r.onTrainBegin?.({ epochs: 4, steps: 1, samples: 10, batchSize: 10 });
 * for (let e = 0; e < 4; e++) r.onEpochEnd?.(e, { loss: 1 / (e + 1) });
 * assert.ok(out.length === 2 && out[1].startsWith("Epoch 4/4"));
 * ```
 */
export function terminalProgress(
  { lines = 10, every, write = (s: string) => console.log(s), now = () => performance.now() }: {
    lines?: number;
    every?: number;
    write?: (line: string) => void;
    now?: () => number;
  } = {},
): ProgressReporter {
  let epochs = 0, step = 1, start = 0;
  return {
    onTrainBegin(params) {
      epochs = params.epochs;
      step = every ?? Math.max(1, Math.ceil(epochs / Math.max(1, lines)));
      start = now();
    },
    onEpochEnd(epoch, logs) {
      if ((epoch + 1) % step === 0 || epoch + 1 === epochs) {
        write(formatEpoch(epoch, epochs, logs, now() - start));
      }
    },
  };
}

/** The progress line as a MIME bundle: plain text and HTML. */
export interface ProgressBundle {
  /** Plain text, for consoles and exported text. */
  "text/plain": string;
  /** HTML (a progress bar and the line), for JupyterLab and exported HTML. */
  "text/html": string;
}

/** The shape of `Deno.jupyter.display`, injectable for tests. */
export type DisplayFunction = (
  bundle: ProgressBundle,
  options: { raw: true; display_id: string; update?: boolean },
) => unknown;

let displayCounter = 0;

/**
 * A reporter for Jupyter: one output that is updated in place (a display with a `display_id`,
 * then `update: true`), showing a progress bar and the latest epoch's line; updates are at most
 * one per `minIntervalMs` (default 100 ms), plus the last epoch. `display` defaults to
 * `Deno.jupyter.display`. The hooks return the display's promise, so `fit` yields to the kernel
 * and the updates reach the notebook while training runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterProgress } from "./progress.ts";
 * const calls: { update?: boolean }[] = [];
 * const r = jupyterProgress({ display: (_b, o) => calls.push(o), minIntervalMs: 0 });
 * r.onTrainBegin?.({ epochs: 3, steps: 1, samples: 10, batchSize: 10 });
 * for (let e = 0; e < 3; e++) r.onEpochEnd?.(e, { loss: 0.5 });
 * assert.ok(calls.length === 4 && !calls[0].update && calls[3].update === true);
 * ```
 */
export function jupyterProgress(
  { display, minIntervalMs = 100, now = () => performance.now() }: {
    display?: DisplayFunction;
    minIntervalMs?: number;
    now?: () => number;
  } = {},
): ProgressReporter {
  const show: DisplayFunction = display ??
    ((bundle, options) =>
      (globalThis as unknown as {
        Deno: { jupyter: { display: (b: unknown, o: unknown) => Promise<void> } };
      }).Deno.jupyter.display(bundle, options));
  const id = `lrnn-fit-${Date.now()}-${++displayCounter}`;
  let epochs = 0, start = 0, last = -Infinity;
  const bundle = (done: number, text: string): ProgressBundle => ({
    "text/plain": text,
    "text/html": `<div style="font-family:monospace"><progress value="${done}" max="${epochs}" ` +
      `style="width:12em;vertical-align:middle"></progress> ${escapeHtml(text)}</div>`,
  });
  return {
    onTrainBegin(params) {
      epochs = params.epochs;
      start = now();
      last = start;
      return show(bundle(0, `Epoch 0/${epochs}`), { raw: true, display_id: id }) as
        | void
        | Promise<void>;
    },
    onEpochEnd(epoch, logs) {
      const t = now();
      if (t - last < minIntervalMs && epoch + 1 !== epochs) return;
      last = t;
      const text = formatEpoch(epoch, epochs, logs, t - start);
      return show(bundle(epoch + 1, text), { raw: true, display_id: id, update: true }) as
        | void
        | Promise<void>;
    },
  };
}

/**
 * The reporter `fit` uses for a verbosity: `undefined` for 0; for 1 {@linkcode jupyterProgress}
 * inside the Jupyter kernel and {@linkcode terminalProgress} (10 lines) elsewhere; for 2 a line
 * per epoch (Keras' `verbose = 2`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { progressFor } from "./progress.ts";
 * assert.ok(progressFor(0) === undefined);
 * ```
 */
export function progressFor(verbose: Verbosity): ProgressReporter | undefined {
  if (verbose === 0) return undefined;
  if (verbose === 2) return terminalProgress({ every: 1 });
  return inJupyterKernel() ? jupyterProgress() : terminalProgress();
}
