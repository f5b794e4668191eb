"""Execute the project's notebooks through the real Deno kernel, check them, store them, export them.

    python scripts/notebooks.py [--check] [--write] [--html DIR] [--jobs N] NOTEBOOK...

--check   fail when a fresh run's outputs differ from the outputs stored in the notebook
--write   store the fresh outputs back into the notebook, with clean metadata
--html    export every executed notebook to DIR/<name>.html and write DIR/index.html

Every notebook is executed (in parallel, N at a time). A failing cell fails the run with the
notebook's name, the cell's number and first line, and the error; so does a kernel that dies or is
stopped (checked every second: its processes' state, its heartbeat), within seconds rather than at
the cell's time-out. Notebooks are read and checked (valid JSON, `figure:` tags that name a file in
notebooks/figures) before anything runs. --write stores a notebook only if the file still holds what
was read at the start (compared right before an atomic rename), so an edit saved meanwhile, e.g.
from JupyterLab, is never overwritten.

Stopping: SIGTERM, SIGINT or SIGHUP stops the workers and their kernels and writes nothing more;
on Linux the script also stops when the process that started it dies (even by SIGKILL), and so do
its workers and their kernels. Called by scripts/book.ts and tests, which set up the environment
(JUPYTER_PATH etc.) first; see scripts/jupyter.ts.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import copy
import hashlib
import json
import os
import queue
import re
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async

from book_html import export_html
from lifetime import die_with_parent, stopped

KERNEL = "deno"
CELL_TIMEOUT = 300
COMPARED_MIMES = ("text/plain", "text/html", "text/markdown", "image/svg+xml")
# Tag for a cell whose output legitimately differs from run to run (e.g. a timing table).
VARIES_TAG = "output-varies"
# Tag `figure:NAME` on a cell: its SVG output is also stored as notebooks/figures/NAME.svg (for the
# README), and checked against the fresh run like the notebook itself.
FIGURE_TAG = "figure:"
FIGURES_DIR = "figures"
# A kernel whose heartbeat has not answered for this long is reported (it answers within
# milliseconds even while a cell computes: Deno's kernel answers heartbeats outside the cell's thread).
HEARTBEAT_SECONDS = 10
# How often a notebook is tried again when its kernel could not start (e.g. a port taken meanwhile).
START_ATTEMPTS = 3


class NotebookError(Exception):
    """A problem with a notebook file itself, reported as one line."""


class Stopped(BaseException):
    """SIGTERM, SIGINT or SIGHUP arrived: stop everything, write nothing more."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def first_line(cell) -> str:
    lines = [line for line in cell.source.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[0].strip()
    return f": `{line[:77] + '…' if len(line) > 80 else line}`"


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
    """notebooks/figures/NAME.svg for a `figure:NAME` tag; NotebookError if NAME leads elsewhere."""
    figures = Path(notebook).parent / FIGURES_DIR
    inside = figures.resolve()
    path = figures / f"{name}.svg"
    parts = Path(name).parts
    if (
        not name
        or Path(name).is_absolute()
        or ".." in parts
        or "\\" in name
        or inside not in path.resolve().parents
    ):
        raise NotebookError(
            f"the tag `{FIGURE_TAG}{name}` must name a file inside {figures}/ "
            f"(a plain name such as `{FIGURE_TAG}loss-curve`); absolute paths and `..` are not allowed"
        )
    return path


def check_figure_tags(nb, path: str) -> None:
    """Raises NotebookError naming the first `figure:` tag that points outside notebooks/figures."""
    for i, cell in enumerate(nb.cells):
        for tag in cell.get("metadata", {}).get("tags", []):
            if tag.startswith(FIGURE_TAG):
                try:
                    figure_path(path, tag[len(FIGURE_TAG):])
                except NotebookError as e:
                    raise NotebookError(f"{path}: {cell_number(nb, i)}: {e}") from None


def load(path: str) -> dict:
    """Reads a notebook once: its text, a fingerprint of the file, and its parsed form.

    Raises NotebookError with a one-line message (file, line and column for JSON errors).
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
            mtime = os.fstat(f.fileno()).st_mtime_ns
    except OSError as e:
        raise NotebookError(f"{path}: cannot read it ({e.strerror})") from None
    try:
        text = raw.decode("utf-8")
        json.loads(text)
    except UnicodeDecodeError as e:
        raise NotebookError(f"{path}: not UTF-8 text (byte {e.start}); a notebook is a JSON file") from None
    except json.JSONDecodeError as e:
        raise NotebookError(
            f"{path}:{e.lineno}:{e.colno}: not valid JSON ({e.msg}); fix the file, or restore it with "
            f"`git checkout -- {path}`"
        ) from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as e:  # noqa: BLE001 - nbformat raises several kinds for a JSON that is no notebook
        raise NotebookError(f"{path}: valid JSON but not a Jupyter notebook ({str(e).splitlines()[0]})") from None
    check_figure_tags(nb, path)
    return {"path": path, "text": text, "sha256": hashlib.sha256(raw).hexdigest(), "mtime": mtime}


def changed_since(path: str, fingerprint: dict) -> str | None:
    """Why the file at `path` no longer holds what was read (None when it still does)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
            mtime = os.fstat(f.fileno()).st_mtime_ns
    except OSError as e:
        return f"it cannot be read any more ({e.strerror})"
    if hashlib.sha256(raw).hexdigest() != fingerprint["sha256"]:
        when = time.strftime("%H:%M:%S", time.localtime(mtime / 1e9))
        return f"it was changed at {when}, after this run read it"
    return None  # same content (an unchanged re-save only touches the time): nothing to lose


def replace_atomically(path: Path, text: str, fingerprint: dict | None = None) -> str | None:
    """Writes `text` to `path` through a temporary file and a rename; with `fingerprint`, only if
    the file still holds what was read (checked right before the rename). Returns why not, or None."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # The permissions the file has (or a new file would get), not mkstemp's private 0600.
        try:
            mode = os.stat(path).st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        if fingerprint is not None:
            why = changed_since(str(path), fingerprint)
            if why is not None:
                return why
        os.replace(tmp, path)
        tmp = None
        return None
    finally:
        if tmp is not None:
            os.unlink(tmp)


class DrainingClient(NotebookClient):
    """A NotebookClient that keeps reading IOPub briefly after a cell's `status: idle`.

    The Deno kernel sometimes publishes a cell's last output a fraction of a millisecond after it
    reports idle; the stock client stops listening at idle and loses that output.
    """

    drain_seconds = 0.15
    #: The index of the cell being executed (None before the first).
    current_cell: int | None = None
    #: What went wrong with the kernel, in words, once something did.
    kernel_problem: str | None = None
    _last_beat: float | None = None

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        # Connection files (they hold the signing key) go to this run's folder, removed at its end.
        km.connection_file = os.path.join(RUN_DIR, f"kernel-{uuid.uuid4().hex}.json")
        return km

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        if cell.cell_type == "code" and cell.source.strip():
            self.current_cell = cell_index
        return await super().async_execute_cell(cell, cell_index, *args, **kwargs)

    def describe_kernel_problem(self) -> str | None:
        """The kernel's state in words if it cannot go on: dead, stopped, or deaf to its heartbeat."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            code = process.poll()
            if code is not None:
                return f"the kernel died ({describe_exit(code)})"
            halted = stopped(process.pid)
            if halted is not None:
                pid, name = halted
                return (
                    f"the kernel is stopped (process {pid}, {name}, is in state T: it was sent SIGSTOP "
                    "or is being traced); send it SIGCONT or end it"
                )
        now = time.monotonic()
        if self.kc is not None and self.kc.hb_channel.is_beating():
            self._last_beat = now
        elif self._last_beat is None:
            self._last_beat = now
        elif now - self._last_beat > HEARTBEAT_SECONDS:
            return f"the kernel has not answered its heartbeat for {HEARTBEAT_SECONDS} s"
        return None

    async def _async_check_alive(self) -> None:
        # Called every second while a cell runs (and whenever a reply is late).
        problem = self.describe_kernel_problem()
        if problem is not None:
            self.kernel_problem = problem
            raise DeadKernelError(problem)
        await super()._async_check_alive()

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


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"ended by {signal.Signals(-code).name}"
        except ValueError:
            return f"ended by signal {-code}"
    if code > 128:
        try:
            return f"exit code {code}, i.e. ended by {signal.Signals(code - 128).name}"
        except ValueError:
            pass
    return f"exit code {code}"


def cell_number(nb, index: int) -> str:
    """'cell 7 (code cell 4)': the position a reader sees in JupyterLab, and among code cells."""
    code = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    return f"cell {index + 1} (code cell {code})"


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


RUN_DIR = ""  # this run's folder for kernel connection files (set in each process)


def worker_init(run_dir: str) -> None:
    """In each worker process: stop with the main process, leave SIGINT to it."""
    global RUN_DIR
    RUN_DIR = run_dir
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C is handled by the main process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def restore_signals(**_kwargs) -> None:
    """nbclient catches SIGTERM/SIGINT to shut its kernel down and go on; a worker must just stop
    (its kernel stops with it), so its own handlers are taken out again once the kernel is up."""
    try:
        loop = asyncio.get_running_loop()
        loop.remove_signal_handler(signal.SIGTERM)
        loop.remove_signal_handler(signal.SIGINT)
    except (RuntimeError, ValueError):
        pass
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def execute(path: str, text: str) -> dict:
    """Executes one notebook (its text as read at the start) in a fresh kernel.

    Returns the executed notebook or the error, which names the notebook and, once cells have
    started, the cell (position and first line).
    """
    stored = nbformat.reads(text, as_version=4)
    started = time.monotonic()
    for attempt in range(1, START_ATTEMPTS + 1):
        nb = copy.deepcopy(stored)
        error, retry = run_notebook(path, nb)
        if not retry or attempt == START_ATTEMPTS:
            break
        print(f"{path}: the kernel did not start ({error}); trying again", file=sys.stderr, flush=True)
    return {
        "path": path,
        "nb": nbformat.writes(nb),
        "stored": nbformat.writes(stored),
        "error": error,
        "seconds": time.monotonic() - started,
    }


def run_notebook(path: str, nb) -> tuple[str | None, bool]:
    """Runs `nb` in place; (error or None, whether the kernel failed before any cell ran)."""
    client = DrainingClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        record_timing=False,
        allow_errors=False,
        resources={"metadata": {"path": str(Path(path).parent)}},
        on_notebook_start=restore_signals,
    )

    def where() -> str:
        i = client.current_cell
        if i is None:
            return "before the first cell"
        return cell_number(nb, i) + first_line(nb.cells[i])

    try:
        client.execute()
    except CellExecutionError as e:
        index = client.current_cell
        ename = getattr(e, "ename", type(e).__name__)
        evalue = strip_ansi(getattr(e, "evalue", str(e)))
        error = f"{path}: {where()}: {ename}: {evalue}"
        if index is not None:
            source = nb.cells[index].source.strip().splitlines()
            error += "\n  cell source:\n" + "\n".join("    " + line for line in source[:15])
        return error, False
    except CellTimeoutError:
        return f"{path}: {where()}: the cell did not finish within {CELL_TIMEOUT} s", False
    except FileNotFoundError as e:  # the kernelspec names a Deno binary that is not there
        return (
            f"{path}: the Deno kernel could not start ({e}); run `deno task setup` to point it at this Deno",
            False,
        )
    except DeadKernelError as e:
        return f"{path}: {where()}: {client.kernel_problem or strip_ansi(str(e))}", False
    except Exception as e:  # kernel could not start, ...
        problem = client.kernel_problem or f"{type(e).__name__}: {strip_ansi(str(e))}"
        return f"{path}: {where()}: {problem}", client.current_cell is None and client.kernel_problem is None
    return None, False


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


def prune_run_dirs(runtime: str) -> None:
    """Removes the connection-file folders of earlier runs whose process is gone (killed runs)."""
    for d in Path(runtime).glob("notebooks-*-*"):
        try:
            os.kill(int(d.name.split("-")[1]), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (ValueError, PermissionError, OSError):
            pass


def stop_workers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Ends the worker processes now (their kernels end with them), waiting a little for each."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(10)
        if p.is_alive():
            p.kill()
            p.join()
    pool.shutdown(wait=False, cancel_futures=True)


def on_signal(signum, _frame):
    raise Stopped(signum)


def main() -> int:
    global RUN_DIR
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--html", metavar="DIR")
    parser.add_argument("--api", metavar="HREF", help="link the API reference from the index")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()

    die_with_parent()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    # Read every notebook once, up front: a broken file fails the run before any kernel starts,
    # and --write compares against exactly what was read here.
    read: dict[str, dict] = {}
    problems = []
    for path in args.notebooks:
        try:
            read[path] = load(path)
        except NotebookError as e:
            problems.append(str(e))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1

    started = time.monotonic()
    runtime = os.environ.get("JUPYTER_RUNTIME_DIR") or tempfile.gettempdir()
    os.makedirs(runtime, exist_ok=True)
    prune_run_dirs(runtime)
    RUN_DIR = tempfile.mkdtemp(prefix=f"notebooks-{os.getpid()}-", dir=runtime)
    pool = concurrent.futures.ProcessPoolExecutor(
        max_workers=max(1, args.jobs), initializer=worker_init, initargs=(RUN_DIR,)
    )
    try:
        results = list(pool.map(execute, list(read), [r["text"] for r in read.values()]))
        pool.shutdown()
        return report(results, read, args, started)
    except concurrent.futures.process.BrokenProcessPool as e:
        print(f"notebooks: a worker process died ({e}); its kernel died with it", file=sys.stderr)
        return 1
    except Stopped as e:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # one stop is enough (Ctrl+C reaches the task too)
        stop_workers(pool)
        print(f"notebooks: stopped by {signal.Signals(e.signum).name}; nothing more is written", file=sys.stderr)
        return 128 + e.signum
    finally:
        shutil.rmtree(RUN_DIR, ignore_errors=True)


def report(results: list[dict], read: dict[str, dict], args, started: float) -> int:
    """Prints how each notebook went, then checks, stores or exports as asked."""
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

    refused = []
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
            text = nbformat.writes(nb)
            why = replace_atomically(Path(r["path"]), text if text.endswith("\n") else text + "\n", read[r["path"]])
            if why is not None:
                refused.append(
                    f"{r['path']}: not overwritten: {why}. Its fresh outputs were not stored and your "
                    "edit is kept; run `deno task notebooks` again to store them."
                )
                continue
            print(f"stored outputs in {r['path']}")
            for name, svg in tagged_figures(nb).items():
                path = figure_path(r["path"], name)
                path.parent.mkdir(exist_ok=True)
                replace_atomically(path, svg + "\n")
                print(f"stored figure {path}")

    if args.html:
        links = [(args.api, "API reference", "— every helper in lib/, with examples.")] if args.api else []
        export_html(results, Path(args.html), links)
        print(f"wrote {args.html}/index.html and {len(results)} page(s)")
    print(f"notebooks: {len(results)} in {time.monotonic() - started:.1f} s")
    if refused:
        print("\n" + "\n".join(refused), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
