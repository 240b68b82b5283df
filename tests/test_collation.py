"""Labels sort by pinyin without importing pypinyin at a warm start (kg.views.collate): the keys of the data's names
are computed once per data version and read back by the next start, and they are the keys pypinyin gives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from pypinyin import lazy_pinyin

from kg.sparql.textindex import text_index
from kg.store import Store
from kg.store.memo import memo
from kg.views import collate
from kg.views.labels import labels_for
from kg.views.warm import warm


def pypinyin_key(text: str) -> tuple[str, str]:
    """The key as it was made before the table: pypinyin on every text."""
    return " ".join(lazy_pinyin(text)).casefold(), text


def test_every_name_of_the_data_gets_the_key_pypinyin_gives(project_store: Store) -> None:
    warm(project_store)
    index = text_index(project_store)
    texts = {text for texts in labels_for(project_store).values() for text in texts.values()}
    texts |= {text for entry in index.entries.values() for text in (entry.zh, entry.en) if text}
    texts |= {"  Dalian  Municipal ", "(Neusoft) 2020", "AI联盟", "İx", "ΟΔΟΣ", "12.5%", "重庆银行", ""}
    assert sum(not text.isascii() for text in texts) > 100
    table = memo(project_store, "collation", lambda _: {})
    assert {text for text in texts if not text.isascii() and text.strip()} <= table.keys() | {"İx", "ΟΔΟΣ", "AI联盟",
                                                                                              "重庆银行"}
    for text in texts:
        assert collate.collation_key(text) == pypinyin_key(text), text
    assert sorted(texts, key=collate.collation_key) == sorted(texts, key=pypinyin_key)


def test_a_known_key_is_used_as_given() -> None:
    """The table is what the keys come from (a wrong table gives a wrong order: the test above can fail)."""
    saved = dict(collate._KNOWN)
    try:
        collate.know({"东软": "zzz"})
        assert collate.collation_key("东软") == ("zzz", "东软")
    finally:
        collate._KNOWN = saved
        collate.collation_key.cache_clear()


def test_a_warm_start_does_not_import_pypinyin(tmp_path: Path) -> None:
    """The second start on the same data and cache directory builds the app (and its warm-up) without pypinyin; the
    first, which computes the tables, needs it."""
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from kg.config import Settings
        from kg.web import create_app
        app = create_app(Settings.from_env(cache_dir=Path({str(tmp_path)!r})))
        app.extensions["kg.store"].close()
        print("pypinyin" in sys.modules)
    """)
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
            for _ in range(2)]
    assert [run.returncode for run in runs] == [0, 0], runs[-1].stderr[-2000:]
    assert [run.stdout.split()[-1] for run in runs] == ["True", "False"]
