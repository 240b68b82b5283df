"""The process tree of a running ``kg serve``, read from /proc (tests that look at its master, workers, children)."""

from __future__ import annotations

from pathlib import Path


def processes() -> dict[int, tuple[int, str]]:
    """PID → (parent PID, command line) of every process now."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            out[int(entry.name)] = (int(stat.rpartition(")")[2].split()[1]), cmdline)
    return out


def children(pid: int) -> list[int]:
    return sorted(p for p, (parent, _) in processes().items() if parent == pid)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (workers and their query children for a master)."""
    table = processes()
    found, todo = [], [pid]
    while todo:
        pid = todo.pop()
        below = sorted(p for p, (parent, _) in table.items() if parent == pid)
        found += below
        todo += below
    return found


def master_of(port: int) -> int:
    """The gunicorn master of the ``kg serve`` listening on ``port`` (workers and children share its command)."""
    command = f"serve --host 127.0.0.1 --port {port} "
    ours = {p: parent for p, (parent, cmd) in processes().items() if command in cmd + " "}
    [master] = [p for p, parent in ours.items() if parent not in ours]
    return master
