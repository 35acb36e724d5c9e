"""The documents stay true to the code: every setting is documented in `.env.example` and in
the README's one settings table, and nowhere else as a table; the quick start is the two
make commands; links between the documents resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsdesk.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ENV_EXAMPLE = ROOT / ".env.example"
DOCUMENTS = [README, ROOT / "docs" / "design.md", ROOT / "bench" / "README.md"]

_ENV_LINE = re.compile(r"^([A-Z][A-Z0-9_]*)=", re.MULTILINE)
_TABLE_NAME = re.compile(r"^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|", re.MULTILINE)
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def setting_names() -> set[str]:
    """The environment variable of every field of `Settings`."""
    return {(field.alias or name).upper() for name, field in Settings.model_fields.items()}


def section(text: str, heading: str) -> str:
    """The body of the `## heading` section of a Markdown text, up to the next `## `."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"no '## {heading}' section"
    return match.group(1)


def without_code(text: str) -> str:
    """`text` with its fenced code blocks taken out (a `#` in them is not a heading)."""
    return _FENCE.sub("", text)


def slug(heading: str) -> str:
    """The anchor a Markdown heading gets on GitHub."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_env_example_lists_every_setting_and_nothing_else():
    listed = _ENV_LINE.findall(ENV_EXAMPLE.read_text(encoding="utf-8"))

    assert len(listed) == len(set(listed)), "a variable is listed twice in .env.example"
    assert set(listed) == setting_names()


def test_readme_settings_table_lists_every_setting_and_nothing_else():
    table = _TABLE_NAME.findall(section(README.read_text(encoding="utf-8"), "Settings"))

    assert len(table) == len(set(table)), "a variable is listed twice in the settings table"
    assert set(table) == setting_names()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_settings_are_tabled_only_in_the_readme_settings_section(document):
    text = document.read_text(encoding="utf-8")
    if document == README:
        text = text.replace(section(text, "Settings"), "")

    assert _TABLE_NAME.findall(text) == []


def test_quick_start_is_the_two_make_commands():
    body = section(README.read_text(encoding="utf-8"), "Quick start")
    lines = [
        line.split("#", 1)[0].strip()
        for block in _FENCE.findall(body)
        for line in block.splitlines()
    ]
    commands = [line for line in lines if line]

    assert commands == ["make run", "make test"]


def test_makefile_has_the_quick_start_targets():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_and_anchors_resolve(document):
    broken = []
    for target in _LINK.findall(without_code(document.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        if not linked.exists():
            broken.append(target)
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", without_code(linked.read_text("utf-8")), re.M)
            if anchor not in {slug(h) for h in headings}:
                broken.append(target)

    assert broken == []


@pytest.mark.parametrize(
    "document", [README, ROOT / "docs" / "design.md"], ids=["README.md", "docs/design.md"]
)
def test_user_documents_stand_alone(document):
    """Nothing outside the repository is cited; only the benchmarks read data beside it."""
    assert "../shared" not in document.read_text(encoding="utf-8")
