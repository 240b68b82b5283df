"""A query child gives back the memory a heavy query left it holding, between queries.

Why: a query child lives for many queries, and what one heavy query made it hold stays with it. Measured at 1 M quads
in disk mode: a child that ran the aggregation of bench/ holds ~60 MiB of its own — its RocksDB handle's block cache
and table readers, and memory the allocator keeps after the query — so four children made 240 MiB of a 393 MiB
server. Dropping the handle and trimming the allocator takes a child back to ~15 MiB; a new handle opens in 9–13 ms
and queries on it run as fast as on the old one (the data is in the OS page cache: the aggregation 561 against
555 ms, a class path 35 against 27).

So after a query that ran :data:`HEAVY_SECONDS` or longer (and after every :data:`CHECK_EVERY` queries, since many
small ones fill the block cache too), a child looks at its private memory once no job has come for
:data:`IDLE_SECONDS` (so that a stream of queries is not slowed by it); if that grew more than :data:`MOST_KEPT` bytes
since it started, it drops its on-disk store's handle (reopened by the next query) and returns free memory to the
system. Small queries never pay for a look. An in-memory store is the parent's, shared by fork: only the
allocator is trimmed.
"""

from __future__ import annotations

import typing as t

from kg.allocator import give_back

#: A query that ran this long is followed by a look at the child's memory.
HEAVY_SECONDS = 0.05
#: ... and so is every this-many-th query.
CHECK_EVERY = 256
#: Anonymous memory a child may keep above its size at start (its store handle's caches among it).
MOST_KEPT = 32 << 20
#: How long a child waits for its next job before giving memory back.
IDLE_SECONDS = 0.05



def private_bytes() -> int:
    """This process's private dirty memory (``/proc/self/smaps_rollup``): what it allocated and what it copied of
    its parent's pages. (Resident size misses a child's reuse of free memory it inherited, which copies pages but
    adds none; reading the rollup walks the page tables, about a millisecond for a 200 MiB process, so it is read
    only when the child is idle.)"""
    try:
        with open("/proc/self/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Private_Dirty:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return 0


def give_back_memory() -> None:
    """Return the free memory this process's malloc keeps to the system (kg.allocator knows how, for each)."""
    give_back()


class Trimmer:
    """Notes after each job of a query child whether a look at its memory is due, and when the child is idle looks
    and gives memory back if it grew (see the module docstring). ``drop`` releases the store handle (the store
    source's ``close``, if it has one)."""

    def __init__(self, drop: t.Callable[[], object] | None) -> None:
        self.drop = drop
        self.baseline = private_bytes()
        self.jobs = 0
        #: A look is due when the child is next idle.
        self.due = False
        #: Times this child gave memory back (for tests and diagnostics).
        self.trims = 0

    def after_job(self, seconds: float) -> bool:
        """Called after a job's answer is sent: whether a look is now due."""
        self.jobs += 1
        self.due = self.due or seconds >= HEAVY_SECONDS or self.jobs % CHECK_EVERY == 0
        return self.due

    def when_idle(self) -> bool:
        """Look at the child's memory; if it grew more than :data:`MOST_KEPT` since the start (or since it last
        gave back, if it holds more now), drop the store handle and trim. True if memory was given back."""
        self.due = False
        if private_bytes() - self.baseline <= MOST_KEPT:
            return False
        if self.drop is not None:
            self.drop()
        give_back_memory()
        self.baseline = max(self.baseline, private_bytes())  # what it cannot give back is not looked at again
        self.trims += 1
        return True
