"""Third-party RDF clients for the client tests: Apache Jena (Debian's ``libapache-jena-java``) and Comunica (npm).

Each is skipped with a reason when missing, or fails the test when ``KG_REQUIRE_CLIENTS`` is set (CI).

Debian's ``libapache-jena-java`` (4.5.0) ships jars but no command scripts, so the commands are run as their main
classes (``riotcmd.riot``, ``arq.rsparql``, ``arq.sparql``) on a class path of the package and the jars it depends
on. Two things about that package, both worked around here and nowhere else:

- its ``jena-core.jar`` moved the bundled Xerces classes to the package ``xerces.*`` but left their message bundles
  under ``org/apache/jena/ext/xerces/``, so Jena fails to start ("internal error" in ``XSSimpleTypeDecl``): the
  bundles are copied to where the classes look for them, in a temporary folder put first on the class path;
- its default JSON-LD reader (Titanium, JSON-LD 1.1) needs a Jakarta JSON-P provider that Debian does not package
  (only the API, ``libjsonp2-java``): JSON-LD is read with Jena's JSON-LD 1.0 reader (jsonld-java) instead,
  ``--syntax=jsonld10``.

Jena 4.5's ``riot`` and ``sparql`` take their arguments as file names (an ``http://`` argument becomes
``file:///…/http:/…``), so dereferencing through Jena's own HTTP client is done with ``FROM NAMED <IRI>`` in a
local ``arq.sparql`` query, which loads each IRI with content negotiation.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
JAVA_DIR = Path("/usr/share/java")
JENA_JARS = ("jena-arq", "jena-base", "jena-cmds", "jena-core", "jena-iri", "jena-rdfconnection", "jena-shacl",
             "jena-shex", "jena-tdb", "jena-tdb2", "jena-dboe-base", "jena-dboe-index", "jena-dboe-storage",
             "jena-dboe-trans-data", "jena-dboe-transaction")
#: What libapache-jena-java depends on (its Depends line), plus the HTTP cache classes its JSON-LD 1.0 reader loads.
DEPENDENCY_JARS = ("commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io", "commons-lang3",
                   "commons-logging", "dexx.collection", "gson", "guava", "httpclient", "httpclient-cache", "httpcore",
                   "jackson-annotations", "jackson-core", "jackson-databind", "jsonld-java", "jakarta.json-api",
                   "protobuf", "slf4j-api", "slf4j-simple", "thrift", "titanium-json-ld")
COMUNICA = ROOT / "node_modules" / "@comunica" / "query-sparql"
COMUNICA_SCRIPT = Path(__file__).resolve().parent / "comunica_batch.mjs"


def missing(reason: str) -> None:
    """Skip the calling test, or fail it when KG_REQUIRE_CLIENTS is set (CI: a missing client is an error)."""
    if os.environ.get("KG_REQUIRE_CLIENTS"):
        pytest.fail(reason + " and KG_REQUIRE_CLIENTS is set")
    pytest.skip(reason)


# ---------------------------------------------------------------- Apache Jena


@functools.cache
def _jena_classpath() -> str | None:
    jars = [JAVA_DIR / f"{name}.jar" for name in (*JENA_JARS, *DEPENDENCY_JARS)]
    if shutil.which("java") is None or not all(jar.exists() for jar in jars):
        return None
    fix = Path(tempfile.mkdtemp(prefix="kg-jena-"))
    atexit.register(shutil.rmtree, fix, True)
    moved = "org/apache/jena/ext/xerces/"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(moved) and name.endswith(".properties"):
                target = fix / "xerces" / name[len(moved):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return os.pathsep.join([str(fix), *map(str, jars)])


def require_jena() -> None:
    """Skip (or fail) unless java and Debian's Jena jars are installed (`scripts/setup --test`)."""
    if _jena_classpath() is None:
        missing("Apache Jena not installed (Debian's libapache-jena-java and a JRE; run scripts/setup --test)")


def jena(main_class: str, *args: str, cwd: Path | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run one Jena command (a main class) in one JVM; its text output, whatever the exit status."""
    classpath = _jena_classpath()
    assert classpath is not None, "call require_jena() first"
    # no hsperfdata file (two JVMs given the same PID number, in another PID namespace, made one print a warning on
    # stdout, into the answer it writes there) and the JVM's own warnings on stderr
    command = ["java", "-Xshare:auto", "-XX:-UsePerfData", "-Xlog:all=warning:stderr", "-cp", classpath, main_class,
               *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


_COUNT = re.compile(r"^(file://\S+)(?: : (?:Triples|Quads) = ([\d,]+))?$", re.MULTILINE)


def riot_counts(*paths: Path, syntax: str | None = None) -> dict[str, int]:
    """Parse ``paths`` with ``riot --count`` in one JVM; file name → triples (quads for quad formats).

    Fails on a non-zero exit or any error or warning riot logs (bad IRIs, bad lexical forms, bad language tags).
    """
    args = ["--count", *(["--syntax=" + syntax] if syntax else []), *map(str, paths)]
    result = jena("riotcmd.riot", *args)
    problems = [line for line in result.stderr.splitlines() if " WARN " in line or " ERROR " in line]
    assert result.returncode == 0 and not problems, result.stderr[-3000:]
    # one line a file: "file:///…/name : Triples = 1,234" (nothing after the name when the file holds none)
    counts = {Path(match[1].removeprefix("file://")).name: int((match[2] or "0").replace(",", ""))
              for match in _COUNT.finditer(result.stderr)}
    assert len(counts) == len(paths), result.stderr[-3000:]
    return counts


# ---------------------------------------------------------------- Comunica


def require_comunica() -> None:
    """Skip (or fail) unless node and @comunica/query-sparql are installed (`scripts/setup --test`)."""
    if shutil.which("node") is None or not (COMUNICA / "package.json").exists():
        missing("Comunica not installed (node_modules/@comunica/query-sparql: run scripts/setup --test)")


def comunica(jobs: list[dict]) -> list[dict]:
    """Run SPARQL jobs ``{"sources": [...], "query": ...}`` with one Comunica engine in one Node process.

    Each answer is ``{"bindings": [{var: term}]}``, ``{"boolean": b}`` or ``{"quads": [[s, p, o, g]]}``, terms in
    N-Triples syntax, or ``{"error": message}``.
    """
    result = subprocess.run(["node", str(COMUNICA_SCRIPT)], input=json.dumps(jobs), capture_output=True, text=True,
                            cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)
