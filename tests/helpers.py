"""Shared helpers for the tests: copy a sample project, build it, read the outputs back."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pypdf

from thesis.build import Options, build
from thesis.diagnostics import Reporter

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PROJECTS = TESTS / "projects"
SEED = REPO.parent / "shared" / "seed" / "000_a69a33c1c362441d.txt"


def copy_project(name: str, dest: Path) -> Path:
    """A fresh copy of tests/projects/<name> (without build outputs) at dest/<name>."""
    target = dest / name
    shutil.copytree(PROJECTS / name, target, ignore=shutil.ignore_patterns("build"))
    return target


def build_copy(name: str, dest: Path, **options):
    """Build a copy of a sample project; returns (project dir, BuildResult, Reporter)."""
    root = copy_project(name, dest)
    reporter = Reporter(quiet=True)
    result = build(root, Options(**options), reporter)
    return root, result, reporter


def pdf_pages(path: Path) -> list[str]:
    """The text of each PDF page, whitespace folded."""
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return [re.sub(r"\s+", " ", page.extract_text() or "").strip() for page in reader.pages]


def docx_texts(path: Path, part: str, element: str = "p") -> list[str]:
    """The text of each `w:<element>` (paragraph, footnote…) of a DOCX part, spaces folded."""
    import zipfile
    from lxml import etree
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read(part))
    texts = []
    for node in root.iter(w + element):
        if node.get(w + "type") in ("separator", "continuationSeparator"):
            continue
        # Zero-width spaces (the break opportunities in long URLs) are not seen by a reader.
        text = " ".join("".join(t.text or "" for t in node.iter(w + "t")).replace("\u200b", "").split())
        if text:
            texts.append(text)
    return texts


def pdf_fonts(path: Path) -> set[str]:
    """Base font names embedded in the PDF (subset prefixes removed)."""
    reader = pypdf.PdfReader(str(path))
    names = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            base = str(font.get("/BaseFont", ""))
            names.add(base.split("+", 1)[-1].lstrip("/"))
    return names
