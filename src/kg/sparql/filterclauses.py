"""What a FILTER requires of names (kg.sparql.namefilter): read from the guard's tokens, the clauses its expression
cannot be true without — each a list of (variable, text) alternatives, one of which holds: the variable's value, a
name, contains the text in some case.

A name function call gives one clause (``CONTAINS``, ``STRSTARTS``, ``STRENDS``, ``REGEX`` with a plain pattern, the
name and the text perhaps in ``LCASE``/``STR``); ``&&`` requires every operand's clauses; ``||`` one clause of an
alternative from each operand (if each has one); anything else requires nothing. The reading is linear in the
expression's length.
"""

from __future__ import annotations

from kg.errors import QueryError
from kg.sparql.guard import Token, keyword
from kg.sparql.textquery import string_value

#: Functions whose truth requires the name to contain the text (``REGEX`` with a pattern free of metacharacters: it
#: then matches where CONTAINS does; with the flag ``"i"`` where CONTAINS does in some case of each ASCII letter).
NAME_FUNCTIONS = frozenset({"CONTAINS", "STRSTARTS", "STRENDS", "REGEX"})
#: Calls around the name or the text that keep the rewrite exact: ``LCASE`` maps each character to itself or its
#: lower case, and the index's keys are case-folded (every character folds as its lower case does, in full Unicode);
#: ``STR`` gives a name's own text, as the index holds every name (kg.sparql.namefilter.names_all_indexed). Not
#: ``UCASE``: a character can upper-case to a letter it does not fold to (``ı`` to ``I``).
WRAPPERS = frozenset({"LCASE", "STR"})
_REGEX_SPECIAL = frozenset("\\|.-^?*+{}()[]$")
#: Texts one filter's ``||`` may ask for (each costs a lookup; a filter with more is left to the engine).
MOST_ALTERNATIVES = 8
OPENERS, CLOSERS = "{([", "})]"

#: (variable, text) alternatives, one of which a filter requires: the variable's value contains the text.
Clause = tuple[tuple[str, str], ...]


def filter_requires(tokens: list[Token], match: dict[int, int], members: list[int], i: int) -> list[Clause]:
    """The clauses the FILTER at ``members[i]`` requires to be true."""
    if i + 1 >= len(members):
        return []
    start = members[i + 1]
    if tokens[start].text == "(":
        return _requires(tokens, match, start + 1, match[start])
    if keyword(tokens[start]) in NAME_FUNCTIONS and tokens[start + 1].text == "(":
        return _requires(tokens, match, start, match[start + 1] + 1)
    return []


def _requires(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> list[Clause]:
    """The clauses the expression ``tokens[lo:hi]`` requires, all of them: of a name function call, one; of a
    bracketed expression, its own; of ``&&``, every operand's; of ``||``, one clause of an alternative of each
    operand's first, if each operand has one (at most :data:`MOST_ALTERNATIVES`)."""
    if hi - lo >= 2 and tokens[lo].text == "(" and match.get(lo) == hi - 1:
        return _requires(tokens, match, lo + 1, hi - 1)
    operands = _operands(tokens, match, lo, hi)
    if operands is None:
        return []
    operator, spans = operands
    if operator == "|":
        alternatives: list[tuple[str, str]] = []
        for a, b in spans:
            clauses = _requires(tokens, match, a, b)
            if not clauses:
                return []
            alternatives += clauses[0]
        unique = tuple(dict.fromkeys(alternatives))
        return [unique] if len(unique) <= MOST_ALTERNATIVES else []
    if operator == "&":
        return [clause for a, b in spans for clause in _requires(tokens, match, a, b)]
    return [(pair,) for pair in _name_call(tokens, match, lo, hi)]


def _operands(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> tuple[str, list[tuple[int, int]]] | None:
    """The operator at the own level of ``tokens[lo:hi]`` that binds loosest (``|`` for ``||``, ``&`` for ``&&``, ""
    for none) and the spans of its operands; None if a lone ``|`` or ``&`` makes no sense of it."""
    found: dict[str, list[int]] = {"|": [], "&": []}
    i = lo
    while i < hi:
        text = tokens[i].text if tokens[i].kind == "other" else ""
        if text and text in OPENERS:
            i = match[i]
        elif text in found:
            if i + 1 >= hi or tokens[i + 1].text != text:
                return None
            found[text].append(i)
            i += 1
        i += 1
    operator = "|" if found["|"] else "&" if found["&"] else ""
    cuts = found.get(operator, [])
    starts, ends = [lo] + [c + 2 for c in cuts], cuts + [hi]
    return operator, list(zip(starts, ends, strict=True))


def _name_call(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> list[tuple[str, str]]:
    """(variable, text) of the call ``tokens[lo:hi]`` if it is a name function of a variable's name and a text —
    each may be wrapped in :data:`WRAPPERS` — and, for ``REGEX``, a pattern without metacharacters and flags absent
    or ``"i"`` with an ASCII pattern."""
    function = keyword(tokens[lo])
    if function not in NAME_FUNCTIONS or hi - lo < 6 or tokens[lo + 1].text != "(" or match.get(lo + 1) != hi - 1:
        return []
    arguments = _arguments(tokens, match, lo + 2, hi - 1)
    if len(arguments) not in (2, 3) or len(arguments) == 3 and function != "REGEX":
        return []
    name, needle = (_unwrapped(tokens, match, *span) for span in arguments[:2])
    if name is None or needle is None or tokens[name].kind != "var" or tokens[needle].kind != "string":
        return []
    try:
        text = string_value(tokens[needle])
        flags = [string_value(tokens[a]) for a, b in arguments[2:] if b == a + 1 and tokens[a].kind == "string"]
    except QueryError:
        return []
    if function == "REGEX" and (_REGEX_SPECIAL & set(text) or len(flags) != len(arguments) - 2
                                or flags not in ([], ["i"]) or flags and not text.isascii()):
        return []
    return [(tokens[name].text[1:], text)]


def _arguments(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> list[tuple[int, int]]:
    """The spans of the comma-separated arguments in ``tokens[lo:hi]`` (none if one is empty)."""
    spans, start, i = [], lo, lo
    while i < hi:
        if tokens[i].kind == "other" and tokens[i].text in OPENERS:
            i = match[i]
        elif tokens[i].kind == "other" and tokens[i].text == ",":
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, hi))
    return [] if any(a >= b for a, b in spans) else spans


def _unwrapped(tokens: list[Token], match: dict[int, int], lo: int, hi: int) -> int | None:
    """The single token ``tokens[lo:hi]`` is, inside any calls of :data:`WRAPPERS`; None if it is anything else."""
    while hi - lo >= 4 and keyword(tokens[lo]) in WRAPPERS and tokens[lo + 1].text == "(" \
            and match.get(lo + 1) == hi - 1:
        lo, hi = lo + 2, hi - 1
    return lo if hi == lo + 1 else None
