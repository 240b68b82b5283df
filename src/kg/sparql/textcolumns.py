"""The text index's entries (kg.sparql.textindex) as columns of packed strings (kg.packed) and flat arrays, an
:class:`Entry` made when one is asked for.

Why: the index is built once per data version in the server's master process and shared with the workers by fork,
so its size is the server's. As Python objects (a str per key, an ``Entry`` per IRI, an array per bigram) the index
of 1 M quads took 145 MiB; packed, 66 MiB, read back from disk in a third of the time.
"""

from __future__ import annotations

import typing as t
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from kg.packed import Bytes, Keys, Packed, Recent, numbers, out_of_band


@dataclass(slots=True, eq=False)
class Entry:
    """One IRI of the index: its Chinese and English names (the first seen), asserted types and keys."""

    iri: str
    zh: str = ""
    en: str = ""
    types: frozenset[str] = frozenset()
    keys: tuple[str, ...] = ()
    #: Under the store's base (the entities /search and the reconciliation service offer).
    local: bool = False

    @property
    def labels(self) -> dict[str, str]:
        return {lang: text for lang, text in (("zh", self.zh), ("en", self.en)) if text}


class Entries(Mapping[str, Entry]):
    """The index's entries by IRI, as columns sorted by IRI: an :class:`Entry` is made when it is asked for."""

    def __init__(self, iris: Keys, zh: Packed, en: Packed, type_sets: tuple[frozenset[str], ...],
                 type_ids: t.Sequence[int], local: Bytes, key_starts: t.Sequence[int], key_ids: t.Sequence[int],
                 keys: Packed) -> None:
        self.iris, self.zh, self.en = iris, zh, en
        self.type_sets, self.type_ids, self.local = type_sets, type_ids, local
        #: The key numbers of entry ``n``: ``key_ids[key_starts[n]:key_starts[n + 1]]`` (its keys in text order).
        self.key_starts, self.key_ids, self.keys = key_starts, key_ids, keys
        self._recent = Recent()  # per process, see entry()

    @classmethod
    def build(cls, entries: Sequence[Entry], keys: Packed, key_numbers: Mapping[tuple[str, str], int]) -> Entries:
        """Columns of ``entries`` (sorted by IRI); ``key_numbers`` maps (IRI, key) to the key's number in ``keys``."""
        ordered = sorted(entries, key=lambda entry: entry.iri)
        sets: dict[frozenset[str], int] = {}
        type_ids = array("H", (sets.setdefault(e.types, len(sets)) for e in ordered))
        key_starts, key_ids = array("I", [0]), array("I")
        for entry in ordered:
            key_ids.extend(key_numbers[entry.iri, key] for key in entry.keys)
            key_starts.append(len(key_ids))
        return cls(Keys(e.iri for e in ordered), Packed(e.zh for e in ordered), Packed(e.en for e in ordered),
                   tuple(sets), type_ids, bytes(e.local for e in ordered), key_starts, key_ids, keys)

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        def apart(value: t.Any) -> t.Any:
            return out_of_band(value, protocol)

        return _entries, (self.iris, self.zh, self.en, self.type_sets, apart(self.type_ids), apart(self.local),
                          apart(self.key_starts), apart(self.key_ids), self.keys)

    def __len__(self) -> int:
        return len(self.iris)

    def __iter__(self) -> Iterator[str]:
        return iter(self.iris)

    def number(self, iri: str) -> int | None:
        """The number of the entry of ``iri``, or None."""
        return self.iris.position(iri)

    def __getitem__(self, iri: str) -> Entry:
        n = self.number(iri) if isinstance(iri, str) else None
        if n is None:
            raise KeyError(iri)
        return self.entry(n)

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self.number(iri) is not None

    def entry(self, n: int) -> Entry:
        """Entry number ``n`` (kept as made, kg.packed.Recent: searches meet the same entries again; an entry handed
        out is shared, never change one)."""
        return self._recent.made(n, lambda: self._make(n))

    def _make(self, n: int) -> Entry:
        keys = self.keys
        return Entry(self.iris[n], self.zh[n], self.en[n], self.type_sets[self.type_ids[n]],
                     tuple(keys[k] for k in self.key_ids[self.key_starts[n]:self.key_starts[n + 1]]),
                     bool(self.local[n]))

    def values(self) -> Iterator[Entry]:  # type: ignore[override]
        return (self.entry(n) for n in range(len(self)))


def _entries(iris: Keys, zh: Packed, en: Packed, type_sets: tuple[frozenset[str], ...], type_ids: t.Any,
             local: Bytes, key_starts: t.Any, key_ids: t.Any, keys: Packed) -> Entries:
    """:class:`Entries` from their pickled columns (arrays may come back as buffers: kg.packed.numbers)."""
    return Entries(iris, zh, en, type_sets, numbers(type_ids, "H"), local, numbers(key_starts, "I"),
                   numbers(key_ids, "I"), keys)
