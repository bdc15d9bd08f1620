"""Every file the code, the tests and the docs cite exists: a comment that sends a reader to
docs/domain.md or to tests/security/test_x.py is only useful if the file is there."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = ("docs", "tests", "mentorship", "agreements", "promotions", "bench", "templates", ".ci")
EXTENSIONS = ("py", "md", "toml", "html", "txt", "sh")
# A path from the repository's root ("docs/domain.md"), or a test module by name.
CITED_PATH = re.compile(
    rf"(?<![\w/.-])((?:{'|'.join(map(re.escape, TOP))})/[\w./-]*?\.(?:{'|'.join(EXTENSIONS)}))\b"
)
CITED_TEST = re.compile(r"(?<![\w/.-])(test_\w+\.py)\b")
# Template names are cited relative to a templates directory.
TEMPLATE_DIRS = ("templates", "bench/templates")


def text_files() -> list[Path]:
    """The repository's own text files: the top-level directories and files, no installs."""
    files = [ROOT / name for name in ("README.md", "Makefile", "pyproject.toml", ".ci/run")]
    for top in TOP:
        files += [
            p
            for p in (ROOT / top).rglob("*")
            if p.is_file() and p.suffix.lstrip(".") in EXTENSIONS and "__pycache__" not in p.parts
        ]
    return [f for f in files if f.exists()]


def missing_citations(text: str, test_modules: set[str]) -> list[str]:
    missing = []
    for path in CITED_PATH.findall(text):
        candidates = [ROOT / path, *(ROOT / d / path for d in TEMPLATE_DIRS)]
        if not any(c.exists() for c in candidates):
            missing.append(path)
    missing += [name for name in CITED_TEST.findall(text) if name not in test_modules]
    return missing


def test_every_cited_file_exists():
    test_modules = {p.name for p in (ROOT / "tests").rglob("test_*.py")}
    found = {}
    for path in text_files():
        if "/migrations/" in path.as_posix() or path == Path(__file__):
            # A migration describes the tree it was written in; this module names missing
            # files on purpose, below.
            continue
        if wrong := missing_citations(path.read_text(encoding="utf-8"), test_modules):
            found[path.relative_to(ROOT).as_posix()] = wrong
    assert found == {}


def test_a_citation_of_a_missing_file_is_found():
    text = "See docs/deployment.md and tests/mentorship/test_nothing_here.py, or test_gone.py."
    assert missing_citations(text, {"test_layering.py"}) == [
        "docs/deployment.md",
        "tests/mentorship/test_nothing_here.py",
        "test_gone.py",
    ]
    assert (
        missing_citations(
            "docs/domain.md, promotions/_chart.html, test_layering.py", {"test_layering.py"}
        )
        == []
    )
