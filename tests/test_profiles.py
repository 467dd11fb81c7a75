"""Both profiles from the same sources: kz-diploma and gost-7.32 give their own page and spacing."""

from __future__ import annotations

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
