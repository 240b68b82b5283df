"""Everything published for one base IRI: the store's load file, the dumps, the tidy CSV and the catalog.

The OWL 2 RL closure (kg.graph.build) is computed once under the canonical base. Publishing moves it to the
served base and derives, in a directory keyed by the inputs and the base:

- ``dataset.nq`` — every named graph plus ``data/catalog`` (VoID + DCAT): what a store loads;
- dumps of the asserted graphs and of everything with inferences in Turtle, N-Triples, N-Quads (named
  graphs kept) and JSON-LD (compacted with the published ``context.jsonld``);
- ``observations.csv`` with CSVW metadata (``observations.csv-metadata.json``), and one CSV per indicator
  (``indicator-<key>.csv``, described together by ``csv-metadata.json``);
- ``void.ttl`` — the catalog graph alone.

Counts in the catalog are computed from the data, and byte sizes from the files just written, so the DCAT
description cannot drift from what is served.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.config import Settings
from kg.formats import compact_jsonld, jsonld_context
from kg.graph.build import build_dataset, input_digest
from kg.namespaces import GRAPH_INFERRED, prefixes_for, rebase, rebase_bytes
from kg.publish.catalog import build_catalog
from kg.publish.tables import INDICATOR_METADATA, INDICATOR_PREFIX, write_tables

#: Bump when what is published changes (files, catalog terms), so an old publication is not reused.
PUBLISH_VERSION = "3"
#: Dump files: name → (media type, pyoxigraph format or "jsonld", with inferences?).
DUMPS: dict[str, tuple[str, ox.RdfFormat | str, bool]] = {
    "dalian-kg.ttl": ("text/turtle", ox.RdfFormat.TURTLE, False),
    "dalian-kg.nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, False),
    "dalian-kg.nq": ("application/n-quads", ox.RdfFormat.N_QUADS, False),
    "dalian-kg.jsonld": ("application/ld+json", "jsonld", False),
    "dalian-kg-inferred.ttl": ("text/turtle", ox.RdfFormat.TURTLE, True),
    "dalian-kg-inferred.nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES, True),
    "dalian-kg-inferred.nq": ("application/n-quads", ox.RdfFormat.N_QUADS, True),
    "dalian-kg-inferred.jsonld": ("application/ld+json", "jsonld", True),
}
#: Other published files and their media types.
OTHER_FILES = {
    "observations.csv": "text/csv; charset=utf-8",
    "observations.csv-metadata.json": "application/csvm+json",
    INDICATOR_METADATA: "application/csvm+json",
    "context.jsonld": "application/ld+json",
    "void.ttl": "text/turtle",
    "dataset.nq": "application/n-quads",
}


@dataclass(frozen=True)
class Publication:
    """The published files for one base: ``directory / name`` for each name of :data:`DUMPS` and :data:`OTHER_FILES`."""

    directory: Path
    base: str

    def path(self, name: str) -> Path:
        """The file for a published name; KeyError for names that are not published."""
        if name not in DUMPS and name not in OTHER_FILES and name not in self.indicator_files():
            raise KeyError(name)
        return self.directory / name

    def indicator_files(self) -> list[str]:
        """The per-indicator CSV files, by name."""
        return sorted(p.name for p in self.directory.glob(f"{INDICATOR_PREFIX}*.csv"))

    def names(self) -> list[str]:
        """Every published file: the dumps, the other files, then the per-indicator CSVs."""
        return [*DUMPS, *OTHER_FILES, *self.indicator_files()]

    @staticmethod
    def media_type(name: str) -> str:
        """The media type a published file is served with."""
        if name in DUMPS:
            return DUMPS[name][0]
        return OTHER_FILES.get(name) or OTHER_FILES["observations.csv"]


def publish(settings: Settings, *, force: bool = False) -> Publication:
    """Return the publication under the canonical base, writing it if the inputs or the base changed."""
    base = settings.base
    catalog = settings.catalog_file.read_bytes()
    key = hashlib.sha256((input_digest(settings) + "\0" + base + "\0" + PUBLISH_VERSION).encode() + catalog)
    key = key.hexdigest()[:16]
    directory = settings.publish_dir / key
    if directory.exists() and not force:
        return Publication(directory, base)
    tmp = directory.with_name(f"{directory.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    write_publication(settings, tmp)
    shutil.rmtree(directory, ignore_errors=True)
    tmp.rename(directory)
    return Publication(directory, base)


def write_publication(settings: Settings, directory: Path) -> None:
    """Write every published file for ``settings.base`` into ``directory``."""
    base = settings.base
    store = ox.Store()
    store.bulk_load(rebase_bytes(build_dataset(settings).read_bytes(), base), ox.RdfFormat.N_QUADS)
    prefixes = prefixes_for(base)
    context = {"@context": jsonld_context(prefixes)}
    (directory / "context.jsonld").write_text(json.dumps(context, ensure_ascii=False, indent=2), encoding="utf-8")
    inferred = ox.NamedNode(rebase(GRAPH_INFERRED, base))
    for name, (_, fmt, with_inferences) in DUMPS.items():
        everything = store.quads_for_pattern(None, None, None, None)
        quads = [q for q in everything if with_inferences or q.graph_name != inferred]
        (directory / name).write_bytes(_serialise(quads, fmt, prefixes))
    indicator_files = write_tables(store, base, directory)
    names = (*DUMPS, "observations.csv", *indicator_files)
    sizes = {name: (directory / name).stat().st_size for name in names}
    checksums = {name: hashlib.sha256((directory / name).read_bytes()).hexdigest() for name in names}
    quads = list(store.quads_for_pattern(None, None, None, None))
    asserted_quads = [q for q in quads if q.graph_name != inferred]
    triples = {}  # what each dump holds: quads for N-Quads (graphs kept), distinct triples for the others
    for name, (_, fmt, with_inferences) in DUMPS.items():
        chosen = quads if with_inferences else asserted_quads
        triples[name] = len(chosen) if fmt == ox.RdfFormat.N_QUADS else len({q.triple for q in chosen})
    media_types = {n: Publication.media_type(n) for n in sizes}
    catalog = build_catalog(store, settings.catalog_file, base=base, sizes=sizes, media_types=media_types,
                            checksums=checksums, triples=triples, titles=indicator_files)
    (directory / "void.ttl").write_bytes(
        ox.serialize([q.triple for q in catalog], format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    )
    store.extend(catalog)
    store.dump(str(directory / "dataset.nq"), format=ox.RdfFormat.N_QUADS)


def _serialise(quads: list[ox.Quad], fmt: ox.RdfFormat | str, prefixes: dict[str, str]) -> bytes:
    if fmt == ox.RdfFormat.N_QUADS:
        return ox.serialize(quads, format=fmt)
    triples = {q.triple for q in quads}
    if fmt == "jsonld":
        return compact_jsonld(triples, prefixes)
    ordered = sorted(triples, key=str)
    if fmt == ox.RdfFormat.TURTLE:
        return ox.serialize(ordered, format=fmt, prefixes=prefixes)
    return ox.serialize(ordered, format=fmt)


def served_files(settings: Settings) -> list[Path]:
    """What an embedded store serves: the user's ``--data`` files, else the published dataset (built if needed)."""
    if settings.data_files:
        return [Path(name) for name in settings.data_files]
    return [publish(settings).path("dataset.nq")]
