"""Synthetic open-government statistics in this graph's own shape, at any size, for benchmarks.

    python bench/generate.py 1000000 [--seed 0] > /tmp/x.nt

``generate(n_triples, *, seed=0) -> bytes`` (N-Triples, exactly ``n_triples`` lines) is the shared entry point.
Like data/triples.ttl: ``qb:Observation``s with ``dkg:indicator``, ``dkg:valueKind``, ``sdmx-dimension:refArea``,
``sdmx-dimension:refPeriod``, ``sdmx-measure:obsValue`` (xsd:decimal), ``sdmx-attribute:unitMeasure``,
``dkg:responsibleOrganization``, ``prov:wasQuotedFrom`` and ``rdfs:label`` @zh/@en; indicators (``dkg:Indicator``,
``skos:Concept`` with labels, topics and some ``skos:broader``), divisions (``dkg:AdministrativeDivision`` with
``skos:notation`` and ``dkg:partOfDivision``, the top ones inside the real 大连市 210200), organisations typed with
dkg subclasses, articles. Everything synthetic lives under a ``synthetic/`` segment (``id/synthetic/…``,
``def/synthetic/…``, ``data/synthetic``) so it never collides with a real entity; code lists (value kinds, units),
periods, topics and the city government are the real IRIs, so queries join across real and synthetic data.
"""

from __future__ import annotations

import argparse
import random
import sys
import typing as t

BASE = "https://w3id.org/dalian-kg/"
ID = BASE + "id/synthetic/"
DEF = BASE + "def/synthetic/"
DKG = BASE + "def/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
QB = "http://purl.org/linked-data/cube#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMX_MEASURE = "http://purl.org/linked-data/sdmx/2009/measure#"
SDMX_ATTR = "http://purl.org/linked-data/sdmx/2009/attribute#"
XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"

DATASET = f"<{BASE}data/synthetic>"
SCHEME = f"<{DEF}indicator>"
PERIODS = ["2021-2025", "2024", "2025", "2025-H1", "2021-2024", "2020"]
KINDS = ["baseline", "reached", "target", "cumulative", "count", "share", "increase", "amount"]
UNITS = ["cny", "percent", "person", "person-time", "count", "organisation", "per-mille", "year-of-age"]
TOPICS = ["health", "technology", "civil-affairs", "education", "employment", "social-security", "medical-insurance"]
#: (dkg class, zh word, en word) of synthetic organisations.
ORG_KINDS = [
    ("GovernmentAgency", "局", "Bureau"),
    ("Company", "公司", "Company"),
    ("University", "大学", "University"),
    ("ResearchInstitute", "研究院", "Institute"),
    ("School", "学校", "School"),
    ("Committee", "委员会", "Committee"),
]
DIVISION_ZH = ["区", "县", "街道", "镇"]

#: Observations and the entities they point to, per generated size (entities are a few % of the triples).
OBS_PER_INDICATOR = 25
OBS_PER_AREA = 200
OBS_PER_ORG = 500
OBS_PER_ARTICLE = 1000


def obs_iri(i: int) -> str:
    """IRI of observation ``i`` (a fixed sample for benchmark queries: ``obs_iri(42)``)."""
    return f"<{ID}obs/{i}>"


def indicator_iri(k: int) -> str:
    return f"<{DEF}indicator/{k}>"


def area_iri(k: int) -> str:
    return f"<{ID}division/{k}>"


def org_iri(k: int) -> str:
    return f"<{ID}org/{k}>"


def article_iri(k: int) -> str:
    return f"<{ID}article/{k}>"


def _lit(text: str, lang: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@' + lang


def _indicators(n: int, rng: random.Random) -> t.Iterator[str]:
    for k in range(n):
        s = indicator_iri(k)
        yield f"{s} {RDF_TYPE} <{DKG}Indicator> ."
        yield f"{s} {RDF_TYPE} <{SKOS}Concept> ."
        yield f"{s} <{SKOS}inScheme> {SCHEME} ."
        yield f"{s} {RDFS_LABEL} {_lit(f'合成指标{k}', 'zh')} ."
        yield f"{s} {RDFS_LABEL} {_lit(f'Synthetic indicator {k}', 'en')} ."
        yield f"{s} <{SKOS}prefLabel> {_lit(f'合成指标{k}', 'zh')} ."
        yield f"{s} <{DKG}topic> <{BASE}def/topic/{TOPICS[k % len(TOPICS)]}> ."
        if k >= 10 and rng.random() < 0.3:
            yield f"{s} <{SKOS}broader> {indicator_iri(rng.randrange(10))} ."


def _areas(n: int, rng: random.Random) -> t.Iterator[str]:
    for k in range(n):
        s = area_iri(k)
        parent = f"<{BASE}id/division/210200>" if k < 10 else area_iri(rng.randrange(k // 2, k) if k > 1 else 0)
        word = DIVISION_ZH[k % len(DIVISION_ZH)]
        yield f"{s} {RDF_TYPE} <{DKG}AdministrativeDivision> ."
        yield f'{s} <{SKOS}notation> "S{k:06d}" .'
        yield f"{s} <{DKG}partOfDivision> {parent} ."
        yield f"{s} {RDFS_LABEL} {_lit(f'合成{k}{word}', 'zh')} ."
        yield f"{s} {RDFS_LABEL} {_lit(f'Synthetic area {k}', 'en')} ."


def _orgs(n: int) -> t.Iterator[str]:
    for k in range(n):
        s = org_iri(k)
        cls, zh, en = ORG_KINDS[k % len(ORG_KINDS)]
        yield f"{s} {RDF_TYPE} <{DKG}{cls}> ."
        yield f"{s} {RDFS_LABEL} {_lit(f'合成{k}号{zh}', 'zh')} ."
        yield f"{s} {RDFS_LABEL} {_lit(f'Synthetic {en} {k}', 'en')} ."
        if cls == "GovernmentAgency":
            yield f"{s} <{ORG}unitOf> <{BASE}id/org/dalian-government> ."


def _articles(n: int) -> t.Iterator[str]:
    for k in range(n):
        s = article_iri(k)
        yield f"{s} {RDF_TYPE} <{SCHEMA}NewsArticle> ."
        yield f"{s} <{SCHEMA}headline> {_lit(f'合成报道{k}', 'zh')} ."


def _observations(sizes: dict[str, int], rng: random.Random) -> t.Iterator[str]:
    i = 0
    while True:
        s = obs_iri(i)
        k = i % sizes["indicators"]
        kind = KINDS[(i // sizes["indicators"]) % len(KINDS)]
        area = rng.randrange(sizes["areas"])
        period = PERIODS[rng.randrange(len(PERIODS))]
        value = f"{rng.randrange(1, 10_000_000) / 100:.2f}".rstrip("0").rstrip(".")
        yield f"{s} {RDF_TYPE} <{QB}Observation> ."
        yield f"{s} <{QB}dataSet> {DATASET} ."
        yield f"{s} <{DKG}indicator> {indicator_iri(k)} ."
        yield f"{s} <{DKG}valueKind> <{BASE}def/value-kind/{kind}> ."
        yield f"{s} <{SDMX_DIM}refArea> {area_iri(area)} ."
        yield f"{s} <{SDMX_DIM}refPeriod> <{BASE}id/period/{period}> ."
        yield f'{s} <{SDMX_MEASURE}obsValue> "{value}"^^<{XSD_DECIMAL}> .'
        yield f"{s} <{SDMX_ATTR}unitMeasure> <{BASE}def/unit/{UNITS[k % len(UNITS)]}> ."
        yield f"{s} <{DKG}responsibleOrganization> {org_iri(rng.randrange(sizes['orgs']))} ."
        yield f"{s} <{PROV}wasQuotedFrom> {article_iri(rng.randrange(sizes['articles']))} ."
        yield f"{s} {RDFS_LABEL} {_lit(f'合成指标{k}（{period}，合成{area}区）', 'zh')} ."
        yield f"{s} {RDFS_LABEL} {_lit(f'Observation {i} of indicator {k} ({kind}, area {area}, {period})', 'en')} ."
        i += 1


#: Triples per observation (keep in sync with :func:`_observations`).
PER_OBSERVATION = 12


def sizes_for(n_triples: int) -> dict[str, int]:
    """How many indicators, areas, organisations and articles a graph of ``n_triples`` has."""
    observations = max(1, n_triples // PER_OBSERVATION)
    return {
        "indicators": max(10, observations // OBS_PER_INDICATOR),
        "areas": max(10, observations // OBS_PER_AREA),
        "orgs": max(6, observations // OBS_PER_ORG),
        "articles": max(3, observations // OBS_PER_ARTICLE),
    }


def generate(n_triples: int, *, seed: int = 0) -> bytes:
    """Exactly ``n_triples`` N-Triples lines: the entities first, then observations; the same seed, the same bytes."""
    rng = random.Random(seed)
    sizes = sizes_for(n_triples)
    parts = [_indicators(sizes["indicators"], rng), _areas(sizes["areas"], rng), _orgs(sizes["orgs"]),
             _articles(sizes["articles"]), _observations(sizes, rng)]
    lines: list[str] = []
    for part in parts:
        for line in part:
            if len(lines) >= n_triples:
                break
            lines.append(line)
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n_triples", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    sys.stdout.buffer.write(generate(args.n_triples, seed=args.seed))


if __name__ == "__main__":
    main()
