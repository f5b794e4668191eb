/**
 * Starts JupyterLab on `notebooks/` with the project's Deno kernel, listening on 127.0.0.1 only.
 * Everything Jupyter writes stays in `.jupyter/`. Open the URL it prints (it carries a token).
 *
 * @module
 */

import { jupyterEnv, root } from "./jupyter.ts";

const child = new Deno.Command(`${root}/.venv/bin/jupyter`, {
  args: [
    "lab",
    "--ip=127.0.0.1",
    "--no-browser",
    `--ServerApp.root_dir=${root}/notebooks`,
    "--MultiKernelManager.default_kernel_name=deno",
    // Jupyter refuses to run as root unless told; containers often are root.
    ...(Deno.uid() === 0 ? ["--allow-root"] : []),
    ...Deno.args,
  ],
  cwd: root,
  env: jupyterEnv(),
}).spawn();
Deno.exit((await child.status).code);
