"""Process lifetime helpers shared by the project's Python scripts (Linux features, no-ops elsewhere).

A script started by another process should not outlive it: `die_with_parent()` asks Linux to send
this process SIGTERM when its parent exits, even when the parent is killed with SIGKILL and has no
chance to clean up. `process_tree()` and `stopped()` look at a process and its descendants in /proc.
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """On Linux, get `sig` when the parent process exits; get it at once if it already has."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect: we were re-parented to init
        os.kill(os.getpid(), sig)


def children(pid: int) -> list[int]:
    """The direct children of `pid` (Linux), or [] when that cannot be read."""
    found: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Linux; just [pid] elsewhere)."""
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children(p)
    return tree


def state(pid: int) -> tuple[str, str] | None:
    """(name, state letter) of a process from /proc/PID/stat, e.g. ('deno', 'T'); None if unknown."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    return name, stat[stat.rindex(")") + 2]


def stopped(pid: int) -> tuple[int, str] | None:
    """The first process in `pid`'s tree that is stopped (SIGSTOP, or traced), as (pid, name)."""
    for p in process_tree(pid):
        s = state(p)
        if s is not None and s[1] in ("T", "t"):
            return p, s[0]
    return None


if __name__ == "__main__":
    # `python scripts/lifetime.py COMMAND ARGS...`: run COMMAND so that it dies with this process's
    # parent (the setting survives exec). Used for programs that cannot set it themselves.
    if len(sys.argv) < 2:
        sys.exit("usage: python scripts/lifetime.py COMMAND [ARGS...]")
    die_with_parent()
    os.execvp(sys.argv[1], sys.argv[1:])
