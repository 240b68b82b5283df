"""Sort order for lists people read: Chinese labels by their pinyin (syllable by syllable, as a pinyin index
orders them), other text case-insensitively, so 东软 sorts under d next to "Dalian", not by code point."""

from __future__ import annotations

import typing as t
from functools import lru_cache

from pypinyin import lazy_pinyin

T = t.TypeVar("T")


@lru_cache(maxsize=200_000)
def collation_key(text: str) -> tuple[str, str]:
    """The key that sorts ``text`` by pinyin (Chinese) or letters (anything else); the text itself breaks ties.

    >>> sorted(["中小学", "东软集团", "AI联盟", "大连市民政局"], key=collation_key)
    ['AI联盟', '大连市民政局', '东软集团', '中小学']
    >>> collation_key("Neusoft") < collation_key("ningxia")
    True
    """
    return " ".join(lazy_pinyin(text)).casefold(), text


def sort_by_label(items: t.Iterable[T], label: t.Callable[[T], str]) -> list[T]:
    """``items`` ordered by the collation key of ``label(item)``."""
    return sorted(items, key=lambda item: collation_key(label(item)))
