"""The text index of names: every ``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, ``schema:name`` and
``dct:title`` of every IRI, searchable by substring in Chinese, English (case-insensitive) and pinyin, built once per
data version of a store (kg.store.memo) and shared by the SPARQL extension (kg.sparql.textquery), /search and the
reconciliation service.

Design: each name gives *keys* (kg.sparql.textkeys: the name case-folded, and for a name with Chinese characters its
toneless pinyin). Keys are numbered shortest first, and an inverted index maps every bigram of a key, and its first
bigram *anchored*, to the ascending numbers of the keys holding it (an ``array`` of 32-bit integers). Every key
containing a needle holds all the needle's bigrams, so the candidates are the postings of its rarest bigram, checked
by substring (a one-character needle takes the union of the bigrams that start with it). Ranking is exact match,
then prefix, then any substring, shorter key first: prefixes come from the anchored postings, and since postings are
in key-length order a scan stops as soon as ``limit`` entries are found.
"""

from __future__ import annotations

import heapq
import typing as t
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import islice

from kg.packed import Packed, numbers, out_of_band, utf8
from kg.sparql.textcolumns import Entries, Entry
from kg.sparql.textkeys import (
    HAN,
    START,
    fold,
    gram_bit,
    key_grams,
    needle_grams,
    needle_signature,
    pinyin_key,
    score_of,
)
from kg.sparql.textrows import Name, label_rows, type_rows
from kg.store import Store
from kg.store.memo import memo

#: Candidates checked per step of a scan (between checks of whether enough entries were found).
CHUNK = 512


@dataclass(slots=True)
class Hit:
    """An entry found by its best key, with a score in (0, 1]: 1 exact, above 0.5 a prefix, else a substring."""

    entry: Entry
    key: str
    score: float


Accept = t.Callable[[Entry], bool]
#: How a key ranks for a needle: (0 exact / 1 prefix / 2 substring, key number); keys are numbered shortest first,
#: so among keys of one kind the shorter ranks first.
Rank = tuple[int, int]


@dataclass(frozen=True)
class _Source:
    """Candidate key numbers: those of the rarest of ``postings`` (each key containing the needle holds them all),
    or those in *any* of them (a one-character needle's)."""

    postings: list[t.Sequence[int]]
    union: bool = False

    def size(self) -> int:
        return sum(map(len, self.postings)) if self.union else len(self.postings[0]) if self.postings else 0

    def chunks(self, start: int) -> t.Iterator[t.Sequence[int]]:
        """The candidates from key number ``start`` on, ascending, a chunk at a time (a union merged)."""
        if self.union:
            merged = heapq.merge(*(p[bisect_left(p, start):] for p in self.postings))
            while chunk := list(islice(merged, CHUNK)):
                yield chunk
        elif self.postings:
            rarest = self.postings[0]
            for i in range(bisect_left(rarest, start), len(rarest), CHUNK):
                yield rarest[i:i + CHUNK]


class TextIndex:
    """Entries by IRI, and the n-gram postings of their keys (see the module docstring), packed
    (kg.sparql.textcolumns): keys are numbered, entries too (by IRI), and ``owners[k]`` is key ``k``'s entry."""

    def __init__(self, entries: t.Iterable[Entry]) -> None:
        listed = list(entries)
        pairs = sorted((k, e.iri) for e in listed for k in e.keys)
        pairs.sort(key=lambda pair: len(pair[0]))  # stable: by length, then key, then IRI
        keys = Packed(k for k, _ in pairs)
        table = Entries.build(listed, keys, {(iri, key): kid for kid, (key, iri) in enumerate(pairs)})
        number = {iri: n for n, iri in enumerate(table.iris)}
        grams: defaultdict[str, array] = defaultdict(lambda: array("I"))
        signatures = array("Q", bytes(8 * len(pairs)))
        for kid, (key, _) in enumerate(pairs):
            signature = 0
            for gram in key_grams(key):
                grams[gram].append(kid)
                signature |= gram_bit(gram)
            signatures[kid] = signature
        vocabulary = sorted(grams)
        flat, bounds = array("I"), array("I", [0])
        for gram in vocabulary:
            flat.extend(grams.pop(gram))
            bounds.append(len(flat))
        longest = len(pairs[-1][0]) if pairs else 0
        from_length = [bisect_left(pairs, L, key=lambda pair: len(pair[0])) for L in range(longest + 2)]
        self._set(keys, array("I", (number[iri] for _, iri in pairs)), table, vocabulary, flat, bounds, from_length,
                  signatures)

    def _set(self, keys: Packed, owners: t.Sequence[int], entries: Entries, vocabulary: list[str],
             flat: t.Sequence[int], bounds: t.Sequence[int], from_length: list[int], signatures: t.Sequence[int]
             ) -> None:
        self.keys, self.owners, self.entries, self.vocabulary = keys, owners, entries, vocabulary
        #: Per key, a 64-bit Bloom signature of its grams (:func:`gram_bit`): a candidate lacking one of a needle's
        #: grams is passed over without reading its key (at 1 M quads the worst needle's scan took 1.8 ms, now 1).
        self.signatures = signatures
        self._flat, self._bounds = flat, bounds
        view = memoryview(flat)
        #: The ascending key numbers holding each gram: views into one array of all postings.
        self.postings: dict[str, t.Sequence[int]] = {
            gram: view[bounds[i]:bounds[i + 1]] for i, gram in enumerate(vocabulary)}
        self.longest = len(from_length) - 2  # characters of the longest key
        #: First key number whose key has at least L characters, for every L up to one more than the longest.
        self.from_length = from_length

    def __len__(self) -> int:
        return len(self.entries)

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        """Pickled as its columns (kg.store.memo keeps the index on disk, and maps its large buffers back:
        kg.packed)."""
        return _restored, (self.keys, out_of_band(self.owners, protocol), self.entries, self.vocabulary,
                           out_of_band(self._flat, protocol), out_of_band(self._bounds, protocol), self.from_length,
                           out_of_band(self.signatures, protocol))

    def find(self, text: str, *, limit: int = 100, accept: Accept | None = None) -> list[Hit]:
        """The ``limit`` best entries with a key containing ``text`` (case-insensitive; white space is also tried
        squeezed out, for pinyin), best first; ``accept`` filters entries before they count."""
        needle = fold(text)
        if not needle or limit <= 0:
            return []
        best: dict[int, tuple[Rank, str]] = {}  # entry number -> its best rank, and for which variant
        for variant in dict.fromkeys([needle, needle.replace(" ", "")]):
            for owner, rank in self._find(variant, limit, accept):
                if owner not in best or rank < best[owner][0]:
                    best[owner] = (rank, variant)
        chosen = sorted(best.items(), key=lambda item: item[1][0])[:limit]
        keys = [self.keys[rank[1]] for _, (rank, _) in chosen]
        return [Hit(self.entries.entry(owner), key, score_of(variant, key))
                for (owner, (_, variant)), key in zip(chosen, keys, strict=True)]

    def holding(self, text: str, most: int) -> set[str] | None:
        """Every IRI with a key containing ``text`` folded (a superset of those with a name containing ``text``:
        folding keeps substrings), or None if more than ``most`` or if ``text`` folds to nothing."""
        needle = fold(text)
        if not needle:
            return None
        if len(needle) > self.longest:
            return set()
        found: set[int] = set()
        find, starts, owners, sought = self.keys.data.find, self.keys.starts, self.owners, utf8(needle)
        wanted = needle_signature(needle)
        for chunk in self._candidates(needle_grams(needle), needle).chunks(0):
            found.update(owners[k] for k in self._likely(chunk, wanted) if find(sought, starts[k], starts[k + 1]) >= 0)
            if len(found) > most:
                return None
        iris = self.entries.iris
        return {iris[n] for n in found}

    def _find(self, needle: str, limit: int, accept: Accept | None) -> list[tuple[int, Rank]]:
        """The ``limit`` best (entry number, rank) pairs for ``needle``, best first."""
        n = len(needle)
        if n > self.longest:  # no key is long enough to hold it
            return []
        substrings = self._candidates(needle_grams(needle), needle)
        prefixes = self._candidates([START + needle[:2]] if n > 1 else [], START + needle)
        ranks: dict[int, Rank] = {}  # by entry number
        refused: set[int] = set()
        if prefixes.size() < substrings.size():  # the few keys that start like the needle, then any substring
            self._scan(needle, prefixes, n, True, 2, ranks, refused, limit, accept)
            self._scan(needle, substrings, n + 1, False, 2, ranks, refused, limit, accept)
        else:  # one pass, until ``limit`` entries have an exact or prefix key (a later one cannot rank higher)
            self._scan(needle, substrings, n, False, 1, ranks, refused, limit, accept)
        return sorted(ranks.items(), key=lambda item: item[1])[:limit]

    def _scan(self, needle: str, source: _Source, shortest: int, prefix: bool, counted_kind: int,
              ranks: dict[int, Rank], refused: set[int], limit: int, accept: Accept | None) -> None:
        """Check ``source``'s keys of at least ``shortest`` characters in order, keeping each entry's best rank,
        until ``limit`` entries rank with a kind up to ``counted_kind`` (0 exact, 1 prefix, 2 substring)."""
        starts, owners, sought = self.keys.starts, self.owners, utf8(needle)
        find, size = self.keys.data.find, len(sought)  # bytes or a memory map: both find, only bytes start with
        wanted = needle_signature(needle)
        counted = sum(1 for rank in ranks.values() if rank[0] <= counted_kind)
        for chunk in source.chunks(self.from_length[shortest]):
            if counted >= limit:
                return
            likely = self._likely(chunk, wanted)
            matched = ([k for k in likely if find(sought, starts[k], starts[k + 1]) == starts[k]] if prefix
                       else [k for k in likely if find(sought, starts[k], starts[k + 1]) >= 0])
            for kid in matched:
                owner = owners[kid]
                if owner in refused:
                    continue
                kind = (0 if starts[kid + 1] - starts[kid] == size
                        else 1 if prefix or find(sought, starts[kid], starts[kid + 1]) == starts[kid] else 2)
                rank = (kind, kid)
                old = ranks.get(owner)
                if old is None and accept is not None and not accept(self.entries.entry(owner)):
                    refused.add(owner)
                elif old is None or rank < old:
                    ranks[owner] = rank
                    counted += rank[0] <= counted_kind and (old is None or old[0] > counted_kind)
                    if counted >= limit:
                        return

    def _likely(self, chunk: t.Sequence[int], wanted: int) -> t.Sequence[int]:
        """The keys of ``chunk`` whose signature has every bit of ``wanted`` (a needle's: all that may hold it)."""
        if not wanted:
            return chunk
        signatures = self.signatures
        return [k for k in chunk if signatures[k] & wanted == wanted]

    def _candidates(self, grams: list[str], prefix: str) -> _Source:
        """The keys holding all ``grams`` (none if one is missing); without grams (a one-character needle), the
        keys holding any gram that starts with ``prefix``."""
        if grams:
            postings = [self.postings.get(g) for g in grams]
            return _Source([] if any(p is None for p in postings) else [min(postings, key=len)])  # type: ignore
        out, vocabulary = [], self.vocabulary
        for i in range(bisect_left(vocabulary, prefix), len(vocabulary)):
            if not vocabulary[i].startswith(prefix):
                break
            out.append(self.postings[vocabulary[i]])
        return _Source(out, union=True)

    def similar(self, text: str, *, limit: int = 20, accept: Accept | None = None) -> list[Entry]:
        """Entries sharing the most grams with ``text`` (candidates for a fuzzy match, e.g. a typo); grams held by
        more than a twentieth of the keys are not counted (they tell little and cost most)."""
        needle = fold(text)
        grams = set(needle_grams(needle)) | set(needle_grams(needle.replace(" ", "")))
        cap = max(1000, len(self.keys) // 20)
        counts: Counter[int] = Counter()
        for gram in grams:
            postings = self.postings.get(gram)
            if postings is not None and len(postings) <= cap:
                counts.update(postings)
        out: dict[int, Entry] = {}
        for kid, _ in counts.most_common():
            owner = self.owners[kid]
            if owner in out:
                continue
            entry = self.entries.entry(owner)
            if accept is None or accept(entry):
                out[owner] = entry
                if len(out) >= limit:
                    break
        return list(out.values())


def _restored(keys: Packed, owners: t.Any, entries: Entries, vocabulary: list[str], flat: t.Any, bounds: t.Any,
              from_length: list[int], signatures: t.Any) -> TextIndex:
    """A :class:`TextIndex` from its pickled columns (:meth:`TextIndex.__reduce_ex__`), without building it again."""
    index = TextIndex.__new__(TextIndex)
    index._set(keys, numbers(owners, "I"), entries, vocabulary, numbers(flat, "I"), numbers(bounds, "I"), from_length,
               numbers(signatures, "Q"))
    return index



def build_text_index(names: t.Iterable[Name], base: str, types: t.Iterable[tuple[str, str]] = ()) -> TextIndex:
    """The index of ``(iri, name, language)`` rows and ``(iri, type)`` pairs; IRIs under ``base`` are ``local``."""
    found: dict[str, tuple[dict[str, str], set[str]]] = {}
    for iri, label, lang in names:
        labels, keys = found.setdefault(iri, ({}, set()))
        short = lang[:2].lower()
        if short in ("zh", "en"):
            labels.setdefault(short, label)
        key = fold(label)
        keys.add(key)
        if short == "zh" or HAN.search(label):
            keys.add(pinyin_key(label).replace(" ", ""))
    typed: dict[str, set[str]] = {}
    for iri, type_iri in types:
        if iri in found:
            typed.setdefault(iri, set()).add(type_iri)
    return TextIndex(Entry(iri, labels.get("zh", ""), labels.get("en", ""), frozenset(typed.get(iri, ())),
                           tuple(sorted(k for k in keys if k)), iri.startswith(base))
                     for iri, (labels, keys) in found.items())


def text_index(store: Store) -> TextIndex:
    """The store's text index for its current data version, built on first use (kg.store.memo)."""
    return memo(store, "text-index", lambda s: build_text_index(label_rows(s), s.base, type_rows(s)),
                keep=True)  # building it imports pypinyin (57 MiB): a start on known data reads it back instead
