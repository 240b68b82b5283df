"""Derived data (kg.store.memo): computed once per data version, slow values kept on disk for the next process on the
same data, never read back for other data, another base or other code, and a damaged file is computed again."""

from __future__ import annotations

import mmap
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.config import Settings
from kg.packed import PackedMap
from kg.store import memo as memo_module
from kg.store.memo import memo
from stores import embedded_store

PROTOCOL = Path(__file__).resolve().parent / "data" / "protocol.trig"


def slow_count(store) -> int:
    time.sleep(memo_module.KEEP_SECONDS + 0.1)
    return len(store.select("SELECT ?s WHERE { ?s ?p ?o }"))


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(cache_dir=tmp_path, store_mode="memory", data_files=(PROTOCOL,))


def test_a_slow_value_is_kept_and_read_back_by_a_later_process(settings: Settings) -> None:
    store = embedded_store(settings)
    try:
        value = memo(store, "test slow count", slow_count)
        kept = list((settings.cache_dir / "derived").glob(f"{store.data_version()}-*.pickle"))
        assert value > 0 and len(kept) == 1
        assert not list((settings.cache_dir / "derived").glob(".writing-*"))
    finally:
        store.close()
    # another process on the same data reads it (the computation would have slept; it must not run at all)
    script = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parent)!r})
from kg.config import Settings
from kg.store.memo import memo
from stores import embedded_store
store = embedded_store(Settings.from_env(cache_dir=Path({str(settings.cache_dir)!r}), store_mode="memory",
                                         data_files=(Path({str(PROTOCOL)!r}),)))
def fail(_):
    raise SystemExit("computed again")
print(memo(store, "test slow count", fail))
store.close()
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(value)


def test_a_quick_value_is_not_kept_and_other_data_or_base_is_not_read(settings: Settings, tmp_path: Path) -> None:
    store = embedded_store(settings)
    try:
        memo(store, "test quick", lambda s: 1)
        assert not list((settings.cache_dir / "derived").glob("*.pickle"))
        memo(store, "test slow count", slow_count)
    finally:
        store.close()
    other_base = embedded_store(settings.but(canonical_base="http://other.test/", public_url="http://other.test/"))
    try:
        calls = []
        memo(other_base, "test slow count", lambda s: calls.append(1) or 7)
        assert calls == [1], "a value kept for another base was read"
        memo(other_base, "test slow count 2", slow_count)
        assert len(list((settings.cache_dir / "derived").glob("*.pickle"))) == 2  # one per base and name
    finally:
        other_base.close()


def test_a_damaged_file_is_computed_again(settings: Settings) -> None:
    store = embedded_store(settings)
    try:
        memo(store, "test slow count", slow_count)
        [kept] = (settings.cache_dir / "derived").glob("*.pickle")
    finally:
        store.close()
    kept.write_bytes(b"not a pickle")
    store = embedded_store(settings)
    try:
        assert memo(store, "test slow count", lambda s: 42) == 42
    finally:
        store.close()


def test_a_store_that_is_gone_leaves_no_values_to_the_next_one(settings: Settings) -> None:
    """Values are kept per store object: a store created after another was dropped (it may be given the same id())
    computes its own, even on the same data and name."""
    import gc

    for expected in (1, 2, 3):
        store = embedded_store(settings)
        try:
            assert memo(store, "test per store", lambda s, v=expected: v) == expected
        finally:
            store.close()
        del store
        gc.collect()


def slow_table(store) -> PackedMap:
    time.sleep(memo_module.KEEP_SECONDS + 0.1)
    return PackedMap({f"text {i}": f"key {i}" for i in range(5000)} | {"东软": "dong ruan"})


def test_packed_tables_come_back_as_memory_maps_of_the_kept_file(settings: Settings) -> None:
    """kg.packed's bytes and arrays are written apart from the pickle and read back as memory maps (one copy in the
    page cache for every process of the server), answering alike; a file cut short is computed again."""
    store = embedded_store(settings)
    try:
        built = memo(store, "test table", slow_table)
        [kept] = (settings.cache_dir / "derived").glob("*.pickle")
    finally:
        store.close()
    assert kept.read_bytes().startswith(memo_module.MAGIC)
    store = embedded_store(settings)
    try:
        back = memo(store, "test table", lambda s: pytest.fail("computed again"))
    finally:
        store.close()
    assert isinstance(back.keys_.data, mmap.mmap) and isinstance(back.values_.data, mmap.mmap)
    assert dict(back.items()) == dict(built.items()) and back.get("东软") == "dong ruan" and len(back) == 5001
    kept.write_bytes(kept.read_bytes()[:-100])  # the last buffer cut short
    store = embedded_store(settings)
    try:
        assert memo(store, "test table", lambda s: "again") == "again"
    finally:
        store.close()
