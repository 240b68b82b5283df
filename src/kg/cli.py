"""The ``kg`` command line. Each command parses options and calls one function elsewhere."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.allocator import CHOICES as ALLOCATORS
from kg.config import Settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """dalian-kg: build, check, query and serve the Dalian livelihood knowledge graph."""


@main.command()
def build() -> None:
    """Load ontology + data, compute the OWL 2 RL closure and cache it; print the cached file."""
    from kg.graph.build import build_dataset

    click.echo(build_dataset(Settings.from_env()))


@main.command()
def validate() -> None:
    """Run every data check (SHACL, quotes, normaliser, OWL 2 RL consistency). Exit 1 on a problem."""
    from kg.checks.validate import validate_all

    problems = validate_all(Settings.from_env())
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s)", err=True)
        sys.exit(1)
    click.echo("ok: the graph conforms (SHACL, quotes, values, OWL 2 RL consistency)")


def open_local_store(settings: Settings):
    """The embedded store of the built-in graph (or ``KG_DATA_FILES``) for a command run on this machine."""
    from kg.publish import served_files
    from kg.store import open_store

    local = settings.but(store_url="")
    return open_store(local, served_files(local))


@main.command()
def stats() -> None:
    """Triples asserted / inferred, entities per class, observations per agency."""
    from kg.views.stats import format_stats

    store = open_local_store(Settings.from_env())
    try:
        click.echo(format_stats(store))
    finally:
        store.close()


@main.command()
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--format", "fmt", default="table", show_default=True,
              help="table, json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, nquads, jsonld, rdfxml (graphs)")
def query(file, fmt: str) -> None:
    """Run a SPARQL query FILE (or - for stdin) against the local reasoned graph."""
    from kg.errors import KgError
    from kg.sparql.local import run_local_query

    settings = Settings.from_env()
    store = open_local_store(settings)
    try:
        click.echo(run_local_query(store, settings, file.read(), fmt), nl=False)
    except KgError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


@main.command()
@click.option("--host", default=None, help="Interface to listen on [KG_HOST, 127.0.0.1]")
@click.option("--port", type=int, default=None, help="Port [KG_PORT, 5000]")
@click.option("--workers", type=int, default=None, help="gunicorn worker processes [KG_WORKERS, 2]")
@click.option("--threads", type=int, default=None, help="Threads per worker [KG_THREADS, 16]")
@click.option("--public-url", default=None,
              help="This server's public address, for the URLs it writes about itself [KG_PUBLIC_URL, "
                   "http://HOST:PORT/]; the data's IRIs keep the canonical base (KG_CANONICAL_BASE)")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Serve these RDF files instead of the built-in graph (repeatable)")
@click.option("--store", "store_url", default=None, help="Serve from this SPARQL 1.1 endpoint [KG_STORE_URL]")
@click.option("--store-mode", type=click.Choice(["auto", "memory", "disk"]), default=None,
              help="Embedded store: bulk-loaded in memory, a cached on-disk store opened read-only, or auto (memory "
                   "up to KG_MEMORY_MODE_MAX_MB of data, 64) [KG_STORE_MODE, auto]")
@click.option("--timeout", "query_timeout", type=float, default=None, help="Per-query time limit, s [10]")
@click.option("--max-rows", type=int, default=None, help="Most result rows per query [10000]")
@click.option("--max-query-length", type=int, default=None, help="Longest query text, bytes [100000]")
@click.option("--max-bytes", type=int, default=None, help="Most bytes of one answer, cut at a row [16777216]")
@click.option("--query-slots", type=int, default=None,
              help="User queries running at once on the server [KG_QUERY_SLOTS, 4]")
@click.option("--query-slots-per-client", type=int, default=None,
              help="... of which one client address may hold [KG_QUERY_SLOTS_PER_CLIENT, 2]")
@click.option("--allocator", type=click.Choice(ALLOCATORS), default=None,
              help="malloc to run under: auto is mimalloc or jemalloc when installed [KG_ALLOCATOR, auto]")
@click.option("--allow-service", "service_allowlist", multiple=True,
              help="Remote endpoint a SERVICE clause may call (repeatable; default none)")
def serve(**options) -> None:
    """Serve the SPARQL endpoint and entity pages under gunicorn (under the allocator of kg.allocator)."""
    from kg.allocator import run_under

    options = {k: (tuple(v) if isinstance(v, tuple) and v else (None if isinstance(v, tuple) else v))
               for k, v in options.items()}
    settings = Settings.from_env(**options)
    try:
        allocator = run_under(settings.allocator)  # may execute this command again, before anything is loaded
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--allocator / KG_ALLOCATOR") from None
    from kg.web.server import serve as run_server

    click.echo(f"kg serve: malloc is {allocator}", err=True)
    run_server(settings, allocator=allocator)


@main.command()
@click.option("--into", "url", required=True, help="SPARQL endpoint URL of the target store (query side)")
@click.option("--update-url", default=None, help="Private write endpoint (SPARQL Update / Graph Store) [derived]")
@click.option("--data", "data_files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Load these TriG / N-Quads files instead of the published graph (repeatable)")
def load(url: str, update_url: str | None, data_files: tuple[Path, ...]) -> None:
    """Put the reasoned graph (asserted + inferred, in their named graphs) into an external store."""
    import time

    from tqdm import tqdm

    from kg.publish import publish
    from kg.store.bulkload import load_into

    settings = Settings.from_env()
    files = list(data_files) or [publish(settings).path("dataset.nq")]
    started = time.monotonic()
    with tqdm(unit="triple", desc="load", disable=sum(f.stat().st_size for f in files) < 50_000_000) as bar:
        try:
            counts = load_into(settings, url, files, update_url=update_url, progress=bar.update)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(f"loaded {len(counts)} graphs, {sum(counts.values())} triples into {url} "
               f"in {time.monotonic() - started:.1f} s")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=Path("dist/dumps"))
def export(directory: Path) -> None:
    """Write the dumps (Turtle, N-Triples, N-Quads, JSON-LD; asserted and with inferences) and the CSV, under the
    canonical base (KG_CANONICAL_BASE): the same files /downloads/ serves."""
    from kg.publish.export import export_all

    for path in export_all(Settings.from_env(), directory):
        click.echo(path)


if __name__ == "__main__":
    main()
