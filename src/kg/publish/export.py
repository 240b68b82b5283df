"""``kg export DIR``: write the same files the server offers under /downloads/ (for a given base)."""

from __future__ import annotations

import shutil
from pathlib import Path

from kg.config import Settings
from kg.publish.dumps import publish


def export_all(settings: Settings, directory: Path) -> list[Path]:
    """Copy every published file for ``settings.base`` into ``directory``; return the written paths."""
    publication = publish(settings)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in publication.names():
        target = directory / name
        shutil.copyfile(publication.path(name), target)
        written.append(target)
    return written
