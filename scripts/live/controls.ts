/**
 * The live figures' controls, built on the page's DOM: a labelled slider with its value shown in
 * a number box (both keyboard-operable, kept in step), a labelled choice, a reset button, and the
 * redraw loop that coalesces a burst of inputs into one redraw per frame and times it.
 *
 * Browser code for the book's pages (bundled into `site/live.js`); not part of the lib.
 *
 * @module
 */

/** A control: its element, its value, and how to put it back to the tutorial's setting. */
export interface Control<T> {
  /** The control's block (label, input(s), shown value). */
  element: HTMLElement;
  /** The current value. */
  get(): T;
  /** Sets the value (without an input event). */
  set(value: T): void;
}

let ids = 0;
const uid = (stem: string) => `live-${stem}-${++ids}`;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Options of {@linkcode slider}. */
export interface SliderOptions {
  /** What the control sets, shown as its label. */
  label: string;
  /** Smallest and largest value. */
  min: number;
  max: number;
  /** The tutorial's value (the reset target and the start). */
  value: number;
  /** Logarithmic slider (the box still takes any value in range). */
  log?: boolean;
  /** Whole numbers only. */
  integer?: boolean;
  /** Stable name for the page's tests (`data-control`). */
  name: string;
}

const STEPS = 1000;

/**
 * A slider and a number box for one value, kept in step; `onInput` after each change. The slider
 * moves in 1000 steps (logarithmic for `log`), the box takes any value in range; both are
 * reachable and operable by keyboard (Tab, arrows, Page Up/Down, Home/End, typing).
 */
export function slider(o: SliderOptions, onInput: () => void): Control<number> {
  const id = uid(o.name);
  const box = el("div", { class: "live-control", "data-control": o.name });
  const label = el("label", { for: id }, o.label);
  const range = el("input", {
    type: "range",
    id,
    min: "0",
    max: String(STEPS),
    step: "1",
  });
  const shown = el("input", {
    type: "number",
    min: String(o.min),
    max: String(o.max),
    step: o.integer ? "1" : "any",
    "aria-label": `${o.label} (exact value)`,
    class: "live-value",
  });
  const [lo, hi] = o.log ? [Math.log(o.min), Math.log(o.max)] : [o.min, o.max];
  const toPos = (v: number) => Math.round(((o.log ? Math.log(v) : v) - lo) / (hi - lo) * STEPS);
  const fromPos = (p: number) => {
    const t = lo + (hi - lo) * p / STEPS, v = o.log ? Math.exp(t) : t;
    return o.integer ? Math.round(v) : Number(v.toPrecision(3));
  };
  let value = o.value;
  const show = () => {
    range.value = String(toPos(value));
    range.setAttribute("aria-valuetext", String(value));
    shown.value = String(value);
  };
  range.addEventListener("input", () => {
    value = fromPos(Number(range.value));
    shown.value = String(value);
    range.setAttribute("aria-valuetext", String(value));
    onInput();
  });
  shown.addEventListener("change", () => {
    let v = Number(shown.value);
    if (!Number.isFinite(v)) v = value;
    v = Math.min(o.max, Math.max(o.min, o.integer ? Math.round(v) : v));
    value = v;
    show();
    onInput();
  });
  box.append(label, range, shown);
  show();
  return {
    element: box,
    get: () => value,
    set(v) {
      value = v;
      show();
    },
  };
}

/** A labelled drop-down choice. */
export function choice<T extends string>(
  o: { label: string; name: string; options: readonly (readonly [T, string])[]; value: T },
  onInput: () => void,
): Control<T> {
  const id = uid(o.name);
  const box = el("div", { class: "live-control", "data-control": o.name });
  const select = el("select", { id });
  for (const [v, text] of o.options) select.append(el("option", { value: v }, text));
  select.value = o.value;
  select.addEventListener("change", onInput);
  box.append(el("label", { for: id }, o.label), select);
  return {
    element: box,
    get: () => select.value as T,
    set(v) {
      select.value = v;
    },
  };
}

/** The figure's frame: title, controls row, plot area, read-out, timing line. */
export interface Frame {
  root: HTMLElement;
  controls: HTMLElement;
  plot: HTMLElement;
  readout: HTMLElement;
  timing: HTMLElement;
}

/** Builds a live figure's frame with its title and a one-line note. */
export function frame(name: string, title: string, note: string): Frame {
  const root = el("section", { class: "live-figure", "data-live": name, "aria-label": title });
  const head = el("p", { class: "live-title" });
  head.append(el("strong", {}, title), document.createTextNode(` ${note}`));
  const controls = el("div", { class: "live-controls" });
  const plot = el("div", { class: "live-plot" });
  const readout = el("p", { class: "live-readout", "aria-live": "polite" });
  const timing = el("p", { class: "live-timing" });
  root.append(head, controls, plot, readout, timing);
  return { root, controls, plot, readout, timing };
}

/** A reset button that puts every control back and redraws. */
export function resetButton(reset: () => void): HTMLButtonElement {
  const b = el(
    "button",
    { type: "button", class: "live-reset" },
    "Reset to the tutorial's setting",
  );
  b.addEventListener("click", reset);
  return b;
}

/**
 * Calls `draw` once per animation frame after any number of `request()`s, and records how long
 * the redraw took from the first input it answers (`data-redraw-ms` on `frame.root`, and the
 * timing line). `draw` computes and renders synchronously.
 */
export function redrawer(f: Frame, draw: () => void): { request(): void; now(): void } {
  let pending = false, since = 0;
  const run = () => {
    pending = false;
    const t0 = since || performance.now();
    f.root.setAttribute("aria-busy", "true");
    draw();
    const ms = performance.now() - t0;
    since = 0;
    f.root.setAttribute("aria-busy", "false");
    f.root.dataset.redrawMs = ms.toFixed(1);
    f.root.dataset.redraws = String(Number(f.root.dataset.redraws ?? "0") + 1);
    f.timing.textContent = `Computed and drawn in your browser in ${Math.round(ms)} ms.`;
  };
  return {
    request() {
      if (!since) since = performance.now();
      if (pending) return;
      pending = true;
      f.timing.textContent = "Computing…";
      requestAnimationFrame(() => setTimeout(run, 0));
    },
    now: run,
  };
}

/** Puts `svg` (a rendered Plot) into `box`, replacing what was there. */
export function show(box: HTMLElement, svg: Element): void {
  box.replaceChildren(svg);
}
