"""The app's own SPARQL: one ``.rq`` file per query, read once at import and looked up by name.

The files name the project's own IRIs (``dkg:`` terms, named graphs) under the canonical base, like the data
files; :func:`query` rebases them to the served base once per base, as the store does with the data.
Request values never enter the text: they are bound as terms.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pyoxigraph as ox

from kg.namespaces import CANONICAL_BASE

#: Query name (file stem) → query text under the canonical base.
QUERIES: dict[str, str] = {
    entry.name.removesuffix(".rq"): entry.read_text(encoding="utf-8")
    for entry in resources.files(__name__).iterdir()
    if entry.name.endswith(".rq")
}


@lru_cache(maxsize=256)
def query(name: str, base: str = CANONICAL_BASE) -> str:
    """The text of ``src/kg/queries/<name>.rq`` with the canonical base replaced by ``base``.

    Raises KeyError if there is no such file.
    """
    return QUERIES[name].replace("<" + CANONICAL_BASE, "<" + base)


def with_values(text: str, variable: str, iris: list[ox.NamedNode]) -> str:
    """Fill the query's empty ``VALUES ?variable { }`` block with IRIs the store itself returned.

    pyoxigraph serialises a NamedNode as ``<…>`` and refuses IRIs with ``<``, ``>`` or spaces, so the block
    cannot be escaped from; request text never comes here (it is bound as terms).

    >>> with_values("SELECT * { VALUES ?o { } ?o ?p ?v }", "o", [ox.NamedNode("http://x/1")])
    'SELECT * { VALUES ?o { <http://x/1> } ?o ?p ?v }'
    """
    empty = f"VALUES ?{variable} {{ }}"
    if empty not in text:
        raise ValueError(f"the query has no empty {empty} block")
    terms = " ".join(str(ox.NamedNode(iri.value)) for iri in iris)
    return text.replace(empty, f"VALUES ?{variable} {{ {terms} }}", 1)


#: How an app query whose WHERE clause is a UNION of independent parts writes the top-level UNION (alone on a line,
#: indented by two spaces), so that a store may run the parts at once (kg.store's ``select_union``).
PART_SEPARATOR = "\n  UNION\n"


def union_parts(text: str) -> list[str]:
    """The parts of such a query, each a query of its own with the same prefixes, projecting only the variables it
    names (the others would be unbound in all its rows), its comment lines left out: a store that compiles each
    query (Virtuoso) spends less on a shorter one, 0.6-1 ms a part at 1 M quads.

    >>> union_parts("SELECT ?a ?b\\nWHERE {\\n  { ?a ?p ?o }\\n  UNION\\n  # b\\n  { ?b ?p ?o }\\n}\\n")
    ['SELECT ?a\\nWHERE {\\n  { ?a ?p ?o }\\n}\\n', 'SELECT ?b\\nWHERE {\\n  { ?b ?p ?o }\\n}\\n']
    """
    head, body, tail = _split(text)
    prologue, _, projection = head.rpartition("SELECT ")
    names = projection.split()
    parts = []
    for part in body:
        named = set(re.findall(r"[?$](\w+)", part))
        projected = " ".join(name for name in names if name[1:] in named)
        parts.append(f"{prologue}SELECT {projected}\nWHERE {{\n{part.rstrip()}\n}}{tail}")
    return parts


def only_parts(text: str, names: set[str]) -> str:
    """Such a query with only the parts tagged ``BIND("name" AS ?part)`` for a name in ``names`` (at least one
    must be), its comment lines left out.

    >>> only_parts('SELECT ?x\\nWHERE {\\n  { BIND("a" AS ?part) }\\n  UNION\\n  { BIND("b" AS ?part) }\\n}\\n', {"b"})
    'SELECT ?x\\nWHERE {\\n  { BIND("b" AS ?part) }\\n}\\n'
    """
    head, body, tail = _split(text)
    kept = [part for part in body if set(re.findall(r'BIND\("(\w+)" AS \?part\)', part)) & names]
    if not kept:
        raise ValueError(f"the query has no part named {sorted(names)}")
    return f"{head}WHERE {{\n{PART_SEPARATOR.join(part.rstrip() for part in kept)}\n}}{tail}"


def part_per_term(text: str, name: str, variable: str, iris: list[ox.NamedNode]) -> str:
    """Such a query with the part tagged ``BIND("name" AS ?part)`` written once per IRI, its ``VALUES ?variable { }``
    blocks filled with that IRI, so that a LIMIT inside the part holds for each IRI apart; without IRIs the part is
    left out (another part must remain). Comment lines are left out.

    >>> print(part_per_term('SELECT ?x\\nWHERE {\\n  { BIND("a" AS ?part) }\\n  UNION\\n  { VALUES ?p { } '
    ...                     'BIND("b" AS ?part) }\\n}\\n', "b", "p", [ox.NamedNode("http://x/1"), ox.NamedNode("http://x/2")]))
    SELECT ?x
    WHERE {
      { BIND("a" AS ?part) }
      UNION
      { VALUES ?p { <http://x/1> } BIND("b" AS ?part) }
      UNION
      { VALUES ?p { <http://x/2> } BIND("b" AS ?part) }
    }
    <BLANKLINE>
    """
    head, body, tail = _split(text)
    tag, empty = f'BIND("{name}" AS ?part)', f"VALUES ?{variable} {{ }}"
    parts = []
    for part in body:
        if tag not in part:
            parts.append(part.rstrip())
            continue
        for iri in iris:
            copy = part
            while empty in copy:
                copy = with_values(copy, variable, [iri])
            parts.append(copy.rstrip())
    return f"{head}WHERE {{\n{PART_SEPARATOR.join(parts)}\n}}{tail}"


def _split(text: str) -> tuple[str, list[str], str]:
    """Such a query's text before ``WHERE {``, its top-level parts and what follows the WHERE clause, comment lines
    left out."""
    head, where = _uncommented(text).split("WHERE {\n", 1)
    body, _, tail = where.rpartition("}")
    return head, body.split(PART_SEPARATOR), tail


def _uncommented(text: str) -> str:
    """``text`` without its comment lines (a line whose first character other than a space is ``#``)."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#"))
