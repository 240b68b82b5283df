"""The package's layers, as the README draws them: data flows files → graph → store → query/page → HTTP, and no
module imports from a layer above its own (read from the import statements of every module of src/kg)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kg"

#: Layer of each top-level name of the package, lowest first: a module may import its own layer and those below.
LAYERS = {
    "config": 0, "namespaces": 0, "errors": 0, "formats": 0, "negotiate": 0, "i18n": 0, "queries": 0,
    "packed": 0, "allocator": 0,
    "graph": 1, "checks": 2, "publish": 3, "store": 4, "sparql": 5, "views": 6, "web": 7, "cli": 8,
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "templates" not in p.parts)


def _layer_of(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if parts[0] == "kg" and len(parts) > 1 else None


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "kg"]
        elif isinstance(node, ast.Import):
            names += [a.name for a in node.names]
    return names


def test_every_module_belongs_to_a_layer() -> None:
    for path in MODULES:
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        if relative.parts[-1] == "__init__" and len(relative.parts) == 2:
            continue
        assert relative.parts[1] in LAYERS, f"{path}: add its package to the README's layers and to LAYERS"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_from_a_higher_layer(path: Path) -> None:
    own = _layer_of(".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts))
    if own is None:
        return
    higher = [name for name in _imports(path) if (_layer_of(name) or 0) > own]
    assert not higher, f"{path.name} (layer {own}) imports from above: {higher}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 300, f"{path} has {lines} lines: split it by what its parts do"
