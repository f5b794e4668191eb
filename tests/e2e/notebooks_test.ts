/**
 * The notebooks, run the way a reader meets them: every notebook executed through the real Deno
 * kernel with its stored outputs checked against the fresh run, the HTML book built from that run,
 * and every page of the book opened in headless Chromium.
 *
 * Needs the set-up of `deno task test` (the .venv with Jupyter, the kernelspec) and, for the browser
 * part, Chromium (`/usr/bin/chromium`, or the path in `CHROMIUM`).
 */

import assert from "node:assert/strict";
import { findChromium, launchChromium } from "./browser.ts";
import { root } from "../../scripts/jupyter.ts";

const site = `${root}/site`;

/** Serves `dir` on 127.0.0.1 so the pages load as they would from any web server. */
function serve(dir: string): Deno.HttpServer<Deno.NetAddr> {
  const types: Record<string, string> = {
    html: "text/html; charset=utf-8",
    js: "text/javascript",
    css: "text/css",
    svg: "image/svg+xml",
    woff: "font/woff",
    json: "application/json",
    png: "image/png",
  };
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    const file = dir + (path.endsWith("/") ? `${path}index.html` : path);
    if (path.includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(file);
      const ext = file.slice(file.lastIndexOf(".") + 1);
      return new Response(body, {
        headers: { "content-type": types[ext] ?? "application/octet-stream" },
      });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
}

let built = false;

Deno.test("notebooks run top to bottom and match their stored outputs", async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/book.ts", "--check"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(stdout);
  const err = new TextDecoder().decode(stderr);
  assert.equal(code, 0, `the book build failed:\n${out}\n${err}`);
  built = true;
});

const browser = findChromium();

Deno.test({
  name: "book pages load offline with rendered figures and math in Chromium",
  ignore: browser === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    assert.ok(built, "the book was not built (see the test above)");
    const server = serve(site);
    const base = `http://127.0.0.1:${server.addr.port}`;
    // A scratch profile and $HOME under .cache/e2e, removed on close: nothing goes to `~`.
    const b = await launchChromium();
    try {
      const pages = ["index.html", "api/index.html"];
      for (const e of Deno.readDirSync(site)) {
        if (e.name.endsWith(".html") && e.name !== "index.html") pages.push(e.name);
      }
      for (const name of pages.sort()) {
        const page = await b.context.newPage();
        const failed: string[] = [];
        page.on("requestfailed", (r) => failed.push(`${r.url()} (${r.failure()?.errorText})`));
        page.on("response", (r) => {
          if (r.status() >= 400) failed.push(`${r.url()} (HTTP ${r.status()})`);
        });
        page.on("request", (r) => {
          if (!r.url().startsWith(base) && !r.url().startsWith("data:")) {
            failed.push(`${r.url()} (outside the book)`);
          }
        });
        await page.goto(`${base}/${name}`, { waitUntil: "networkidle" });
        if (!["index.html", "references.html"].includes(name) && !name.startsWith("api/")) {
          // MathJax typesets asynchronously; wait until its queue is empty.
          await page.waitForFunction(
            // deno-lint-ignore no-explicit-any
            () => (globalThis as any).MathJax?.Hub?.queue?.pending === 0,
            undefined,
            { timeout: 30_000 },
          );
          const report = await page.evaluate(() => {
            const svgs = [...document.querySelectorAll(".jp-OutputArea-output svg")]
              .filter((s) => !s.parentElement?.closest("svg"));
            const sizes = svgs.map((s) => s.getBoundingClientRect())
              .map((r) => [Math.round(r.width), Math.round(r.height)]);
            const markdown = [...document.querySelectorAll(".jp-RenderedMarkdown")]
              .map((m) => (m as HTMLElement).innerText).join("\n");
            const rawTex = markdown.match(/\$\$?[^$\n]+\$|\\\(|\\\[|\\frac|\\sum/g) ?? [];
            const math = document.querySelectorAll(".MathJax_CHTML, mjx-container").length;
            const errors = document.querySelectorAll(".jp-OutputArea-output[data-mime-type*=error]")
              .length;
            return { sizes, rawTex, math, errors };
          });
          for (const [w, h] of report.sizes) {
            assert.ok(w > 0 && h > 0, `${name}: a figure has size ${w}×${h}`);
          }
          assert.deepEqual(report.rawTex, [], `${name}: raw TeX left on the page`);
          assert.equal(report.errors, 0, `${name}: the page shows an error output`);
        }
        assert.deepEqual(failed, [], `${name}: failed requests`);
        await page.close();
      }
    } finally {
      await b.close();
      await server.shutdown();
    }
  },
});
