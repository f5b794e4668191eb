/**
 * The book's pages as a reader sees them, on a phone (400 px wide) and on a desktop (1280 px):
 * every page of `site/` (the index, the references, one page per notebook) is opened from its
 * `file:` URL in headless Chromium, with every request routed (only `file:` URLs may load), and
 * checked for:
 *
 * - no horizontal scroll of the page itself, with the answers folded and unfolded;
 * - figures no wider than the screen, loaded, each with its alt text: the notebook output's
 *   `text/plain`, never empty nor nbconvert's placeholder; the figure files are the SVGs stored in
 *   the notebooks, so that `figures_test.ts` (which draws those and checks that no two labels
 *   overlap) covers the figures the pages show — the pages show them as images, whose text boxes
 *   are not part of the page;
 * - every `<pre>` in a monospace font (measured: "iiii" as wide as "MMMM"), outputs never wrapped;
 * - prose at a readable measure at 1280 px, navigation titles of at most two lines;
 * - no Markdown or TeX left unrendered in the visible text (outside code and math);
 * - a link to the page's notebook (a file that exists) and to the references; the contents of the
 *   page linking to its sections; each exercise's answer folded under "Show the answer";
 * - the index: the claim, its figure, the original tutorial named and linked, chapters numbered
 *   once;
 * - no failed request, no request outside `file:`, no console error.
 *
 * Builds the book first (`scripts/book.ts`) when `site/` is missing or older than the notebooks or
 * the scripts that make it. Needs Chromium (`/usr/bin/chromium`, or the path in `CHROMIUM`) and the
 * set-up of `deno task test`.
 */

import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { findChromium, launchHeadless } from "./browser.ts";
import { root } from "../../scripts/jupyter.ts";
import { typeset } from "../../scripts/book_screenshots.ts";

const site = `${root}/site`;
const WIDTHS = [400, 1280] as const;
const PLACEHOLDER = "No description has been provided for this image";
/** Characters per line of prose at 1280 px: about 75 is the aim. */
const MEASURE: readonly [number, number] = [60, 85];

interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
}
interface Cell {
  cell_type: string;
  metadata?: { tags?: string[] };
  outputs?: Output[];
}
const join = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");

/** The figures (SVG and alt text, in page order) and the answers' outputs of a stored notebook. */
function notebook(stem: string): { figures: { svg: string; alt: string }[]; answers: number[] } {
  const nb = JSON.parse(Deno.readTextFileSync(`${root}/notebooks/${stem}.ipynb`)) as {
    cells: Cell[];
  };
  const figures: { svg: string; alt: string }[] = [];
  const answers: number[] = [];
  for (const cell of nb.cells) {
    if (cell.metadata?.tags?.includes("answer")) answers.push(cell.outputs?.length ?? 0);
    for (const o of cell.outputs ?? []) {
      if (o.data?.["image/svg+xml"] !== undefined) {
        figures.push({ svg: join(o.data["image/svg+xml"]), alt: join(o.data["text/plain"]) });
      }
    }
  }
  return { figures, answers };
}

/** Builds the book unless site/ is newer than everything it is made from. */
async function ensureBook(): Promise<void> {
  const mtime = (p: string) => Deno.statSync(p).mtime?.getTime() ?? 0;
  let built = 0;
  try {
    built = mtime(`${site}/index.html`);
  } catch { /* not built */ }
  const inputs = [
    ...[...Deno.readDirSync(`${root}/notebooks`)].filter((e) => e.name.endsWith(".ipynb"))
      .map((e) => `${root}/notebooks/${e.name}`),
    ...[...Deno.readDirSync(`${root}/scripts/templates/book`)].map((e) =>
      `${root}/scripts/templates/book/${e.name}`
    ),
    `${root}/scripts/book_html.py`,
    `${root}/scripts/notebooks.py`,
    `${root}/scripts/book.ts`,
  ];
  if (inputs.every((p) => mtime(p) < built)) return;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/book.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assert.equal(code, 0, `the book build failed:\n${dec.decode(stdout)}\n${dec.decode(stderr)}`);
}

/** The book's own pages (the API reference, made by `deno doc`, is not checked here). */
function pages(): string[] {
  return [...Deno.readDirSync(site)].filter((e) => e.isFile && e.name.endsWith(".html"))
    .map((e) => e.name).sort();
}

/** What the page shows (computed in the browser). */
interface Report {
  width: number;
  scrollWidth: number;
  bodyScrollWidth: number;
  images: { src: string; alt: string | null; right: number; width: number; natural: number }[];
  svgs: { label: string; right: number; width: number }[];
  notMonospace: string[];
  wrapping: string[];
  markup: string[];
  measure: number | null;
  navLines: number[];
}

function inspect(): Report {
  const width = innerWidth;
  const shown = (el: Element) => el.checkVisibility();
  const images = [...document.querySelectorAll("img")].filter(shown).map((img) => {
    const r = img.getBoundingClientRect();
    const src = img.getAttribute("src") ?? "";
    return {
      src: src.startsWith("data:") ? `${src.slice(0, 40)}…` : src,
      alt: img.getAttribute("alt"),
      right: r.right,
      width: r.width,
      natural: img.naturalWidth,
    };
  });
  const svgs = [...document.querySelectorAll("svg")]
    .filter((s) => !s.parentElement?.closest("svg") && shown(s))
    .filter((s) => !s.closest(".MathJax, .MathJax_CHTML, .MathJax_SVG, mjx-container"))
    .map((s) => {
      const r = s.getBoundingClientRect();
      const label = s.getAttribute("aria-label") ?? s.querySelector("title")?.textContent ?? "";
      return { label, right: r.right, width: r.width };
    });
  // A font is monospace when a run of narrow letters is as wide as a run of wide ones.
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre;left:0;top:0";
  document.body.append(probe);
  const monospace = (el: Element) => {
    const cs = getComputedStyle(el);
    probe.style.fontFamily = cs.fontFamily;
    probe.style.fontSize = cs.fontSize;
    probe.style.fontWeight = cs.fontWeight;
    probe.textContent = "iiiiiiiiii";
    const narrow = probe.getBoundingClientRect().width;
    probe.textContent = "MMMMMMMMMM";
    return Math.abs(probe.getBoundingClientRect().width - narrow) < 0.5;
  };
  const pres = [...document.querySelectorAll("pre")];
  const notMonospace = pres.filter((p) => !monospace(p))
    .map((p) => `${getComputedStyle(p).fontFamily}: ${(p.textContent ?? "").slice(0, 60)}`);
  // Printouts keep their lines: no wrapping, which would break a number or a column.
  const wrapping = pres.filter((p) => p.closest(".jp-OutputArea-output"))
    .filter((p) => getComputedStyle(p).whiteSpace !== "pre")
    .map((p) => `${getComputedStyle(p).whiteSpace}: ${(p.textContent ?? "").slice(0, 60)}`);
  probe.remove();
  // The visible text outside code, math and printouts (R's "Signif. codes" are not Markdown): no
  // Markdown marks, no TeX left raw.
  const skip = "pre, code, script, style, .MathJax, .MathJax_CHTML, .MathJax_Display, " +
    ".MathJax_Preview, .MJX_Assistive_MathML, mjx-container, math";
  const texts: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const parent = n.parentElement;
    if (!parent || parent.closest(skip) || !shown(parent)) continue;
    const printout = parent.closest(".jp-OutputArea-output") &&
      !parent.closest(".jp-RenderedMarkdown");
    if (printout) continue;
    texts.push(n.textContent ?? "");
  }
  const visible = texts.join(" ");
  const markup = ["**", "__", "$$", "\\text{", "\\frac", "\\(", "\\[", "`"]
    .filter((m) => visible.includes(m))
    .map((m) => {
      const at = visible.indexOf(m);
      return `${JSON.stringify(m)} in …${visible.slice(Math.max(0, at - 40), at + 40)}…`;
    });
  // Characters per line of the prose: median over the paragraphs of three lines or more.
  const perLine = [...document.querySelectorAll(".jp-RenderedMarkdown > p, .book-main > p")]
    .filter(shown)
    .flatMap((p) => {
      const lines = Math.round(
        p.getBoundingClientRect().height / parseFloat(getComputedStyle(p).lineHeight),
      );
      return lines >= 3 ? [((p as HTMLElement).innerText.length) / lines] : [];
    }).sort((a, b) => a - b);
  const measure = perLine.length ? perLine[Math.floor(perLine.length / 2)] : null;
  const navLines = [...document.querySelectorAll(".book-nav-title")].filter(shown).map((t) =>
    Math.round(t.getBoundingClientRect().height / parseFloat(getComputedStyle(t).lineHeight))
  );
  return {
    width,
    scrollWidth: document.scrollingElement!.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    images,
    svgs,
    notMonospace,
    wrapping,
    markup,
    measure,
    navLines,
  };
}

/** The page's structure: links, contents, answers (computed in the browser). */
function structure() {
  const hrefs = [...document.querySelectorAll("a")].map((a) => a.getAttribute("href") ?? "");
  const main = document.querySelector("main");
  return {
    hrefs,
    text: document.body.innerText,
    toc: [...document.querySelectorAll(".book-toc a")].map((a) => a.getAttribute("href")),
    h2: [...(main?.querySelectorAll("h2") ?? [])].map((h) => `#${h.id}`),
    duplicateIds: [...document.querySelectorAll("[id]")].map((e) => e.id)
      .filter((id, i, ids) => ids.indexOf(id) !== i),
    targetsMissing: [...document.querySelectorAll('a[href^="#"]')]
      .map((a) => a.getAttribute("href")!.slice(1))
      .filter((id) => id && !document.getElementById(id)),
    answers: [...document.querySelectorAll("details.book-answer")].map((d) => ({
      open: (d as HTMLDetailsElement).open,
      summary: d.querySelector(":scope > summary")?.textContent?.trim(),
      code: d.querySelectorAll(".jp-CodeCell").length,
      outputs: d.querySelectorAll(".jp-OutputArea-output").length,
    })),
    chapters: [...document.querySelectorAll("ol.book-chapters > li")].map((li) => ({
      text: (li as HTMLElement).innerText,
      marker: getComputedStyle(li.parentElement!).listStyleType,
    })),
  };
}

/** Opens `name` at `width`; returns the page and the problems with its requests and console. */
async function open(browser: Browser, name: string, width: number) {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page: Page = await context.newPage();
  const problems: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    problems.push(`request outside the book: ${url}`);
    return route.abort();
  });
  page.on("requestfailed", (r) => problems.push(`failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`file://${site}/${name}`, { waitUntil: "load" });
  await typeset(page);
  return { page, context, problems };
}

const browserPath = findChromium();

Deno.test({
  name: "book pages read well at 400 and 1280 px in Chromium",
  ignore: browserPath === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await ensureBook();
    const browser = await launchHeadless(browserPath!);
    try {
      const names = pages();
      assert.ok(names.includes("index.html") && names.includes("references.html"), "pages missing");
      for (const name of names) {
        const stem = name.replace(/\.html$/, "");
        const isChapter = /^\d\d-/.test(stem);
        const nb = isChapter ? notebook(stem) : undefined;
        for (const width of WIDTHS) {
          await t.step(`${name} at ${width} px`, async () => {
            const { page, context, problems } = await open(browser, name, width);
            const where = `${name} at ${width} px`;
            try {
              const folded = await page.evaluate(inspect);
              const s = await page.evaluate(structure);
              // Everything once more with every answer unfolded.
              await page.evaluate(() => {
                for (const d of document.querySelectorAll("details")) d.open = true;
              });
              await typeset(page);
              const unfolded = await page.evaluate(inspect);

              for (const [state, r] of [["folded", folded], ["unfolded", unfolded]] as const) {
                const at = `${where}, answers ${state}`;
                assert.ok(
                  r.scrollWidth <= r.width && r.bodyScrollWidth <= r.width,
                  `${at}: the page scrolls sideways (${r.scrollWidth}, body ${r.bodyScrollWidth} > ${r.width})`,
                );
                for (const img of r.images) {
                  assert.ok(img.natural > 0, `${at}: the image ${img.src} did not load`);
                  assert.ok(
                    img.right <= r.width + 0.5 && img.width <= r.width,
                    `${at}: the image ${img.src} is wider than the screen (${img.width}, right edge at ${img.right})`,
                  );
                  assert.ok(
                    img.alt !== null && img.alt.trim() !== "" && img.alt !== PLACEHOLDER,
                    `${at}: the image ${img.src} has no description (alt ${
                      JSON.stringify(img.alt)
                    })`,
                  );
                }
                for (const svg of r.svgs) {
                  assert.ok(svg.right <= r.width + 0.5, `${at}: an SVG is wider than the screen`);
                  assert.ok(
                    svg.label.trim() !== "" && svg.label !== PLACEHOLDER,
                    `${at}: an SVG has no description`,
                  );
                }
                assert.deepEqual(r.notMonospace, [], `${at}: <pre> not in a monospace font`);
                assert.deepEqual(r.wrapping, [], `${at}: printouts that wrap their lines`);
                assert.deepEqual(r.markup, [], `${at}: Markdown or TeX left in the visible text`);
              }
              for (const lines of folded.navLines) {
                assert.ok(lines <= 2, `${where}: a navigation title takes ${lines} lines`);
              }
              if (width === 1280 && folded.measure !== null) {
                assert.ok(
                  folded.measure >= MEASURE[0] && folded.measure <= MEASURE[1],
                  `${where}: prose runs ${folded.measure.toFixed(0)} characters a line, not ${
                    MEASURE[0]
                  }–${MEASURE[1]}`,
                );
              }
              if (isChapter || name === "index.html") {
                assert.ok(folded.measure !== null, `${where}: no paragraph of prose measured`);
              }
              assert.ok(s.hrefs.includes("references.html"), `${where}: no link to the references`);
              assert.deepEqual(
                s.targetsMissing,
                [],
                `${where}: links to sections that do not exist`,
              );

              if (isChapter && nb) {
                const link = `notebooks/${stem}.ipynb`;
                assert.ok(s.hrefs.includes(link), `${where}: no link to its notebook ${link}`);
                assert.ok(Deno.statSync(`${site}/${link}`).isFile, `${where}: ${link} is missing`);
                assert.match(
                  s.text,
                  /Open in JupyterLab: deno task lab/,
                  `${where}: no JupyterLab hint`,
                );
                assert.deepEqual(
                  s.toc,
                  s.h2,
                  `${where}: the page's contents do not list its sections`,
                );
                assert.ok(s.toc.length > 0, `${where}: the page's contents are empty`);
                // Figures: the notebook's figures, in order, with their text/plain as alt text.
                const figs = unfolded.images.filter((i) => i.src.startsWith("figures/"));
                assert.deepEqual(
                  figs.map((i) => i.alt),
                  nb.figures.map((f) => f.alt),
                  `${where}: the figures' alt texts are not their outputs' text/plain`,
                );
                for (const [k, img] of figs.entries()) {
                  assert.equal(
                    Deno.readTextFileSync(`${site}/${img.src}`),
                    nb.figures[k].svg,
                    `${where}: ${img.src} is not the SVG stored in the notebook (run \`deno task notebooks\`), so figures_test.ts does not check it`,
                  );
                }
                // Answers: folded at first, one per answer cell, with the cell's outputs inside.
                assert.equal(s.answers.length, nb.answers.length, `${where}: answers`);
                for (const [k, a] of s.answers.entries()) {
                  assert.equal(a.open, false, `${where}: answer ${k + 1} is not folded`);
                  assert.equal(a.summary, "Show the answer", `${where}: answer ${k + 1}'s summary`);
                  assert.equal(a.code, 1, `${where}: answer ${k + 1} holds ${a.code} code cells`);
                  assert.equal(a.outputs, nb.answers[k], `${where}: answer ${k + 1}'s outputs`);
                }
              }
              if (name === "index.html") {
                assert.match(
                  s.text,
                  /Logistic Regression is a Neural Network/,
                  `${where}: tutorial`,
                );
                assert.ok(
                  s.hrefs.some((h) =>
                    h.startsWith("https://github.com/Phillips-M/random-projects")
                  ),
                  `${where}: no link to the original tutorial`,
                );
                assert.match(s.text, /binary cross-entropy/, `${where}: the claim is not stated`);
                assert.ok(
                  folded.images.some((i) => i.src === "figures/weights-over-epochs.svg"),
                  `${where}: the README's figure is missing`,
                );
                assert.equal(s.chapters.length, 6, `${where}: chapters`);
                for (const c of s.chapters) {
                  const numbered = c.marker !== "none";
                  assert.ok(
                    !(numbered && /^\d/.test(c.text)),
                    `${where}: a chapter is numbered twice: ${c.marker} marker and "${
                      c.text.slice(0, 20)
                    }"`,
                  );
                }
              }
              if (name === "references.html") {
                for (
                  const url of [
                    "https://arxiv.org/abs/1412.6980",
                    "https://keras.io/api/optimizers/adam/",
                  ]
                ) {
                  assert.ok(s.hrefs.includes(url), `${where}: no link to ${url}`);
                }
                assert.match(s.text, /McCullagh/, `${where}: McCullagh and Nelder missing`);
              }
              assert.deepEqual(problems, [], `${where}: requests or console`);
            } finally {
              await context.close();
            }
          });
        }
      }
    } finally {
      await browser.close();
    }
  },
});

Deno.test("a figure without alt text stops the book build, naming its page and cell", async () => {
  // The exporter's figure filter (scripts/book_html.py), given a figure whose text/plain is empty.
  const script = [
    "import sys, tempfile, pathlib",
    "sys.path.insert(0, 'scripts')",
    "import nbformat",
    "from book_html import Figures",
    "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell('# t'), nbformat.v4.new_code_cell('f()')])",
    "out = {'output_type': 'execute_result', 'data': {'image/svg+xml': '<svg/>', 'text/plain': ' '}}",
    "figures = Figures(pathlib.Path(tempfile.mkdtemp()))",
    "figures.start('07-test', nb)",
    "try:",
    "    figures(out, nb.cells[1])",
    "except ValueError as e:",
    "    print(e)",
    "else:",
    "    print('no error')",
  ].join("\n");
  const { code, stdout, stderr } = await new Deno.Command(`${root}/.venv/bin/python`, {
    args: ["-c", script],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.match(out, /^07-test: the figure of cell 2 has no alt text/);
});
