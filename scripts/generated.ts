/**
 * Shared by the scripts that write generated files into the repository (`doc_examples.ts`,
 * `reference_index.ts`): formatting with the project's `deno fmt` settings, and the write-or-check
 * step (`--check` fails when the file on disk is not what would be written).
 *
 * @module
 */

/** The repository root. */
export const root: URL = new URL("..", import.meta.url);

/** Formats TypeScript text with `deno fmt` and the project's settings. */
export async function formatTs(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=ts", "-"],
    cwd: root.pathname,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout } = await child.output();
  if (code !== 0) throw new Error("deno fmt failed on generated text");
  return new TextDecoder().decode(stdout);
}

/**
 * Writes `text` (formatted) to `file` (relative to the root) through a temporary file, or with
 * `check` exits 1 when the file differs, naming the command that regenerates it.
 */
export async function writeOrCheck(
  file: string,
  text: string,
  check: boolean,
  command: string,
): Promise<void> {
  const formatted = await formatTs(text);
  const path = new URL(file, root).pathname;
  let old = "";
  try {
    old = Deno.readTextFileSync(path);
  } catch { /* not there yet */ }
  if (old === formatted) return;
  if (check) {
    console.error(`${file} is out of date: run \`${command}\``);
    Deno.exit(1);
  }
  Deno.writeTextFileSync(`${path}.tmp`, formatted);
  Deno.renameSync(`${path}.tmp`, path);
  console.error(`wrote ${file}`);
}
