"""The layering rule (STYLE §1): imports point down only; heavy libraries stay in their layer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("index", "retrieval", "ingest", "bot", "newsdesk")

# What each package may not import (first-party packages and the libraries kept to one layer).
FORBIDDEN = {
    "index": {"retrieval", "ingest", "bot", "newsdesk", "discord"},
    "retrieval": {"ingest", "bot", "newsdesk", "discord", "faiss", "sentence_transformers"},
    "ingest": {"retrieval", "bot", "newsdesk", "discord", "faiss", "sentence_transformers"},
    "bot": {"newsdesk", "faiss", "sentence_transformers"},
    "newsdesk": {"discord", "faiss", "sentence_transformers"},
}


def imported_modules(source: str, package: str, module: str) -> set[str]:
    """Dotted names of every module `source` imports, relative imports resolved, at any depth."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[: -node.level] or [package]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
    return names


def violations(source: str, package: str, module: str) -> list[str]:
    """Forbidden imports of one module: wrong-way edges, banned libraries, siblings' privates."""
    found = []
    for name in sorted(imported_modules(source, package, module)):
        top = name.split(".")[0]
        if top in FORBIDDEN[package]:
            found.append(f"{module} imports {name}")
        elif (
            top in PACKAGES
            and top != package
            and any(part.startswith("_") and not part.startswith("__") for part in name.split("."))
        ):
            found.append(f"{module} imports the private module {name}")
    return found


def _modules() -> list[tuple[str, Path]]:
    return [
        (package, path) for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
    ]


MODULES = _modules()


def test_every_package_has_modules_to_check():
    assert {package for package, _ in MODULES} >= {"index", "retrieval", "newsdesk"}


@pytest.mark.parametrize(
    ("package", "path"), MODULES, ids=[str(p.relative_to(ROOT)) for _, p in MODULES]
)
def test_module_imports_only_what_its_layer_allows(package, path):
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)

    assert violations(path.read_text(encoding="utf-8"), package, module) == []


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("index", "from retrieval import Answer"),
        ("index", "import newsdesk.settings"),
        ("index", "def f():\n    from bot import views"),
        ("retrieval", "import discord"),
        ("retrieval", "from bot.ask import _cog"),
        ("retrieval", "import faiss"),
        ("retrieval", "from sentence_transformers import SentenceTransformer"),
        ("retrieval", "from index._private import helper"),
        ("bot", "from newsdesk.settings import Settings"),
        ("bot", "import newsdesk"),
        ("newsdesk", "import discord"),
        ("ingest", "from retrieval import Answerer"),
        ("ingest", "import discord"),
        ("ingest", "from bot import NewsdeskBot"),
        ("retrieval", "from ingest import Ingester"),
        ("index", "import ingest"),
    ],
)
def test_forbidden_import_is_reported(package, source):
    assert violations(source, package, f"{package}.example") != []


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("index", "import faiss\nfrom sentence_transformers import SentenceTransformer"),
        ("index", "from .errors import NewsdeskError"),
        ("retrieval", "from index import load_index, tokenize"),
        ("retrieval", "from ._helpers import thing"),
        ("bot", "import discord\nfrom retrieval import Answer\nfrom index.errors import Err"),
        ("newsdesk", "from bot import run\nfrom retrieval import Answerer\nfrom index import x"),
        ("ingest", "import httpx\nfrom index import build_index"),
        ("bot", "from ingest import Ingester"),
    ],
)
def test_allowed_import_is_not_reported(package, source):
    assert violations(source, package, f"{package}.example") == []
