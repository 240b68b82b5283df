"""View-model of an article page: who wrote it, where and when it was published, and the full text in paragraphs
with every encoded fact's quote marked and linked back to the statement it supports (the statement's anchor on its
subject's page, or the observation's page); the sentence a reader came from is emphasised apart from the others."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.graph.articles import join_lines
from kg.queries import query
from kg.store import Row, Store
from kg.store.memo import memo
from kg.views.labels import Labels, Link, labels_for, make_link, quote_anchor

SCHEMA = "http://schema.org/"
#: Where the byline, the publisher, the page and the date are in the graph.
HEADER = {SCHEMA + "author": "authors", SCHEMA + "publisher": "publisher", SCHEMA + "isPartOf": "page"}
DATES = (SCHEMA + "datePublished", "http://purl.org/dc/terms/issued", SCHEMA + "dateCreated")


@dataclass
class Segment:
    """A run of article text; marked runs carry anchors, the fact they link to, and whether to emphasise them."""

    text: str
    href: str = ""
    anchors: list[str] = field(default_factory=list)
    title: str = ""
    current: bool = False

    @property
    def marked(self) -> bool:
        return bool(self.href)


@dataclass
class QuotedFact:
    """A fact quoted from the article, for the list under the text."""

    anchor: str
    quote: str
    target: Link
    kind: str
    found: bool
    interpreted: bool = False


@dataclass
class ArticleView:
    """The article text in paragraphs of segments, plus the list of facts encoded from it."""

    paragraphs: list[list[Segment]]
    facts: list[QuotedFact]
    authors: list[Link] = field(default_factory=list)
    publisher: Link | None = None
    page: Link | None = None
    date: str = ""
    kicker: str = ""


def paragraph_spans(body: str) -> list[tuple[int, int]]:
    """(start, end) offsets in the joined text of each printed paragraph.

    A printed line that ends a sentence and is clearly shorter than the column ends a paragraph.
    """
    lines = [line for line in body.split("\n") if line]
    width = max((display_width(line) for line in lines), default=0)
    spans, start, offset = [], 0, 0
    for line in lines:
        offset += len(line)
        if line.rstrip().endswith(("。", "！", "？", "”", "：")) and display_width(line) < width * 0.85:
            spans.append((start, offset))
            start = offset
    if start < offset:
        spans.append((start, offset))
    return spans


def display_width(text: str) -> int:
    """Columns a printed line takes (CJK and full-width characters count two)."""
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def article_bodies(store: Store) -> dict[str, str]:
    """Article IRI → its text as printed (``schema:articleBody``, hard line breaks kept), once per data version."""
    return memo(store, "article-bodies", lambda s: {r["article"].value: r["body"].value
                                                    for r in s.select(query("article_bodies", s.base))})


def article_texts(store: Store) -> dict[str, str]:
    """Article IRI → its text with the page's hard line breaks removed: what every quote is a substring of."""
    return {iri: join_lines(body) for iri, body in article_bodies(store).items()}


def build_article_view(store: Store, article_iri: str, lang: str, highlight: str, *, rows: list[Row] | None = None,
                       labels: Labels | None = None, out_rows: list[Row] | None = None) -> ArticleView | None:
    """Mark every quote of the article in its text; ``highlight`` (anchor or quote) is emphasised.

    ``rows`` are the page query's "quote" rows and ``out_rows`` its "out" rows (the byline and publisher); without
    them the quotes are read with one query. None when ``article_iri`` has no text in the store (not an article).
    """
    body = article_bodies(store).get(article_iri)
    if body is None:
        return None
    text = join_lines(body)
    base = store.base
    labels = labels if labels is not None else labels_for(store)
    if rows is None:
        rows = [{**row, "x": row["fact"], "fact": row["kind"]} for row in
                store.select(query("article_quotes", base), {"article": ox.NamedNode(article_iri)})]
    spans: list[tuple[int, int, QuotedFact]] = []
    facts: list[QuotedFact] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        quote_text, kind = row["quote"].value, row["fact"].value
        if kind == "evidence":
            key = " ".join(row[k].value for k in ("subject", "predicate", "object"))
            target = link_to(row["subject"].value, labels, lang, base, "#" + quote_anchor(key))
        else:
            key = row["x"].value
            target = link_to(key, labels, lang, base, "")
        if (key, quote_text) in seen:
            continue
        seen.add((key, quote_text))
        start = text.find(quote_text)
        fact = QuotedFact(quote_anchor(key), quote_text, target, kind, start >= 0, "interp" in row)
        if start < 0 and fact.kind == "entity":
            continue  # the entity's one quote comes from another article that mentions it
        facts.append(fact)
        if start >= 0:
            spans.append((start, start + len(quote_text), fact))
    facts.sort(key=lambda f: (text.find(f.quote), f.anchor))
    current = {f.anchor for f in facts if highlight and highlight in (f.anchor, f.quote)}
    paragraphs = [segment_text(text, p_start, p_end, spans, current) for p_start, p_end in paragraph_spans(body)]
    view = ArticleView(paragraphs, facts)
    for row in out_rows or []:
        p, o = row["p"].value, row["o"]
        if p in HEADER and isinstance(o, ox.NamedNode):
            link = make_link(o.value, labels.get(o.value, {}), lang, base)
            if HEADER[p] == "authors":
                view.authors.append(link)
            else:
                setattr(view, HEADER[p], link)
        elif p in DATES and not view.date:
            view.date = o.value
        elif p == SCHEMA + "alternativeHeadline":
            view.kicker = o.value
    return view


def link_to(iri: str, labels: Labels, lang: str, base: str, fragment: str) -> Link:
    """A link to an entity's page, at the statement ``fragment`` names."""
    link = make_link(iri, labels.get(iri, {}), lang, base)
    return Link(link.href + fragment, link.label, link.iri, link.external) if link.href else link


def segment_text(text: str, start: int, end: int, spans: list[tuple[int, int, QuotedFact]],
                 current: set[str]) -> list[Segment]:
    """Cut text[start:end] at every quote boundary; each run links to the shortest quote covering it."""
    cuts = sorted({start, end} | {p for s, e, _ in spans for p in (s, e) if start < p < end})
    segments: list[Segment] = []
    placed: set[str] = set()
    for left, right in zip(cuts, cuts[1:], strict=False):
        covering = sorted((e - s, f.anchor, f) for s, e, f in spans if s <= left and right <= e)
        if not covering:
            segments.append(Segment(text[left:right]))
            continue
        facts = [f for _, _, f in covering]
        anchors = [f.anchor for f in facts if f.anchor not in placed]
        placed.update(anchors)
        segments.append(Segment(
            text[left:right], href=facts[0].target.href, anchors=anchors,
            title=" · ".join(dict.fromkeys(f.target.label.text for f in facts)),
            current=any(f.anchor in current for f in facts),
        ))
    return segments
