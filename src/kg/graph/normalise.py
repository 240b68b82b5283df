"""Turn a number as printed on the page ("4.25亿元", "6万余人次", "2.11‰") into a normalised value.

The graph stores both the verbatim text (``dkg:verbatimValue``) and the normalised value
(``sdmx-measure:obsValue``). This module is the single, tested definition of how one becomes the
other, so a hand-encoding slip in ``data/triples.ttl`` fails a test instead of reaching a reader.

Rules: 万 (1e4), 亿 (1e8), 百万 (1e6) and 千 (1e3) are folded into the value; %, ‰, ‱ (万分之), 1/10万
and 个百分点 stay units. Approximation words become a qualifier: 超/超过/逾/余/多 → ``more-than``,
近 → ``nearly``, 不低于 and a trailing 以上 ("and above": 95%以上 includes 95%) → ``at-least``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

#: Chinese numerals that occur on the page (and the usual others).
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_MAGNITUDES = {"万": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "百万": Decimal(10) ** 6, "千": Decimal(10) ** 3}

_MORE_THAN_PREFIX = ("超过", "超", "逾")
_NEARLY_PREFIX = ("近",)
_AT_LEAST_PREFIX = ("不低于",)
_AT_LEAST_SUFFIX = ("以上",)


@dataclass(frozen=True)
class Quantity:
    """A normalised number: value in base units, the unit word as printed, and a qualifier key or None."""

    value: Decimal
    unit_word: str
    qualifier: str | None = None


def parse_chinese_integer(text: str) -> int:
    """Parse a Chinese numeral below 10,000.

    >>> parse_chinese_integer("三十")
    30
    >>> parse_chinese_integer("两")
    2
    >>> parse_chinese_integer("十五")
    15
    >>> parse_chinese_integer("一百零八")
    108
    """
    if not text:
        raise ValueError("empty numeral")
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _SMALL_UNITS:
            total += (current or 1) * _SMALL_UNITS[char]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


_NUMBER = r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]+)"
_PATTERN = re.compile(
    r"^(?P<pre>超过|超|逾|近|不低于)?"
    r"(?:第(?P<ordinal>\d+|[一二两三四五六七八九十]+)|No\.(?P<no>\d+)|万分之(?P<pertenk>[\d一二两三四五六七八九十]+)|"
    + _NUMBER
    + r"?(?P<yu0>余|多)?(?P<mag>百万|万|亿|千)?)"
    r"(?P<yu>余|多)?(?P<unit>.*?)(?P<post>以上)?$"
)


def normalise(text: str) -> Quantity:
    """Normalise a printed number with its unit word.

    Whitespace inside the text is ignored (the page prints "15 个" and "2000 余个").

    :raises ValueError: if the text is not a number this page uses.

    >>> normalise("4.25亿元")
    Quantity(value=Decimal('425000000'), unit_word='元', qualifier=None)
    >>> normalise("6万余人次")
    Quantity(value=Decimal('60000'), unit_word='人次', qualifier='more-than')
    >>> normalise("2.11‰")
    Quantity(value=Decimal('2.11'), unit_word='‰', qualifier=None)
    >>> normalise("5.95/10万")
    Quantity(value=Decimal('5.95'), unit_word='/10万', qualifier=None)
    >>> normalise("超4.41亿元")
    Quantity(value=Decimal('441000000'), unit_word='元', qualifier='more-than')
    >>> normalise("30余万人次")
    Quantity(value=Decimal('300000'), unit_word='人次', qualifier='more-than')
    >>> normalise("近千家")
    Quantity(value=Decimal('1000'), unit_word='家', qualifier='nearly')
    >>> normalise("2000 余个")
    Quantity(value=Decimal('2000'), unit_word='个', qualifier='more-than')
    >>> normalise("95%以上")
    Quantity(value=Decimal('95'), unit_word='%', qualifier='at-least')
    >>> normalise("85周岁以上")
    Quantity(value=Decimal('85'), unit_word='周岁', qualifier='at-least')
    >>> normalise("7.8个百分点")
    Quantity(value=Decimal('7.8'), unit_word='个百分点', qualifier=None)
    >>> normalise("逾三十年")
    Quantity(value=Decimal('30'), unit_word='年', qualifier='more-than')
    >>> normalise("万分之一")
    Quantity(value=Decimal('1'), unit_word='‱', qualifier=None)
    >>> normalise("第一")
    Quantity(value=Decimal('1'), unit_word='第', qualifier=None)
    >>> normalise("百万台")
    Quantity(value=Decimal('1000000'), unit_word='台', qualifier=None)
    """
    compact = re.sub(r"\s+", "", text)
    match = _PATTERN.match(compact)
    if not match or not compact:
        raise ValueError(f"not a number: {text!r}")
    groups = match.groupdict()
    qualifier = _qualifier(groups["pre"], groups["yu"] or groups["yu0"], groups["post"])
    unit_word = groups["unit"] or ""
    if groups["ordinal"] or groups["no"]:
        if unit_word:
            raise ValueError(f"unexpected text after an ordinal: {text!r}")
        return Quantity(_number(groups["ordinal"] or groups["no"]), "第", qualifier)
    if groups["pertenk"]:
        return Quantity(_number(groups["pertenk"]), "‱", qualifier)
    if groups["num"] is None and groups["mag"] is None:
        raise ValueError(f"no number in {text!r}")
    value = _number(groups["num"]) if groups["num"] is not None else Decimal(1)
    if groups["mag"]:
        value *= _MAGNITUDES[groups["mag"]]
    if groups["mag"] == "万" and unit_word.startswith("/10"):
        raise ValueError(f"ambiguous magnitude in {text!r}")
    return Quantity(_canonical(value), unit_word, qualifier)


def _number(text: str) -> Decimal:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Decimal(text)
    return Decimal(parse_chinese_integer(text))


def _canonical(value: Decimal) -> Decimal:
    """Drop a trailing exponent so 4.25亿 compares equal to the literal "425000000"."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


def _qualifier(pre: str | None, yu: str | None, post: str | None) -> str | None:
    if pre in _NEARLY_PREFIX:
        return "nearly"
    if pre in _AT_LEAST_PREFIX or post in _AT_LEAST_SUFFIX:
        return "at-least"
    if pre in _MORE_THAN_PREFIX or yu:
        return "more-than"
    return None
