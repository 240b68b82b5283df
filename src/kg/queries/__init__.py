"""The app's own SPARQL: one ``.rq`` file per query, read once at import and looked up by name.

The files name the project's own IRIs (``dkg:`` terms, named graphs) under the canonical base, like the data
files; :func:`query` rebases them to the served base once per base, as the store does with the data.
Request values never enter the text: they are bound as terms.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

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
