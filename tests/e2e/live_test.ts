/**
 * The book's live figures in Chromium, offline: every request that is not to the local test
 * server, a `file:` URL or inline data is blocked and fails the test, as does any console error.
 *
 * - the pages with live figures load them (from 127.0.0.1 and from `file://`), with the static
 *   figure still in the page; screenshots at 1280 and 400 px go to `.cache/e2e/`;
 * - every control (each slider by keyboard, each choice, the map's click and arrow keys) changes
 *   its figure, and the reset button brings back the tutorial's figure;
 * - at the tutorial's settings the numbers shown equal the static outputs of notebook 5;
 * - the bundle computes what Deno computes, bit for bit (`live_calls.ts`): on the tutorial's
 *   problem under every engine, and on 100 random settings of the controls, with the browser's
 *   WebAssembly as it is, without relaxed SIMD, and without WebAssembly;
 * - the pages read without JavaScript (no live figure, the static ones there);
 * - the redraw times (median of 15, 1000 epochs on the tutorial's data) are measured and printed,
 *   never asserted, and written to `.cache/e2e/live-timings.json`.
 *
 * Needs the built book (`deno task book`; rebuilt here when `lib/`, `scripts/live/` or the
 * notebooks are newer than `site/live.js`) and Chromium.
 */

import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { findChromium, launchHeadless } from "./browser.ts";
import { ENGINE_MODES, liveCalls } from "./live_calls.ts";
import { root } from "../../scripts/jupyter.ts";

const site = `${root}/site`;
const OUT = `${root}/.cache/e2e`;
const browserPath = findChromium();

/** The newest modification time under `path` (files ending in .ts, .ipynb, .py or .j2). */
function newest(path: string): number {
  const info = Deno.statSync(path);
  if (info.isFile) return /\.(ts|ipynb|py|j2)$/.test(path) ? info.mtime?.getTime() ?? 0 : 0;
  let t = 0;
  for (const e of Deno.readDirSync(path)) t = Math.max(t, newest(`${path}/${e.name}`));
  return t;
}

/** Builds the book when it is missing or older than what it is made from. */
async function ensureSite(): Promise<void> {
  let built = 0;
  try {
    built = Deno.statSync(`${site}/live.js`).mtime?.getTime() ?? 0;
  } catch { /* not built */ }
  const sources = Math.max(
    ...["lib", "scripts/live", "scripts/book_live.ts", "notebooks", "scripts/templates"]
      .map((p) => newest(`${root}/${p}`)),
  );
  if (built > sources) return;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/book.ts"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  assert.equal(code, 0, `the book build failed:\n${text}`);
}

/** Serves `dir` on 127.0.0.1. */
function serve(dir: string): Deno.HttpServer<Deno.NetAddr> {
  const types: Record<string, string> = {
    html: "text/html; charset=utf-8",
    js: "text/javascript",
    css: "text/css",
    svg: "image/svg+xml",
    woff: "font/woff",
  };
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(dir + (path.endsWith("/") ? `${path}index.html` : path));
      const ext = path.slice(path.lastIndexOf(".") + 1);
      return new Response(body, {
        headers: { "content-type": types[ext] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

/** What went wrong on a page: blocked or failed requests, console errors, page errors. */
interface Problems {
  list: string[];
}

/** A browser context that lets only `base`, `file:`, `data:` and `blob:` through. */
async function offlineContext(
  b: Browser,
  base: string,
  problems: Problems,
  options: { width?: number; javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  const ctx = await b.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  await ctx.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || /^(file|data|blob):/.test(url)) return route.continue();
    problems.list.push(`blocked request to ${url}`);
    return route.abort();
  });
  ctx.on("page", (page) => watch(page, problems));
  return ctx;
}

function watch(page: Page, problems: Problems): void {
  page.on("console", (m) => {
    if (m.type() === "error") problems.list.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.list.push(`page error: ${e.message}`));
  page.on(
    "requestfailed",
    (r) => problems.list.push(`failed: ${r.url()} ${r.failure()?.errorText}`),
  );
  page.on("response", (r) => {
    if (r.status() >= 400) problems.list.push(`HTTP ${r.status()}: ${r.url()}`);
  });
}

/** Waits until the live figure `name` has drawn more than `after` times. */
async function redrawn(page: Page, name: string, after: number): Promise<void> {
  await page.waitForFunction(
    ([n, a]) =>
      Number(document.querySelector<HTMLElement>(`[data-live="${n}"]`)?.dataset.redraws) >
        Number(a),
    [name, after] as const,
    { timeout: 60_000 },
  );
}

/** The figure's state: its plot's markup and its read-out, and how many times it has drawn. */
function state(page: Page, name: string) {
  return page.evaluate((n) => {
    const f = document.querySelector<HTMLElement>(`[data-live="${n}"]`)!;
    return {
      // Plot numbers its clip paths per page: the numbers are not part of the picture
      plot: f.querySelector(".live-plot")!.innerHTML.replace(/plot-clip-\d+/g, "plot-clip"),
      readout: f.querySelector(".live-readout")!.textContent ?? "",
      redraws: Number(f.dataset.redraws),
    };
  }, name);
}

/** Sets a slider's exact value through its number box (typing, then Enter/blur). */
async function typeValue(page: Page, name: string, control: string, v: number): Promise<void> {
  const box = page.locator(`[data-live="${name}"] [data-control="${control}"] input[type=number]`);
  await box.fill(String(v));
  await box.dispatchEvent("change");
}

/** Clicks the contour map at the fractions (fx, fy) of its width and height. */
async function clickMap(page: Page, fx: number, fy: number): Promise<void> {
  const map = page.locator('[data-live="optimiser-paths"] .live-stack');
  const box = (await map.boundingBox())!;
  await map.click({ position: { x: box.width * fx, y: box.height * fy } });
}

/** The notebooks' own (static) figures: SVG outputs, shown by nbconvert as images. */
const STATIC_FIGURES = '.jp-OutputArea-output[data-mime-type="image/svg+xml"] img';

const PAGES = { "05-adam-by-hand.html": 1, "06-when-it-breaks.html": 2 } as const;

Deno.test({
  name: "live figures: mount offline, controls, tutorial's numbers, timings, screenshots",
  ignore: browserPath === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await ensureSite();
    Deno.mkdirSync(OUT, { recursive: true });
    const server = serve(site);
    const base = `http://127.0.0.1:${server.addr.port}/`;
    const b = await launchHeadless(browserPath!);
    const problems: Problems = { list: [] };
    try {
      await t.step(
        "the pages mount their live figures, at 1280 and 400 px, from http and file://",
        async () => {
          for (const width of [1280, 400]) {
            const ctx = await offlineContext(b, base, problems, { width });
            for (const [name, count] of Object.entries(PAGES)) {
              for (const url of [`${base}${name}`, `file://${site}/${name}`]) {
                const page = await ctx.newPage();
                await page.goto(url, { waitUntil: "load" });
                await page.waitForFunction(
                  (c) =>
                    [...document.querySelectorAll<HTMLElement>(".live-figure")]
                      .filter((f) => f.dataset.redraws).length === c,
                  count,
                  { timeout: 60_000 },
                );
                const statics = await page.locator(STATIC_FIGURES).count();
                assert.ok(statics > 0, `${name}: the static figures are gone`);
                if (url.startsWith("http")) {
                  await page.screenshot({
                    path: `${OUT}/live-${name.slice(0, 2)}-${width}.png`,
                    fullPage: false,
                  });
                  const figs = page.locator(".live-figure");
                  for (let i = 0; i < count; i++) {
                    await figs.nth(i).screenshot({
                      path: `${OUT}/live-${name.slice(0, 2)}-fig${i + 1}-${width}.png`,
                    });
                  }
                }
                await page.close();
              }
            }
            await ctx.close();
          }
          assert.deepEqual(problems.list, []);
        },
      );

      const ctx = await offlineContext(b, base, problems);
      const page5 = await ctx.newPage();
      await page5.goto(`${base}05-adam-by-hand.html`);
      await redrawn(page5, "weights-over-epochs", 0);
      const page6 = await ctx.newPage();
      await page6.goto(`${base}06-when-it-breaks.html`);
      await redrawn(page6, "training-settings", 0);
      await redrawn(page6, "optimiser-paths", 0);

      await t.step(
        "every control changes its figure, by keyboard or pointer; reset restores it",
        async () => {
          const cases: [Page, string, string, (p: Page) => Promise<void>][] = [];
          const key = (fig: string, control: string, k: string) => async (p: Page) => {
            await p.locator(`[data-live="${fig}"] [data-control="${control}"] input[type=range]`)
              .focus();
            await p.keyboard.press(k);
          };
          cases.push([
            page5,
            "weights-over-epochs",
            "epochs",
            key("weights-over-epochs", "epochs", "ArrowLeft"),
          ]);
          for (const c of ["learning-rate", "batch-size", "epochs"]) {
            cases.push([page6, "training-settings", c, key("training-settings", c, "PageDown")]);
          }
          for (const [c, v] of [["init", "glorot"], ["gradient", "mean"]]) {
            cases.push([page6, "training-settings", c, async (p) => {
              await p.locator(`[data-live="training-settings"] [data-control="${c}"] select`)
                .selectOption(v);
            }]);
          }
          for (const c of ["start-a", "start-b"]) {
            cases.push([page6, "optimiser-paths", c, key("optimiser-paths", c, "ArrowRight")]);
          }
          cases.push([page6, "optimiser-paths", "map click", (p) => clickMap(p, 0.25, 0.3)]);
          cases.push([page6, "optimiser-paths", "map arrow key", async (p) => {
            await p.locator('[data-live="optimiser-paths"] .live-stack').focus();
            await p.keyboard.press("ArrowDown");
          }]);
          for (const [page, fig, control, act] of cases) {
            const before = await state(page, fig);
            await act(page);
            await redrawn(page, fig, before.redraws);
            const after = await state(page, fig);
            assert.notEqual(
              after.plot,
              before.plot,
              `${fig}: ${control} did not change the figure`,
            );
            assert.notEqual(
              after.readout,
              before.readout,
              `${fig}: ${control} did not change the read-out`,
            );
            await page.locator(`[data-live="${fig}"] .live-reset`).click();
            await redrawn(page, fig, after.redraws);
            const reset = await state(page, fig);
            assert.equal(
              reset.plot,
              before.plot,
              `${fig}: reset after ${control} did not restore the figure`,
            );
          }
        },
      );

      await t.step(
        "at the tutorial's settings the numbers equal notebook 5's static outputs",
        async () => {
          // notebook 5's table of MAPEs: the "Adam by hand" row, first column (R's cat, 7 digits)
          const staticMape = await page5.evaluate(() => {
            const rows = [...document.querySelectorAll("tr")];
            const row = rows.find((r) =>
              r.querySelector("th")?.textContent?.trim() === "Adam by hand"
            );
            return row?.querySelector("td")?.textContent?.trim();
          });
          assert.ok(staticMape, "notebook 5's MAPE table was not found");
          const shown = (page: Page, fig: string, v: string) =>
            page.locator(`[data-live="${fig}"] [data-value="${v}"]`).textContent();
          assert.equal(await shown(page5, "weights-over-epochs", "mape"), staticMape);
          assert.equal(await shown(page6, "training-settings", "mape"), staticMape);
          assert.match(
            (await shown(page6, "training-settings", "verdict"))!,
            /^Matches glm to 3 digits/,
          );
        },
      );

      await t.step("redraw times (measured, not asserted)", async () => {
        const times: Record<string, number[]> = {};
        const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
        const measure = async (
          page: Page,
          fig: string,
          label: string,
          act: (i: number) => Promise<void>,
          runs = 16,
        ) => {
          times[label] = [];
          await page.bringToFront();
          for (let i = 0; i < runs; i++) {
            const before = await state(page, fig);
            await act(i);
            await redrawn(page, fig, before.redraws);
            const ms = await page.evaluate(
              (n) =>
                Number(document.querySelector<HTMLElement>(`[data-live="${n}"]`)!.dataset.redrawMs),
              fig,
            );
            if (i > 0) times[label].push(ms); // the first is a warm-up
          }
        };
        await measure(
          page5,
          "weights-over-epochs",
          "notebook 5, 999 ↔ 1000 epochs",
          (i) => typeValue(page5, "weights-over-epochs", "epochs", i % 2 ? 999 : 1000),
        );
        await measure(
          page6,
          "training-settings",
          "notebook 6, 1000 epochs, α 0.001 ↔ 0.0011",
          (i) => typeValue(page6, "training-settings", "learning-rate", i % 2 ? 0.0011 : 0.001),
        );
        await measure(
          page6,
          "optimiser-paths",
          "notebook 6, map click (1000 epochs each)",
          (i) => clickMap(page6, 0.2 + 0.03 * i, 0.35),
        );
        // minibatches: the tutorial's loop sums row by row in JavaScript (no kernel), slower
        await typeValue(page6, "training-settings", "learning-rate", 0.001);
        await measure(
          page6,
          "training-settings",
          "notebook 6, batch size 10 ↔ 11, 1000 epochs",
          (i) => typeValue(page6, "training-settings", "batch-size", i % 2 ? 11 : 10),
          6,
        );
        const summary = Object.fromEntries(
          Object.entries(times).map((
            [k, v],
          ) => [k, {
            medianMs: median(v),
            minMs: Math.min(...v),
            maxMs: Math.max(...v),
            runs: v.length,
          }]),
        );
        console.log("live redraw times in Chromium (ms):", JSON.stringify(summary, null, 2));
        Deno.writeTextFileSync(`${OUT}/live-timings.json`, JSON.stringify(summary, null, 2) + "\n");
      });
      await ctx.close();
      assert.deepEqual(problems.list, []);

      await t.step(
        "without JavaScript the pages read as before: no live figure, the static ones",
        async () => {
          const noJs = await offlineContext(b, base, problems, { javaScriptEnabled: false });
          for (const name of Object.keys(PAGES)) {
            const page = await noJs.newPage();
            await page.goto(`${base}${name}`);
            assert.equal(await page.locator(".live-figure").count(), 0);
            const sizes = await page.locator(STATIC_FIGURES).evaluateAll((imgs) =>
              (imgs as HTMLImageElement[]).map((
                i,
              ) => [i.naturalWidth, i.getBoundingClientRect().width])
            );
            assert.ok(
              sizes.length > 0 && sizes.every(([n, w]) => n > 0 && w > 0),
              `${name}: static figures not shown: ${JSON.stringify(sizes)}`,
            );
            assert.ok((await page.locator("h1").first().textContent())!.length > 0);
            await page.screenshot({ path: `${OUT}/live-${name.slice(0, 2)}-nojs.png` });
            await page.close();
          }
          await noJs.close();
          assert.deepEqual(problems.list, []);
        },
      );
    } finally {
      await b.close();
      await server.shutdown();
    }
  },
});

Deno.test({
  name: "live figures: the bundle computes what Deno computes, bit for bit",
  ignore: browserPath === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    await ensureSite();
    const b = await launchHeadless(browserPath!);
    try {
      for (
        const [mode, n] of [["native", 100], ["no-relaxed-simd", 10], ["no-wasm", 10]] as const
      ) {
        await t.step(`${mode}: the tutorial's problem and ${n} random settings`, async () => {
          const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
            args: ["run", "--allow-read", "tests/e2e/live_calls.ts", mode, String(n)],
            cwd: root,
            stdout: "piped",
            stderr: "piped",
          }).output();
          assert.equal(code, 0, new TextDecoder().decode(stderr));
          const deno: string[] = JSON.parse(new TextDecoder().decode(stdout));
          const problems: Problems = { list: [] };
          const ctx = await offlineContext(b, "file://", problems);
          const page = await ctx.newPage();
          if (ENGINE_MODES[mode]) await page.addInitScript(ENGINE_MODES[mode]);
          await page.goto(`file://${site}/index.html`);
          await page.addScriptTag({ path: `${site}/live.js` });
          const browser: string[] = await page.evaluate(
            ([src, count]) => {
              const f = (0, eval)(`(${src})`);
              return f((globalThis as unknown as { lrnn: unknown }).lrnn, count);
            },
            [liveCalls.toString(), n] as const,
          );
          await ctx.close();
          assert.deepEqual(problems.list, []);
          assert.equal(browser.length, deno.length);
          const differ = browser.flatMap((line, i) =>
            line === deno[i] ? [] : [`browser ${line}\n   deno ${deno[i]}`]
          );
          assert.deepEqual(differ, [], `${differ.length} of ${deno.length} results differ`);
          console.log(`${mode}: ${deno.length} results equal bit for bit`);
        });
      }
    } finally {
      await b.close();
    }
  },
});

/**
 * The fused IRLS passes of glm's normal-equations path with weights, an offset or another link take
 * one engine logarithm per row for speed (core/math.ts's correctly rounded one costs several times
 * more, and that path is held to a speed target). They run only for n·p ≥ 100 000 with method
 * "auto" (or method "cholesky"); no figure of the book takes them, and elsewhere their results may
 * differ from Deno's in the last bits where the engine's Math.log does. The cauchit link's tan and
 * atan (lib/r/distributions.ts) are the engine's too: the lib has no trigonometry of its own, and
 * no figure of the book uses that link.
 */
const ENGINE_MATH_ALLOWED = [
  "lib/r/distributions.ts",
  "lib/_kernels/fused_logit.ts",
  "lib/_kernels/fused_rows.ts",
  "lib/_kernels/fused_start.ts",
  "lib/_kernels/logit_rows_wasm.ts",
];

Deno.test("lib/ takes exp and the logarithms from core/math.ts, never from the engine's Math", () => {
  // Math.exp, log, log1p, log10, log2, expm1 and the trigonometric functions are each engine's
  // own; one of them in the lib's numerics would make the browser's numbers differ from Deno's.
  const engineOwn =
    /\bMath\.(exp|expm1|log|log1p|log10|log2|sin|cos|tan|atan|atan2|sinh|cosh|tanh)\(/;
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(`${root}/${dir}`)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) walk(path);
      else if (
        path.endsWith(".ts") && !/^lib\/core\/math(_exact|_tables)?\.ts$/.test(path) &&
        !ENGINE_MATH_ALLOWED.includes(path)
      ) {
        Deno.readTextFileSync(`${root}/${path}`).split("\n").forEach((line, i) => {
          const code = line.replace(/\/\/.*$/, "");
          if (!/^\s*\*/.test(code) && engineOwn.test(code)) offenders.push(`${path}:${i + 1}`);
        });
      }
    }
  };
  walk("lib");
  assert.deepEqual(offenders, [], "use exp, log, log1p or log10 from lib/core/math.ts");
});
