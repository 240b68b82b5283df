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

from kg.sparql.textkeys import END, HAN, START, fold, key_grams, needle_grams, pinyin_key, score_of
from kg.sparql.textrows import Name, label_rows, type_rows
from kg.store import Store
from kg.store.memo import memo

#: Candidates checked per step of a scan (between checks of whether enough entries were found).
CHUNK = 512


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


@dataclass(slots=True)
class Hit:
    """An entry found by its best key, with a score in (0, 1]: 1 exact, above 0.5 a prefix, else a substring."""

    entry: Entry
    key: str
    score: float


Accept = t.Callable[[Entry], bool]
#: How a key ranks for a needle: (0 exact / 1 prefix / 2 substring, key length, key number).
Rank = tuple[int, int, int]


@dataclass(frozen=True)
class _Source:
    """Candidate key numbers: those of the rarest of ``postings`` (each key containing the needle holds them all),
    or those in *any* of them (a one-character needle's)."""

    postings: list[array]
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
    """Entries by IRI, and the n-gram postings of their keys (see the module docstring)."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self.entries = entries
        pairs = sorted((k, e.iri) for e in entries.values() for k in e.keys)
        pairs.sort(key=lambda pair: len(pair[0]))  # stable: by length, then key, then IRI
        # fresh copies made in key order lie in memory in the order scans read them (about 3x faster checks)
        self.keys: list[str] = [(k + END)[:-1] for k, _ in pairs]
        self.key_entry: list[Entry] = [entries[iri] for _, iri in pairs]
        fresh: dict[str, list[str]] = {}
        for key, entry in zip(self.keys, self.key_entry, strict=True):
            fresh.setdefault(entry.iri, []).append(key)
        for entry in entries.values():
            entry.keys = tuple(sorted(fresh.get(entry.iri, ())))
            entry.zh = next((k for k in entry.keys if k == entry.zh), entry.zh)  # one string for both
        postings: defaultdict[str, array] = defaultdict(lambda: array("I"))
        for kid, key in enumerate(self.keys):
            for gram in key_grams(key):
                postings[gram].append(kid)
        self.postings: dict[str, array] = dict(postings)
        self.vocabulary = sorted(self.postings)
        self.longest = len(self.keys[-1]) if self.keys else 0
        #: First key number whose key has at least L characters, for every L up to one more than the longest.
        self.from_length = [bisect_left(self.keys, L, key=len) for L in range(self.longest + 2)]

    def __len__(self) -> int:
        return len(self.entries)

    def __reduce__(self) -> tuple[t.Any, ...]:
        """Pickled as columns, the keys first (kg.store.memo keeps the index on disk): 86,000 entries pickled as
        objects took 0.39 s of a 1 M-triple start-up to read, as columns 0.1 s; and the keys come back in memory in
        key order, the order scans read them."""
        entries = list(self.entries.values())
        number = {id(entry): n for n, entry in enumerate(entries)}
        columns = tuple([getattr(e, name) for e in entries] for name in ("iri", "zh", "en", "types", "keys", "local"))
        owners = array("I", (number[id(entry)] for entry in self.key_entry))
        return _restored, (self.keys, columns, owners, self.postings, self.from_length)

    def find(self, text: str, *, limit: int = 100, accept: Accept | None = None) -> list[Hit]:
        """The ``limit`` best entries with a key containing ``text`` (case-insensitive; white space is also tried
        squeezed out, for pinyin), best first; ``accept`` filters entries before they count."""
        needle = fold(text)
        if not needle or limit <= 0:
            return []
        best: dict[str, tuple[Rank, Hit]] = {}
        for variant in dict.fromkeys([needle, needle.replace(" ", "")]):
            for rank, hit in self._find(variant, limit, accept):
                if hit.entry.iri not in best or rank < best[hit.entry.iri][0]:
                    best[hit.entry.iri] = (rank, hit)
        return [hit for _, hit in sorted(best.values(), key=lambda pair: pair[0])[:limit]]

    def holding(self, text: str, most: int) -> set[str] | None:
        """Every IRI with a key containing ``text`` folded (a superset of those with a name containing ``text``:
        folding keeps substrings), or None if more than ``most`` or if ``text`` folds to nothing."""
        needle = fold(text)
        if not needle:
            return None
        if len(needle) > self.longest:
            return set()
        found: set[str] = set()
        for chunk in self._candidates(needle_grams(needle), needle).chunks(0):
            found.update(self.key_entry[k].iri for k in chunk if needle in self.keys[k])
            if len(found) > most:
                return None
        return found

    def _find(self, needle: str, limit: int, accept: Accept | None) -> list[tuple[Rank, Hit]]:
        n = len(needle)
        if n > self.longest:  # no key is long enough to hold it
            return []
        substrings = self._candidates(needle_grams(needle), needle)
        prefixes = self._candidates([START + needle[:2]] if n > 1 else [], START + needle)
        ranks: dict[str, Rank] = {}
        refused: set[str] = set()
        if prefixes.size() < substrings.size():  # the few keys that start like the needle, then any substring
            self._scan(needle, prefixes, n, True, 2, ranks, refused, limit, accept)
            self._scan(needle, substrings, n + 1, False, 2, ranks, refused, limit, accept)
        else:  # one pass, until ``limit`` entries have an exact or prefix key (a later one cannot rank higher)
            self._scan(needle, substrings, n, False, 1, ranks, refused, limit, accept)
        best = sorted(ranks.items(), key=lambda item: item[1])[:limit]
        return [(rank, Hit(self.entries[iri], self.keys[rank[2]], score_of(needle, self.keys[rank[2]])))
                for iri, rank in best]

    def _scan(self, needle: str, source: _Source, shortest: int, prefix: bool, counted_kind: int,
              ranks: dict[str, Rank], refused: set[str], limit: int, accept: Accept | None) -> None:
        """Check ``source``'s keys of at least ``shortest`` characters in order, keeping each entry's best rank,
        until ``limit`` entries rank with a kind up to ``counted_kind`` (0 exact, 1 prefix, 2 substring)."""
        keys, owners, n = self.keys, self.key_entry, len(needle)
        counted = sum(1 for rank in ranks.values() if rank[0] <= counted_kind)
        for chunk in source.chunks(self.from_length[shortest]):
            if counted >= limit:
                return
            matched = ([k for k in chunk if keys[k].startswith(needle)] if prefix
                       else [k for k in chunk if needle in keys[k]])
            for kid in matched:
                entry, key = owners[kid], keys[kid]
                if entry.iri in refused:
                    continue
                rank = (0 if len(key) == n else 1 if prefix or key.startswith(needle) else 2, len(key), kid)
                old = ranks.get(entry.iri)
                if old is None and accept is not None and not accept(entry):
                    refused.add(entry.iri)
                elif old is None or rank < old:
                    ranks[entry.iri] = rank
                    counted += rank[0] <= counted_kind and (old is None or old[0] > counted_kind)
                    if counted >= limit:
                        return

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
        out: dict[str, Entry] = {}
        for kid, _ in counts.most_common():
            entry = self.key_entry[kid]
            if entry.iri not in out and (accept is None or accept(entry)):
                out[entry.iri] = entry
                if len(out) >= limit:
                    break
        return list(out.values())


def _restored(keys: list[str], columns: tuple[list[t.Any], ...], owners: array, postings: dict[str, array],
              from_length: list[int]) -> TextIndex:
    """A :class:`TextIndex` from its pickled columns (:meth:`TextIndex.__reduce__`), without building it again."""
    index = TextIndex.__new__(TextIndex)
    entries = [Entry(*values) for values in zip(*columns, strict=True)]
    index.entries = {entry.iri: entry for entry in entries}
    index.keys, index.key_entry = keys, [entries[n] for n in owners]
    index.postings, index.vocabulary = postings, sorted(postings)
    index.longest, index.from_length = (len(keys[-1]) if keys else 0), from_length
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
        keys.add(label if key == label else key)  # one string for both when folding changes nothing
        if short == "zh" or HAN.search(label):
            keys.add(pinyin_key(label).replace(" ", ""))
    typed: dict[str, set[str]] = {}
    for iri, type_iri in types:
        if iri in found:
            typed.setdefault(iri, set()).add(type_iri)
    shared: dict[frozenset[str], frozenset[str]] = {}  # many entries have the same types: one set for them all
    entries = {}
    for iri, (labels, keys) in found.items():
        frozen = frozenset(typed.get(iri, ()))
        entries[iri] = Entry(iri, labels.get("zh", ""), labels.get("en", ""), shared.setdefault(frozen, frozen),
                             tuple(sorted(k for k in keys if k)), iri.startswith(base))
    return TextIndex(entries)


def text_index(store: Store) -> TextIndex:
    """The store's text index for its current data version, built on first use (kg.store.memo)."""
    return memo(store, "text-index", lambda s: build_text_index(label_rows(s), s.base, type_rows(s)),
                keep=True)  # building it imports pypinyin (57 MiB): a start on known data reads it back instead
