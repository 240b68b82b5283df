"""Complete answers, kept per process and reused while the data version holds (kg.web.answers keys them).

The served data never changes while it is served, so an answer is exact for the same data version and the same
request: the caller's key holds every input. Bounded in the memory the entries take — their objects' own sizes, keys,
headers and bookkeeping included, not only the bodies: a small answer's key and headers cost several times its body
(an ``ASK`` answer of 26 bytes took 760 bytes, so a budget counted in bodies and keys held 5.5 times its size) — least
recently used out first; an answer bigger than an eighth of the budget is never kept.
"""

from __future__ import annotations

import sys
import threading
import typing as t
from collections import OrderedDict

Key = tuple[object, ...]
V = t.TypeVar("V")
#: What an entry costs the cache beyond its key and answer: its slot in the ordered dict and the (answer, size) pair.
ENTRY_BOOKKEEPING = 160


def footprint(value: object) -> int:
    """The bytes ``value`` takes in memory with what it holds (tuples, lists, and the attributes of objects, in
    ``__slots__`` or ``__dict__``, are followed): an object shared by several values is counted in each, so the sum
    over many answers is an upper bound.

    >>> footprint(b"") < footprint(b"abc") < footprint((b"abc",))
    True
    """
    size = sys.getsizeof(value)
    if isinstance(value, str | bytes | int | float | type(None)):
        return size
    if isinstance(value, tuple | list):
        return size + sum(footprint(item) for item in value)
    attributes = getattr(value, "__dict__", None)
    if attributes is not None:
        size += sys.getsizeof(attributes) + sum(footprint(item) for item in attributes.values())
    slots = getattr(type(value), "__slots__", ())
    return size + sum(footprint(getattr(value, name)) for name in slots if hasattr(value, name))


class ResponseCache(t.Generic[V]):
    """An LRU of answers, at most ``max_bytes`` of memory in all (:func:`footprint`); thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, tuple[V, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The bytes held now."""
        return self._size

    def get(self, key: Key) -> V | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Key, response: V, size: int | None = None) -> None:
        """Keep ``response`` under ``key``; ``size`` is what it takes in memory if the caller knows better than
        :func:`footprint` (parts shared with other answers)."""
        size = footprint(key) + (footprint(response) if size is None else size) + ENTRY_BOOKKEEPING
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (response, size)
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, (_, old) = self._entries.popitem(last=False)
                self._size -= old

    def __len__(self) -> int:
        return len(self._entries)
