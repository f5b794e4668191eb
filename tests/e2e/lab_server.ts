/**
 * A throw-away JupyterLab for the end-to-end test: it serves *copies* of the notebooks from a
 * scratch folder under `.cache/e2e/`, listens on 127.0.0.1 on a free port with a random token, keeps
 * everything it writes (settings, workspaces, runtime files, even `$HOME`) inside that folder, and
 * is stopped and removed by {@link LabServer.stop}.
 *
 * The copies sit in `<scratch>/notebooks/`, next to symbolic links to the repository's top-level
 * folders (`lib/`, `data/`, …), so that the notebooks' relative paths (`../lib/mod.ts`,
 * `../data/tutorial.csv`) resolve exactly as they do in `notebooks/`; the Deno kernel still finds
 * the repository's `deno.json` by walking up from the copy. Whatever JupyterLab saves lands on the
 * copies, never on `notebooks/`.
 *
 * @module
 */

import { jupyterEnv, LAB_ARGS, python, root } from "../../scripts/jupyter.ts";
import { removeTree, scratchDir } from "./browser.ts";

/** A running JupyterLab started by {@link startLab}. */
export interface LabServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  base: string;
  /** The token that authenticates requests (`?token=` or `Authorization: token …`). */
  token: string;
  /** The scratch folder holding the notebook copies, settings and runtime files. */
  dir: string;
  /** The notebook file names being served (copies of `notebooks/*.ipynb`), sorted. */
  notebooks: string[];
  /** The last lines JupyterLab wrote to stdout/stderr (for failure messages). */
  log(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; then removes the scratch folder. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Settings that make a test run deterministic and keep JupyterLab from writing the documents. (No
 * news, update checks or package index: that is the project's own configuration, `LAB_ARGS`, which
 * the test uses as `deno task lab` does, so that it is tested too.)
 */
const settings: Record<string, Record<string, unknown>> = {
  // Never write the (copied) notebooks behind the test's back.
  "@jupyterlab/docmanager-extension/plugin": { autosave: false },
  // Attach every cell to the DOM so that off-screen figures have a layout and a size.
  "@jupyterlab/notebook-extension/tracker": { windowingMode: "none" },
};

/** A TCP port on 127.0.0.1 that was free a moment ago. */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Deno's cache folder, so that the kernel (run with a scratch `$HOME`) keeps its warm cache. */
function denoDir(): string {
  const fromEnv = Deno.env.get("DENO_DIR");
  if (fromEnv) return fromEnv;
  const xdg = Deno.env.get("XDG_CACHE_HOME");
  if (xdg) return `${xdg}/deno`;
  return `${Deno.env.get("HOME") ?? "/root"}/.cache/deno`;
}

/** Copies the notebooks and links the repository's folders into a fresh scratch folder. */
async function prepare(dir: string): Promise<string[]> {
  await Deno.mkdir(`${dir}/notebooks`, { recursive: true });
  const notebooks: string[] = [];
  for await (const e of Deno.readDir(`${root}/notebooks`)) {
    if (e.isFile && e.name.endsWith(".ipynb")) {
      await Deno.copyFile(`${root}/notebooks/${e.name}`, `${dir}/notebooks/${e.name}`);
      notebooks.push(e.name);
    }
  }
  // Relative paths in the notebooks (`../lib/…`, `../data/…`) must resolve to the real folders.
  // deno.json and node_modules are deliberately not linked: the kernel finds them in `root`.
  const skip = new Set(["notebooks", "node_modules"]);
  for await (const e of Deno.readDir(root)) {
    if (e.isDirectory && !e.name.startsWith(".") && !skip.has(e.name)) {
      await Deno.symlink(`${root}/${e.name}`, `${dir}/${e.name}`);
    }
  }
  for (const [plugin, value] of Object.entries(settings)) {
    const file = `${dir}/settings/${plugin}.jupyterlab-settings`;
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(file, JSON.stringify(value, null, 2));
  }
  for (const sub of ["workspaces", "runtime", "home"]) await Deno.mkdir(`${dir}/${sub}`);
  return notebooks.sort();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts JupyterLab on copies of `notebooks/*.ipynb` and resolves once `/api/status` answers.
 * Throws (after stopping it) if it does not come up within `timeoutMs`.
 */
export async function startLab(timeoutMs = 90_000): Promise<LabServer> {
  const dir = await scratchDir("lab");
  let removed = false;
  const remove = async () => {
    if (removed) return;
    removed = true;
    await removeTree(dir);
  };
  let notebooks: string[];
  try {
    notebooks = await prepare(dir);
  } catch (e) {
    await remove();
    throw e;
  }

  const port = freePort();
  const token = randomToken();
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(python, {
    args: [
      // JupyterLab (and so its kernels) dies with the test process, even if that is killed.
      `${root}/scripts/lifetime.py`,
      `${root}/.venv/bin/jupyter-lab`,
      "--ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      "--no-browser",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${dir}/notebooks`,
      "--MultiKernelManager.default_kernel_name=deno",
      "--LabApp.expose_app_in_browser=True",
      ...LAB_ARGS,
      // Containers and CI often run as root, which Jupyter refuses without this flag.
      ...(Deno.uid() === 0 ? ["--allow-root"] : []),
    ],
    cwd: root,
    env: {
      ...jupyterEnv(),
      // Per-run settings, workspaces and runtime files, removed with the scratch folder.
      JUPYTERLAB_SETTINGS_DIR: `${dir}/settings`,
      JUPYTERLAB_WORKSPACES_DIR: `${dir}/workspaces`,
      JUPYTER_RUNTIME_DIR: `${dir}/runtime`,
      // Anything that still reaches for `~` lands in the scratch folder too.
      HOME: `${dir}/home`,
      DENO_DIR: denoDir(),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let tail = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-20_000);
    }
  };
  const readers = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  let stopped = false;
  const stop = async (graceMs = 15_000) => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await Promise.race([
        status.then(() => false),
        new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(true), graceMs)),
      ]);
      clearTimeout(timer);
      if (timedOut) {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }
    }
    await status;
    await readers.catch(() => {});
    await remove();
  };

  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (exited) {
      await stop();
      throw new Error(`JupyterLab exited before it answered:\n${tail}`);
    }
    try {
      const res = await fetch(`${base}/api/status?token=${token}`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`JupyterLab did not answer on ${base} within ${timeoutMs} ms:\n${tail}`);
    }
    await sleep(250);
  }
  return { base, token, dir, notebooks, log: () => tail, stop };
}
