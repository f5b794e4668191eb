"""Execute the project's notebooks through the real Deno kernel, check them, store them, export them.

    python scripts/notebooks.py [--check] [--write] [--html DIR] [--jobs N] NOTEBOOK...

--check   fail when a fresh run's outputs differ from the outputs stored in the notebook
--write   store the fresh outputs back into the notebook, with clean metadata
--html    export every executed notebook to DIR/<name>.html and write DIR/index.html

Every notebook is executed (in parallel, N at a time). A failing cell fails the run with the
notebook's name, the cell's number and the error. Called by scripts/book.ts and tests, which set up
the environment (JUPYTER_PATH etc.) first; see scripts/jupyter.ts.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import json
import os
import queue
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError
from nbclient.util import ensure_async

from book_html import export_html

KERNEL = "deno"
CELL_TIMEOUT = 300
COMPARED_MIMES = ("text/plain", "text/html", "text/markdown", "image/svg+xml")
# Tag for a cell whose output legitimately differs from run to run (e.g. a timing table).
VARIES_TAG = "output-varies"
# Tag `figure:NAME` on a cell: its SVG output is also stored as notebooks/figures/NAME.svg (for the
# README), and checked against the fresh run like the notebook itself.
FIGURE_TAG = "figure:"


def tagged_figures(nb) -> dict[str, str]:
    """The SVG outputs of cells tagged `figure:NAME`, by NAME."""
    figures = {}
    for cell in nb.cells:
        for tag in cell.get("metadata", {}).get("tags", []):
            if not tag.startswith(FIGURE_TAG):
                continue
            svgs = [o["data"]["image/svg+xml"] for o in cell.get("outputs", []) if "image/svg+xml" in o.get("data", {})]
            if svgs:
                svg = svgs[-1]
                figures[tag[len(FIGURE_TAG):]] = svg if isinstance(svg, str) else "".join(svg)
    return figures


def figure_path(notebook: str, name: str) -> Path:
    return Path(notebook).parent / "figures" / f"{name}.svg"


class DrainingClient(NotebookClient):
    """A NotebookClient that keeps reading IOPub briefly after a cell's `status: idle`.

    The Deno kernel sometimes publishes a cell's last output a fraction of a millisecond after it
    reports idle; the stock client stops listening at idle and loses that output.
    """

    drain_seconds = 0.15

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        assert self.kc is not None
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    break
        deadline = time.monotonic() + self.drain_seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=remaining))
            except queue.Empty:
                break
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


def cell_number(nb, index: int) -> str:
    """'cell 7 (code cell 4)': the position a reader sees in JupyterLab, and among code cells."""
    code = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    return f"cell {index + 1} (code cell {code})"


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def execute(path: str) -> dict:
    """Executes one notebook in a fresh kernel; returns the executed notebook or the error."""
    nb = nbformat.read(path, as_version=4)
    stored = copy.deepcopy(nb)
    client = DrainingClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        record_timing=False,
        allow_errors=False,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    started = time.monotonic()
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as e:
        index = next(
            (
                i
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code"
                and any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        where = cell_number(nb, index) if index is not None else "a cell"
        ename = getattr(e, "ename", type(e).__name__)
        evalue = strip_ansi(getattr(e, "evalue", str(e)))
        error = f"{path}: {where}: {ename}: {evalue}"
        if index is not None:
            source = nb.cells[index].source.strip().splitlines()
            error += "\n  cell source:\n" + "\n".join("    " + line for line in source[:15])
    except FileNotFoundError as e:  # the kernelspec names a Deno binary that is not there
        error = f"{path}: the Deno kernel could not start ({e}); run `deno task setup` to point it at this Deno"
    except Exception as e:  # kernel died, could not start, ...
        error = f"{path}: {type(e).__name__}: {strip_ansi(str(e))}"
    return {
        "path": path,
        "nb": nbformat.writes(nb),
        "stored": nbformat.writes(stored),
        "error": error,
        "seconds": time.monotonic() - started,
    }


TIME_RE = re.compile(r"\d+(?:\.\d+)?(?:e[+-]?\d+)?\s?(?:ms|µs|us|ns|s)\b")


def normalise(outputs) -> list:
    """The parts of a cell's outputs that must not drift between runs."""
    out = []
    for o in outputs:
        kind = o.get("output_type")
        if kind == "stream":
            out.append(("stream", o.get("name"), TIME_RE.sub("<time>", strip_ansi(o.get("text", "")))))
        elif kind in ("display_data", "execute_result", "update_display_data"):
            data = o.get("data", {})
            out.append(
                (
                    "data",
                    tuple(
                        (m, TIME_RE.sub("<time>", str(data[m]) if not isinstance(data[m], list) else "".join(data[m])))
                        for m in COMPARED_MIMES
                        if m in data
                    ),
                )
            )
        elif kind == "error":
            out.append(("error", o.get("ename")))
    return out


def drift(stored, fresh, path: str) -> list[str]:
    """Messages naming each cell whose fresh outputs differ from the stored ones."""
    problems = []
    if len(stored.cells) != len(fresh.cells):
        return [f"{path}: the notebook changed while it ran"]
    if not any(c.get("outputs") for c in stored.cells if c.cell_type == "code"):
        return [f"{path}: no outputs are stored; run `deno task notebooks` to store them"]
    for i, (s, f) in enumerate(zip(stored.cells, fresh.cells)):
        if s.cell_type != "code" or VARIES_TAG in s.get("metadata", {}).get("tags", []):
            continue
        a, b = normalise(s.get("outputs", [])), normalise(f.get("outputs", []))
        if a == b:
            continue
        if len(b) < len(a):
            what = f"the fresh run has {len(b)} output(s) where {len(a)} are stored (missing output)"
        elif len(b) > len(a):
            what = f"the fresh run has {len(b)} output(s) where {len(a)} are stored"
        else:
            k = next(j for j in range(len(a)) if a[j] != b[j])
            sa, sb = str(a[k]), str(b[k])
            at = next((i for i in range(min(len(sa), len(sb))) if sa[i] != sb[i]), min(len(sa), len(sb)))
            lo = max(0, at - 60)
            what = (
                f"output {k + 1} differs from character {at}: "
                f"stored …{sa[lo:at + 60]!r}…, fresh …{sb[lo:at + 60]!r}…"
            )
        problems.append(f"{path}: {cell_number(fresh, i)}: {what}")
    return problems


def clean(nb):
    """Strips what varies from machine to machine, so a stored notebook diffs cleanly."""
    nb.metadata.pop("widgets", None)
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for o in cell.get("outputs", []):
                if "execution_count" in o:
                    o["execution_count"] = count
                o.get("metadata", {}).pop("transient", None)
                o.pop("transient", None)
                if o.get("output_type") == "stream":
                    o["text"] = strip_ansi(o["text"])
    return nb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--html", metavar="DIR")
    parser.add_argument("--api", metavar="HREF", help="link the API reference from the index")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()

    started = time.monotonic()
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(execute, args.notebooks))

    failures = [r["error"] for r in results if r["error"]]
    for r in results:
        status = "FAILED" if r["error"] else "ok"
        print(f"executed {r['path']} in {r['seconds']:.1f} s: {status}", flush=True)
    if failures:
        print("\nA notebook failed:\n" + "\n\n".join(failures), file=sys.stderr)
        return 1

    if args.check:
        problems = []
        for r in results:
            stored = nbformat.reads(r["stored"], as_version=4)
            fresh = nbformat.reads(r["nb"], as_version=4)
            problems += drift(stored, fresh, r["path"])
            for name, svg in tagged_figures(fresh).items():
                path = figure_path(r["path"], name)
                if not path.exists() or path.read_text(encoding="utf-8") != svg + "\n":
                    problems.append(f"{path}: differs from the figure of the fresh run")
        if problems:
            print(
                "\nStored outputs differ from a fresh run (refresh them with `deno task notebooks`):\n"
                + "\n".join(problems),
                file=sys.stderr,
            )
            return 1
        print("stored outputs match a fresh run")

    if args.write:
        for r in results:
            nb = clean(nbformat.reads(r["nb"], as_version=4))
            stored = nbformat.reads(r["stored"], as_version=4)
            if len(stored.cells) == len(nb.cells):
                # Keep a cell's stored outputs when they differ only in what legitimately varies
                # (times), so that refreshing does not churn the diff.
                for s_cell, f_cell in zip(stored.cells, nb.cells):
                    if (
                        f_cell.cell_type == "code"
                        and s_cell.get("outputs")
                        and normalise(s_cell.outputs) == normalise(f_cell.outputs)
                    ):
                        f_cell.outputs = s_cell.outputs
            tmp = Path(r["path"] + ".tmp")
            nbformat.write(nb, str(tmp))
            tmp.replace(r["path"])
            print(f"stored outputs in {r['path']}")
            for name, svg in tagged_figures(nb).items():
                path = figure_path(r["path"], name)
                path.parent.mkdir(exist_ok=True)
                path.write_text(svg + "\n", encoding="utf-8")
                print(f"stored figure {path}")

    if args.html:
        links = [(args.api, "API reference", "— every helper in lib/, with examples.")] if args.api else []
        export_html(results, Path(args.html), links)
        print(f"wrote {args.html}/index.html and {len(results)} page(s)")
    print(f"notebooks: {len(results)} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
