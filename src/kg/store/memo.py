"""The one cache of data derived from a store: each value is kept per (store, data version, name).

The published data never changes while it is served (the endpoint is read-only), so anything computed from it
— the label map, the text index, the home page's counts — is exact until the data version changes; a new
version drops the store's old entries. Callers pass a name and a function of the store; nothing else caches
derived data. It lives in the store layer so that both the SPARQL layer (the text index of kg.sparql.textindex)
and the views can use it. Concurrent first callers of one key wait for a single computation.

A store whose data version is a digest of its files (the embedded store) names a ``derived_dir``: a value that took
more than :data:`KEEP_SECONDS` to compute is also written there, under its data version, its name and a digest of
this package's code, and read back by the next process that starts on the same data (at 1 M triples the text index
and the data browser's order take ~20 s to compute and well under a second to read). The directory is the operator's
own cache (``Settings.cache_dir``), written only by this module; a file that cannot be read is computed again.

A kept file is a pickle (protocol 5) followed by its out-of-band buffers, each at a page boundary (the packed tables
of kg.packed put their bytes and arrays there): read back, the buffers are memory maps of the file, so the server's
processes share one copy through the page cache and only the pages they touch count against them.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import mmap
import pickle
import struct
import threading
import time
import typing as t
import weakref
from functools import cache
from pathlib import Path

from kg.store.disk import write_whole

if t.TYPE_CHECKING:
    from kg.store import Store

log = logging.getLogger(__name__)

#: A value that took longer than this to compute is kept on disk too (when the store names a ``derived_dir``).
KEEP_SECONDS = 0.1
#: The first bytes of a kept value's file (then the number of buffers, and where the pickle and each buffer lie).
MAGIC = b"kg-memo\x01"

T = t.TypeVar("T")
Key = tuple[int, str, str]

_VALUES: dict[Key, t.Any] = {}
_BUILDING: dict[Key, threading.Lock] = {}
_LOCK = threading.Lock()
#: ``id()`` of the stores whose values are kept here; of those gone since (their values are dropped on the next call).
_WATCHED: set[int] = set()
_GONE: list[int] = []


def memo(store: Store, name: str, compute: t.Callable[[Store], T], *, keep: bool = False) -> T:
    """``compute(store)``, computed once per data version of ``store`` and kept under ``name``; with ``keep``, kept
    on disk however fast it was computed (its computation loads what a start on known data should not)."""
    key = (id(store), store.data_version(), name)
    with _LOCK:
        _forget_gone()
        _watch(store)
        if key in _VALUES:
            return _VALUES[key]
        building = _BUILDING.setdefault(key, threading.Lock())
    with building:  # one computation per key; the others wait for it
        with _LOCK:
            if key in _VALUES:
                return _VALUES[key]
        value = _compute(store, key, compute, keep)
        with _LOCK:
            for stale in [k for k in _VALUES if k[0] == key[0] and k[2] == name and k[1] != key[1]]:
                del _VALUES[stale]
            _BUILDING.pop(key, None)
            return _VALUES.setdefault(key, value)


def _watch(store: Store) -> None:
    """Have a store's values dropped once it is gone: a later store may be given its ``id()`` (a test's second store
    on the same data was handed the first one's values). The finalizer only notes the id: it may run inside a
    collection while this module's lock is held."""
    if id(store) not in _WATCHED:
        with contextlib.suppress(TypeError):  # a store that cannot be weakly referenced is never dropped
            weakref.finalize(store, _GONE.append, id(store))
            _WATCHED.add(id(store))


def _forget_gone() -> None:
    while _GONE:
        ident = _GONE.pop()
        _WATCHED.discard(ident)
        for key in [k for k in _VALUES if k[0] == ident]:
            del _VALUES[key]


@cache
def code_digest() -> str:
    """A digest of this package's Python files: a derived value kept on disk is only read by the code that wrote it."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _kept_path(store: Store, key: Key) -> Path | None:
    directory = getattr(store, "derived_dir", None)
    if directory is None:
        return None
    name = hashlib.sha256(f"{store.base}\0{key[2]}".encode()).hexdigest()[:16]
    return Path(directory) / f"{key[1]}-{code_digest()}-{name}.pickle"


def _compute(store: Store, key: Key, compute: t.Callable[[Store], T], keep: bool = False) -> T:
    """The value an earlier process kept in the store's ``derived_dir``, else computed (and kept if it was slow)."""
    path = _kept_path(store, key)
    if path is not None and path.is_file():
        try:
            with _collector_paused():
                return _read_value(path)
        except Exception as err:  # a truncated or foreign file: compute again, and say so
            log.warning("derived value %s: cannot read %s (%s); computing it again", key[2], path, err)
    started = time.monotonic()
    value = compute(store)
    if path is not None and (keep or time.monotonic() - started > KEEP_SECONDS):
        _keep(value, path, key[2])
    return value


@contextlib.contextmanager
def _collector_paused() -> t.Iterator[None]:
    """Python's cyclic collector off while a large value is read: reading the 1 M-triple text index made it run over
    and over the objects just created (0.37 s to read with it, 0.16 s without); nothing read here is garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _keep(value: object, path: Path, name: str) -> None:
    """Write ``value`` to ``path`` whole or not at all (readers never see a partial file); drop the files of the same
    name kept for other data or other code, so the directory holds one file per name."""
    try:
        write_whole(path, lambda out: _write_value(value, out))
        for stale in path.parent.glob("*-" + path.name.rsplit("-", 1)[1]):  # this name for other data or code
            if stale != path:
                stale.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as err:
        log.warning("derived value %s: not kept on disk (%s)", name, err)


def _write_value(value: object, out: t.IO[bytes]) -> None:
    """``value`` pickled, then its out-of-band buffers each at a page boundary (see the module docstring)."""
    buffers: list[pickle.PickleBuffer] = []
    body = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    chunks = [memoryview(body), *(buffer.raw() for buffer in buffers)]
    offset = len(MAGIC) + 8 + 16 * len(chunks)
    table = []
    for chunk in chunks:
        table.append((offset, chunk.nbytes))
        offset = -(-(offset + chunk.nbytes) // mmap.ALLOCATIONGRANULARITY) * mmap.ALLOCATIONGRANULARITY
    out.write(MAGIC + struct.pack("<Q", len(buffers)) + b"".join(struct.pack("<QQ", *pair) for pair in table))
    position = table[0][0]
    for (start, size), chunk in zip(table, chunks, strict=True):
        out.write(bytes(start - position))
        out.write(chunk)
        position = start + size


def _read_value(path: Path) -> t.Any:
    """A value written by :func:`_write_value`, its buffers mapped from the file (read-only, shared)."""
    with path.open("rb") as kept:
        head = kept.read(len(MAGIC) + 8)
        if head[:len(MAGIC)] != MAGIC:
            raise ValueError("not a kept value")
        (count,) = struct.unpack("<Q", head[len(MAGIC):])
        table = [struct.unpack("<QQ", kept.read(16)) for _ in range(count + 1)]
        kept.seek(table[0][0])
        body = kept.read(table[0][1])
        buffers = [mmap.mmap(kept.fileno(), size, offset=start, access=mmap.ACCESS_READ) if size else b""
                   for start, size in table[1:]]
    return pickle.loads(body, buffers=buffers)
