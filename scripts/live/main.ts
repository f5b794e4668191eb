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

/** The figures by name, and whether each takes the place of its cell's static figure. */
const FIGURES: Record<string, [(host: HTMLElement) => HTMLElement, boolean]> = {
  "weights-over-epochs": [weightsOverEpochs, true],
  "training-settings": [trainingSettings, false],
  "optimiser-paths": [optimiserPaths, false],
};

/**
 * A new output of the cell `anchor`, laid out as its other outputs are (an empty prompt, then
 * the output); with `replace`, the cell's static figure is hidden (it stays in the page).
 */
function host(anchor: Element, replace: boolean): HTMLElement {
  const child = document.createElement("div");
  child.className = "jp-OutputArea-child live-host";
  const prompt = document.createElement("div");
  prompt.className = "jp-OutputPrompt jp-OutputArea-prompt";
  const out = document.createElement("div");
  out.className = "jp-OutputArea-output";
  child.append(prompt, out);
  const area = anchor.querySelector(".jp-OutputArea");
  if (replace) {
    const figure = area?.querySelector('[data-mime-type="image/svg+xml"]')
      ?.closest<HTMLElement>(".jp-OutputArea-child");
    if (figure) figure.style.display = "none";
  }
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
    const figure = FIGURES[name];
    if (figure) figure[0](host(anchor, figure[1]));
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
}
