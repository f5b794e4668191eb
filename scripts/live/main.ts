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

const FIGURES: Record<string, (anchor: Element) => HTMLElement> = {
  "weights-over-epochs": weightsOverEpochs,
  "training-settings": trainingSettings,
  "optimiser-paths": optimiserPaths,
};

/** Mounts every live figure of the page. */
function mount(): void {
  const anchors = [...document.querySelectorAll('[class*="celltag_live:"]')];
  if (anchors.length === 0) return;
  const style = document.createElement("style");
  style.textContent = STYLE;
  document.head.append(style);
  for (const anchor of anchors) {
    const tag = [...anchor.classList].find((c) => c.startsWith("celltag_live:"))!;
    const name = tag.slice("celltag_live:".length);
    FIGURES[name]?.(anchor);
  }
}

if (typeof document !== "undefined") {
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
}
