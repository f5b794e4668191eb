/**
 * The book's script (`site/live.js`, bundled by `scripts/book_live.ts`): the lib's public API as
 * `globalThis.lrnn` (the same functions as `lib/mod.ts`, computing the same numbers as under Deno),
 * and the live figures, each mounted after the notebook cell tagged `live:NAME` (nbconvert gives
 * such a cell the class `celltag_live:NAME`). Pages without such a cell load nothing.
 *
 * @module
 */

import * as lib from "../../lib/mod.ts";
import { trainingSettings, weightsOverEpochs } from "./figures.ts";
import { optimiserPaths } from "./paths.ts";
import { STYLE } from "./style.ts";

declare global {
  var lrnn: typeof lib;
}
globalThis.lrnn = lib;

/** The figures by name. */
const FIGURES: Record<string, (host: HTMLElement) => HTMLElement> = {
  "weights-over-epochs": weightsOverEpochs,
  "training-settings": trainingSettings,
  "optimiser-paths": optimiserPaths,
};

/**
 * A new output of the cell `anchor`, after its other outputs and laid out as they are (an empty
 * prompt, then the output). The cell's static figure stays where it is, above.
 */
function host(anchor: Element): HTMLElement {
  const child = document.createElement("div");
  child.className = "jp-OutputArea-child live-host";
  const prompt = document.createElement("div");
  prompt.className = "jp-OutputPrompt jp-OutputArea-prompt";
  const out = document.createElement("div");
  out.className = "jp-OutputArea-output";
  child.append(prompt, out);
  const area = anchor.querySelector(".jp-OutputArea");
  if (area) area.append(child);
  else anchor.after(child);
  return out;
}

/** Mounts every live figure of the page. */
function mount(): void {
  const anchors = [...document.querySelectorAll('[class*="celltag_live:"]')];
  if (anchors.length === 0) return;
  const style = document.createElement("style");
  style.textContent = STYLE;
  document.head.append(style);
  // The notebooks' one-line pointers to these live figures ("Live version: in the HTML book…")
  // are for readers of the notebooks and of the page without script: here the figure is live.
  for (const pointer of document.querySelectorAll('[class*="celltag_live-pointer"]')) {
    const cell = pointer.closest<HTMLElement>(".jp-Cell");
    if (cell) cell.style.display = "none";
  }
  for (const anchor of anchors) {
    const tag = [...anchor.classList].find((c) => c.startsWith("celltag_live:"))!;
    const name = tag.slice("celltag_live:".length);
    FIGURES[name]?.(host(anchor));
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
}
