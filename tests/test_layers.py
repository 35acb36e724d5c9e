"""The layering rule (docs/design.md, Layers): imports point down only, heavy libraries stay
in their layer, no import cycle inside a package, `bench/` never imports the tests, and what
is imported from a package's front door (its `__init__`) is among the names it exports."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("kernel", "language", "index", "retrieval", "ingest", "bot", "newsdesk")

# What each package may not import (first-party packages and the libraries kept to one layer).
# `kernel/` and `language/` are the bottom: each imports none of ours, and every package may
# import them.
FORBIDDEN = {
    "kernel": {*PACKAGES[1:], "discord", "faiss", "sentence_transformers"},
    "language": {*PACKAGES[:1], *PACKAGES[2:], "discord", "faiss", "sentence_transformers"},
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


def module_name(path: Path) -> str:
    """The dotted name a module file is imported by (a package's `__init__` by the package's)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def internal_imports(source: str, module: str, is_package: bool, known: set[str]) -> set[str]:
    """The modules among `known` that `source` (module `module`) imports, at any depth:
    `from p import m` is an import of the module `p.m` when there is one, else of `p`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                parts = here[: len(here) - node.level + 1]
                base = ".".join([*parts, node.module] if node.module else parts)
            else:
                base = node.module or ""
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return (found & known) - {module}


def import_cycles(sources: dict[str, tuple[str, bool]]) -> list[list[str]]:
    """Each group of modules that import one another in a circle, directly or through others,
    sorted. `sources` maps each module of one package to its source and whether it is a
    package's `__init__`; only imports among these modules count."""
    known = set(sources)
    graph = {
        module: internal_imports(source, module, is_package, known)
        for module, (source, is_package) in sources.items()
    }

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for name in graph[todo.pop()] - seen:
                seen.add(name)
                todo.append(name)
        return seen

    reachable = {module: reach(module) for module in graph}
    cycles = {
        tuple(sorted({module} | {other for other in found if module in reachable[other]}))
        for module, found in reachable.items()
        if module in found
    }
    return sorted(list(cycle) for cycle in cycles)


def package_sources(package: str) -> dict[str, tuple[str, bool]]:
    return {
        module_name(path): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted((ROOT / package).rglob("*.py"))
    }


BENCH = sorted((ROOT / "bench").rglob("*.py"))


def test_every_package_has_modules_to_check():
    assert {package for package, _ in MODULES} == set(PACKAGES)


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
        ("language", "from index import words"),
        ("language", "import retrieval.cues"),
        ("retrieval", "from language._private import thing"),
        ("kernel", "from index import load_index"),
        ("kernel", "from language import STOPWORDS"),
        ("language", "from kernel.errors import NewsdeskError"),
        ("kernel", "import faiss"),
    ],
)
def test_forbidden_import_is_reported(package, source):
    assert violations(source, package, f"{package}.example") != []


@pytest.mark.parametrize(
    ("package", "source"),
    [
        ("index", "import faiss\nfrom sentence_transformers import SentenceTransformer"),
        ("index", "from .loaders import load_file"),
        ("index", "from kernel.errors import NewsdeskError"),
        ("retrieval", "from index import load_index, tokenize"),
        ("retrieval", "from ._helpers import thing"),
        ("bot", "import discord\nfrom retrieval import Answer\nfrom kernel.errors import Err"),
        ("newsdesk", "from bot import run\nfrom retrieval import Answerer\nfrom index import x"),
        ("ingest", "import httpx\nfrom index import build_index"),
        ("bot", "from ingest import Ingester"),
        ("index", "from language import MONTH_NAMES"),
        ("retrieval", "from language import STOPWORDS"),
        ("language", "import re\nfrom language.numbers import NUMBER_WORDS"),
        ("kernel", "import sqlite3\nfrom kernel.errors import NewsdeskError"),
        ("ingest", "from kernel.database import open_shared"),
    ],
)
def test_allowed_import_is_not_reported(package, source):
    assert violations(source, package, f"{package}.example") == []


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle_inside_a_package(package):
    assert import_cycles(package_sources(package)) == []


@pytest.mark.parametrize(
    ("sources", "cycles"),
    [
        ({"p.a": "from p.b import x", "p.b": "import p.a"}, [["p.a", "p.b"]]),
        ({"p.a": "def f():\n    from p import b", "p.b": "from p.a import f"}, [["p.a", "p.b"]]),
        (
            {"p.a": "from .b import x", "p.b": "from .c import y", "p.c": "from . import a"},
            [["p.a", "p.b", "p.c"]],
        ),
        ({"p": "from p.a import x", "p.a": "from p import y"}, [["p", "p.a"]]),
        (
            {"p.q": "from ._a import x", "p.q._a": "from .. import b", "p.b": "import p.q"},
            [["p.b", "p.q", "p.q._a"]],
        ),
        ({"p.a": "from p.b import x", "p.b": "from p.c import y", "p.c": "import os"}, []),
        ({"p": "from p.a import x\nfrom p.b import y", "p.a": "from p.b import z"}, []),
        ({"p.a": "from p import b", "p.b": "import q.a"}, []),
    ],
)
def test_import_cycle_is_reported_and_a_chain_is_not(sources, cycles):
    packages = {name for name in sources if any(n.startswith(name + ".") for n in sources)}
    assert import_cycles({n: (s, n in packages) for n, s in sources.items()}) == cycles


@pytest.mark.parametrize("path", BENCH, ids=[str(p.relative_to(ROOT)) for p in BENCH])
def test_bench_never_imports_the_tests(path):
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    names = imported_modules(path.read_text(encoding="utf-8"), "bench", module)

    assert sorted(name for name in names if name.split(".")[0] == "tests") == []


@pytest.mark.parametrize(
    "source", ["from tests.fakes import FakeEmbedder", "import tests.ingest.server", "import tests"]
)
def test_bench_importing_the_tests_is_reported(source):
    assert "tests" in {n.split(".")[0] for n in imported_modules(source, "bench", "bench.x")}


def exported_names(package: str) -> set[str]:
    """The names a package's `__init__` lists in `__all__` (none when it has no `__all__`)."""
    tree = ast.parse((ROOT / package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else getattr(node, "target", None)
        if isinstance(target, ast.Name) and target.id == "__all__" and node.value is not None:
            return set(ast.literal_eval(node.value))
    return set()


def front_door_misses(source: str, exports: dict[str, set[str]]) -> list[str]:
    """Each `from <package> import name` in `source` whose name the package does not export
    (a submodule, `from index import build`, is fine)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module in exports:
            for alias in node.names:
                package = node.module
                if alias.name not in exports[package] and not (
                    (ROOT / package / f"{alias.name}.py").exists()
                    or (ROOT / package / alias.name / "__init__.py").exists()
                ):
                    found.append(f"{package}.{alias.name}")
    return found


IMPORTERS = sorted(
    path
    for folder in (*PACKAGES, "bench", "tests", "training")
    if (ROOT / folder).is_dir()
    for path in (ROOT / folder).rglob("*.py")
)


@pytest.mark.parametrize("path", IMPORTERS, ids=[str(p.relative_to(ROOT)) for p in IMPORTERS])
def test_front_doors_are_asked_only_for_what_they_export(path):
    exports = {package: exported_names(package) for package in PACKAGES}

    assert front_door_misses(path.read_text(encoding="utf-8"), exports) == []


@pytest.mark.parametrize(
    ("source", "misses"),
    [
        ("from index import NewsdeskError, load_index", ["index.NewsdeskError"]),
        ("from retrieval import retrieve", ["retrieval.retrieve"]),
        ("def f():\n    from kernel import NewsdeskError", ["kernel.NewsdeskError"]),
        ("from retrieval.search import retrieve\nfrom index import build", []),
        ("from retrieval import Answerer", []),
    ],
)
def test_asking_a_front_door_for_a_name_it_does_not_export_is_reported(source, misses):
    exports = {"index": {"load_index"}, "retrieval": {"Answerer"}, "kernel": set()}

    assert front_door_misses(source, exports) == misses


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_a_front_door_exports_loads(package):
    module = importlib.import_module(package)
    names = getattr(module, "__all__", [])

    assert sorted(names) == sorted(exported_names(package))
    assert [name for name in names if not hasattr(module, name)] == []
