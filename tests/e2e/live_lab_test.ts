/**
 * What JupyterLab 4 does with a script in a cell's HTML output, measured (the README's "Live
 * figures" section relies on it): a stored output of a notebook that is not trusted runs no
 * script; the output of a cell run in the session does; so does a stored output once the
 * notebook is trusted. The live figures therefore live in the HTML book, and the notebooks carry
 * a one-line pointer to them (checked here too) instead of a copy of the ~1 MB bundle.
 *
 * Needs the set-up of `deno task test` (JupyterLab in .venv, the Deno kernelspec) and Chromium.
 */

import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, findChromium } from "./browser.ts";
import { startLab } from "./lab_server.ts";
import { root } from "../../scripts/jupyter.ts";

// The page-side code reaches JupyterLab through `window.jupyterapp`, whose types are not here.
// deno-lint-ignore no-explicit-any
type Any = any;

const probe = (id: string) =>
  `<div id="${id}">not run</div><script>document.getElementById("${id}").textContent = "ran"</script>`;

/** A notebook with a stored HTML output holding a script, and a cell that makes one when run. */
const PROBE = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: "deno", display_name: "Deno", language: "typescript" } },
  cells: [
    {
      cell_type: "code",
      id: "stored",
      metadata: {},
      execution_count: 1,
      source: "// stored output",
      outputs: [{
        output_type: "display_data",
        metadata: {},
        data: { "text/html": probe("probe-stored"), "text/plain": "probe" },
      }],
    },
    {
      cell_type: "code",
      id: "fresh",
      metadata: {},
      execution_count: null,
      outputs: [],
      source: "Deno.jupyter.html`" + probe("probe-fresh") + "`",
    },
  ],
};

const browser = findChromium();

Deno.test({
  name: "JupyterLab runs a script in an HTML output only for a cell run now or a trusted notebook",
  ignore: browser === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const lab = await startLab();
    await Deno.writeTextFile(`${lab.dir}/notebooks/probe.ipynb`, JSON.stringify(PROBE));
    const context = await chromium.launchPersistentContext(`${lab.dir}/chromium`, {
      executablePath: browser,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    try {
      const page = await context.newPage();
      await page.goto(`${lab.base}/lab/tree/probe.ipynb?reset&token=${lab.token}`);
      await page.waitForFunction(
        () => {
          const panel = (globalThis as Any).jupyterapp?.shell?.currentWidget;
          return panel?.context?.isReady &&
            panel.sessionContext?.session?.kernel?.status === "idle";
        },
        undefined,
        { timeout: 120_000, polling: 250 },
      );
      const ran = (id: string) =>
        page.evaluate((i) => document.getElementById(i)?.textContent === "ran", id);
      assert.equal(await ran("probe-stored"), false, "a stored output's script ran untrusted");
      await page.evaluate(async () => {
        const app = (globalThis as Any).jupyterapp;
        app.shell.currentWidget.content.activeCellIndex = 1;
        await app.commands.execute("notebook:run-cell");
      });
      await page.waitForFunction(() => document.getElementById("probe-fresh") !== null, undefined, {
        timeout: 60_000,
      });
      assert.equal(await ran("probe-fresh"), true, "the script of a cell run now did not run");
      assert.equal(await ran("probe-stored"), false);
      // "Trust Notebook" asks for confirmation in a dialog (its promise waits for the answer).
      await page.evaluate(() => {
        void (globalThis as Any).jupyterapp.commands.execute("notebook:trust");
      });
      await page.locator(".jp-Dialog .jp-mod-accept, .jp-Dialog .jp-mod-warn").first().click();
      await page.waitForFunction(
        () => document.getElementById("probe-stored")?.textContent === "ran",
        undefined,
        {
          timeout: 30_000,
        },
      );
      await page.evaluate(() =>
        (globalThis as Any).jupyterapp.shell.currentWidget.sessionContext.shutdown()
      );
    } finally {
      await context.close();
      await lab.stop();
    }
  },
});

Deno.test("the notebooks point to the live figures of the HTML book in one line each", () => {
  const live = new Map<string, number>(), pointers = new Map<string, number>();
  for (const e of Deno.readDirSync(`${root}/notebooks`)) {
    if (!e.name.endsWith(".ipynb")) continue;
    const nb = JSON.parse(Deno.readTextFileSync(`${root}/notebooks/${e.name}`));
    for (const cell of nb.cells) {
      const tags: string[] = cell.metadata?.tags ?? [];
      const source = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
      if (tags.some((t) => t.startsWith("live:"))) live.set(e.name, (live.get(e.name) ?? 0) + 1);
      if (tags.includes("live-pointer")) {
        assert.equal(cell.cell_type, "markdown");
        assert.ok(!source.trim().includes("\n"), `${e.name}: a pointer of more than one line`);
        assert.match(source, new RegExp(`site/${e.name.replace(".ipynb", ".html")}`));
        pointers.set(e.name, (pointers.get(e.name) ?? 0) + 1);
      }
    }
  }
  assert.ok(live.size > 0);
  assert.deepEqual(pointers, live);
});
