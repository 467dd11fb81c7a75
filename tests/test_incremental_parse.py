"""The parse stage reads the thesis in parts and resolves citations part by part
(thesis/parts.py, thesis/citeproc.py): whatever it reuses, its AST must be the one pandoc
makes of the whole thesis in one run (`whole`, the parse as it was before), and after an
edit it must run pandoc only on what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import PROJECTS
from thesis import locators, pandoc, parse as parse_stage
from thesis.context import Options
from thesis.diagnostics import Reporter
from thesis.load import load
from thesis.parts import MIN_PART_CHARS, cut
from thesis.transforms.sourcelist import _cites, _ref_divs

ROOT = Path(__file__).resolve().parent.parent
CROSSREF_FILTER = Path(__file__).parent / "oracles" / "crossref.lua"


def whole(thesis, cache) -> tuple[dict, dict]:
    """The thesis through pandoc and citeproc in one run per language (the reference; the
    pandoc-crossref references taken out by a Lua filter, as the parse did before)."""
    items, csl = parse_stage.citation_inputs(thesis, cache)
    crossref = (CROSSREF_FILTER,) if any(parse_stage._CROSSREF.search(c.text) for c in thesis.chapters) else ()

    def run(language):
        # read (the crossref references out by the Lua filter), the page labels made English as
        # the parse makes them (locators.py: a rewrite of the text, not of what is reused), then
        # citeproc over that AST
        args = ["--from", pandoc.READER, "--to", "json", *[f"--lua-filter={f}" for f in crossref],
                *[str(c.path) for c in thesis.chapters], "-"]
        meta = pandoc.metadata_block(pandoc._citeproc_settings(language, list(thesis.project.thesis.nocite)))
        doc = json.loads(pandoc.run(args, meta, thesis.root, "the one-run oracle")[0])
        if not items:
            return doc
        if thesis.profile.citations == "note":
            locators.english_page_labels(doc["blocks"])
        args = ["--from", "json", "--to", "json", "--citeproc", *[f"--bibliography={p}" for p in items],
                *([f"--csl={csl}"] if csl else [])]
        return json.loads(pandoc.run(args, json.dumps(doc).encode(), thesis.root, "the one-run oracle's citeproc")[0])
    main = run(thesis.language)
    others = parse_stage.languages_needed(thesis, main) - {thesis.language} if items else set()
    return main, {language: run(language) for language in others}


def assert_same(document, thesis, cache):
    main, others = whole(thesis, cache)
    assert document.ast == main
    assert sorted(document.citeproc_runs) == sorted(others)
    for language, other in others.items():  # what localize takes from the other runs
        mine = document.citeproc_runs[language]
        assert [c["c"][1] for c in _cites(mine)] == [c["c"][1] for c in _cites(other)]
        assert _ref_divs(mine) == _ref_divs(other)


def parse(root: Path, cache: Path):
    thesis = load(root, Options(), Reporter(quiet=True))
    return parse_stage.parse(thesis, cache, Reporter(quiet=True)), thesis


def copy(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("build", ".git", "tests", "bench", "vendor"))
    return target


SAMPLES = sorted(p.name for p in PROJECTS.iterdir() if (p / "thesis.yaml").is_file())


@pytest.mark.parametrize("name", SAMPLES)
def test_parts_read_as_the_whole(name, tmp_path):
    root = copy(PROJECTS / name, tmp_path)
    document, thesis = parse(root, tmp_path / "cache")
    assert_same(document, thesis, tmp_path / "cache")


def counting(monkeypatch) -> list[str]:
    runs: list[str] = []
    original = pandoc.run

    def run(args, stdin, cwd, what):
        runs.append(what)
        return original(args, stdin, cwd, what)
    monkeypatch.setattr(pandoc, "run", run)
    return runs


def test_an_edit_reads_one_part_and_resolves_nothing(tmp_path, monkeypatch):
    root = copy(ROOT, tmp_path)  # the thesis: its long chapters are cut into parts
    cache = tmp_path / "cache"
    parse(root, cache)
    chapter = root / "content" / "01-integratsiya-teoriyasy.md"
    text = chapter.read_text(encoding="utf-8")
    assert len(cut(chapter, text)) > 3
    edits = [("интеграция", "интеграциялық"), ("интеграциялық", "интеграцияның"),  # beside a citation,
             ("ынтымақтастық", "ынтымақтастығы")]  # again in the same part, and without one
    for old, new in edits:
        text = text.replace(old, new, 1)
        chapter.write_text(text, encoding="utf-8")
        runs = counting(monkeypatch)
        document, thesis = parse(root, cache)
        monkeypatch.undo()
        assert [w.split(" from line")[0] for w in runs] == ["reading 01-integratsiya-teoriyasy.md"]
        assert new in str(document.ast)
        assert_same(document, thesis, cache)


def words_near_citations(text: str, distances: tuple[int, ...]) -> list[tuple[int, int]]:
    """(start, end) of the word `d` words before a citation, for the first citations."""
    import re
    spots = []
    for match in list(re.finditer(r"\[@", text))[:3]:
        words = list(re.finditer(r"[^\W\d_]{3,}", text[max(0, match.start() - 400):match.start()]))
        for d in distances:
            if len(words) >= d:
                w = words[-d]
                spots.append((max(0, match.start() - 400) + w.start(), max(0, match.start() - 400) + w.end()))
    return spots


@pytest.mark.parametrize("name", ["rendered", "byo-en", "format"])
def test_edits_beside_citations_give_what_citeproc_gives(name, tmp_path):
    """Edits 1 to 6 words before a citation (inside and outside the reach citeproc has around
    it) and after it: the patched result is the one citeproc makes of the whole thesis."""
    root = copy(PROJECTS / name, tmp_path)
    cache = tmp_path / "cache"
    parse(root, cache)
    for chapter in sorted((root / "content").glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        for start, end in words_near_citations(text, (1, 2, 4, 6)):
            chapter.write_text(text[:start] + text[start:end].upper() + text[end:], encoding="utf-8")
            document, thesis = parse(root, cache)
            assert_same(document, thesis, cache)
        after = text.replace("].", "];", 1)
        if after != text:
            chapter.write_text(after, encoding="utf-8")
            document, thesis = parse(root, cache)
            assert_same(document, thesis, cache)
        chapter.write_text(text, encoding="utf-8")


def test_a_new_citation_resolves_every_part_again(tmp_path):
    root = copy(PROJECTS / "rendered", tmp_path)
    cache = tmp_path / "cache"
    parse(root, cache)
    chapter = sorted((root / "content").glob("*.md"))[1]
    text = chapter.read_text(encoding="utf-8")
    first_key = next(line for line in (root / "bibliography").glob("*.bib").__next__().read_text(
        encoding="utf-8").splitlines() if line.startswith("@")).split("{", 1)[1].rstrip(",")
    paragraph = text.index("\n\n") + 2
    chapter.write_text(text[:paragraph] + f"Тағы бір дәйек [@{first_key}, p. 7].\n\n" + text[paragraph:],
                       encoding="utf-8")
    document, thesis = parse(root, cache)
    assert_same(document, thesis, cache)


@pytest.mark.parametrize("second", [
    "# Кіріспе {#кіріспе}\n\nМәтін.\n",                   # an id written twice: the whole read warns
    "# Екінші\n\nСілтеме[^a].\n",                         # a note defined in the other chapter
    "---\ntitle: x\n---\n\n# Екінші\n\nМәтін.\n",          # a metadata block
])
def test_chapters_that_do_not_read_alike_apart_are_read_whole(second, tmp_path, monkeypatch):
    root = copy(PROJECTS / "minimal", tmp_path)
    content = root / "content"
    for path in content.glob("*.md"):
        path.unlink()
    (content / "01.md").write_text("# Кіріспе\n\nМәтін[^a].\n\n[^a]: Ескерту.\n", encoding="utf-8")
    (content / "02.md").write_text(second, encoding="utf-8")
    document, thesis = parse(root, tmp_path / "cache")
    assert_same(document, thesis, tmp_path / "cache")


def test_repeated_headings_take_the_ids_of_the_whole_read(tmp_path, monkeypatch):
    """"Қорытынды" closing every chapter: pandoc numbers the repeats through the whole thesis
    ("-1", "-2"), the parts each alone would not; ids written out stay as written."""
    root = copy(PROJECTS / "minimal", tmp_path)
    content = root / "content"
    for path in content.glob("*.md"):
        path.unlink()
    long = ("Сөйлем мәтіні осында тұр. " * 40 + "\n\n") * (MIN_PART_CHARS // 1000 + 1)
    (content / "01.md").write_text("# Бірінші\n\n## Қорытынды\n\nА.\n\n## Қорытынды\n\nӘ.\n", encoding="utf-8")
    (content / "02.md").write_text("# Екінші\n\n" + long + "## Қорытынды\n\nБ.\n\n" + long +
                                   "## Қорытынды {#соңы}\n\nВ.\n\n## Қорытынды-1\n\nГ.\n", encoding="utf-8")
    assert len(cut(content / "02.md", (content / "02.md").read_text(encoding="utf-8"))) > 1
    runs = counting(monkeypatch)
    document, thesis = parse(root, tmp_path / "cache")
    monkeypatch.undo()
    assert not any("reading the chapters" in w for w in runs)  # read in parts, not in one piece
    ids = [b["c"][1][0] for b in document.blocks if b["t"] == "Header"]
    assert ids[2:] == ["қорытынды-1", "екінші", "қорытынды-2", "соңы", "қорытынды-1-1"]
    assert_same(document, thesis, tmp_path / "cache")


def long_text(*middle: str) -> str:
    filler = ("Сөйлем мәтіні осында тұр. " * 40 + "\n\n") * (MIN_PART_CHARS // 1000 + 1)
    return "# Тарау\n\n" + filler + "".join(m + filler for m in middle)


def test_cuts_fall_only_between_blocks_that_end():
    text = long_text("## Бөлім\n\n")
    pieces = cut(Path("x.md"), text)
    assert len(pieces) > 1 and "".join(p.text for p in pieces) == text
    for piece in pieces[1:]:
        first = piece.text.splitlines()[0]
        assert first.startswith("#") or first[0].isalpha()
        assert text.splitlines()[piece.first - 1] == first


@pytest.mark.parametrize("inside", [
    "```\n{filler}\n```\n\n",              # a code block
    "::: {{.landscape}}\n\n{filler}\n:::\n\n",  # a fenced div
    "<!--\n\n{filler}\n-->\n\n",           # a comment
    "\\begin{{align}}\n\n{filler}\n\\end{{align}}\n\n",  # a raw TeX environment
])
def test_no_cut_inside_an_open_block(inside):
    filler = ("Сөйлем мәтіні осында тұр. " * 40 + "\n\n") * (MIN_PART_CHARS // 500 + 1)
    text = "# Тарау\n\n" + inside.format(filler=filler)
    for piece in cut(Path("x.md"), text):
        opened = piece.text.count("```") % 2 or piece.text.count(":::") % 2 or \
            piece.text.count("<!--") != piece.text.count("-->") or \
            piece.text.count("\\begin{") != piece.text.count("\\end{")
        assert not opened


def test_cuts_go_on_after_a_closed_block():
    """An environment, a fence or a div that closes leaves the rest of the chapter cuttable."""
    for block in ("\\begin{equation}\nx = 1\n\\end{equation}\n\n", "```\ncode\n```\n\n",
                  "::: {.flush}\nМәтін.\n:::\n\n"):
        filler = ("Сөйлем мәтіні осында тұр. " * 40 + "\n\n") * (MIN_PART_CHARS // 500 + 1)
        assert len(cut(Path("x.md"), "# Тарау\n\n" + block + filler)) > 1, block


@pytest.mark.parametrize("marker", ["[^1]: Ескерту.\n\n", "[сілтеме]: http://example.com\n\n",
                                    "-------------------\nA  B\n\n", "(@) Мысал.\n\n"])
def test_a_chapter_with_definitions_or_multiline_tables_is_one_part(marker):
    assert len(cut(Path("x.md"), long_text(marker))) == 1


@pytest.mark.parametrize("name", SAMPLES)
def test_the_index_keeps_what_the_transforms_keep(name, tmp_path):
    """Citations are taken from the parse's index after the transforms ran: none may have
    been made, copied or dropped by them (tables are: a terms list becomes one)."""
    from thesis.build import prepare
    from thesis.ast import walk
    root = copy(PROJECTS / name, tmp_path)
    _, document = prepare(root, Options(), Reporter(quiet=True))
    assert [id(n) for n in walk(document.blocks) if n["t"] == "Cite"] == [id(n) for n in document.kept("Cite")]


def test_a_watch_after_edits_writes_the_bytes_of_a_fresh_build(tmp_path, monkeypatch):
    """Everything a watch keeps (parts, citeproc results, Typst chunks, DOCX sections, the kept
    Typst compiler) gives, after edits, the very PDF and DOCX a build from nothing gives."""
    import hashlib
    from thesis.build import build
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = copy(ROOT, tmp_path)
    session: dict = {"watch": True}
    build(root, Options(), Reporter(quiet=True), session)
    chapter = root / "content" / "01-integratsiya-teoriyasy.md"
    text = chapter.read_text(encoding="utf-8")
    try:
        for i, (old, new) in enumerate([("интеграция", "интеграциялық"), ("ынтымақтастық", "ынтымақ")]):
            text = text.replace(old, new, 1)
            chapter.write_text(text, encoding="utf-8")
            build(root, Options(), Reporter(quiet=True), session)
    finally:
        if session.get("typst") is not None:
            session["typst"].close()
    fresh = build(root, Options(out=tmp_path / "fresh"), Reporter(quiet=True))
    for name, path in fresh.outputs.items():
        assert hashlib.sha256((root / "build" / path.name).read_bytes()).digest() == \
            hashlib.sha256(path.read_bytes()).digest(), name
