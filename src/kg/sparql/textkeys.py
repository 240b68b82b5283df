"""How names become the keys and n-grams of the text index (kg.sparql.textindex), and how a match is scored.

A name gives one key case-folded (white space collapsed) and, if it has Chinese characters, one key in toneless
pinyin with the spaces removed (``东软集团`` → ``dongruanjituan``). A key is indexed by its bigrams — for Chinese a
bigram is mostly a word or half of one, and for Latin letters bigrams keep the index small and its build fast (every
key gives as many bigrams as characters); the last character is paired with an end mark so that a one-character
needle finds it too, and the first bigram is also kept *anchored* (``\\x02`` + bigram) for prefix matches.
"""

from __future__ import annotations

import functools
import operator
import re
import zlib
from functools import lru_cache

from kg.packed import utf8

START, END = "\x02", "\x03"
HAN = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")


@lru_cache(maxsize=65536)
def _pinyin_run(han: str) -> str:
    from pypinyin import lazy_pinyin  # 57 MiB: only when an index is built, not when one is read back

    return "".join(lazy_pinyin(han))


def pinyin_key(label: str) -> str:
    """The toneless pinyin of a label, syllables joined, other characters kept (each run of Chinese characters is
    read as one phrase, as pypinyin does, and remembered: names repeat their words).

    >>> pinyin_key("东软"), pinyin_key("大连市 Dalian")
    ('dongruan', 'dalianshi dalian')
    """
    return HAN.sub(lambda m: _pinyin_run(m.group()), label).casefold()


def fold(text: str) -> str:
    """How names and needles are compared: case-folded, white space collapsed and trimmed.

    >>> fold("  Neusoft\\tGroup ")
    'neusoft group'
    """
    return " ".join(text.casefold().split())


def key_grams(key: str) -> set[str]:
    """The bigrams of ``key`` (its last character paired with an end mark) and its anchored first bigram.

    >>> sorted(key_grams("东软a"))
    ['\\x02东软', 'a\\x03', '东软', '软a']
    """
    if not key:
        return set()
    padded = key + END
    grams = {padded[i:i + 2] for i in range(len(key))}
    grams.add(START + padded[:2])
    return grams


def needle_grams(needle: str) -> list[str]:
    """The bigrams wholly inside ``needle``: every key that contains ``needle`` holds them all.

    >>> needle_grams("东软"), needle_grams("neus"), needle_grams("n")
    (['东软'], ['ne', 'eu', 'us'], [])
    """
    return list(dict.fromkeys(needle[i:i + 2] for i in range(len(needle) - 1)))



def score_of(needle: str, key: str) -> float:
    """1.0 for the whole key, 0.5–1 for a prefix, 0–0.5 for a substring: longer keys score less.

    >>> score_of("ab", "ab"), score_of("ab", "abcd"), score_of("cd", "abcd")
    (1.0, 0.75, 0.25)
    """
    share = len(needle) / len(key)
    if share >= 1:
        return 1.0
    return round((0.5 + share / 2) if key.startswith(needle) else share / 2, 4)


def gram_bit(gram: str) -> int:
    """The bit of a 64-bit signature that stands for ``gram`` (a hash of it, the same in every process)."""
    return 1 << (zlib.crc32(utf8(gram)) & 63)


def needle_signature(needle: str) -> int:
    """The bits of the grams wholly inside ``needle`` (every key holding ``needle`` has them all), or 0 when one gram
    or none says nothing its postings do not.

    >>> needle_signature("东软"), needle_signature("neus") == gram_bit("ne") | gram_bit("eu") | gram_bit("us")
    (0, True)
    """
    grams = needle_grams(needle)
    return 0 if len(grams) < 2 else functools.reduce(operator.or_, map(gram_bit, grams))
