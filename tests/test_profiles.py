"""Both profiles from the same sources: kz-diploma and gost-7.32 give their own page and spacing."""

from __future__ import annotations

import re
import statistics

import docx
import pypdf
import pytest

from helpers import build_copy


MM = 72 / 25.4


def body_lines(pdf_path, page_index):
    """(x, y) of the start of each text run on a page, in points from the bottom-left."""
    page = pypdf.PdfReader(str(pdf_path)).pages[page_index]
    starts = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            starts.append((round(tm[4] * cm[0] + cm[4], 2), round(tm[5] * cm[3] + cm[5], 2), size))
    page.extract_text(visitor_text=visit)
    return starts


@pytest.fixture(scope="module", params=["kz-diploma", "gost-7.32"])
def built(request, tmp_path_factory):
    root, result, _ = build_copy("long", tmp_path_factory.mktemp(request.param), profile=request.param)
    return request.param, result


EXPECTED = {  # from ../shared/FORMAT.md
    "kz-diploma": {"margins": (30, 10, 20, 25), "spacing": 1.0},
    "gost-7.32": {"margins": (30, 15, 20, 20), "spacing": 1.5},
}


def test_docx_margins_follow_the_profile(built):
    name, result = built
    section = docx.Document(str(result.outputs["docx"])).sections[-1]
    got = tuple(round(getattr(section, f"{side}_margin").mm) for side in ("left", "right", "top", "bottom"))
    assert got == EXPECTED[name]["margins"]


def test_pdf_left_and_top_margins_and_line_pitch(built):
    name, result = built
    left, _, top, _ = EXPECTED[name]["margins"]
    lines = [(x, y) for x, y, size in body_lines(result.outputs["pdf"], 3) if abs(size - 14) < 0.1]
    xs = sorted({x for x, _ in lines})
    # Continuation lines start at the left margin; first lines 1.25 cm further in.
    assert abs(xs[0] / MM - left) < 0.5, xs[:3]
    assert any(abs((x - xs[0]) / MM - 12.5) < 0.5 for x in xs), "no paragraph indent of 1.25 cm"
    ys = sorted({y for _, y in lines}, reverse=True)
    pitches = [round(a - b, 2) for a, b in zip(ys, ys[1:])]
    pitch = statistics.median(pitches)
    assert abs(pitch - 14 * 1.15 * EXPECTED[name]["spacing"]) < 0.3, pitches[:10]
    page_height = 841.89
    first_baseline_from_top = (page_height - ys[0]) / MM
    # as in Word and LibreOffice: the first baseline one win-ascent (0.891 em of 14 pt) below the margin
    assert abs(first_baseline_from_top - top - 0.891 * 14 / MM) < 0.2


def test_gost_is_longer_than_kz_diploma(tmp_path):
    _, kz, _ = build_copy("long", tmp_path / "a", targets=("pdf",))
    _, gost, _ = build_copy("long", tmp_path / "b", targets=("pdf",), profile="gost-7.32")
    assert gost.artefacts["pdf"].facts["pages"] > kz.artefacts["pdf"].facts["pages"]


def test_figures_and_tables_numbered_within_chapters(tmp_path):
    """captions.numbering: chapter gives "Кесте 2.1" in the PDF (the table is in chapter 2)."""
    from helpers import copy_project, pdf_pages
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    root = copy_project("minimal", tmp_path)
    (root / "profiles").mkdir()
    (root / "profiles" / "by-chapter.yaml").write_text(
        "extends: kz-diploma\nname: by-chapter\ncaptions: {numbering: chapter}\n", encoding="utf-8")
    result = build(root, Options(targets=("pdf",), profile="by-chapter"), Reporter(quiet=True))
    text = " ".join(pdf_pages(result.outputs["pdf"]))
    assert "Кесте 2.1 — Көрсеткіштер" in text
    continuous = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    assert "Кесте 1 — Көрсеткіштер" in " ".join(pdf_pages(continuous.outputs["pdf"]))


AUTHOR_DATE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Author-date, sorted</title><id>ad</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <macro name="author"><names variable="author"><name form="short" and="symbol"/>
    <substitute><names variable="editor"/><text variable="title" form="short"/></substitute></names></macro>
  <citation et-al-min="3" et-al-use-first="1">
    <sort><key macro="author"/></sort>
    <layout prefix="(" suffix=")" delimiter="; "><group delimiter=", "><text macro="author"/>
      <date variable="issued"><date-part name="year"/></date><text variable="locator"/></group></layout>
  </citation>
  <bibliography><layout suffix="."><group delimiter=". "><text macro="author"/><text variable="title"/></group></layout>
  </bibliography>
</style>
"""


def test_own_profile_over_generic_with_an_author_date_style(tmp_path):
    """A project's profile extending `generic` (itself extending `kz-diploma`) with a CSL style of
    the author's: before, only one level of `extends` was read ('page: required key is
    missing'); GOST's rules reached the other style (four authors put after the title, an
    organisation given a period); and the style's sorting of a reference's citations, which
    differs by language, cut the Kazakh run's pieces wrongly: '(Барановский, 1983; Барановский, 1983)'."""
    from helpers import copy_project, pdf_pages
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    root = copy_project("cited", tmp_path)
    (root / "styles").mkdir()
    (root / "styles" / "ad.csl").write_text(AUTHOR_DATE, encoding="utf-8")
    (root / "profiles").mkdir()
    (root / "profiles" / "ad.yaml").write_text("extends: generic\nname: ad\ncitation_style: ad\n", encoding="utf-8")
    thesis_yaml = root / "thesis.yaml"
    thesis_yaml.write_text(thesis_yaml.read_text(encoding="utf-8") + "profile: ad\n", encoding="utf-8")
    with (root / "bibliography" / "sources.bib").open("a", encoding="utf-8") as bib:
        bib.write("@article{four2020, author = {Aa, A. and Bb, B. and Cc, C. and Dd, D.}, title = {Four},\n"
                  "  journaltitle = {J}, date = {2020}, langid = {english}}\n"
                  "@online{org2021, author = {{World Bank}}, title = {Data}, url = {http://x.org}, date = {2021},\n"
                  "  langid = {english}}\n")
    (root / "content" / "01-chapter.md").write_text(
        "# Тарау\n\nЕкеуі [@baranovskii1983, p. 200; @haas1958, p. 442]. Төрт [@four2020]. Ұйым [@org2021].\n",
        encoding="utf-8")
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    text = " ".join(" ".join(pdf_pages(result.outputs["pdf"])).split())
    both = next(m for m in re.findall(r"Екеуі (\([^)]*\))", text))
    assert both.count("Барановский") == 1 and both.count("Haas") == 1, both
    assert "Төрт (Aa et al., 2020)" in text and "Ұйым (World Bank, 2021)" in text


def test_profiles_extending_in_a_circle_or_shadowing_the_tools(tmp_path, monkeypatch):
    """`profiles/generic.yaml` with `extends: generic` extends the tool's generic; a → b → a is
    an error at the `extends` line, not an endless loop."""
    from helpers import copy_project
    from thesis.config import load_project
    from thesis.diagnostics import Reporter, UserError
    root = copy_project("cited", tmp_path)
    monkeypatch.chdir(root)
    (root / "profiles").mkdir()
    (root / "profiles" / "generic.yaml").write_text("extends: generic\nname: mine\n", encoding="utf-8")
    project = load_project(root, Reporter(quiet=True), "generic")
    assert project.profile.name == "mine" and project.profile.source_list.order == "citation"  # generic's
    (root / "profiles" / "a.yaml").write_text("name: a\nextends: b\n", encoding="utf-8")
    (root / "profiles" / "b.yaml").write_text("extends: a\nname: b\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_project(root, Reporter(quiet=True), "a")
    assert str(error.value.diagnostic) == ("profiles/b.yaml:1: error: profile 'a' extends itself, through a → b "
                                           "[config.profile]")
