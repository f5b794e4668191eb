/**
 * What the browser tests leave behind: Chromium keeps its profile, `$HOME` and caches in a scratch
 * folder that is removed when it closes, and scratch folders of test runs that were killed before
 * they could clean up are removed by the next run.
 */

import assert from "node:assert/strict";
import { findChromium, launchChromium, scratchDir } from "./browser.ts";
import { root } from "../../scripts/jupyter.ts";

const linux = Deno.build.os === "linux";

/** Processes whose command line mentions `text`, with their environment (Linux /proc). */
function processesMentioning(text: string): { cmd: string; env: string[] }[] {
  const found = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replaceAll("\0", " ");
      if (!cmd.includes(text)) continue;
      const env = Deno.readTextFileSync(`/proc/${e.name}/environ`).split("\0");
      found.push({ cmd, env });
    } catch { /* gone, or not ours */ }
  }
  return found;
}

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

Deno.test({
  name:
    "Chromium for the tests runs with its profile and $HOME in a scratch folder, removed on close",
  ignore: findChromium() === undefined || !linux,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const chromium = await launchChromium();
    try {
      const page = await chromium.context.newPage();
      await page.goto("data:text/html,<p>hello</p>");
      assert.equal(await page.textContent("p"), "hello");
      // The browser process (its helpers, `--type=…`, get a pared-down environment from it).
      const procs = processesMentioning(`--user-data-dir=${chromium.dir}/profile`)
        .filter((p) => !p.cmd.includes("--type="));
      assert.equal(procs.length, 1, "no Chromium with the scratch profile found");
      for (const p of procs) {
        const home = p.env.find((v) => v.startsWith("HOME="));
        assert.equal(home, `HOME=${chromium.dir}/home`, `Chromium's $HOME: ${p.cmd}`);
      }
    } finally {
      await chromium.close();
    }
    assert.ok(!exists(chromium.dir), `${chromium.dir} is left after close`);
  },
});

Deno.test({
  name: "scratch folders of test runs that were killed are removed by the next run",
  ignore: !linux,
  async fn() {
    // A process id that is free: that of a process that has just ended.
    const { pid } = new Deno.Command("true").spawn();
    await new Promise((r) => setTimeout(r, 200));
    const base = `${root}/.cache/e2e`;
    await Deno.mkdir(`${base}/lab-${pid}-left/home`, { recursive: true });
    await Deno.writeTextFile(`${base}/lab-${pid}-left/home/file`, "left by a killed run");
    const running = await Deno.makeTempDir({ dir: base, prefix: `lab-${Deno.ppid}-` });
    const mine = await scratchDir("lab");
    try {
      assert.ok(!exists(`${base}/lab-${pid}-left`), "a dead run's folder was kept");
      assert.ok(exists(running), "a running process's folder was removed");
      assert.ok(mine.startsWith(`${base}/lab-${Deno.pid}-`));
    } finally {
      await Deno.remove(running, { recursive: true });
      await Deno.remove(mine, { recursive: true });
      await Deno.remove(`${base}/lab-${pid}-left`, { recursive: true }).catch(() => {});
    }
  },
});
