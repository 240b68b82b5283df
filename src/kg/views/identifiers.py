"""External identifiers of an entity, as Wikidata lists them near the top: Wikidata, ROR, GeoNames, World Bank WDI,
the codes of the graph's code lists (a division's statistical division code, a company's stock code: named by their
list, "Shanghai Stock Exchange stock code 600718") and other codes, each with how the link is meant (same thing,
close match, see also)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kg.store import Row
from kg.views.labels import Labels, choose_label, short_name

OWL, SKOS, RDFS = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2004/02/skos/core#", \
    "http://www.w3.org/2000/01/rdf-schema#"
#: Link properties to other datasets, and the i18n key of what each says about the identity.
MATCHES = {OWL + "sameAs": "same_as", SKOS + "exactMatch": "exact_match", SKOS + "closeMatch": "close_match",
           RDFS + "seeAlso": "see_also"}
#: IRI prefix → (scheme name, how the identifier is printed: the rest of the IRI).
SCHEMES = {
    "http://www.wikidata.org/entity/": "Wikidata",
    "https://www.wikidata.org/wiki/": "Wikidata",
    "https://ror.org/": "ROR",
    "https://sws.geonames.org/": "GeoNames",
    "http://sws.geonames.org/": "GeoNames",
    "https://data.worldbank.org/indicator/": "World Bank",
}
#: Literal-valued identifier properties (relative to the base's def/ontology# for dkg terms).
CODE_PROPERTIES = ("http://www.w3.org/ns/org#identifier", SKOS + "notation")
#: Properties to a code of one of the graph's code lists (an adms:Identifier at def/{list}/{code}, docs/design.md
#: "Codes and identifiers"): dkg terms relative to def/ontology#, the others in full.
IDENTIFIER_LINKS = ("http://www.w3.org/ns/adms#identifier", "divisionCode")
DKG_CODES = {"gbt2260Code": "GB/T 2260"}
DATATYPE_SCHEMES = {"wdiCode": "World Bank WDI", "GBT2260": "GB/T 2260"}
#: Schemes named by a code list: they name a code better than the site its link goes to.
SPECIFIC = frozenset({*DATATYPE_SCHEMES.values(), *DKG_CODES.values()})


@dataclass
class Identifier:
    """One identifier: the scheme's name, the code, where it resolves (if anywhere), and the kind of match."""

    scheme: str
    code: str
    href: str = ""
    match: str = ""  # an i18n key: same_as, close_match, see_also …
    note: str = ""  # e.g. the code list's version
    rank: int = 0  # how well the scheme is named: 3 a code list of the graph, 2 a typed literal's code list, 1 a
    # link's site, 0 only the property's label


def identifiers(rows: list[Row], base: str, labels: Labels, lang: str) -> tuple[list[Identifier], set[tuple[str, str]]]:
    """The identifiers among an entity's outgoing rows, and the (property, value) keys they were read from."""
    dkg = base + "def/ontology#"
    found: list[Identifier] = []
    used: set[tuple[str, str]] = set()
    version = next((r["o"].value for r in rows if r["p"].value == dkg + "codeListVersion"), "")
    for row in rows:
        p, o = row["p"].value, row["o"]
        key = (p, o.value if isinstance(o, ox.NamedNode) else str(o))
        if p == dkg + "codeListVersion":
            used.add(key)
        elif _is_identifier_link(p, dkg) and isinstance(o, ox.NamedNode) and code_in_list(o.value, base):
            list_iri, code = code_in_list(o.value, base)
            found.append(Identifier(choose_label(labels.get(list_iri, {}), lang, short_name(list_iri, base)).text,
                                    code, rank=3))
            used.add(key)
        elif p in MATCHES and isinstance(o, ox.NamedNode):
            scheme = next(((prefix, name) for prefix, name in SCHEMES.items() if o.value.startswith(prefix)), None)
            if scheme is not None:
                found.append(Identifier(scheme[1], o.value[len(scheme[0]):].strip("/"), o.value, MATCHES[p], rank=1))
                used.add(key)
        elif isinstance(o, ox.Literal) and (p in CODE_PROPERTIES or p[len(dkg):] in DKG_CODES and p.startswith(dkg)):
            datatype = short_name(o.datatype.value, base).split(":")[-1] if o.datatype else ""
            scheme = DKG_CODES.get(p[len(dkg):]) or DATATYPE_SCHEMES.get(datatype) or \
                choose_label(labels.get(p, {}), lang, short_name(p, base)).text
            found.append(Identifier(scheme, o.value, note=version if scheme == "GB/T 2260" else "",
                                    rank=2 if scheme in SPECIFIC else 0))
            used.add(key)
    # one identifier per code: a code given both as a plain literal, a typed one, a code of a code list or a link is
    # one identifier, named by the best-named scheme (the graph's code list, then a typed literal's, then the
    # property's label) and resolving where the link does, whatever the rows' order
    unique: dict[str, Identifier] = {}
    for ident in found:
        kept = unique.get(ident.code)
        if kept is None:
            unique[ident.code] = ident
            continue
        linked, other = (kept, ident) if kept.href else (ident, kept)
        named = max((kept, ident), key=lambda i: i.rank)
        unique[ident.code] = Identifier(named.scheme, ident.code, linked.href, linked.match or other.match,
                                        other.note or linked.note, named.rank)
    order = ("Wikidata", "GB/T 2260", "ROR", "GeoNames", "World Bank WDI", "World Bank")
    return sorted(unique.values(), key=lambda i: (order.index(i.scheme) if i.scheme in order else
                                                  1 if i.rank == 3 else len(order), i.scheme, i.code)), used


def _is_identifier_link(p: str, dkg: str) -> bool:
    return any(p == (name if ":" in name else dkg + name) for name in IDENTIFIER_LINKS)


def code_in_list(iri: str, base: str) -> tuple[str, str] | None:
    """(the code list, the code) of a code of one of the graph's code lists, ``def/{list}/{code}`` under ``base``.

    >>> code_in_list("http://h/def/sse-stock-code/600718", "http://h/")
    ('http://h/def/sse-stock-code', '600718')
    >>> code_in_list("http://h/id/org/neusoft", "http://h/") is None
    True
    """
    if not iri.startswith(base + "def/"):
        return None
    list_path, _, code = iri[len(base) + len("def/"):].rpartition("/")
    return (base + "def/" + list_path, code) if list_path and code and "/" not in list_path else None
