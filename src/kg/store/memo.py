"""The one cache of data derived from a store: each value is kept per (store, data version, name).

The published data never changes while it is served (the endpoint is read-only), so anything computed from it
— the label map, the text index, the home page's counts — is exact until the data version changes; a new
version drops the store's old entries. Callers pass a name and a function of the store; nothing else caches
derived data. It lives in the store layer so that both the SPARQL layer (the text index of kg.sparql.textindex)
and the views can use it. Concurrent first callers of one key wait for a single computation.
"""

from __future__ import annotations

import threading
import typing as t

if t.TYPE_CHECKING:
    from kg.store import Store

T = t.TypeVar("T")
Key = tuple[int, str, str]

_VALUES: dict[Key, t.Any] = {}
_BUILDING: dict[Key, threading.Lock] = {}
_LOCK = threading.Lock()


def memo(store: Store, name: str, compute: t.Callable[[Store], T]) -> T:
    """``compute(store)``, computed once per data version of ``store`` and kept under ``name``."""
    key = (id(store), store.data_version(), name)
    with _LOCK:
        if key in _VALUES:
            return _VALUES[key]
        building = _BUILDING.setdefault(key, threading.Lock())
    with building:  # one computation per key; the others wait for it
        with _LOCK:
            if key in _VALUES:
                return _VALUES[key]
        value = compute(store)
        with _LOCK:
            for stale in [k for k in _VALUES if k[0] == key[0] and k[2] == name and k[1] != key[1]]:
                del _VALUES[stale]
            _BUILDING.pop(key, None)
            return _VALUES.setdefault(key, value)
