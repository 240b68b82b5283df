"""The source page as data: ``data/articles/NN-slug.txt`` → :class:`Article`.

Each file has ``key: value`` header lines (slug, headline, kicker, subheadline, byline), a blank line, then
the body exactly as printed, hard line breaks included. :attr:`Article.text` is the body with the page's
hard line breaks removed: every ``dkg:quote`` in the graph is a substring of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kg.namespaces import CANONICAL_BASE


@dataclass(frozen=True)
class Article:
    """One article of the page (or the page lead)."""

    slug: str
    headline: str
    kicker: str
    subheadline: str
    byline: str
    body: str
    path: Path

    @property
    def text(self) -> str:
        """The body with hard line breaks removed: the text quotes are checked against."""
        return join_lines(self.body)

    @property
    def iri(self) -> str:
        """The article's IRI under the canonical base."""
        return f"{CANONICAL_BASE}id/article/{self.slug}"

    @property
    def paragraphs(self) -> list[str]:
        """Paragraph texts for display; the page's blank lines are line spacing, not paragraph breaks."""
        return [line for line in self.body.split("\n") if line.strip()]


def join_lines(body: str) -> str:
    """Remove the page's hard line breaks.

    >>> join_lines("大连\\n\\n构建起")
    '大连构建起'
    """
    return "".join(body.split("\n"))


def parse_article(path: Path) -> Article:
    """Read one article file."""
    raw = path.read_text(encoding="utf-8")
    header, _, body = raw.partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines() if ": " in line)
    return Article(
        slug=fields["slug"],
        headline=fields.get("headline", ""),
        kicker=fields.get("kicker", ""),
        subheadline=fields.get("subheadline", ""),
        byline=fields.get("byline", ""),
        body=body.rstrip("\n"),
        path=path,
    )


def load_articles(directory: Path) -> dict[str, Article]:
    """All articles of ``directory`` (``Settings.articles_dir``) by slug, in page order."""
    return {a.slug: a for a in (parse_article(p) for p in sorted(directory.glob("*.txt")))}
