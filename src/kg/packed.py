"""Large read-only tables of strings kept compact: many strings packed into one ``bytes``, looked up by bisection.

Why: the tables derived once per data version (the text index, the label map, the collation keys) are built in the
server's master process and shared with the workers by fork, so their size is the server's size. As Python objects
— a ``str`` of 50+ bytes of overhead per text, a ``dict`` per IRI — the label map of 1 M quads took 58 MiB; packed
it takes a fifth of that. Lookups cost a few microseconds (a bisection over the sorted keys) instead of one hash.

Pickled with protocol 5, their bytes and arrays are out-of-band buffers (:func:`out_of_band`): kg.store.memo writes
them to its file as they are and reads them back as memory maps of that file, so every process of a server reads
one copy from the page cache and only the pages a lookup touched are resident. A buffer read back (``bytes``,
``bytearray`` or a memory map) serves as it is; numbers are viewed through :func:`numbers`.
"""

from __future__ import annotations

import pickle
import typing as t
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence


class Packed(Sequence[str]):
    """Strings kept as one UTF-8 ``bytes`` and the offsets where each starts (the last offset ends the last one).

    UTF-8 because most texts are ASCII (IRIs, pinyin, English): half the size of Python's two bytes a character,
    which a single Chinese character anywhere imposes on a whole ``str``. A UTF-8 needle found in the bytes of a
    string is found in the string (UTF-8 is self-synchronising: a match cannot start inside a character).
    """

    __slots__ = ("data", "starts")

    def __init__(self, strings: Iterable[str] = (), *, data: Bytes | None = None,
                 starts: t.Sequence[int] | None = None) -> None:
        if data is not None and starts is not None:
            self.data, self.starts = data, starts
            return
        parts = [utf8(part) for part in strings]
        self.starts = array("I", [0])
        total = 0
        for part in parts:
            total += len(part)
            self.starts.append(total)
        self.data = b"".join(parts)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self.data[self.starts[i]:self.starts[i + 1]].decode("utf-8", "surrogatepass")

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return _packed, (out_of_band(self.data, protocol), out_of_band(self.starts, protocol))



def _packed(data: Bytes, starts: t.Any) -> Packed:
    return Packed(data=data, starts=numbers(starts, "I"))


class Keys(Packed):
    """Distinct strings, found by :meth:`position` through the CRC-32 of their UTF-8: a bisection of a sorted array
    of the hashes in C, then one comparison. A bisection of the strings themselves (17 Python-level reads at 86,000
    IRIs) made a page's label lookups 1-2 ms slower than the dict they replaced; this one costs about a microsecond.
    """

    __slots__ = ("hashes", "order")

    def __init__(self, strings: Iterable[str] = (), *, data: Bytes | None = None,
                 starts: t.Sequence[int] | None = None, hashes: t.Sequence[int] | None = None,
                 order: t.Sequence[int] | None = None) -> None:
        super().__init__(strings, data=data, starts=starts)
        if hashes is not None and order is not None:
            self.hashes, self.order = hashes, order
            return
        raw, ends = self.data, self.starts
        pairs = sorted((zlib.crc32(raw[ends[i]:ends[i + 1]]), i) for i in range(len(self)))
        self.hashes, self.order = array("I", (h for h, _ in pairs)), array("I", (i for _, i in pairs))

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return _keys, tuple(out_of_band(v, protocol) for v in (self.data, self.starts, self.hashes, self.order))

    def position(self, text: str) -> int | None:
        """Where ``text`` is among these strings, or None."""
        raw = utf8(text)
        wanted = zlib.crc32(raw)
        hashes, data, starts = self.hashes, self.data, self.starts
        i = bisect_left(hashes, wanted)
        while i < len(hashes) and hashes[i] == wanted:
            n = self.order[i]
            if data[starts[n]:starts[n + 1]] == raw:
                return n
            i += 1
        return None


def _keys(data: Bytes, starts: t.Any, hashes: t.Any, order: t.Any) -> Keys:
    return Keys(data=data, starts=numbers(starts, "I"), hashes=numbers(hashes, "I"), order=numbers(order, "I"))


def utf8(text: str) -> bytes:
    """``text`` as the packed strings hold it (a lone surrogate, which no packed string holds, kept as it is)."""
    return text.encode("utf-8", "surrogatepass")


#: What packed strings are kept in: ``bytes``, or the same bytes read back out of band (a memory map of a file).
Bytes = t.Any


def out_of_band(value: t.Any, protocol: t.SupportsIndex) -> t.Any:
    """``value`` (bytes or an array) as pickle should keep it: from protocol 5 on, a buffer the pickler may write
    apart (kg.store.memo does, and maps it back)."""
    return pickle.PickleBuffer(value) if int(protocol) >= 5 else value


def numbers(buffer: t.Any, code: str) -> t.Sequence[int]:
    """An array read back: itself, or a buffer (``bytes``, ``bytearray``, a memory map) viewed as numbers of
    ``code`` (an ``array`` type code) without copying.

    >>> list(numbers(bytes(array("I", [1, 2])), "I")), numbers(array("H", [3]), "H")
    ([1, 2], array('H', [3]))
    """
    if isinstance(buffer, array):
        return buffer
    return memoryview(buffer).cast("B").cast(code)


class Recent(dict):
    """Values made from packed columns, kept as made by key, per process: the last :data:`SIZE` (dropped all at once
    when full). Values handed out are shared: never change one."""

    SIZE = 4096

    def made(self, key: t.Any, make: t.Callable[[], t.Any]) -> t.Any:
        found = self.get(key)
        if found is None:
            found = make()
            if len(self) >= self.SIZE:
                self.clear()
            self[key] = found
        return found


class _ByKeys:
    """Length, iteration and membership of a mapping whose keys are a :class:`Keys` column, ``keys_``."""

    __slots__ = ()
    keys_: Keys

    def __len__(self) -> int:
        return len(self.keys_)

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.keys_.position(key) is not None


class PackedMap(_ByKeys, Mapping[str, str]):
    """A read-only ``str -> str`` mapping as two :class:`Packed` columns, the keys sorted.

    >>> table = PackedMap({"东软": "dong ruan", "大连": "da lian"})
    >>> table.get("东软"), table.get("沈阳"), len(table), "大连" in table
    ('dong ruan', None, 2, True)
    """

    __slots__ = ("keys_", "values_")

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        pairs = sorted(dict(items).items())
        self.keys_, self.values_ = Keys(k for k, _ in pairs), Packed(v for _, v in pairs)

    def __reduce__(self) -> tuple[t.Any, ...]:
        return _packed_map, (self.keys_, self.values_)

    def __getitem__(self, key: str) -> str:
        n = self.keys_.position(key) if isinstance(key, str) else None
        if n is None:
            raise KeyError(key)
        return self.values_[n]


def _packed_map(keys: Keys, values: Packed) -> PackedMap:
    table = PackedMap.__new__(PackedMap)
    table.keys_, table.values_ = keys, values
    return table


class PackedGroups(_ByKeys, Mapping[str, dict[str, str]]):
    """A read-only ``str -> {str: str}`` mapping (an IRI's texts by language): each key's small dict is made when
    asked for, from columns (the keys sorted; the inner keys, few and repeated, stored once each), and kept as made
    (:class:`Recent`: a page asks for the same few hundred IRIs' labels over and over, and ~3 us a lookup made a hub
    page ~1 ms slower than the dict this replaced). The dicts handed out are shared: never change one.

    >>> table = PackedGroups({"http://x/a": {"zh": "东软", "en": "Neusoft"}})
    >>> table.get("http://x/a"), table.get("http://x/b", {})
    ({'zh': '东软', 'en': 'Neusoft'}, {})
    """

    __slots__ = ("_recent", "inner", "inner_ids", "keys_", "ranges", "values_")

    def __init__(self, groups: Mapping[str, Mapping[str, str]]) -> None:
        self._recent = Recent()
        ordered = sorted(groups.items())
        names: dict[str, int] = {}
        self.ranges, inner_ids, values = array("I", [0]), [], []
        for _, group in ordered:
            for name, value in group.items():
                inner_ids.append(names.setdefault(name, len(names)))
                values.append(value)
            self.ranges.append(len(values))
        self.inner = tuple(names)
        self.inner_ids = array("H", inner_ids)
        self.keys_, self.values_ = Keys(k for k, _ in ordered), Packed(values)

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return _packed_groups, (self.keys_, out_of_band(self.ranges, protocol), self.inner,
                                out_of_band(self.inner_ids, protocol), self.values_)

    def __getitem__(self, key: str) -> dict[str, str]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: t.Any = None) -> t.Any:  # type: ignore[override]
        found = self._recent.get(key)
        if found is not None:
            return found
        n = self.keys_.position(key) if isinstance(key, str) else None
        return default if n is None else self._recent.made(key, lambda: self.group(n))

    def group(self, n: int) -> dict[str, str]:
        """The dict of key number ``n``, made anew."""
        return {self.inner[self.inner_ids[j]]: self.values_[j] for j in range(self.ranges[n], self.ranges[n + 1])}

    def values(self) -> Iterator[dict[str, str]]:  # type: ignore[override]
        return (self.group(n) for n in range(len(self)))


def _packed_groups(keys: Keys, ranges: t.Any, inner: tuple[str, ...], inner_ids: t.Any, values: Packed
                   ) -> PackedGroups:
    table = PackedGroups.__new__(PackedGroups)
    table._recent = Recent()
    table.keys_, table.ranges, table.inner, table.values_ = keys, numbers(ranges, "I"), inner, values
    table.inner_ids = numbers(inner_ids, "H")
    return table

