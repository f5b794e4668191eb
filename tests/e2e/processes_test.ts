/**
 * Stopping the project's commands leaves nothing running: `deno task book` and `deno task lab`
 * stopped with SIGTERM (directly, or through a shell that dies the way `npx` lets it), the notebook
 * runner killed outright, and a kernel that stops or dies while a cell runs is reported at once,
 * with the notebook and the cell.
 *
 * Linux only (process trees from /proc). Needs the set-up of `deno task test`.
 */

import assert from "node:assert/strict";
import {
  DENO_KERNEL,
  find,
  linux,
  markerCell,
  notebook,
  PROXY,
  removeTree,
  scratch,
  sleep,
  start,
  startNotebooks,
  survivors,
  tree,
  waitFor,
} from "./procs.ts";

/** Deno's cache, so that commands run with a scratch `$HOME` keep the warm cache. */
function denoDir(): string {
  return Deno.env.get("DENO_DIR") ??
    `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/deno`;
}

Deno.test({
  name: "deno task book stopped by SIGTERM stops the notebook runner, its workers and kernels",
  ignore: !linux,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await scratch("book-stop");
    const book = start(Deno.execPath(), ["task", "book", "--site", `${dir}/site`]);
    try {
      // Stop it once the notebooks run (two kernels, each behind its proxy).
      await waitFor("two kernels of the book build", () => {
        const t = tree(book.child.pid);
        return [...t.values()].filter((c) => DENO_KERNEL.test(c)).length >= 2 && t;
      }, 180_000);
      const procs = tree(book.child.pid);
      assert.ok([...procs.values()].some((c) => /notebooks\.py/.test(c)), book.output());
      book.child.kill("SIGTERM");
      // (Its exit, not the end of its output: processes left running would hold that open.)
      const status = await book.child.status;
      const left = await survivors(procs);
      assert.deepEqual(left, [], "still running after SIGTERM to `deno task book`");
      assert.equal(status.code, 143, book.output());
      // Nothing went on writing the book after the stop.
      const pages = [...Deno.readDirSync(`${dir}/site`)].filter((e) => e.name.endsWith(".html"));
      assert.deepEqual(pages, [], "pages were written after the stop");
    } finally {
      await book.cleanup();
      await removeTree(dir);
    }
  },
});

Deno.test({
  name: "the notebook runner killed with SIGKILL takes its workers and their kernels with it",
  ignore: !linux,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await scratch("runner-kill");
    const paths = [`${dir}/a.ipynb`, `${dir}/b.ipynb`];
    paths.forEach((p, i) => notebook(p, [markerCell(`${dir}/running-${i}`, 120_000)]));
    const run = startNotebooks(["--jobs", "2", ...paths]);
    try {
      await waitFor("both notebooks running", () => {
        try {
          return Deno.statSync(`${dir}/running-0`) && Deno.statSync(`${dir}/running-1`) && true;
        } catch {
          return false;
        }
      });
      const procs = tree(run.child.pid);
      assert.equal([...procs.values()].filter((c) => DENO_KERNEL.test(c)).length, 2);
      run.child.kill("SIGKILL");
      await run.child.status;
      assert.deepEqual(await survivors(procs), [], "still running after SIGKILL to notebooks.py");
    } finally {
      await run.cleanup();
      await removeTree(dir);
    }
  },
});

/**
 * Starts `deno task lab` and a kernel in it; returns what to stop. `viaShell` wraps it in a shell
 * that dies on SIGTERM without passing it on (as under `npx`); `nohup` puts `nohup` in front.
 */
async function labWithKernel(dir: string, viaShell: boolean, nohup = false) {
  const port = (() => {
    const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const p = (l.addr as Deno.NetAddr).port;
    l.close();
    return p;
  })();
  const token = crypto.randomUUID();
  const task = [
    "task",
    "lab",
    `--ServerApp.port=${port}`,
    "--ServerApp.port_retries=0",
    `--IdentityProvider.token=${token}`,
  ];
  const env: Record<string, string> = { HOME: `${dir}/home`, DENO_DIR: denoDir() };
  // What npm puts in the environment of what `npx` runs.
  if (viaShell && !nohup) Object.assign(env, { npm_command: "exec", npm_lifecycle_event: "npx" });
  await Deno.mkdir(`${dir}/home`, { recursive: true });
  // `npx deno task lab`, stopped: npm passes SIGTERM to its `sh -c`, which dies without passing it
  // on, and `deno task` is left running on its own. `sh -c "…; exit"` dies the same way.
  const lab = viaShell
    ? start("/bin/sh", [
      "-c",
      `${nohup ? "nohup " : ""}"${Deno.execPath()}" ${task.join(" ")}; exit $?`,
    ], env)
    : start(Deno.execPath(), task, env);
  const base = `http://127.0.0.1:${port}`;
  const headers = { Authorization: `token ${token}` };
  await waitFor("JupyterLab to answer", async () => {
    try {
      const res = await fetch(`${base}/api/status`, { headers });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  }, 120_000);
  const res = await fetch(`${base}/api/kernels`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "deno" }),
  });
  const body = await res.text();
  assert.equal(res.status, 201, body);
  await waitFor("the kernel to run", () => find(lab.child.pid, DENO_KERNEL));
  return { lab, port, base, headers };
}

for (const viaShell of [false, true]) {
  Deno.test({
    name: `deno task lab stopped by SIGTERM${
      viaShell ? " to a shell that dies (as under npx)" : ""
    } stops JupyterLab and its kernels`,
    ignore: !linux,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const dir = await scratch("lab-stop");
      let lab: Awaited<ReturnType<typeof labWithKernel>>["lab"] | undefined;
      try {
        const started = await labWithKernel(dir, viaShell);
        lab = started.lab;
        const procs = tree(lab.child.pid);
        assert.ok([...procs.values()].some((c) => /jupyter-lab/.test(c)), lab.output());
        assert.ok([...procs.values()].some((c) => PROXY.test(c)));
        lab.child.kill("SIGTERM");
        await lab.child.status;
        assert.deepEqual(await survivors(procs), [], "still running after the stop");
        const open = await Deno.connect({ hostname: "127.0.0.1", port: started.port })
          .then((c) => (c.close(), true), () => false);
        assert.equal(open, false, `something still listens on 127.0.0.1:${started.port}`);
        const home = [...Deno.readDirSync(`${dir}/home`)].map((e) => e.name);
        assert.deepEqual(home, [], "JupyterLab wrote to $HOME");
      } finally {
        await lab?.cleanup();
        await removeTree(dir);
      }
    },
  });
}

Deno.test({
  name: "deno task lab under nohup outlives the shell that started it",
  ignore: !linux,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await scratch("lab-nohup");
    let lab: Awaited<ReturnType<typeof labWithKernel>>["lab"] | undefined;
    try {
      const started = await labWithKernel(dir, true, true);
      lab = started.lab;
      const procs = tree(lab.child.pid);
      const task = find(lab.child.pid, /^\S*deno task lab/);
      assert.ok(task, "no `deno task lab` found");
      lab.child.kill("SIGTERM"); // the shell: `deno task lab` is left on its own, as nohup asks
      await lab.child.status;
      await sleep(3000); // the orphan watch looks twice a second
      const res = await fetch(`${started.base}/api/status`, { headers: started.headers });
      await res.body?.cancel();
      // Stopped the ordinary way, it cleans up (its runtime files, its kernel's connection file).
      Deno.kill(task, "SIGTERM");
      assert.deepEqual(
        await survivors(procs),
        [],
        "still running after SIGTERM to `deno task lab`",
      );
      assert.ok(res.ok, "JupyterLab stopped although it was started with nohup");
    } finally {
      await lab?.cleanup();
      await removeTree(dir);
    }
  },
});

for (
  const [signal, says] of [["SIGSTOP", /the kernel is stopped/], [
    "SIGKILL",
    /the kernel died/,
  ]] as const
) {
  Deno.test({
    name: `a kernel ${
      signal === "SIGSTOP" ? "stopped" : "killed"
    } during a cell is reported at once, naming the notebook and the cell`,
    ignore: !linux,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const dir = await scratch("kernel-lost");
      const path = `${dir}/lost.ipynb`;
      notebook(path, [{ source: "const a = 1;" }, markerCell(`${dir}/running`, 120_000)]);
      const run = startNotebooks([path]);
      let kernel: number | undefined;
      // The cell itself would wait 120 s and the runner's time-out is 300 s; the report must come
      // long before either.
      const guard = setTimeout(() => run.cleanup(), 60_000);
      try {
        await waitFor("the second cell to run", () => {
          try {
            return Deno.statSync(`${dir}/running`) && true;
          } catch {
            return false;
          }
        });
        kernel = find(run.child.pid, DENO_KERNEL);
        assert.ok(kernel, "no Deno kernel found");
        Deno.kill(kernel, signal);
        const { code, output } = await run.done;
        assert.notEqual(code, 137, `the runner did not notice within 60 s:\n${output}`);
        assert.equal(code, 1, output);
        const line = output.split("\n").find((l) => l.startsWith(path)) ?? "";
        assert.match(line, /: cell 2 \(code cell 2\): `Deno\.writeTextFileSync\(/, output);
        assert.match(line, says, output);
      } finally {
        clearTimeout(guard);
        await run.cleanup();
        await removeTree(dir);
      }
    },
  });
}
