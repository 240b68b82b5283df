"""Numbers with their units as a reader of the page's language expects them: "972元/人·月" and "972 yuan per person
per month", "14.58%", "第1" and "No. 1", "5.95/10万" and "5.95 per 100,000", "4.41亿元" and "441 million yuan".

The unit's words are the graph's (its zh/en labels, its notation, the words it is printed as); this module only
decides where they go: a symbol right after the number, a word after a space, an English plural, a rank before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from kg.i18n import STRINGS
from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.labels import Labels, format_number

#: Notations that are symbols written right after the number in every language.
SYMBOLS = ("%", "‰", "‱")
#: English head words that stay as they are in the plural.
INVARIANT = ("yuan", "renminbi", "CNY")
IRREGULAR = {"person": "people"}


@dataclass
class Unit:
    """What a page needs of a unit: its labels, notation and printed forms."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    notation: str = ""
    written: tuple[str, ...] = ()


def units_for(store: Store, labels: Labels) -> dict[str, Unit]:
    """Unit IRI → :class:`Unit`, from one query per data version; ``labels`` fills in the names the page has."""
    table = memo(store, "units", _read_units)
    return {iri: Unit(iri, labels.get(iri, {}), unit.notation, unit.written) for iri, unit in table.items()}


def _read_units(store: Store) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for row in store.select(query("entity_units", store.base)):
        unit = units.setdefault(row["unit"].value, Unit(row["unit"].value))
        if "notation" in row and not unit.notation:
            unit.notation = row["notation"].value
        if "written" in row and row["written"].value not in unit.written:
            unit.written = tuple(sorted(unit.written + (row["written"].value,)))
    return units


def strip_note(label: str) -> str:
    """A label without its parenthetical note: "count (个)" → "count", "张（床位）" → "张"."""
    return re.sub(r"\s*[（(][^）)]*[）)]\s*$", "", label).strip()


def plural(words: str) -> str:
    """The English plural of a unit name: its head (the part before "per") pluralised.

    >>> [plural(w) for w in ("year", "person", "yuan per person per month", "beds per 1,000 population")]
    ['years', 'people', 'yuan per person per month', 'beds per 1,000 population']
    >>> plural("year of age")
    'years of age'
    """
    head, sep, rest = words.partition(" per ")
    if " of " in head:  # "year of age" → "years of age"
        noun, of, tail = head.partition(" of ")
        return plural(noun) + of + tail + sep + rest
    last = head.rsplit(" ", 1)[-1]
    if last in INVARIANT or last.endswith("s"):
        return words
    head = head[: -len(last)] + IRREGULAR[last] if last in IRREGULAR else head + "s"
    return head + sep + rest


def compact_number(number: Decimal, lang: str) -> str:
    """A large number in the reader's words: 441000000 → "4.41亿" / "441 million"; small ones with separators.

    >>> compact_number(Decimal("441000000"), "zh"), compact_number(Decimal("441000000"), "en")
    ('4.41亿', '441 million')
    >>> compact_number(Decimal("10530000"), "zh"), compact_number(Decimal("12689"), "en")
    ('1053万', '12,689')
    """
    steps = ((Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")) if lang == "zh" else \
        ((Decimal(10) ** 9, " billion"), (Decimal(10) ** 6, " million"))
    floor = Decimal(10) ** 5 if lang == "zh" else Decimal(10) ** 6
    if abs(number) >= floor:
        for size, word in steps:
            scaled = number / size
            if abs(number) >= size and scaled == round(scaled, 3):
                return format_number(str(scaled)).replace(",", "") + word
    return f"{number:,f}"  # as precise as the graph has it: 4.0 stays 4.0


def unit_words(unit: Unit | None, number: Decimal | None, lang: str) -> tuple[str, str]:
    """(before, after) the number: ("第", "") for a rank in Chinese, ("", "yuan per person per month") …"""
    if unit is None:
        return "", ""
    if unit.notation in SYMBOLS:
        return "", unit.notation
    if "第" in unit.written:  # printed before the number: a rank
        return STRINGS["rank_before"][lang], STRINGS["rank_after"][lang]
    label = strip_note(unit.labels.get(lang) or unit.labels.get("en") or unit.labels.get("zh") or "")
    if lang == "zh":
        written = [w for w in unit.written if w.startswith("/") or (label and w.endswith(label) and w != label)]
        return "", written[0] if written else label
    if label in ("count", ""):
        return "", ""  # counted with the general measure word: the indicator says what
    return "", " " + (plural(label) if number is None or number != 1 else label)


def format_value(number: Decimal | None, unit: Unit | None, lang: str, qualifier: str = "",
                 *, compact: bool = True) -> str:
    """A value as printed on the page: qualifier, number and unit in the reader's language.

    ``qualifier`` is the qualifier's label in that language ("more than", "超过").
    """
    if number is None:
        return ""
    before, after = unit_words(unit, number, lang)
    text = compact_number(number, lang) if compact else f"{number:,f}"
    joined = f"{before}{text}{after}"
    if qualifier:
        return f"{qualifier}{joined}" if lang == "zh" else f"{qualifier} {joined}"
    return joined


def number_text(number: Decimal | None, lang: str, qualifier: str = "") -> str:
    """The number alone, with its qualifier ("more than 441 million"), for a chart bar or a card's start value."""
    if number is None:
        return ""
    text = compact_number(number, lang)
    return (f"{qualifier}{text}" if lang == "zh" else f"{qualifier} {text}") if qualifier else text


def unit_text(unit: Unit | None, lang: str) -> str:
    """The unit alone, for a chart axis or a column heading ("元/人·月", "yuan per person per month", "%")."""
    before, after = unit_words(unit, None, lang)
    return (before + "…" + after).strip() if before else after.strip()
