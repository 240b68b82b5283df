"""Complete answers, kept per process and reused while the data version holds (kg.web.answers keys them).

The served data never changes while it is served, so an answer is exact for the same data version and the same
request: the caller's key holds every input. Bounded in bytes, the keys' included (least recently used out first);
an answer bigger than an eighth of the budget is never kept.
"""

from __future__ import annotations

import threading
import typing as t
from collections import OrderedDict

Key = tuple[object, ...]


class Sized(t.Protocol):
    """Anything with a body: its length is what it costs."""

    body: bytes


V = t.TypeVar("V", bound=Sized)


def key_size(key: Key) -> int:
    """Roughly the bytes a key holds (its strings and bytes).

    >>> key_size(("v1", b"abc", None, 3))
    5
    """
    return sum(len(part) for part in key if isinstance(part, str | bytes))


class ResponseCache(t.Generic[V]):
    """An LRU of answers (anything with a ``body``), at most ``max_bytes`` in all with their keys; thread-safe."""

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

    def put(self, key: Key, response: V) -> None:
        size = len(response.body) + key_size(key)
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
