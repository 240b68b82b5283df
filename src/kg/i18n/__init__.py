"""The reader's language: the one rule every route uses (?lang=, then the cookie, then Accept-Language), and the
UI strings in Chinese and English (kg.i18n.strings) and labels of standard terms (kg.i18n.vocabulary)."""

from __future__ import annotations

from kg.i18n.strings import EXAMPLE_GROUPS, LICENCE_NAMES, QUERY_PAGE_STRINGS, STRINGS
from kg.i18n.vocabulary import VOCABULARY_LABELS

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
COOKIE = "kg_lang"

__all__ = ["COOKIE", "DEFAULT_LANGUAGE", "EXAMPLE_GROUPS", "LANGUAGES", "LICENCE_NAMES", "QUERY_PAGE_STRINGS",
           "STRINGS", "VOCABULARY_LABELS", "pick_language", "translations"]


def pick_language(arg: str | None, cookie: str | None, accept_language: list[tuple[str, float]]) -> str:
    """The language to show: an explicit ?lang=, else the cookie, else the best Accept-Language match, else zh.

    >>> pick_language(None, None, [("en-GB", 1.0), ("zh", 0.5)])
    'en'
    >>> pick_language("zh", "en", [])
    'zh'
    """
    for choice in (arg, cookie):
        if choice in LANGUAGES:
            return choice
    for tag, _quality in sorted(accept_language, key=lambda item: -item[1]):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def translations(lang: str) -> dict[str, str]:
    """All UI strings in ``lang`` (the templates' ``t``)."""
    return {key: texts[lang] for key, texts in STRINGS.items()}
