/**
 * The notebook runner (`scripts/notebooks.py`) with notebooks that are not the book's: an edit
 * saved while `--write` runs is kept, `figure:` tags cannot write outside `notebooks/figures`, and a
 * broken notebook file is reported in one line.
 *
 * Needs the set-up of `deno task test` (the .venv with Jupyter, the kernelspec).
 */

import assert from "node:assert/strict";
import { markerCell, notebook, removeTree, scratch, startNotebooks, waitFor } from "./procs.ts";

const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

Deno.test({
  name: "notebooks --write keeps a notebook that was saved while it ran, and says so",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await scratch("runner-edit");
    const cleanups: (() => Promise<void>)[] = [];
    try {
      const path = `${dir}/edited.ipynb`;
      notebook(path, [markerCell(`${dir}/running`, 3000), { source: "1 + 1" }]);
      const run = startNotebooks(["--write", path]);
      cleanups.push(run.cleanup);
      await waitFor("the notebook to run", () => exists(`${dir}/running`));
      // What a reader's save from JupyterLab looks like: the same notebook, one more cell.
      const edited = notebook(path, [markerCell(`${dir}/running`, 3000), { source: "1 + 1" }, {
        source: "// my edit",
      }]);
      const { code, output } = await run.done;
      assert.equal(code, 1, output);
      assert.match(
        output,
        /edited\.ipynb: not overwritten: it was changed at .*, after this run read it/,
      );
      assert.equal(Deno.readTextFileSync(path), edited, "the edit was overwritten");
      const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".tmp"));
      assert.deepEqual(left, [], "a temporary file was left");
    } finally {
      for (const cleanup of cleanups) await cleanup();
      await removeTree(dir);
    }
  },
});

Deno.test({
  name: "notebooks --write stores a notebook that nobody touched meanwhile",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await scratch("runner-write");
    try {
      const path = `${dir}/plain.ipynb`;
      const before = notebook(path, [{ source: "6 * 7" }]);
      Deno.chmodSync(path, 0o644);
      const { code, output } = await startNotebooks(["--write", path]).done;
      assert.equal(code, 0, output);
      assert.equal(Deno.statSync(path).mode! & 0o777, 0o644, "the notebook's permissions changed");
      const after = Deno.readTextFileSync(path);
      assert.notEqual(after, before);
      const cell = JSON.parse(after).cells[0];
      assert.equal([cell.outputs[0].data["text/plain"]].flat().join(""), "42");
    } finally {
      await removeTree(dir);
    }
  },
});

const SVG = 'Deno.jupyter.svg`<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>`';

for (const [what, name] of [["..", "../../escaped"], ["an absolute path", "ABS"]] as const) {
  Deno.test({
    name: `a figure: tag with ${what} is refused before anything runs, and nothing is written`,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const dir = await scratch("runner-figure");
      try {
        await Deno.mkdir(`${dir}/book/notebooks`, { recursive: true });
        const path = `${dir}/book/notebooks/figure.ipynb`;
        const tag = `figure:${name === "ABS" ? `${dir}/absolute` : name}`;
        notebook(path, [{ source: SVG, tags: [tag] }]);
        const { code, output } = await startNotebooks(["--write", path]).done;
        assert.equal(code, 1, output);
        assert.match(
          output,
          new RegExp(
            `figure\\.ipynb: cell 1 \\(code cell 1\\): the tag \`${
              tag.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
            }\` must name a file inside .*notebooks/figures/`,
          ),
        );
        assert.ok(!exists(`${dir}/book/escaped.svg`), "the figure was written outside");
        assert.ok(!exists(`${dir}/absolute.svg`), "the figure was written outside");
        assert.doesNotMatch(output, /executed/, "the notebook ran although its tag is wrong");
      } finally {
        await removeTree(dir);
      }
    },
  });
}

Deno.test({
  name: "a notebook that is not valid JSON is reported in one line with its line and column",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await scratch("runner-json");
    try {
      const path = `${dir}/broken.ipynb`;
      Deno.writeTextFileSync(path, '{\n "cells": [\n  {"cell_type": "code",, }\n ]\n}\n');
      const { code, output } = await startNotebooks([path]).done;
      assert.equal(code, 1, output);
      assert.equal(output.trim().split("\n").length, 1, output);
      assert.match(
        output.trim(),
        new RegExp(`^${path.replaceAll(".", "\\.")}:3:24: not valid JSON \\(`),
      );
      assert.doesNotMatch(output, /Traceback/);
    } finally {
      await removeTree(dir);
    }
  },
});
