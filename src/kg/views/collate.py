"""Sort order for lists people read: Chinese labels by their pinyin (syllable by syllable, as a pinyin index
orders them), other text case-insensitively, so 东软 sorts under d next to "Dalian", not by code point.

pypinyin costs 57 MiB and 0.17 s to import (its phrase dictionary), so it is imported only for a text not met
before: the pinyin of every name of the data is computed once per data version (:func:`collation_table`, kept on
disk by kg.store.memo) and given to :func:`know` in the warm-up of an embedded store, so a server starting on a data
version it has seen never imports it (over a remote store, whose derived values are not kept on disk, keys are made
as needed). A key is a function of the text alone: keys from an older data version stay right.
"""

from __future__ import annotations

import typing as t
from collections.abc import Iterable, Mapping
from functools import lru_cache

from kg.packed import PackedMap

T = t.TypeVar("T")

#: Pinyin keys of the data's non-ASCII names (text -> key), from :func:`know` (never changed in place).
_KNOWN: Mapping[str, str] = {}


def pinyin_of(text: str) -> str:
    """The collation key's first part: ``text`` in toneless pinyin, syllables apart, case-folded (pypinyin keeps
    what is not Chinese as it is).

    >>> pinyin_of("AI联盟"), pinyin_of("Dalian")
    ('ai lian meng', 'dalian')
    """
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text)).casefold()


def collation_table(texts: Iterable[str]) -> Mapping[str, str]:
    """The pinyin keys of the texts that are not ASCII (an ASCII text's key is the text case-folded), packed: the
    table is shared by every worker (26 MiB as a dict at 1 M quads, 6 packed)."""
    return PackedMap({text: pinyin_of(text) for text in dict.fromkeys(texts) if not text.isascii()})


def know(table: Mapping[str, str]) -> None:
    """Use ``table``'s keys (text -> :func:`pinyin_of`) instead of computing them."""
    global _KNOWN
    _KNOWN = table if not _KNOWN else {**_KNOWN, **table}  # the first table is used as it is, not copied
    collation_key.cache_clear()


@lru_cache(maxsize=8192)
def collation_key(text: str) -> tuple[str, str]:
    """The key that sorts ``text`` by pinyin (Chinese) or letters (anything else); the text itself breaks ties.

    >>> sorted(["中小学", "东软集团", "AI联盟", "大连市民政局"], key=collation_key)
    ['AI联盟', '大连市民政局', '东软集团', '中小学']
    >>> collation_key("Neusoft") < collation_key("ningxia")
    True
    """
    if text.isascii():
        return text.casefold(), text
    known = _KNOWN.get(text)
    return (known if known is not None else pinyin_of(text)), text


def sort_by_label(items: t.Iterable[T], label: t.Callable[[T], str]) -> list[T]:
    """``items`` ordered by the collation key of ``label(item)``."""
    return sorted(items, key=lambda item: collation_key(label(item)))
