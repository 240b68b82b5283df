"""A query child gives back the memory a heavy query left it holding, between queries.

Why: a query child lives for many queries, and what one heavy query made it hold stays with it. Measured at 1 M quads
in disk mode: a child that ran the aggregation of bench/ holds ~60 MiB of its own — its RocksDB handle's block cache
and table readers, and memory the allocator keeps after the query — so four children made 240 MiB of a 393 MiB
server. Dropping the handle and trimming the allocator takes a child back to ~15 MiB; a new handle opens in 9–13 ms
and queries on it run as fast as on the old one (the data is in the OS page cache: the aggregation 561 against
555 ms, a class path 35 against 27).

So after a query that ran :data:`HEAVY_SECONDS` or longer (and after every :data:`CHECK_EVERY` queries, since many
small ones fill the block cache too), a child whose anonymous memory grew more than :data:`MOST_KEPT` bytes since it
started drops its on-disk store's handle (reopened by the next query) and returns free memory to the system. Small
queries never pay for the check. An in-memory store is the parent's, shared by fork: only the allocator is trimmed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import typing as t

#: A query that ran this long is followed by a look at the child's memory.
HEAVY_SECONDS = 0.05
#: ... and so is every this-many-th query.
CHECK_EVERY = 256
#: Anonymous memory a child may keep above its size at start (its store handle's caches among it).
MOST_KEPT = 32 << 20

_PAGE = os.sysconf("SC_PAGE_SIZE")


def anonymous_bytes() -> int:
    """This process's resident anonymous memory (``/proc/self/statm``: resident minus file-backed and shared)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            fields = statm.read().split()
        return (int(fields[1]) - int(fields[2])) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def give_back_memory() -> None:
    """Return the allocator's free memory to the system (glibc's ``malloc_trim``; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


class Trimmer:
    """Decides after each job of a query child whether to drop its store handle and trim (see the module
    docstring). ``drop`` releases the handle (the store source's ``close``, if it has one)."""

    def __init__(self, drop: t.Callable[[], object] | None) -> None:
        self.drop = drop
        self.baseline = anonymous_bytes()
        self.jobs = 0
        #: Times this child gave memory back (for tests and diagnostics).
        self.trims = 0

    def after_job(self, seconds: float) -> bool:
        """Called after a job's answer is sent; True if memory was given back."""
        self.jobs += 1
        if seconds < HEAVY_SECONDS and self.jobs % CHECK_EVERY:
            return False
        if anonymous_bytes() - self.baseline <= MOST_KEPT:
            return False
        if self.drop is not None:
            self.drop()
        give_back_memory()
        self.trims += 1
        return True
