"""kg.allocator: the malloc ``kg serve`` runs under — chosen from the system's libraries, put in place by executing
the command once more, never twice, and inherited by every worker and query child of a running server."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

from kg import allocator
from processes import descendants, master_of
from server import ROOT, free_port, running_server

INSTALLED = [name for name in allocator.LIBRARIES if allocator.find(name)]


def require_installed() -> str:
    """The allocator "auto" picks here; skipped without one, failed instead with KG_REQUIRE_ALLOCATOR=1 (CI)."""
    if not INSTALLED:
        if os.environ.get("KG_REQUIRE_ALLOCATOR"):
            pytest.fail("neither libmimalloc2.0 nor libjemalloc2 is installed but KG_REQUIRE_ALLOCATOR is set")
        pytest.skip("no allocator library installed (apt install libmimalloc2.0)")
    return INSTALLED[0]


def fake_libraries(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *names: str) -> None:
    for name in names:
        (tmp_path / allocator.LIBRARIES[name]).write_bytes(b"not a library")
    monkeypatch.setattr(allocator, "library_dirs", lambda: [tmp_path])


def test_auto_prefers_mimalloc_then_jemalloc_then_the_system(monkeypatch, tmp_path) -> None:
    fake_libraries(monkeypatch, tmp_path)
    assert allocator.choose("auto") == ("system", None)
    fake_libraries(monkeypatch, tmp_path, "jemalloc")
    assert allocator.choose("auto") == ("jemalloc", tmp_path / "libjemalloc.so.2")
    fake_libraries(monkeypatch, tmp_path, "mimalloc")
    assert allocator.choose("auto") == ("mimalloc", tmp_path / "libmimalloc.so.2")
    assert allocator.choose("jemalloc") == ("jemalloc", tmp_path / "libjemalloc.so.2")
    assert allocator.choose("system") == ("system", None)


def test_a_named_allocator_that_is_missing_or_unknown_is_an_error(monkeypatch, tmp_path) -> None:
    fake_libraries(monkeypatch, tmp_path, "jemalloc")
    with pytest.raises(ValueError, match="libmimalloc2.0"):
        allocator.choose("mimalloc")
    with pytest.raises(ValueError, match="unknown allocator"):
        allocator.choose("tcmalloc")


def test_kg_serve_refuses_an_unknown_allocator_before_starting() -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "serve", "--port", str(free_port())], cwd=ROOT,
                          env={**os.environ, "KG_ALLOCATOR": "tcmalloc"}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown allocator 'tcmalloc'" in done.stderr and "Traceback" not in done.stderr


def run(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", allocator.TRIED)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**environ, **(env or {})})


REPORT = """
    import os, sys
    from kg import allocator
    print(os.getpid(), allocator.run_under(sys.argv[1]), allocator.in_effect(), flush=True)
"""


def test_run_under_executes_the_command_once_under_the_library() -> None:
    name = require_installed()
    done = run(REPORT, "auto")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()  # the first run printed nothing: it became the second
    _, returned, mapped = line.split()
    assert (returned, mapped) == (name, name)
    plain = run(REPORT, "system")
    assert plain.stdout.split()[1:] == ["system", "system"]


def test_a_library_the_loader_refuses_is_not_asked_for_again(tmp_path) -> None:
    (tmp_path / "libmimalloc.so.2").write_bytes(b"not a library")
    code = f"""
        import sys
        from pathlib import Path
        from kg import allocator
        allocator.library_dirs = lambda: [Path({str(tmp_path)!r})]
        print("ran", allocator.run_under("mimalloc"), flush=True)
    """
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ran system"]  # executed once more, then went on without it
    assert "could not be preloaded" in done.stderr


def test_every_process_of_a_running_server_runs_under_it() -> None:
    name = require_installed()
    port = free_port()
    with running_server("--workers", "2", port=port) as url:
        ok = requests.post(url + "sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert ok.status_code == 200
        master = master_of(port)
        deadline = time.monotonic() + 30  # the server answers once one worker is up; the other may still boot
        while len(tree := [master, *descendants(master)]) < 5 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(tree) >= 5  # the master, two workers, a query child each
        seen = {pid: allocator.in_effect(pid) for pid in tree}
        alive = [pid for pid in tree if Path(f"/proc/{pid}").exists()]  # a recycled child may just have gone
        assert len(alive) >= 4 and {pid: seen[pid] for pid in alive} == {pid: name for pid in alive}
    with running_server("--workers", "1", "--allocator", "system", port=port):
        master = master_of(port)
        assert {allocator.in_effect(pid) for pid in [master, *descendants(master)]} == {"system"}


GIVE_BACK = """
    import gc
    import pyoxigraph as ox
    from kg import allocator
    from kg.store.trim import private_bytes

    store = ox.Store()  # ~60 MiB of the engine's own memory, then freed
    store.extend(ox.Quad(ox.NamedNode(f"http://x/{i}"), ox.NamedNode("http://x/p"), ox.Literal(f"value {i} " * 4))
                 for i in range(200_000))
    del store
    gc.collect()
    held = private_bytes()
    allocator.give_back()
    print(allocator.in_effect(), held >> 20, private_bytes() >> 20)
"""


@pytest.mark.parametrize("name", ["system", *allocator.LIBRARIES])
def test_free_memory_is_given_back_under_each_allocator(name: str) -> None:
    """What kg.store.trim calls in an idle query child: under each malloc the memory a dropped store left held goes
    back to the system (mimalloc kept 388 of 410 MiB until asked; glibc's malloc_trim does nothing there)."""
    if name != "system" and name not in INSTALLED:
        pytest.skip(f"{name} is not installed")
    path = allocator.find(name) if name != "system" else None
    done = run(GIVE_BACK, env={"LD_PRELOAD": str(path)} if path else {})
    assert done.returncode == 0, done.stderr
    ran, held, after = done.stdout.split()
    assert ran == name
    assert int(held) > 40, f"the freed store left only {held} MiB held: the test no longer tests anything"
    assert int(after) < int(held) / 3, f"{name}: {held} MiB held, {after} MiB after giving back"
