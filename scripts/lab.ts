/**
 * Starts JupyterLab on `notebooks/` with the project's Deno kernel, listening on 127.0.0.1 only.
 * Everything Jupyter writes stays in `.jupyter/`. Open the URL it prints (it carries a token).
 *
 * The project's settings (`LAB_ARGS` in jupyter.ts) keep JupyterLab from reaching out: no question
 * about Jupyter news and no news feed, no update check, and an Extension Manager that does not ask a
 * package index. Ctrl+C, SIGTERM or SIGHUP stop JupyterLab and its kernels, and so does the end of
 * whatever started this task (`npx`, `deno task`).
 *
 * @module
 */

import { exitLikeChild, LAB_ARGS, python, root, spawnManaged } from "./jupyter.ts";

if (import.meta.main) {
  const lab = spawnManaged(python, [
    // JupyterLab dies with this process even if it is killed outright (Linux).
    `${root}/scripts/lifetime.py`,
    `${root}/.venv/bin/jupyter-lab`,
    "--ip=127.0.0.1",
    "--no-browser",
    `--ServerApp.root_dir=${root}/notebooks`,
    "--MultiKernelManager.default_kernel_name=deno",
    ...LAB_ARGS,
    // Jupyter refuses to run as root unless told; containers often are root.
    ...(Deno.uid() === 0 ? ["--allow-root"] : []),
    ...Deno.args,
  ]);
  const code = await lab.code;
  exitLikeChild(lab);
  Deno.exit(code);
}
