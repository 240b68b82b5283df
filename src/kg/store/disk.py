"""The on-disk embedded store: the served files bulk-loaded ONCE into a RocksDB directory, opened read-only.

The directory ``cache_dir/stores/<key>`` is built in a temporary sibling and renamed into place, so a crash never
leaves half a store, and opened read-only by every process that queries it. RocksDB handles are not fork-safe, so
each process opens its own on first use (:class:`DiskStore`); the data lives in the page cache, shared by all.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import typing as t
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import StoreUnavailable

#: Read size when hashing data files (the 1 M-triple file is 250 MB: never hold it whole just to hash it).
_CHUNK = 1 << 20
#: Handles opened by another process before a fork: never used, and never dropped either (closing a RocksDB
#: handle whose background threads did not survive the fork is not safe), just kept alive.
_INHERITED: list[ox.Store] = []


@dataclass(frozen=True)
class Source:
    """One RDF file to load: its path, parser and the base IRI its relative IRIs resolve against."""

    path: Path
    format: ox.RdfFormat
    base_iri: str | None = None


class DiskStore:
    """A read-only on-disk store, opened lazily once per process: call it to get this process's handle.

    Passed to the executor instead of a store, so a forked query child opens its own handle on its first job.
    The directory never changes while served (the public endpoint is read-only).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pid: int | None = None
        self._store: ox.Store | None = None

    def __call__(self) -> ox.Store:
        if self._store is None or self._pid != os.getpid():
            try:
                store = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreUnavailable(f"cannot open the on-disk store {self.path}: {exc}") from None
            self._forget()
            self._store, self._pid = store, os.getpid()
        return self._store

    @property
    def opened_here(self) -> bool:
        """This process holds a handle of its own (for tests and diagnostics)."""
        return self._store is not None and self._pid == os.getpid()

    def _forget(self) -> None:
        if self._store is not None and self._pid != os.getpid():
            _INHERITED.append(self._store)
        self._store, self._pid = None, None

    def close(self) -> None:
        """Drop this process's handle (an inherited one is only forgotten)."""
        self._forget()


def store_key(sources: Sequence[Source], remembered: Path | None = None) -> tuple[str, str]:
    """(data version, store directory key), 16 hex each: see :func:`data_version`; the key also covers each file's
    resolved path (its relative IRIs resolve against it) and the pyoxigraph version (the on-disk format).

    ``remembered``: a JSON file of digests already computed (:func:`file_digest`).
    """
    digests = [file_digest(source.path, remembered) for source in sources]
    key = hashlib.sha256(f"pyoxigraph {ox.__version__}\n".encode())
    for source, digest in zip(sources, digests, strict=True):
        key.update(f"{source.path.resolve()}\n{digest}\n".encode())
    return data_version(digests), key.hexdigest()[:16]


def data_version(digests: Sequence[str]) -> str:
    """The data version of files whose bytes have these sha256 digests (in load order), the same in either mode."""
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()[:16]


def file_digest(path: Path, remembered: Path | None = None) -> str:
    """The sha256 of ``path``'s bytes. With ``remembered``, a digest computed before is reused while the file is the
    same file with the same size and times (device, inode, size, mtime and ctime, which no one can set back): hashing
    the 1 M-triple file took 0.3 s of every start-up. The record is rewritten whole or not at all."""
    stat = path.stat()
    identity = [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]
    name = str(path.resolve())
    known: dict[str, t.Any] = {}
    if remembered is not None:
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(remembered.read_text(encoding="utf-8"))
            known = loaded if isinstance(loaded, dict) else {}
        entry = known.get(name)
        if isinstance(entry, dict) and entry.get("identity") == identity and isinstance(entry.get("sha256"), str):
            return entry["sha256"]
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    if remembered is not None:
        known[name] = {"identity": identity, "sha256": digest.hexdigest()}
        with contextlib.suppress(OSError):
            write_whole(remembered, lambda out: out.write(json.dumps(known).encode()))
    return digest.hexdigest()


def write_whole(path: Path, write: t.Callable[[t.IO[bytes]], object]) -> None:
    """Write ``path`` whole or not at all: ``write`` fills a temporary sibling, which is then renamed into place, so
    readers never see a partial file and a failed write leaves none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=".writing-", delete=False) as out:
        try:
            write(out)
        except BaseException:
            os.unlink(out.name)
            raise
    os.replace(out.name, path)


def build_disk_store(sources: Sequence[Source], directory: Path) -> Path:
    """Bulk-load ``sources`` into a RocksDB store at ``directory`` unless it exists; return ``directory``.

    Built in a temporary sibling and renamed into place, so ``directory`` is either complete or absent; when two
    processes build the same store at once, the first rename wins and the other copy is removed. The load runs in
    a fresh Python process: bulk loading 1 M triples peaks near 2 GB, which the allocator would otherwise keep in
    the gunicorn master and hand on to every worker; and a forked builder hangs in RocksDB when its parent has a
    store open (RocksDB's background threads do not survive a fork).

    :raises OSError: the build failed (the message ends with the builder's error).
    """
    if directory.is_dir():
        return directory
    directory.parent.mkdir(parents=True, exist_ok=True)
    spec = {"directory": str(directory),
            "sources": [[str(s.path), s.format.media_type, s.base_iri] for s in sources]}
    done = subprocess.run([sys.executable, "-c", "from kg.store.disk import _build_main; _build_main()"],
                          input=json.dumps(spec), capture_output=True, text=True, check=False)
    if done.returncode != 0 or not directory.is_dir():
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise OSError(f"cannot build the on-disk store {directory}: {tail}")
    return directory


def _build_main() -> None:
    """The builder process: read the JSON spec from stdin and build."""
    spec = json.load(sys.stdin)
    sources = [Source(Path(path), ox.RdfFormat.from_media_type(media_type), base_iri)
               for path, media_type, base_iri in spec["sources"]]
    _build(sources, Path(spec["directory"]))


def _build(sources: Sequence[Source], directory: Path) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        store = ox.Store(str(tmp))
        for source in sources:
            store.bulk_load(path=str(source.path), format=source.format, base_iri=source.base_iri)
        store.flush()
        store.optimize()  # one compaction: full scans ~25% faster on the read-only store
        del store  # closes the read-write handle before the directory moves
        tmp.chmod(0o755)
        try:
            tmp.rename(directory)
        except OSError:
            if not directory.is_dir():
                raise
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
