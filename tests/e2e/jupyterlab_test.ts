/**
 * The notebooks the way a JupyterLab reader meets them: a project-local JupyterLab (127.0.0.1, a
 * random token) serves copies of `notebooks/*.ipynb`; each one is opened in headless Chromium, its
 * cells are run from top to bottom (see `RUN_ALL`), and it is checked: every code cell executed, no
 * cell shows an error or another cell's result, every figure rendered with a non-zero size, and at
 * least as many cells have outputs (and figures) as in the stored file.
 * On failure a screenshot is saved to `.cache/e2e/<notebook>.png` (path in the message).
 *
 * Needs the set-up of `deno task test` (the .venv with JupyterLab, the Deno kernelspec) and
 * Chromium (`/usr/bin/chromium`, or the path in `CHROMIUM`). The notebooks in `notebooks/` are
 * never opened by JupyterLab, only their copies (see `lab_server.ts`).
 */

import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { type Chromium, findChromium, launchChromium } from "./browser.ts";
import { root } from "../../scripts/jupyter.ts";
import { type LabServer, startLab } from "./lab_server.ts";
import { notebook, sleep } from "./procs.ts";

/** Opening a notebook: JupyterLab's page plus the Deno kernel starting. */
const OPEN_TIMEOUT_MS = 120_000;
/** Running all cells of one notebook (training loops included). */
const RUN_TIMEOUT_MS = 300_000;
/**
 * Each notebook runs with "Run All Cells", as a reader would. Deno 2.9.6's kernel, given several
 * queued execute requests, sometimes publishes a cell's result under the next cell's request;
 * the project's kernelspec puts scripts/kernel_proxy.py in front of the kernel to pass on one cell
 * at a time, and this test is what shows that it works (a misplaced result fails it with "cell N
 * has several execution results"). `E2E_LAB_CELL_BY_CELL=1` runs the cells one by one instead.
 */
const RUN_ALL = Deno.env.get("E2E_LAB_CELL_BY_CELL") !== "1";
/** `E2E_LAB_ONLY=TEXT` opens only the notebooks whose name contains TEXT (`none`: none of them). */
const ONLY = Deno.env.get("E2E_LAB_ONLY");

/** What a stored notebook holds: code cells with outputs, and image outputs (figures). */
function storedCounts(
  file: string,
): { withOutputs: number; figures: number; cellsWithOutputs: number[] } {
  const nb = JSON.parse(Deno.readTextFileSync(file)) as {
    cells: { cell_type: string; outputs?: { data?: Record<string, unknown> }[] }[];
  };
  const code = nb.cells.filter((c) => c.cell_type === "code");
  const isImage = (mime: string) => /^image\/(svg\+xml|png|jpeg|gif)$/.test(mime);
  return {
    withOutputs: code.filter((c) => (c.outputs?.length ?? 0) > 0).length,
    cellsWithOutputs: nb.cells.flatMap((c, i) =>
      c.cell_type === "code" && (c.outputs?.length ?? 0) > 0 ? [i + 1] : []
    ),
    figures: code.flatMap((c) => c.outputs ?? [])
      .filter((o) => Object.keys(o.data ?? {}).some(isImage)).length,
  };
}

/** What the page reports about the open notebook (computed in the browser). */
interface Report {
  kernel: string;
  codeCells: number;
  withOutputs: number;
  /** Cells (1-based among all cells) with at least one output. */
  cellsWithOutputs: number[];
  /** Code cells (1-based among all cells) without an execution count. */
  notExecuted: number[];
  errors: { cell: number; text: string }[];
  /** Cells showing more than one execution result (one belongs to another cell). */
  doubled: number[];
  /** Figures (an `svg`, or an `img` such as JupyterLab's rendering of image/svg+xml). */
  figures: { cell: number; tag: string; width: number; height: number; loaded: boolean }[];
  firstBadCell: number | null;
}

// The page-side code reaches JupyterLab through `window.jupyterapp`
// (`--LabApp.expose_app_in_browser`); its types are not available here.
// deno-lint-ignore no-explicit-any
type Any = any;

/** The notebook panel for `path`, once its kernel is connected and idle (in the page). */
function kernelIdle(path: string): boolean {
  const app = (globalThis as Any).jupyterapp;
  const panel = app?.shell?.currentWidget;
  return panel?.context?.path === path && panel.context.isReady &&
    panel.sessionContext?.session?.kernel?.status === "idle";
}

/**
 * Starts running the notebook without waiting; the outcome lands in `window.__e2eRun` (in the page).
 *
 * With `runAll`, this is the menu's "Run → Run All Cells", which sends every cell's execute request
 * at once. Otherwise each code cell is selected and run in turn once the previous one has finished,
 * as a reader pressing Shift+Enter down the notebook, stopping at the first cell that fails.
 */
function startRun(runAll: boolean): void {
  const g = globalThis as Any;
  g.__e2eRun = { done: false };
  const app = g.jupyterapp;
  const notebook = app.shell.currentWidget.content;
  const run = async () => {
    if (runAll) return await app.commands.execute("notebook:run-all-cells");
    for (let i = 0; i < notebook.widgets.length; i++) {
      if (notebook.widgets[i].model.type !== "code") continue;
      notebook.activeCellIndex = i;
      notebook.deselectAll();
      if (!await app.commands.execute("notebook:run-cell")) return false;
    }
    return true;
  };
  run().then(
    (ok: unknown) => g.__e2eRun = { done: true, ok },
    (e: unknown) => g.__e2eRun = { done: true, error: String(e) },
  );
}

/**
 * True once the run has settled with the kernel idle and the output images loaded, and
 * every code cell has an execution count, unless a cell failed (the kernel may then skip the rest)
 * or the kernel died (in the page).
 */
function runFinished(): boolean {
  const g = globalThis as Any;
  const panel = g.jupyterapp.shell.currentWidget;
  if (!g.__e2eRun?.done) return false;
  const status = panel.sessionContext.session?.kernel?.status;
  if (status === "dead" || status === undefined) return true;
  if (status !== "idle") return false;
  const images = [...panel.content.node.querySelectorAll(".jp-OutputArea-output img")];
  if (!images.every((img) => (img as HTMLImageElement).complete)) return false;
  const cells: Any[] = panel.content.widgets.filter((c: Any) => c.model.type === "code");
  const failed = g.__e2eRun.ok === false || cells.some((c) => {
    const outputs = c.model.outputs;
    for (let k = 0; k < outputs.length; k++) if (outputs.get(k).type === "error") return true;
    return false;
  });
  return failed || cells.every((c) => c.model.executionCount != null);
}

/** Collects the {@link Report} from the open notebook (in the page). */
function inspect(): Report {
  const panel = (globalThis as Any).jupyterapp.shell.currentWidget;
  const report: Report = {
    kernel: String(panel.sessionContext.session?.kernel?.status ?? "no kernel"),
    codeCells: 0,
    withOutputs: 0,
    cellsWithOutputs: [],
    notExecuted: [],
    errors: [],
    doubled: [],
    figures: [],
    firstBadCell: null,
  };
  const bad = (i: number) => report.firstBadCell ??= i;
  panel.content.widgets.forEach((cell: Any, i: number) => {
    if (cell.model.type !== "code") return;
    const n = i + 1;
    report.codeCells++;
    if (cell.model.executionCount == null) {
      report.notExecuted.push(n);
      bad(i);
    }
    const outputs = cell.model.outputs;
    if (outputs.length > 0) {
      report.withOutputs++;
      report.cellsWithOutputs.push(n);
    }
    let results = 0;
    for (let k = 0; k < outputs.length; k++) {
      const out = outputs.get(k).toJSON();
      if (out.output_type === "execute_result") results++;
      // An error output is shown with the same mime type as stderr (which may hold mere warnings),
      // so errors are told apart by their output type in the model.
      if (out.output_type === "error") {
        report.errors.push({ cell: n, text: `${out.ename}: ${out.evalue}` });
        bad(i);
      }
    }
    if (results > 1) {
      report.doubled.push(n);
      bad(i);
    }
    if (cell.outputHidden) return;
    const figures = [
      ...cell.node.querySelectorAll(".jp-OutputArea-output svg, .jp-OutputArea-output img"),
    ]
      .filter((e: Element) => !e.parentElement?.closest("svg"));
    for (const f of figures as Element[]) {
      const r = f.getBoundingClientRect();
      const img = f.tagName.toLowerCase() === "img" ? f as HTMLImageElement : null;
      const loaded = img ? img.complete && img.naturalWidth > 0 && img.naturalHeight > 0 : true;
      const width = Math.round(r.width), height = Math.round(r.height);
      report.figures.push({ cell: n, tag: f.tagName.toLowerCase(), width, height, loaded });
      if (!(width > 0 && height > 0 && loaded)) bad(i);
    }
  });
  return report;
}

/** Scrolls the given cell into view (in the page), so the screenshot shows it. */
function showCell(index: number | null): void {
  const panel = (globalThis as Any).jupyterapp?.shell?.currentWidget;
  const cell = index === null ? undefined : panel?.content?.widgets?.[index];
  cell?.node?.scrollIntoView({ block: "start" });
}

/** Where a failing notebook's screenshot goes. */
const screenshotPath = (name: string) => `${root}/.cache/e2e/${name.replace(/\.ipynb$/, "")}.png`;

async function screenshot(page: Page, name: string, cell: number | null): Promise<string> {
  const path = screenshotPath(name);
  try {
    await page.evaluate(showCell, cell);
    await page.screenshot({ path });
    return path;
  } catch (e) {
    return `(no screenshot: ${e instanceof Error ? e.message : e})`;
  }
}

/** Deletes every kernel session left on the server (normally none). */
async function shutDownSessions(lab: LabServer): Promise<void> {
  const headers = { Authorization: `token ${lab.token}` };
  const res = await fetch(`${lab.base}/api/sessions`, { headers });
  const sessions = await res.json() as { id: string }[];
  for (const s of sessions) {
    const del = await fetch(`${lab.base}/api/sessions/${s.id}`, { method: "DELETE", headers });
    await del.body?.cancel();
  }
}

async function checkNotebook(
  context: BrowserContext,
  lab: LabServer,
  name: string,
): Promise<void> {
  const stored = storedCounts(`${root}/notebooks/${name}`);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  let phase = "opening the notebook";
  try {
    // `reset` starts from an empty workspace, so only this notebook (and one kernel) is open.
    await page.goto(`${lab.base}/lab/tree/${encodeURIComponent(name)}?reset&token=${lab.token}`);
    phase = "waiting for the Deno kernel to be idle";
    await page.waitForFunction(kernelIdle, name, { timeout: OPEN_TIMEOUT_MS, polling: 250 });
    phase = "running all cells";
    await page.evaluate(startRun, RUN_ALL);
    let timedOut = "";
    try {
      await page.waitForFunction(runFinished, undefined, { timeout: RUN_TIMEOUT_MS, polling: 250 });
    } catch {
      // Report what the page shows (errors, cells not run) rather than just the timeout.
      timedOut = `the run did not finish within ${RUN_TIMEOUT_MS / 1000} s`;
    }
    phase = "inspecting the outputs";
    const r = await page.evaluate(inspect);
    const runError = await page.evaluate(() => (globalThis as Any).__e2eRun?.error as string);
    const problems: string[] = [];
    if (timedOut) problems.push(timedOut);
    if (runError) problems.push(`running the cells failed: ${runError}`);
    for (const e of r.errors) problems.push(`cell ${e.cell} shows an error: ${e.text}`);
    for (const n of r.doubled) {
      problems.push(`cell ${n} has several execution results (one is another cell's)`);
    }
    if (r.notExecuted.length > 0) {
      problems.push(`cells not executed: ${r.notExecuted.join(", ")}`);
    }
    for (const f of r.figures) {
      if (!(f.width > 0 && f.height > 0 && f.loaded)) {
        problems.push(
          `cell ${f.cell}: a figure (${f.tag}) has size ${f.width}×${f.height}` +
            (f.loaded ? "" : " and did not load"),
        );
      }
    }
    if (r.withOutputs < stored.withOutputs) {
      problems.push(
        `${r.withOutputs} code cells have outputs, the stored notebook has ${stored.withOutputs}` +
          ` (cells with stored outputs but none now: ${
            stored.cellsWithOutputs.filter((c) => !r.cellsWithOutputs.includes(c)).join(", ")
          })`,
      );
    }
    if (r.figures.length < stored.figures) {
      problems.push(
        `${r.figures.length} figures rendered, the stored notebook has ${stored.figures}`,
      );
    }
    if (r.kernel !== "idle") problems.push(`the kernel is ${r.kernel}`);
    console.log(
      `${name}: ${r.codeCells} code cells, ${r.withOutputs} with outputs ` +
        `(stored: ${stored.withOutputs}), ${r.figures.length} figures (stored: ${stored.figures})`,
    );
    if (problems.length > 0) {
      const shot = await screenshot(page, name, r.firstBadCell);
      assert.fail(
        `${name} in JupyterLab:\n  ${problems.join("\n  ")}` +
          (pageErrors.length ? `\npage errors: ${pageErrors.join("; ")}` : "") +
          `\nscreenshot: ${shot}`,
      );
    }
    // A screenshot left from an earlier failing run would only mislead.
    await Deno.remove(screenshotPath(name)).catch(() => {});
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    const shot = await screenshot(page, name, null);
    throw new Error(
      `${name} in JupyterLab: failed while ${phase}: ${e instanceof Error ? e.message : e}` +
        (pageErrors.length ? `\npage errors: ${pageErrors.join("; ")}` : "") +
        `\nscreenshot: ${shot}\nJupyterLab log (tail):\n${lab.log().slice(-3000)}`,
    );
  } finally {
    await page.evaluate(() =>
      (globalThis as Any).jupyterapp?.shell?.currentWidget?.sessionContext
        ?.shutdown()
    ).catch(() => {});
    await page.close();
    await shutDownSessions(lab).catch(() => {});
  }
}

/** What the page tells about the project's settings (computed in the page). */
async function labSettings(): Promise<Record<string, unknown>> {
  const app = (globalThis as Any).jupyterapp;
  await app.restored;
  // The question about news would come right after the workspace is restored.
  await new Promise((r) => setTimeout(r, 3000));
  const config = JSON.parse(document.getElementById("jupyter-config-data")?.textContent ?? "{}");
  const fetch = async (id: string) => (await app.serviceManager.settings.fetch(id)).schema;
  const notification = await fetch("@jupyterlab/apputils-extension:notification");
  const manager = await fetch("@jupyterlab/extensionmanager-extension:plugin");
  return {
    newsDisabled: config.news?.disabled,
    extensionManager: config.extensionManager?.name,
    canInstall: config.extensionManager?.can_install,
    fetchNews: notification.properties.fetchNews.default,
    checkForUpdates: notification.properties.checkForUpdates.default,
    managerEnabled: manager.properties.enabled.default,
    newsQuestion: document.body.innerText.includes("official Jupyter news"),
  };
}

async function checkSettings(context: BrowserContext, lab: LabServer): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`${lab.base}/lab?reset&token=${lab.token}`);
    await page.waitForFunction(() => (globalThis as Any).jupyterapp !== undefined, undefined, {
      timeout: OPEN_TIMEOUT_MS,
    });
    assert.deepEqual(await page.evaluate(labSettings), {
      newsDisabled: true,
      extensionManager: "read-only",
      canInstall: false,
      fetchNews: "false",
      checkForUpdates: false,
      managerEnabled: false,
      newsQuestion: false,
    });
  } finally {
    await page.close();
  }
}

/** The open notebook's kernel status and its cells' execution counts and outputs (in the page). */
function cellStates(): { kernel: string; cells: { count: number | null; outputs: Any[] }[] } {
  const panel = (globalThis as Any).jupyterapp.shell.currentWidget;
  return {
    kernel: String(panel.sessionContext.session?.kernel?.status),
    cells: panel.content.widgets.map((c: Any) => ({
      count: c.model.executionCount ?? null,
      outputs: c.model.outputs.toJSON(),
    })),
  };
}

/**
 * JupyterLab's stop button on a notebook whose second cell loops for ever, run with "Run All": the
 * loop ends with an error, the third cell is not run, the kernel lives on and keeps `x`.
 */
async function checkInterrupt(context: BrowserContext, lab: LabServer): Promise<void> {
  const name = "interrupt-check.ipynb";
  notebook(`${lab.dir}/notebooks/${name}`, [
    { source: "let x = 42;\nx" },
    { source: "let i = 0;\nwhile (true) i++;" },
    { source: "x + 1" },
  ]);
  const page = await context.newPage();
  try {
    await page.goto(`${lab.base}/lab/tree/${name}?reset&token=${lab.token}`);
    await page.waitForFunction(kernelIdle, name, { timeout: OPEN_TIMEOUT_MS, polling: 250 });
    await page.evaluate(startRun, true);
    await page.waitForFunction(
      () => {
        const s = (globalThis as Any).jupyterapp.shell.currentWidget.content.widgets;
        return s[0].model.outputs.length > 0 && s[1].model.executionCount == null &&
          s[1].node.querySelector(".jp-InputArea-prompt")?.textContent?.includes("*");
      },
      undefined,
      { timeout: RUN_TIMEOUT_MS, polling: 100 },
    );
    await sleep(1000); // let the loop run
    await page.locator('[data-command="notebook:interrupt-kernel"]').first().click();
    await page.waitForFunction(
      () => {
        const panel = (globalThis as Any).jupyterapp.shell.currentWidget;
        const cells = panel.content.widgets;
        return panel.sessionContext.session?.kernel?.status === "idle" &&
          cells[1].model.executionCount != null;
      },
      undefined,
      { timeout: 60_000, polling: 250 },
    );
    await sleep(500);
    const after = await page.evaluate(cellStates);
    assert.equal(after.kernel, "idle");
    const errors = after.cells[1].outputs.filter((o) => o.output_type === "error");
    assert.equal(
      errors.length,
      1,
      `the loop's cell shows ${JSON.stringify(after.cells[1].outputs)}`,
    );
    assert.equal(errors[0].ename, "Interrupted");
    assert.match(errors[0].evalue, /Execution was terminated/);
    assert.deepEqual(after.cells[2], { count: null, outputs: [] }, "the cell after it ran");
    // The state is intact: the third cell, run now, still sees x.
    await page.evaluate(() => {
      const app = (globalThis as Any).jupyterapp;
      app.shell.currentWidget.content.activeCellIndex = 2;
      return app.commands.execute("notebook:run-cell");
    });
    await page.waitForFunction(
      () => {
        const cells = (globalThis as Any).jupyterapp.shell.currentWidget.content.widgets;
        return cells[2].model.outputs.length > 0;
      },
      undefined,
      { timeout: 60_000, polling: 250 },
    );
    const last = await page.evaluate(cellStates);
    assert.equal(last.kernel, "idle");
    assert.deepEqual(last.cells[2].outputs.map((o) => o.data?.["text/plain"]), ["43"]);
  } finally {
    await page.evaluate(() =>
      (globalThis as Any).jupyterapp?.shell?.currentWidget?.sessionContext?.shutdown()
    ).catch(() => {});
    await page.close();
    await shutDownSessions(lab).catch(() => {});
  }
}

const browser = findChromium();

Deno.test({
  name: "JupyterLab runs every notebook with no error output and rendered figures",
  ignore: browser === undefined,
  // Playwright's driver and JupyterLab's child process outlive single steps by design.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const lab = await startLab();
    let chromium: Chromium | undefined;
    try {
      assert.ok(lab.notebooks.length > 0, "no notebooks/*.ipynb to open");
      // A fresh profile and $HOME in a scratch folder (removed on close): nothing goes to `~`.
      chromium = await launchChromium({ viewport: { width: 1280, height: 900 } });
      const context = chromium.context;
      // JupyterLab needs nothing but its own server; anything else would hang without network.
      const outside: string[] = [];
      await context.route(
        (url) => url.origin !== lab.base && url.protocol !== "data:" && url.protocol !== "blob:",
        (route) => {
          outside.push(route.request().url());
          return route.abort();
        },
      );
      await t.step(
        "the project's settings: no news question or feed, read-only extension manager",
        () => checkSettings(context, lab),
      );
      for (const name of lab.notebooks.filter((n) => ONLY === undefined || n.includes(ONLY))) {
        await t.step(name, () => checkNotebook(context, lab, name));
      }
      await t.step(
        "the stop button ends a running cell, skips the queued ones and keeps the kernel's state",
        () => checkInterrupt(context, lab),
      );
      assert.deepEqual(outside, [], "the page asked for something outside JupyterLab");
    } finally {
      await chromium?.close();
      await lab.stop();
    }
  },
});
