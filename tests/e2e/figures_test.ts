/**
 * Every figure of the book, as a reader's browser draws it: each SVG stored in the notebooks'
 * outputs (and the README's figure in `notebooks/figures/`) is rendered in headless Chromium, and
 * the test fails if any two of its texts overlap (their bounding boxes intersect), any text
 * reaches outside the figure (it would be clipped) or is not painted (fill none). It also checks the contract with the HTML
 * pages: each figure's `text/plain` is a real alt text, not a placeholder.
 *
 * Needs Chromium (`/usr/bin/chromium`, or the path in `CHROMIUM`) for the layout checks; reads the
 * stored notebooks only (run `deno task notebooks` after changing a figure).
 */

import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { findChromium, launchHeadless } from "./browser.ts";
import { root } from "../../scripts/jupyter.ts";

interface Output {
  data?: Record<string, string | string[]>;
}
interface Cell {
  cell_type: string;
  outputs?: Output[];
}

/** A figure to check: where it comes from, its SVG and its alt text. */
interface StoredFigure {
  where: string;
  svg: string;
  alt: string | null;
}

const join = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

/** Every SVG output of every notebook, and the SVG files of notebooks/figures/. */
function storedFigures(): StoredFigure[] {
  const out: StoredFigure[] = [];
  const names = [...Deno.readDirSync(`${root}/notebooks`)]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb")).map((e) => e.name).sort();
  for (const name of names) {
    const nb = JSON.parse(Deno.readTextFileSync(`${root}/notebooks/${name}`)) as { cells: Cell[] };
    nb.cells.forEach((cell, i) => {
      for (const o of cell.outputs ?? []) {
        const svg = o.data?.["image/svg+xml"];
        if (svg === undefined) continue;
        out.push({
          where: `${name}, cell ${i + 1}`,
          svg: join(svg),
          alt: o.data?.["text/plain"] === undefined ? null : join(o.data["text/plain"]),
        });
      }
    });
  }
  for (const e of [...Deno.readDirSync(`${root}/notebooks/figures`)].sort()) {
    if (!e.name.endsWith(".svg")) continue;
    const svg = Deno.readTextFileSync(`${root}/notebooks/figures/${e.name}`);
    out.push({ where: `notebooks/figures/${e.name}`, svg, alt: null });
  }
  return out;
}

/** What the page found wrong with one SVG's texts. */
interface Layout {
  texts: number;
  overlaps: string[];
  clipped: string[];
  invisible: string[];
}

/** Renders `svg` inline and measures its texts (runs in the page). */
function measure(svg: string): Layout {
  document.body.innerHTML = svg;
  const root = document.body.querySelector("svg")!;
  const frame = root.getBoundingClientRect();
  // Each line of text: a <text>, or each <tspan> of a text written over several lines.
  const texts = [...root.querySelectorAll("text")].flatMap((t) => {
    const spans = [...t.querySelectorAll("tspan")];
    return spans.length > 0 ? spans : [t];
  })
    .filter((t) => (t.textContent ?? "").trim() !== "")
    .map((t) => ({ text: (t.textContent ?? "").trim(), box: t.getBoundingClientRect() }));
  const tolerance = 0.5; // px: boxes that merely touch are fine
  const overlaps: string[] = [], clipped: string[] = [];
  const invisible = [...root.querySelectorAll("text")]
    .filter((t) => (t.textContent ?? "").trim() !== "" && getComputedStyle(t).fill === "none")
    .map((t) => `"${(t.textContent ?? "").trim()}"`);
  const show = (b: DOMRect) =>
    `[${Math.round(b.left)},${Math.round(b.top)} ${Math.round(b.width)}×${Math.round(b.height)}]`;
  for (const { text, box } of texts) {
    if (
      box.left < frame.left - tolerance || box.top < frame.top - tolerance ||
      box.right > frame.right + tolerance || box.bottom > frame.bottom + tolerance
    ) clipped.push(`"${text}" ${show(box)} outside ${show(frame)}`);
  }
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i].box, b = texts[j].box;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > tolerance && h > tolerance) {
        overlaps.push(`"${texts[i].text}" ${show(a)} and "${texts[j].text}" ${show(b)}`);
      }
    }
  }
  return { texts: texts.length, overlaps, clipped, invisible };
}

const browserPath = findChromium();

async function withPage(fn: (page: Page) => Promise<void>): Promise<void> {
  const browser: Browser = await launchHeadless(browserPath!);
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1200 } });
    await page.setContent("<!DOCTYPE html><html><body style='margin:0'></body></html>");
    await fn(page);
  } finally {
    await browser.close();
  }
}

Deno.test({
  name: "the text check catches overlapping and clipped labels",
  ignore: browserPath === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withPage(async (page) => {
      const bad = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">` +
        `<text x="10" y="50">network</text><text x="14" y="53">scratch Adam</text>` +
        `<text x="180" y="90">clipped label</text>` +
        `<text x="100" y="20"><tspan x="100">two lines</tspan><tspan x="100" dy="3">too close</tspan></text>` +
        `<text x="10" y="80" fill="none" stroke="white">halo only</text></svg>`;
      const found = await page.evaluate(measure, bad);
      assert.equal(found.overlaps.length, 2, found.overlaps.join("\n"));
      assert.match(found.overlaps[0], /network.*scratch Adam/);
      assert.match(found.overlaps[1], /two lines.*too close/);
      assert.equal(found.clipped.length, 1);
      assert.deepEqual(found.invisible, ['"halo only"']);
      assert.match(found.clipped[0], /clipped label/);
      const good = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">` +
        `<text x="10" y="30">network</text><text x="10" y="50">scratch Adam</text></svg>`;
      const clean = await page.evaluate(measure, good);
      assert.deepEqual([clean.overlaps, clean.clipped, clean.invisible], [[], [], []]);
    });
  },
});

Deno.test({
  name: "no figure of the book has overlapping or clipped text",
  ignore: browserPath === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const figures = storedFigures();
    assert.ok(figures.length > 0, "no figure found in the stored notebooks");
    const problems: string[] = [];
    await withPage(async (page) => {
      for (const f of figures) {
        const found = await page.evaluate(measure, f.svg);
        if (found.texts === 0) problems.push(`${f.where}: no text at all`);
        for (const o of found.overlaps) problems.push(`${f.where}: overlap ${o}`);
        for (const c of found.clipped) problems.push(`${f.where}: clipped ${c}`);
        for (const t of found.invisible) problems.push(`${f.where}: unpainted (fill none) ${t}`);
      }
    });
    assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
  },
});

Deno.test("every figure's text/plain is its alt text: a sentence, not a placeholder", () => {
  const problems: string[] = [];
  for (const f of storedFigures()) {
    if (f.where.startsWith("notebooks/figures/")) continue;
    const alt = (f.alt ?? "").trim();
    if (alt === "" || /^\[figure\]$/i.test(alt) || alt.length < 40 || !/[.!?]$/.test(alt)) {
      problems.push(`${f.where}: text/plain is ${JSON.stringify(f.alt)}`);
    }
    const label = f.svg.match(/^<svg[^>]*aria-label="([^"]*)"/)?.[1];
    if (label === undefined) problems.push(`${f.where}: the SVG has no aria-label`);
  }
  assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
});
