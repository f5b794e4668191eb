/**
 * Notebook 6's live contour map: the log-likelihood of the tutorial's data restricted to X3 and
 * X4, and the paths of IRLS, Adam and gradient descent from a start the reader picks by clicking
 * the map, typing it in the two start boxes, or moving it with the arrow keys on the focused map.
 * The map is drawn once; only the paths (a second, transparent layer with the same scales) are
 * redrawn. Browser code for the book's pages; not part of the lib.
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { PlotOptions } from "@observablehq/plot";
import { likelihoodGrid, pathsFrom, significant, twoFeatureProblem } from "../../lib/book/live.ts";
import { METHOD_COLOURS, optimiserPathsPlot, pathsText } from "../../lib/book/live_plots.ts";
import { frame, redrawer, resetButton, slider } from "./controls.ts";

/** Plot on this page's DOM; the returned SVG carries Plot's `scale()`. */
type PlotSvg = SVGSVGElement & { scale(name: "x" | "y"): { invert(v: number): number } };
const render = (options: PlotOptions) => Plot.plot({ ...options, document }) as unknown as PlotSvg;

/** The start the tutorial's optimisers use: all weights zero. */
const ORIGIN: [number, number] = [0, 0];

/** Mounts the figure in `host`. */
export function optimiserPaths(host: HTMLElement): HTMLElement {
  const f = frame(
    "optimiser-paths",
    "Live: pick the start.",
    "The map above, from any start: click it to start the three methods there. IRLS (red, a dot " +
      "per iteration) reaches the top in a few steps; Adam (blue) and gradient descent (orange) " +
      "crawl for 1000 epochs.",
  );
  host.append(f.root); // first, so that the figure can take the page's width
  const p = twoFeatureProblem();
  const grid = likelihoodGrid(p, { halfWidth: 1, resolution: 41 });
  const size = Math.max(260, Math.min(560, f.plot.clientWidth || 560));
  const base = render({
    ...optimiserPathsPlot(p, grid, [], ORIGIN, { layer: "map", size }),
    ariaLabel: `Contour map of the log-likelihood of the coefficients of ${p.names[0]} and ` +
      `${p.names[1]}; click to start the three methods there.`,
  });
  const stack = document.createElement("div");
  stack.className = "live-stack";
  stack.tabIndex = 0;
  stack.setAttribute("role", "group");
  stack.setAttribute(
    "aria-label",
    "Log-likelihood map: click to start the optimisers there; arrow keys move the start",
  );
  stack.append(base);
  f.plot.append(stack);

  const draw = () => {
    const start: [number, number] = [a.get(), b.get()];
    const paths = pathsFrom(p, start);
    const layer = render({
      ...optimiserPathsPlot(p, grid, paths, start, { layer: "paths", size }),
      ariaLabel: pathsText(p, paths, start).alt,
    });
    layer.classList.add("live-layer");
    stack.replaceChildren(base, layer);
    f.readout.innerHTML = "";
    f.readout.append(`From (${significant(start[0])}, ${significant(start[1])}): `);
    paths.forEach((path, i) => {
      const s = document.createElement("span");
      s.className = "live-number";
      s.dataset.value = path.method;
      s.style.color = METHOD_COLOURS[path.method];
      s.textContent =
        `${path.method} ${path.steps} ${path.method === "IRLS" ? "iterations" : "epochs"}, ` +
        `distance ${path.distance.toExponential(1)}`;
      f.readout.append(s, i < paths.length - 1 ? "; " : ".");
    });
  };
  const r = redrawer(f, draw);
  const [x1, x2] = grid.x, [y1, y2] = grid.y;
  const a = slider(
    { label: `Start θ for ${p.names[0]}`, name: "start-a", min: x1, max: x2, value: 0 },
    r.request,
  );
  const b = slider(
    { label: `Start θ for ${p.names[1]}`, name: "start-b", min: y1, max: y2, value: 0 },
    r.request,
  );
  const setStart = (u: number, v: number) => {
    a.set(Number(Math.min(x2, Math.max(x1, u)).toPrecision(3)));
    b.set(Number(Math.min(y2, Math.max(y1, v)).toPrecision(3)));
    r.request();
  };
  stack.addEventListener("click", (e) => {
    const ctm = base.getScreenCTM();
    if (!ctm) return;
    const pt = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
    setStart(base.scale("x").invert(pt.x), base.scale("y").invert(pt.y));
  });
  stack.addEventListener("keydown", (e) => {
    const step = 0.05,
      moves: Record<string, [number, number]> = {
        ArrowLeft: [-step, 0],
        ArrowRight: [step, 0],
        ArrowUp: [0, step],
        ArrowDown: [0, -step],
      };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    setStart(a.get() + m[0], b.get() + m[1]);
  });
  f.controls.append(a.element, b.element, resetButton(() => setStart(...ORIGIN)));
  r.now();
  return f.root;
}
