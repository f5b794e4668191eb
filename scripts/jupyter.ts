/**
 * Where the project keeps its Jupyter: a `.venv` with pinned Jupyter and a `.jupyter/` folder with
 * the Deno kernelspec, config and runtime files. Nothing goes to the user's home.
 *
 * @module
 */

/** The repository root (this file lives in `scripts/`). */
export const root: string = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The venv's Python, which runs Jupyter and `scripts/notebooks.py`. */
export const python: string = `${root}/.venv/bin/python`;

/** The environment under which Jupyter finds the project's kernel and writes only inside the repo. */
export function jupyterEnv(): Record<string, string> {
  const j = `${root}/.jupyter`;
  return {
    JUPYTER_PATH: `${j}/data`,
    JUPYTER_DATA_DIR: `${j}/data`,
    JUPYTER_CONFIG_DIR: `${j}/config`,
    JUPYTER_RUNTIME_DIR: `${j}/runtime`,
    JUPYTERLAB_WORKSPACES_DIR: `${j}/workspaces`,
    JUPYTERLAB_SETTINGS_DIR: `${j}/settings`,
    JUPYTER_PLATFORM_DIRS: "1",
    IPYTHONDIR: `${j}/ipython`,
    PIP_CACHE_DIR: `${root}/.cache/pip`,
    NO_COLOR: "1",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

/** Runs a command with the project's Jupyter environment; throws with its name if it fails. */
export async function run(
  cmd: string,
  args: string[],
  opts: { quiet?: boolean } = {},
): Promise<void> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    env: jupyterEnv(),
    stdout: opts.quiet ? "null" : "inherit",
    stderr: "inherit",
  });
  const { code } = await child.output();
  if (code !== 0) throw new Error(`\`${cmd} ${args.join(" ")}\` failed with exit code ${code}`);
}
