"""The DOCX writer converts sections separately (cached by content) and stitches them: the
package is the one a single pandoc run over the whole document writes, part for part and
byte for byte, on every sample, the real thesis, after an edit and in release mode."""

from __future__ import annotations

import re
import shutil
import zipfile
import io

import pytest

from helpers import PROJECTS, REPO, copy_project
from thesis import pandoc
from thesis.build import Options, Stopwatch, prepare
from thesis.diagnostics import Reporter
from thesis.writers import docx, docx_stitch
from thesis.writers.docx_reference import reference_docx

SAMPLES = sorted(p.name for p in PROJECTS.iterdir() if (p / "content").is_dir()
                 and p.name not in ("bib-cases", "byo", "gost-corpus"))  # these three do not build alone


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # pandoc's core.xml date: the same in both runs


def docx_input(root, cache):
    """The docx writer's AST of a project and pandoc's arguments for it (as write_docx has them)."""
    thesis, document = prepare(root, Options(), Reporter(quiet=True), Stopwatch(), cache=cache)
    reference = reference_docx(thesis.profile, thesis.language, cache)
    return docx.docx_ast(document, thesis), thesis.root, [f"--reference-doc={reference}", "--syntax-highlighting=none"]


def assert_same_package(stitched: dict, whole: dict) -> None:
    assert sorted(stitched) == sorted(whole)
    for name in whole:
        assert stitched[name] == whole[name], name


@pytest.mark.parametrize("name", SAMPLES + ["thesis"])
def test_stitched_package_is_the_whole_run(name, tmp_path):
    root = REPO if name == "thesis" else copy_project(name, tmp_path)
    doc, cwd, args = docx_input(root, tmp_path / "cache")
    whole = docx_stitch.package(doc, cwd, args, None)
    cold = docx_stitch.package(doc, cwd, args, tmp_path / "docx")
    warm = docx_stitch.package(doc, cwd, args, tmp_path / "docx")
    assert whole.whole == "no cache" and cold.whole == warm.whole == ""
    assert cold.converted == cold.chunks == len(docx_stitch.chunk_blocks(doc["blocks"])) > 2
    assert warm.converted == 0
    assert_same_package(cold.parts, whole.parts)
    assert_same_package(warm.parts, whole.parts)


def test_an_edit_converts_only_its_section(tmp_path):
    root = copy_project("rendered", tmp_path)
    cache = tmp_path / "docx"
    doc, cwd, args = docx_input(root, tmp_path / "cache")
    docx_stitch.package(doc, cwd, args, cache)
    chapter = root / "content" / "02-practice.md"
    text = chapter.read_text(encoding="utf-8")
    paragraph = max(text.split("\n\n"), key=len)  # body text, not a heading
    word = max(re.findall(r"[А-Яа-яӘәІіҢңҒғҮүҰұҚқӨөҺһ]{6,}", paragraph), key=len)
    chapter.write_text(text.replace(paragraph, paragraph.replace(word, word + "тер", 1)), encoding="utf-8")
    doc, cwd, args = docx_input(root, tmp_path / "cache")
    edited = docx_stitch.package(doc, cwd, args, cache)
    assert (edited.converted, edited.whole) == (1, "")
    assert_same_package(edited.parts, docx_stitch.package(doc, cwd, args, None).parts)
    assert word + "тер" in edited.parts["word/document.xml"].decode()


def test_partial_cache_and_shared_links_and_images(tmp_path):
    """A link target and an image used again in a later chapter share one relationship (and
    one media file) as in one run; the two sections showing the image go through two runs."""
    root = copy_project("rendered", tmp_path)
    first = (root / "content" / "01-theory.md").read_text(encoding="utf-8")
    image = re.search(r"!\[[^\]]*\]\([^)]*\)", first).group(0)
    (root / "content" / "80-qorytyndy.md").write_text(
        (root / "content" / "80-qorytyndy.md").read_text(encoding="utf-8")
        + f"\n\nҚайта: <https://example.org/a> және <https://example.org/b>.\n\n{image}\n", encoding="utf-8")
    (root / "content" / "02-practice.md").write_text(
        (root / "content" / "02-practice.md").read_text(encoding="utf-8")
        + "\n\nСілтеме: <https://example.org/b>.\n", encoding="utf-8")
    doc, cwd, args = docx_input(root, tmp_path / "cache")
    whole = docx_stitch.package(doc, cwd, args, None).parts
    cache = tmp_path / "docx"
    assert_same_package(docx_stitch.package(doc, cwd, args, cache).parts, whole)
    assert len([n for n in whole if n.startswith("word/media/")]) == 1
    records = sorted(cache.glob("*.json"))
    for record in records[::3]:
        if not record.name.startswith("frame-"):
            record.unlink()
    partial = docx_stitch.package(doc, cwd, args, cache)
    assert 0 < partial.converted < partial.chunks
    assert_same_package(partial.parts, whole)


def test_an_example_list_falls_back_to_one_run(tmp_path):
    root = copy_project("minimal", tmp_path)
    chapter = root / "content" / "02-practice.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n(@) бір\n(@) екі\n", encoding="utf-8")
    doc, cwd, args = docx_input(root, tmp_path / "cache")
    result = docx_stitch.package(doc, cwd, args, tmp_path / "docx")
    assert result.whole == "example lists"
    assert_same_package(result.parts, docx_stitch.package(doc, cwd, args, None).parts)


def test_release_passes_run_on_the_stitched_body(tmp_path, monkeypatch):
    """Landscape sections, repeated headers and a numbered table cut under its continuation
    line (as a release layout round asks): the written DOCX is the one from a whole run."""
    root = copy_project("format", tmp_path)
    thesis, document = prepare(root, Options(), Reporter(quiet=True), Stopwatch(), cache=tmp_path / "c")
    tables = docx.continued.numbered_tables(_body(docx.write_docx(document, thesis, tmp_path / "c")),
                                            thesis.labels.table)
    splits = {t: 2 for t in range(len(tables))}
    stitched = docx.write_docx(document, thesis, tmp_path / "c", splits=splits, marks=True)
    package = docx_stitch.package
    monkeypatch.setattr(docx_stitch, "package", lambda doc, cwd, args, cache: package(doc, cwd, args, None))
    whole = docx.write_docx(document, thesis, tmp_path / "c", splits=splits, marks=True)
    assert stitched == whole
    assert thesis.labels.table_continued.split()[0] in zipfile.ZipFile(io.BytesIO(whole)).read("word/document.xml").decode()
    assert tables


def _body(data: bytes):
    from lxml import etree
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return root.find(docx.W_NS + "body")


def test_tracked_changes_numbered_through_the_document(tmp_path):
    """The comparison DOCX's insertions and deletions (pandoc numbers each kind from 1 through
    the whole document) in several sections: as one run numbers them."""
    root = copy_project("minimal", tmp_path)
    doc, cwd, args = docx_input(root, tmp_path / "cache")
    for block in doc["blocks"]:
        if block["t"] == "Para":
            block["c"][:0] = [{"t": "Span", "c": [["", ["insertion"], [["author", "a"]]], [{"t": "Str", "c": "жаңа"}]]},
                              {"t": "Span", "c": [["", ["deletion"], [["author", "a"]]], [{"t": "Str", "c": "ескі"}]]}]
    result = docx_stitch.package(doc, cwd, args, tmp_path / "docx")
    assert result.whole == ""
    xml = result.parts["word/document.xml"].decode()
    assert xml.count("<w:ins ") > 5 and '<w:del w:id="5"' in xml
    assert_same_package(result.parts, docx_stitch.package(doc, cwd, args, None).parts)


def test_sections_in_several_runs_are_the_whole_run(tmp_path, monkeypatch):
    """A long thesis's missing sections go through pandoc in runs of bounded size (its memory
    grows with the input): the stitched package is still the one run's."""
    monkeypatch.setattr(docx_stitch, "BATCH_BYTES", 40_000)
    doc, cwd, args = docx_input(REPO, tmp_path / "cache")
    runs = []
    real = pandoc.write
    monkeypatch.setattr(pandoc, "write", lambda *a, **k: runs.append(1) or real(*a, **k))
    stitched = docx_stitch.package(doc, cwd, args, tmp_path / "docx")
    assert len(runs) > 3
    assert_same_package(stitched.parts, docx_stitch.package(doc, cwd, args, None).parts)
