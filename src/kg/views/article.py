"""View-model of an article page: the full text in paragraphs, every encoded fact's quote highlighted and linked."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.graph.articles import join_lines
from kg.queries import query
from kg.store import Store
from kg.store.memo import memo
from kg.views.labels import Link, labels_for, make_link, quote_anchor


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


@dataclass
class ArticleView:
    """The article text in paragraphs of segments, plus the list of facts encoded from it."""

    paragraphs: list[list[Segment]]
    facts: list[QuotedFact]


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


def build_article_view(store: Store, article_iri: str, lang: str, highlight: str) -> ArticleView | None:
    """Mark every quote of the article in its text (one query); ``highlight`` (anchor or quote) is emphasised.

    None when ``article_iri`` has no text in the store (it is not an article).
    """
    body = article_bodies(store).get(article_iri)
    if body is None:
        return None
    text = join_lines(body)
    base = store.base
    labels = labels_for(store)
    rows = store.select(query("article_quotes", base), {"article": ox.NamedNode(article_iri)})
    spans: list[tuple[int, int, QuotedFact]] = []
    facts: list[QuotedFact] = []
    for row in rows:
        quote_text = row["quote"].value
        if row["kind"].value == "evidence":
            key = " ".join(row[k].value for k in ("subject", "predicate", "object"))
        else:
            key = row["fact"].value
        target = make_link(row["target"].value, labels.get(row["target"].value, {}), lang, base)
        start = text.find(quote_text)
        fact = QuotedFact(quote_anchor(key), quote_text, target, row["kind"].value, start >= 0)
        if start < 0 and fact.kind == "entity":
            continue  # the entity's one quote comes from another article that mentions it
        facts.append(fact)
        if start >= 0:
            spans.append((start, start + len(quote_text), fact))
    facts.sort(key=lambda f: (text.find(f.quote), f.anchor))
    current = {f.anchor for f in facts if highlight and highlight in (f.anchor, f.quote)}
    paragraphs = [segment_text(text, p_start, p_end, spans, current) for p_start, p_end in paragraph_spans(body)]
    return ArticleView(paragraphs, facts)


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
