"""The section cache of the Typst writer never changes the Typst source."""

from __future__ import annotations

import re

import pytest

from helpers import copy_project
from thesis.build import Options, Stopwatch, prepare
from thesis.diagnostics import Reporter
from thesis.writers.pdf import chapter_chunks, typst_body


def test_cold_warm_and_partial_cache_give_the_same_typst(tmp_path):
    root = copy_project("minimal", tmp_path)
    _, document = prepare(root, Options(), Reporter(quiet=True), Stopwatch())
    doc = document.ast
    cache = tmp_path / "cache"
    uncached = typst_body(doc, root, None)
    cold = typst_body(doc, root, cache)
    files = sorted(cache.iterdir())
    assert len(files) == len(chapter_chunks(doc["blocks"])) > 3
    warm = typst_body(doc, root, cache)
    files[1].unlink()
    partial = typst_body(doc, root, cache)
    assert uncached == cold == warm == partial
    assert "Интеграция теориясы" in warm


def test_an_edit_changes_only_its_section(tmp_path):
    root = copy_project("minimal", tmp_path)
    cache = tmp_path / "cache"
    _, document = prepare(root, Options(), Reporter(quiet=True), Stopwatch())
    doc = document.ast
    typst_body(doc, root, cache)
    before = {p.name for p in cache.iterdir()}
    chapter = root / "content" / "02-practice.md"
    chapter.write_text(chapter.read_text() + "\nЖаңа сөйлем.\n")
    _, document = prepare(root, Options(), Reporter(quiet=True), Stopwatch())
    doc = document.ast
    text = typst_body(doc, root, cache)
    after = {p.name for p in cache.iterdir()}
    assert len(after - before) == 1 and "Жаңа сөйлем." in text


def test_sections_in_several_runs_give_the_same_typst(tmp_path, monkeypatch):
    """Missing sections go through pandoc in runs of bounded size (its memory grows with the
    input): the Typst source is the one of a single run."""
    from thesis import pandoc
    from thesis.writers import pdf
    root = copy_project("minimal", tmp_path)
    _, document = prepare(root, Options(), Reporter(quiet=True), Stopwatch())
    whole = typst_body(document.ast, root, tmp_path / "one")
    monkeypatch.setattr(pdf, "BATCH_BYTES", 2_000)
    runs = []
    real = pandoc.write
    monkeypatch.setattr(pandoc, "write", lambda *a, **k: runs.append(1) or real(*a, **k))
    assert typst_body(document.ast, root, tmp_path / "several") == whole
    assert len(runs) > 2


@pytest.mark.parametrize("name", ["minimal", "format", "byo-en", "rendered"])
def test_chunks_give_the_typst_of_one_run(name, tmp_path):
    """Sections are also cut after some paragraphs (content-defined, CUT_EVERY): pandoc's
    Typst for the chunks, joined, is its Typst for the whole body in one run."""
    from thesis import pandoc
    from thesis.writers.pdf import body_ast, rename_math_symbols
    root = copy_project(name, tmp_path)
    _, document = prepare(root, Options(), Reporter(quiet=True), Stopwatch())
    doc = document.ast
    one = rename_math_symbols(pandoc.write(body_ast(doc), "typst", root).decode())
    assert len(chapter_chunks(doc["blocks"])) > 2
    def without_blank_lines(text):  # a chunk ends with one; between block calls it changes nothing
        return re.sub(r"\n\s*\n", "\n", text).strip()  # (the thesis' PDF is byte-identical either way)
    assert without_blank_lines(typst_body(doc, root, tmp_path / "cache")) == without_blank_lines(one)
