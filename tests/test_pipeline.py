"""The pipeline stage by stage: checks report everything at once, transforms write the contract
the writers read, a university format is data only, and the Typst source is golden."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import docx_texts, pdf_pages
from thesis import ast
from thesis.build import Options, build
from thesis.diagnostics import Reporter, UserError
from thesis.document import FIGURE_PREFIX, KIND, RULE, heading_attr, heading_rule, map_blocks
from thesis.units import Length

GOLDEN = Path(__file__).resolve().parent / "golden"


# ---------------------------------------------------------------- check stage

def test_one_build_reports_every_problem(project, run_cli):
    """3 missing images, 2 unknown citation keys and a refused raw block: 6 lines, one build."""
    chapter = project / "content" / "02-practice.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n![А](a.png)\n\n![Б](b.png)\n\n![В](c.png)\n\n"
                       "Бір [@ghost1] екі [@ghost2].\n\n```{=typst}\n#pagebreak()\n```\n", encoding="utf-8")
    code, err = run_cli(project)
    assert code == 1
    assert sorted(line.rsplit("[", 1)[1] for line in err) == sorted(
        ["image.missing]"] * 3 + ["cite.undefined]"] * 2 + ["source.raw]"])
    assert all(line.startswith("content/02-practice.md:") for line in err), err


def test_load_reports_every_chapter_metadata_problem_at_once(project, run_cli):
    for name in ("01-theory.md", "02-practice.md"):
        chapter = project / "content" / name
        chapter.write_text("---\ncsl: x.csl\n---\n\n" + chapter.read_text(encoding="utf-8"), encoding="utf-8")
    code, err = run_cli(project)
    assert code == 1 and len(err) == 2
    assert {line.split(":")[0] for line in err} == {"content/01-theory.md", "content/02-practice.md"}


# ---------------------------------------------------------------- transform stage: the contract

def test_headings_carry_their_rule_kind_and_figure_prefix(transformed):
    document = transformed("# Кіріспе\n\nМәтін.\n\n# Теория\n\n## Негіздер\n\n#### Терең\n\n# Қосымша\n\nА.\n")
    headers = [b for b in document.blocks if b["t"] == "Header"]
    got = [(ast.stringify(h["c"][2]), heading_rule(h), heading_attr(h, KIND), heading_attr(h, FIGURE_PREFIX, None))
           for h in headers]
    assert got == [("КІРІСПЕ", "structural", "introduction", ""),
                   ("1 Теория", "chapter", "chapter", "1"),
                   ("1.1 Негіздер", "section", "section", None),
                   ("Терең", "subsection", "deep", None),
                   ("ҚОСЫМША А Қосымша", "structural", "appendix", "А")]
    assert [(h.level, h.text, h.number) for h in document.outline][:3] == [
        (1, "КІРІСПЕ", ""), (1, "1 Теория", "1"), (2, "1.1 Негіздер", "1.1")]


def test_the_source_list_is_placed_and_grouped_under_its_heading(transformed):
    document = transformed("# Тарау\n\nМәтін.\n")
    assert all(heading_attr(b, RULE) for b in document.blocks if b["t"] == "Header")
    assert document.ast["meta"].keys() == {"lang"}  # no file paths reach the writers


def test_map_blocks_enters_divs_and_splices_lists():
    blocks = [ast.Para([ast.Str("a")]), ast.Div([ast.Header(1, [ast.Str("h")])])]
    out = map_blocks(blocks, lambda b: [b, b] if b["t"] == "Header" else None)
    assert [b["t"] for b in out] == ["Para", "Div"]
    assert [b["t"] for b in out[1]["c"][1]] == ["Header", "Header"]
    assert blocks[1]["c"][1] == [ast.Header(1, [ast.Str("h")])]  # the input is not changed


@pytest.mark.parametrize("name", ["crossref", "format"])
def test_find_gives_what_a_filtered_walk_gives(sample, name):
    """`ast.find` (the transforms' fast search) finds the very elements `ast.walk` yields, in
    its order, for every element type of a transformed sample and for sets of them."""
    from thesis.build import prepare
    from thesis.context import Stopwatch
    _, document = prepare(sample(name), Options(), Reporter(quiet=True), Stopwatch(), None)
    blocks = document.blocks
    types = {node["t"] for node in ast.walk(blocks)}
    assert {"Header", "Table", "Figure", "Note", "Cite", "Span", "Str"} <= types
    for kinds in [{t} for t in types] + [{"Header", "Figure", "Table", "Span"}, types]:
        assert [id(n) for n in ast.find(blocks, kinds)] == [id(n) for n in ast.walk(blocks) if n["t"] in kinds]
    table = ast.find(blocks, {"Table"})[0]
    assert ast.find(table, {"Table"}) == [table]  # an element itself, as `walk` gives it


def test_lengths_are_parsed_once():
    assert Length("30mm").mm == 30 and Length("1.25cm").mm == 12.5 and Length("14pt").pt == 14
    assert str(Length("30mm")) == "30mm"
    with pytest.raises(ValueError, match="must be a length"):
        Length("thirty")


# ---------------------------------------------------------------- a format as data

@pytest.fixture(scope="module")
def own_format(tmp_path_factory):
    from helpers import copy_project
    root = copy_project("own-format", tmp_path_factory.mktemp("own"))
    result = build(root, Options(), Reporter(quiet=True))
    return pdf_pages(result.outputs["pdf"]), docx_texts(result.outputs["docx"], "word/document.xml"), \
        docx_texts(result.outputs["docx"], "word/footnotes.xml", "footnote")


def test_a_profile_brings_its_own_title_page(own_format):
    pdf, docx, _ = own_format
    assert pdf[0].startswith("EXAMPLE UNIVERSITY Department of International Relations")
    assert "A thesis by Aigerim Satbayeva" in pdf[0] and "Astana, 2026" in pdf[0]
    assert docx[:3] == ["EXAMPLE UNIVERSITY", "Department of International Relations",
                        "Regional Integration in Central Asia"]


def test_a_profile_brings_its_own_citation_style_and_groups(own_format):
    pdf, docx, notes = own_format
    text = " ".join(pdf)
    assert "Политическая интеграция в Западной Европе, p. 200." in text
    assert "Official sources 1. Қазақстан Республикасы Сыртқы істер министрлігі Scholarly literature 2." in text
    assert "HAAS, E. B. — The challenge of regionalism (1958)" in text
    assert "Политическая интеграция в Западной Европе, p. 200." in notes
    assert "Official sources" in docx and "Scholarly literature" in docx


# ---------------------------------------------------------------- golden Typst

def test_typst_source_of_the_minimal_thesis_is_golden(project, request):
    """The whole Typst document (skeleton + body); regenerate: pytest tests/test_pipeline.py --update-golden."""
    result = build(project, Options(targets=("pdf",), keep_typst=True), Reporter(quiet=True))
    typst = result.artefacts["pdf"].files["thesis.typ"].decode()
    golden = GOLDEN / "minimal.typ"
    if request.config.getoption("--update-golden"):
        golden.write_text(typst, encoding="utf-8")
    assert typst == golden.read_text(encoding="utf-8"), "the Typst source changed: review and --update-golden"


def test_bibliography_errors_come_with_every_other_problem(sample, run_cli):
    """A broken .bib does not hide the chapters' problems: one build, every line."""
    root = sample("cited")
    with (root / "bibliography" / "sources.bib").open("a", encoding="utf-8") as bib:
        bib.write("@book{broken1999,\n  author = {Иванов, И.}, title = {Сломано\n@book{another2000, title = {X}}\n")
    chapter = root / "content" / "01-chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\nЕще [@broken1999] и [@ghost77].\n\n"
                       "![Нет](missing.png)\n", encoding="utf-8")
    code, err = run_cli(root)
    assert code == 1
    assert [line.rsplit("[", 1)[1] for line in err] == ["bib.syntax]", "image.missing]", "cite.undefined]"]
    assert "(entry 'broken1999')" in err[0] and "'ghost77'" in err[2]  # broken1999: said once, where it is


def test_a_typed_appendix_letter_its_place_contradicts_is_warned(project):
    from thesis.build import Options, build
    (project / "content" / "95-app.md").write_text("# Приложение А. Анкета\n\nА.\n\n# Приложение В. Кесте\n\nБ.\n",
                                                   encoding="utf-8")
    reporter = Reporter(quiet=True)
    build(project, Options(targets=("pdf",)), reporter)
    assert [str(d) for d in reporter.warnings if d.code == "heading.appendix-letter"] == [
        "content/95-app.md:5: warning: appendix typed as 'В' is appendix 'Б' by its place (GOST letters skip "
        "Ё З Й О Ч Ъ Ы Ь): printed as 'Б' [heading.appendix-letter]"]


# ---------------------------------------------------------------- write stage

def _writers(monkeypatch, leader_fails: bool) -> list[str]:
    """Two writers registered in place of the real ones: "lead" (Writer.leads) and "follow"; the
    order of what they did."""
    import time
    from types import SimpleNamespace

    import thesis.build
    from thesis.writers import Artefact, Writer

    events: list[str] = []

    def lead(document, thesis, run):
        time.sleep(0.2)  # its own Python work: the follower must not start meanwhile
        if leader_fails:  # before it could say its tools run
            raise UserError("the leader failed", code="test.lead")
        events.append("lead: tools started")
        run.lead.set()
        time.sleep(0.2)
        events.append("lead: done")
        return Artefact({"lead.out": b"x"})

    def follow(document, thesis, run):
        events.append("follow: started")
        return Artefact({"follow.out": b"y"})

    modules = {"lead": SimpleNamespace(write=lead), "follow": SimpleNamespace(write=follow)}
    registry = {name: Writer(name, name, name, leads=name == "lead") for name in ("follow", "lead")}
    monkeypatch.setattr(thesis.build, "WRITERS", registry)
    monkeypatch.setattr(Writer, "load", lambda self: modules[self.name])
    return events


def test_the_leading_writer_starts_first_and_the_others_when_its_tools_run(project, monkeypatch):
    events = _writers(monkeypatch, leader_fails=False)
    build(project, Options(targets=("follow", "lead")), Reporter(quiet=True))
    assert events == ["lead: tools started", "follow: started", "lead: done"]
    assert (project / "build" / "follow.out").read_bytes() == b"y"


def test_a_failing_leader_keeps_no_writer_waiting(project, monkeypatch):
    import time

    import thesis.build
    monkeypatch.setattr(thesis.build, "LEAD_WAIT_S", 60.0)
    events = _writers(monkeypatch, leader_fails=True)
    start = time.perf_counter()
    with pytest.raises(UserError):
        build(project, Options(targets=("follow", "lead")), Reporter(quiet=True))
    assert time.perf_counter() - start < 20  # not the 60 s the follower would wait for a signal
    assert events == ["follow: started"]
