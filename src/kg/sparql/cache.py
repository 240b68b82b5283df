"""Complete answers to user queries, kept per process and reused while the data version holds.

The served data never changes while it is served, so an answer is exact for the same data version and the same
request (query text, dataset, Accept and format; the limits are the server's): the caller's key holds them all.
Bounded in bytes (least recently used out first); an answer bigger than an eighth of the budget is never kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from kg.store import QueryResponse

Key = tuple[object, ...]


class ResponseCache:
    """An LRU of :class:`QueryResponse` bodies, at most ``max_bytes`` in all; thread-safe."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, QueryResponse] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> QueryResponse | None:
        with self._lock:
            response = self._entries.get(key)
            if response is not None:
                self._entries.move_to_end(key)
            return response

    def put(self, key: Key, response: QueryResponse) -> None:
        size = len(response.body)
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = response
            self._size += size
            while self._size > self.max_bytes and self._entries:
                _, old = self._entries.popitem(last=False)
                self._size -= len(old.body)

    def __len__(self) -> int:
        return len(self._entries)
