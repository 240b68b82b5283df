"""Which ``malloc`` the server runs under: the one place that decides it.

pyoxigraph's query evaluator allocates and frees for every solution it builds, and glibc's malloc is slow at that:
at 1 M quads, in one process, an aggregation over every observation takes 234 ms under glibc and 134 ms under
mimalloc (jemalloc 135), the class-hierarchy path 32 -> 20 ms, and bulk-loading the in-memory store at start-up
21.9 -> 3.2 s (bench/README.md). An allocator can only be swapped before the process starts (``LD_PRELOAD``), so
``kg serve`` executes itself once more under it; its workers and query children are forked and inherit it.
Nothing here reads a request: the library is looked for in the system's library directories only.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import sysconfig
from pathlib import Path

#: The allocators kg knows, in order of preference for "auto", with the file Debian's package installs
LIBRARIES = {"mimalloc": "libmimalloc.so.2", "jemalloc": "libjemalloc.so.2"}
#: ... and that package.
PACKAGES = {"mimalloc": "libmimalloc2.0", "jemalloc": "libjemalloc2"}
CHOICES = ("auto", *LIBRARIES, "system")
#: Set in the environment of the re-executed process, so that a library the loader refused is not asked for again.
TRIED = "KG_ALLOCATOR_TRIED"

log = logging.getLogger(__name__)


def library_dirs() -> list[Path]:
    """Where the system keeps shared libraries (multi-arch directory first); never anything a user sends."""
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    names = [f"/usr/lib/{multiarch}", f"/lib/{multiarch}"] if multiarch else []
    return [Path(d) for d in [*names, "/usr/local/lib", "/usr/lib64", "/usr/lib"]]


def find(name: str) -> Path | None:
    """The installed library of allocator ``name``, or None."""
    for directory in library_dirs():
        path = directory / LIBRARIES[name]
        if path.is_file():
            return path
    return None


def choose(choice: str) -> tuple[str, Path | None]:
    """(allocator name, its library) for a setting: "auto" is the first one installed, else the system's.

    :raises ValueError: an unknown setting, or a named allocator that is not installed.
    """
    if choice not in CHOICES:
        raise ValueError(f"unknown allocator {choice!r}: one of {', '.join(CHOICES)}")
    if choice == "system":
        return "system", None
    for name in LIBRARIES if choice == "auto" else (choice,):
        path = find(name)
        if path is not None:
            return name, path
    if choice != "auto":
        raise ValueError(f"allocator {choice!r} is not installed (Debian: apt install {PACKAGES[choice]})")
    return "system", None


def in_effect(pid: int | str = "self") -> str:
    """The allocator a process runs under, read from its memory map: a known library mapped, else "system"."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return "system"
    return next((name for name, file in LIBRARIES.items() if f"/{file}" in maps), "system")


def give_back() -> None:
    """Return the free memory the malloc in effect keeps to the system: mimalloc's ``mi_collect``, jemalloc's purge
    of every arena, glibc's ``malloc_trim``. A loaded 1 M-quad in-memory store, dropped, left 388 MiB of 410 held
    under mimalloc until ``mi_collect`` (33 MiB after it; glibc's ``malloc_trim`` does nothing there)."""
    process = ctypes.CDLL(None)
    if hasattr(process, "mi_collect"):
        process.mi_collect(ctypes.c_bool(True))
    elif hasattr(process, "mallctl"):
        process.mallctl(b"arena.4096.purge", None, None, None, ctypes.c_size_t(0))  # 4096: MALLCTL_ARENAS_ALL
    elif hasattr(process, "malloc_trim"):
        process.malloc_trim(0)


def run_under(choice: str) -> str:
    """Execute this command again under the allocator ``choice`` names, unless it already runs under it; returns
    the allocator in effect when it does not execute. A library the loader refused is not asked for twice.

    :raises ValueError: as :func:`choose`.
    """
    name, path = choose(choice)
    current = in_effect()
    if path is None or current == name:
        return current
    if os.environ.get(TRIED) == str(path):
        log.warning("the allocator %s (%s) could not be preloaded; running under %s", name, path, current)
        return current
    preload = " ".join(p for p in [str(path), os.environ.get("LD_PRELOAD", "")] if p)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]],
              {**os.environ, "LD_PRELOAD": preload, TRIED: str(path)})
    raise AssertionError("unreachable")  # pragma: no cover - execve does not return
