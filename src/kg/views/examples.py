"""The example queries of ``queries/`` as users see them: titles in both languages, the text under the served base."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from kg.i18n import EXAMPLE_GROUPS
from kg.namespaces import CANONICAL_BASE

log = logging.getLogger(__name__)

#: Where the query page lives: example links open it with the query (it runs an incoming ``?query=``).
QUERY_PAGE = "/sparql"

_HEADER = re.compile(r"^#\s*(?P<key>[A-Za-z][\w-]*)(?:@(?P<lang>[A-Za-z-]+))?\s*[:：]\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True)
class ExampleQuery:
    """One queries/*.rq file, with the titles from its header comments."""

    slug: str
    title_zh: str
    title_en: str
    description: str
    query: str
    #: ``/sparql?query=…``: opens the query page with it and runs it.
    href: str = ""
    #: The kind of question it answers (``# group:`` header), for grouping.
    group: str = ""
    #: The remote endpoint a federated query calls (``# federated:`` header): the operator must allow it.
    federated: str = ""

    def title(self, lang: str) -> str:
        """The title in ``lang`` (zh or en)."""
        return self.title_zh if lang == "zh" else self.title_en


def parse_example(path: Path) -> ExampleQuery:
    """Read one .rq file; header comments (``# title: …``, ``# title@zh: …``, ``# description: …``) are optional.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "02-agencies.rq"
    >>> _ = p.write_text("# title@zh: 机构\\n# title@en: Agencies\\nSELECT * WHERE { ?s ?p ?o }\\n", encoding="utf-8")
    >>> e = parse_example(p)
    >>> (e.slug, e.title_zh, e.title_en)
    ('02-agencies', '机构', 'Agencies')
    """
    text = path.read_text(encoding="utf-8")
    meta: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match:
            key = match["key"].lower() + ("@" + match["lang"].lower() if match["lang"] else "")
            meta.setdefault(key, match["value"])
    plain = meta.get("title", "")
    title_zh = meta.get("title@zh") or plain or path.stem
    title_en = meta.get("title@en") or plain or path.stem
    description = meta.get("description") or meta.get("description@en") or meta.get("description@zh") or ""
    return ExampleQuery(path.stem, title_zh, title_en, description, text, group=meta.get("group", ""),
                        federated=meta.get("federated", ""))


def load_examples(folder: Path, base: str = CANONICAL_BASE) -> list[ExampleQuery]:
    """Every ``*.rq`` of ``folder`` by file name, moved from the canonical base to ``base``.

    The examples are written against the canonical base (as the data files are); a server publishing under another
    base must offer them with its own IRIs, or they would find nothing. Unreadable files are skipped with a warning.
    Read once while the files stay as they are (their names, sizes and times are the cache key).
    """
    try:
        stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.glob("*.rq")))
    except OSError:
        stamp = ()
    return list(_load_examples(folder, base, stamp))


@lru_cache(maxsize=16)
def _load_examples(folder: Path, base: str, _stamp: tuple) -> tuple[ExampleQuery, ...]:
    examples = []
    for path in sorted(folder.glob("*.rq")):
        try:
            example = parse_example(path)
        except (OSError, UnicodeDecodeError) as err:
            log.warning("skipping example query %s: %s", path, err)
            continue
        text = example.query.replace(CANONICAL_BASE, base)
        examples.append(replace(example, query=text, href=QUERY_PAGE + "?" + urlencode({"query": text})))
    return tuple(examples)


@dataclass
class ExampleGroup:
    """The examples that answer one kind of question, titled in the reader's language."""

    key: str
    title: str
    examples: list[ExampleQuery] = field(default_factory=list)


def group_examples(examples: list[ExampleQuery], lang: str) -> list[ExampleGroup]:
    """The examples by their ``# group:``, in the order of kg.i18n.EXAMPLE_GROUPS (unknown groups after, by name).

    >>> e = ExampleQuery("x", "甲", "X", "", "ASK {}", group="source-sentence")
    >>> [(g.key, g.title, len(g.examples)) for g in group_examples([e], "en")]
    [('source-sentence', 'Sources: the sentence a figure or relation comes from', 1)]
    """
    groups: dict[str, ExampleGroup] = {}
    for example in examples:
        key = example.group or "other"
        title = EXAMPLE_GROUPS.get(key, {}).get(lang, key)
        groups.setdefault(key, ExampleGroup(key, title)).examples.append(example)
    order = {key: index for index, key in enumerate(EXAMPLE_GROUPS)}
    return sorted(groups.values(), key=lambda g: (order.get(g.key, len(order)), g.key))
