"""Figure, table and formula numbers: computed once by the build (transforms/numbering.py)
and printed the same in the PDF and the DOCX; formulas centred with "(1)" at the right
margin in the PDF and in LibreOffice's rendering of the DOCX; "где" lines from the left edge.

Sample: tests/projects/crossref (ru, kz-diploma): two chapters, an appendix, three figures,
two tables, four display formulas (one unlabelled) with "где" lines.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

from helpers import build_copy, docx_texts, pdf_pages
from thesis.writers import libreoffice

PT_PER_MM = 72 / 25.4
A4_WIDTH_PT = 210 * PT_PER_MM
LEFT, RIGHT = 30 * PT_PER_MM, A4_WIDTH_PT - 10 * PT_PER_MM  # kz-diploma's text area
INDENT = 12.5 * PT_PER_MM


def _build(tmp_path_factory, profile_yaml: str | None = None):
    root, result, _ = build_copy("crossref", tmp_path_factory.mktemp("numbering"))
    if profile_yaml is None:
        return root, result
    (root / "profiles").mkdir()
    (root / "profiles" / "by-chapter.yaml").write_text(profile_yaml, encoding="utf-8")
    text = (root / "thesis.yaml").read_text(encoding="utf-8")
    (root / "thesis.yaml").write_text(text + "profile: by-chapter\n", encoding="utf-8")
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    return root, build(root, Options(), Reporter(quiet=True))


@pytest.fixture(scope="module")
def continuous(tmp_path_factory):
    return _build(tmp_path_factory)


@pytest.fixture(scope="module")
def by_chapter(tmp_path_factory):
    return _build(tmp_path_factory, "extends: kz-diploma\nname: by-chapter\ncaptions: {numbering: chapter}\n")


def _pdf_text(result) -> str:
    return " ".join(pdf_pages(result.outputs["pdf"]))


def _docx_text(result) -> str:
    return " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))


def _formula_numbers(text: str) -> list[str]:
    """The formula numbers printed alone at the end of a formula line: '(1)', '(А.1)'."""
    return re.findall(r"\((\w?\.?\d+(?:\.\d+)?)\)", text)


def test_captions_numbered_through_the_thesis_appendix_with_its_letter(continuous):
    _, result = continuous
    for text in (_pdf_text(result), _docx_text(result)):
        found = re.findall(r"(Рисунок|Таблица) (\S+) —", text)
        assert found == [("Рисунок", "1"), ("Таблица", "1"), ("Рисунок", "2"), ("Таблица", "А.1"),
                         ("Рисунок", "А.1")], found


def test_captions_and_formulas_numbered_per_chapter(by_chapter):
    _, result = by_chapter
    for text in (_pdf_text(result), _docx_text(result)):
        found = re.findall(r"(Рисунок|Таблица) (\S+) —", text)
        assert found == [("Рисунок", "1.1"), ("Таблица", "1.1"), ("Рисунок", "2.1"), ("Таблица", "А.1"),
                         ("Рисунок", "А.1")], found
    # Formula references follow the formula numbering ("(1.1)" … "(2.1)", "(А.1)").
    for text in (_pdf_text(result), _docx_text(result)):
        assert "Итог: формулы (1.1), (2.1), приложение А." in text
        assert "См. (А.1), табл. А.1 и рис. А.1." in text


def test_every_display_formula_numbered_by_default(continuous):
    root, result = continuous
    numbered = [(n.kind, n.ident, n.number) for n in result.document.numbered if n.kind == "equation"]
    docx = zipfile.ZipFile(result.outputs["docx"]).read("word/document.xml").decode()
    # The DOCX: "(" prefix SEQ ")" after the formula, in the Equation paragraph style.
    paragraphs = re.findall(r'<w:p><w:pPr><w:pStyle w:val="Equation" ?/>.*?</w:p>', docx, re.S)
    numbers = ["".join(re.findall(r"<w:t>([^<]*)</w:t>", p)) for p in paragraphs]
    assert numbers == ["(1)", "(2)", "(3)", "(А.1)"], numbers
    assert all("<m:oMath>" in p and 'SEQ Formula' in p for p in paragraphs)
    assert numbered == [("equation", "eq:energy", "1"), ("equation", "", "2"),
                        ("equation", "eq:ratio", "3"), ("equation", "eq:app", "А.1")]


def test_unlabelled_formulas_unnumbered_when_the_profile_says_labelled(tmp_path_factory):
    _, result = _build(tmp_path_factory, "extends: kz-diploma\nname: by-chapter\n"
                                         "equations: {numbering: continuous, numbered: labelled}\n")
    for text in (_pdf_text(result), _docx_text(result)):
        assert "формула (1) верна" in text and "Итог: формулы (1), (2), приложение А." in text
    docx = zipfile.ZipFile(result.outputs["docx"]).read("word/document.xml").decode()
    assert len(re.findall(r'<w:pStyle w:val="Equation" ?/>', docx)) == 3  # pandoc's or lxml's spelling
    assert docx.count("<m:oMathPara>") == 1  # the unlabelled one: pandoc's centred display formula


# ---------------------------------------------------------------- layout

def _words(pdf: bytes) -> list[tuple[int, str, float, float, float]]:
    """(page, word, xMin, xMax, yMin) of every word, as poppler reads them."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", out))
    ns = "{http://www.w3.org/1999/xhtml}"
    return [(n, w.text or "", float(w.get("xMin")), float(w.get("xMax")), float(w.get("yMin")))
            for n, page in enumerate(root.iter(ns + "page"), 1) for w in page.iter(ns + "word")]


def _check_layout(pdf: bytes) -> None:
    words = _words(pdf)
    marks = [w for w in words if w[1] in ("(1)", "(2)", "(3)", "(А.1)")]
    # References in the text say "(1)" too: the formula's number is the one alone at the margin.
    at_margin = [w for w in marks if abs(w[3] - RIGHT) < 3]
    assert [w[1] for w in at_margin] == ["(1)", "(2)", "(3)", "(А.1)"], [(w[1], round(w[3], 1)) for w in marks]
    for page, text, x0, x1, y in at_margin:  # the formula itself centred on the text area
        line = [w for w in words if w[0] == page and abs(w[4] - y) < 8 and w[1] != text]
        if line:  # math glyphs poppler could read
            middle = (min(w[2] for w in line) + max(w[3] for w in line)) / 2
            assert abs(middle - (LEFT + RIGHT) / 2) < 25, (text, middle)
    where = [w for w in words if w[1] == "где"]
    assert len(where) == 2 and all(abs(w[2] - LEFT) < 2 for w in where), where  # no indent
    body = [w for w in words if w[1] in ("Энергия", "Отношение")]
    assert body and all(abs(w[2] - (LEFT + INDENT)) < 2 for w in body), body  # the text before: indented


def test_pdf_formula_numbers_at_the_right_margin(continuous):
    _check_layout(continuous[1].outputs["pdf"].read_bytes())


def test_docx_formula_numbers_at_the_right_margin_in_libreoffice(continuous):
    if libreoffice.soffice() is None:
        pytest.skip("LibreOffice is not installed")
    _check_layout(libreoffice.docx_to_pdf(continuous[1].outputs["docx"].read_bytes()))


def test_docx_equation_style_tab_stops(continuous):
    import io

    import docx
    style = docx.Document(io.BytesIO(continuous[1].outputs["docx"].read_bytes())).styles["Equation"]
    stops = [(round(t.position.mm), str(t.alignment)) for t in style.paragraph_format.tab_stops]
    text_width = 210 - 30 - 10
    assert stops == [(text_width // 2, "CENTER (1)"), (text_width, "RIGHT (2)")], stops
