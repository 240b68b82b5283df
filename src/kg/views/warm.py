"""Everything derived from the data once per data version, computed before any reader asks.

The app calls :func:`warm` when it is created: under gunicorn that is in the master, before the workers fork, so every
worker starts with the label map, the text index, the home page's counts and the other tables of ``kg.store.memo``
already built (shared copy-on-write), and no request — the first one after a worker is recycled included — pays for
them. A remote store's data can change while served: a new data version is computed again on first use.
"""

from __future__ import annotations

import logging
import time

from kg.sparql.namefilter import names_all_indexed
from kg.sparql.textindex import text_index
from kg.store import Store
from kg.store.memo import memo
from kg.views.collate import collation_table, know
from kg.views.cube_index import order_for
from kg.views.entity import build_entity_page
from kg.views.home import build_home_view
from kg.views.hubs import hub_inbound
from kg.views.labels import labels_for
from kg.views.page_parts import part_holders, wide_properties

log = logging.getLogger(__name__)


def warm(store: Store) -> float:
    """Compute the per-data-version tables pages and search use; return the seconds it took."""
    started = time.monotonic()
    index = text_index(store)
    if getattr(store, "derived_dir", None) is not None:  # kept on disk: a restart reads it instead of using pypinyin
        labels = labels_for(store)  # (a remote store's would be computed at every start: 2-3 s at 1 M triples)
        know(memo(store, "collation", lambda _: collation_table(
            [text for texts in labels.values() for text in texts.values()]
            + [text for entry in index.entries.values() for text in (entry.zh, entry.en)]), keep=True))
    names_all_indexed(store)  # a scan of every name: made here, not by each worker (memory mode copies what it reads)
    for lang in ("zh", "en"):
        build_home_view(store, lang, [])
    order_for(store)  # the data browser's index of every observation
    hub_inbound(store)  # the links to hubs other than their observations
    part_holders(store)  # which entities each optional part of an entity page can have rows for
    wide_properties(store)  # the properties of which an entity has more values than its page lists
    build_entity_page(store, store.base + "id/org/neusoft", "zh")  # units, inverse properties, article texts
    seconds = time.monotonic() - started
    log.info("derived data ready in %.2f s", seconds)
    return seconds
