/**
 * Sets up everything the book, the tests and JupyterLab need, and does nothing when it is all in
 * place already (a second run takes well under a second):
 *
 * - `.venv/` with the pinned Jupyter from `scripts/requirements.txt` (Python 3.9 or newer; the
 *   three Jupyter packages are pinned exactly, their dependencies resolved for that Python);
 * - `.jupyter/data/kernels/deno/kernel.json`, the Deno kernel on this very Deno binary;
 * - `node_modules/` with the npm packages of `deno.json`, as the lock file pins them.
 *
 * Run as `deno task setup`; `deno task test`, `book` and `lab` run it first.
 *
 * @module
 */

import { exists, jupyterEnv, python, root, run, sha256 } from "./jupyter.ts";

/** Writes `text` to `path` through a temporary file, and only when the content differs. */
async function writeIfChanged(path: string, text: string): Promise<boolean> {
  try {
    if (await Deno.readTextFile(path) === text) return false;
  } catch { /* not there yet */ }
  await Deno.mkdir(path.replace(/\/[^/]+$/, ""), { recursive: true });
  await Deno.writeTextFile(`${path}.tmp`, text);
  await Deno.rename(`${path}.tmp`, path);
  return true;
}

async function findPython(): Promise<string> {
  for (const candidate of ["python3", "python"]) {
    try {
      const { code, stdout } = await new Deno.Command(candidate, {
        args: ["-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
        stdout: "piped",
        stderr: "null",
      }).output();
      const [major, minor] = new TextDecoder().decode(stdout).trim().split(".").map(Number);
      if (code === 0 && (major > 3 || (major === 3 && minor >= 9))) return candidate;
    } catch { /* not installed */ }
  }
  throw new Error(
    "Python 3.9 or newer with the venv module is needed for Jupyter. Install it " +
      "(Debian/Ubuntu: apt-get install python3 python3-venv) and run the command again.",
  );
}

async function venv(): Promise<void> {
  const lock = `${root}/scripts/requirements.txt`;
  const stamp = `${root}/.venv/.requirements.sha256`;
  const want = await sha256(lock);
  if (await exists(python) && await exists(stamp) && (await Deno.readTextFile(stamp)) === want) {
    return;
  }
  console.error("setup: installing Jupyter into .venv (once, about 20 s)…");
  if (!await exists(python)) await run(await findPython(), ["-m", "venv", `${root}/.venv`]);
  await run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", lock]);
  await Deno.writeTextFile(stamp, want);
}

async function kernelspec(): Promise<void> {
  // The kernel runs behind scripts/kernel_proxy.py, which passes on one cell at a time so that
  // "Run All" cannot file a late result under the next cell, starts it on ports nobody else can
  // take meanwhile, and passes interrupts on (see that file). With "interrupt_mode": "message" the
  // front end interrupts with an interrupt_request, which Deno answers by ending the running cell
  // and keeping the kernel's state; a SIGINT (the default mode) would kill Deno's kernel.
  const spec = {
    argv: [
      python,
      `${root}/scripts/kernel_proxy.py`,
      "{connection_file}",
      Deno.execPath(),
      "jupyter",
      "--quiet",
      "--kernel",
      "--conn",
    ],
    display_name: "Deno",
    language: "typescript",
    interrupt_mode: "message",
    env: { NO_COLOR: "1" },
  };
  const path = `${jupyterEnv().JUPYTER_DATA_DIR}/kernels/deno/kernel.json`;
  if (await writeIfChanged(path, JSON.stringify(spec, null, 2) + "\n")) {
    console.error(`setup: Deno kernelspec written to ${path.slice(root.length + 1)}`);
  }
}

async function npmPackages(): Promise<void> {
  const stamp = `${root}/node_modules/.deno-lock.sha256`;
  const want = await sha256(`${root}/deno.lock`);
  if (await exists(stamp) && (await Deno.readTextFile(stamp)) === want) return;
  console.error("setup: installing the npm packages pinned in deno.lock…");
  await run(Deno.execPath(), ["install", "--quiet"]);
  await Deno.writeTextFile(stamp, want);
}

if (import.meta.main) {
  try {
    await venv();
    await kernelspec();
    await npmPackages();
  } catch (e) {
    console.error(`setup failed: ${e instanceof Error ? e.message : e}`);
    Deno.exit(1);
  }
}
