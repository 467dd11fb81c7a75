"""The DOCX as Word would read it: footnotes, sections, styles, language, title page."""

from __future__ import annotations

import re
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from helpers import build_copy
from thesis.units import Length

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    root, result, _ = build_copy("minimal", tmp_path_factory.mktemp("docx"), targets=("docx",))
    return root, result, docx.Document(str(result.outputs["docx"]))


def _footnotes_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/footnotes.xml").decode()


def _document_xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode()


def test_footnotes_are_real_word_footnotes(minimal):
    root, result, _ = minimal
    source_notes = sum(p.read_text().count("^[") for p in (root / "content").glob("*.md"))
    body = _document_xml(result.outputs["docx"])
    assert body.count("<w:footnoteReference") == source_notes == 3
    notes = _footnotes_xml(result.outputs["docx"])
    assert "Бірінші тараудағы ескерту" in notes


def test_section_page_and_margins_follow_the_profile(minimal):
    _, _, document = minimal
    section = document.sections[-1]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    for side, expected in (("left", "30mm"), ("right", "10mm"), ("top", "20mm"), ("bottom", "25mm")):
        assert abs(getattr(section, f"{side}_margin").mm - Length(expected).mm) < 0.1, side


def test_title_page_has_a_different_first_page_without_a_number(minimal):
    _, _, document = minimal
    section = document.sections[-1]
    assert section.different_first_page_header_footer
    first_footer = "".join(p.text for p in section.first_page_footer.paragraphs)
    assert first_footer.strip() == ""
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and 'w:val="center"' in footer_xml


def test_style_fonts_and_sizes_equal_the_profile(minimal):
    _, _, document = minimal
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 14
    body = document.styles["Body Text"].paragraph_format
    assert abs(body.first_line_indent.mm - 12.5) < 0.1
    assert document.styles["Footnote Text"].font.size.pt == Length("12pt").pt
    heading = document.styles["Heading 1"]
    assert heading.font.bold and heading.paragraph_format.page_break_before
    assert heading.font.name == "Times New Roman" and heading.font.size.pt == 14
    structural = document.styles["Structural Heading"]
    assert structural.paragraph_format.alignment == 1  # centred
    assert structural.paragraph_format.page_break_before


def test_language_tags_are_kazakh(minimal):
    _, result, document = minimal
    styles = document.styles.element
    langs = {el.get(qn("w:val")) for el in styles.iter(qn("w:lang"))}
    assert langs == {"kk-KZ"}


def test_headings_carry_build_numbers_and_structural_style(minimal):
    _, _, document = minimal
    by_style = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Heading 1", "1 Интеграция теориясы") in by_style
    assert ("Heading 2", "2.1 Экономикалық қауымдастық") in by_style
    assert ("Structural Heading", "КІРІСПЕ") in by_style
    assert ("Structural Heading", "ҚОРЫТЫНДЫ") in by_style


def test_contents_field_under_localized_title(minimal):
    _, result, document = minimal
    xml = _document_xml(result.outputs["docx"])
    assert "МАЗМҰНЫ" in xml
    assert re.search(r'TOC \\o "1-2" \\h \\z \\u', xml)
    for anchor in ("интеграция-теориясы", "экономикалық-қауымдастық"):
        assert f'w:anchor="{anchor}"' in xml and f'w:name="{anchor}"' in xml


def test_title_page_values_come_from_thesis_yaml(minimal):
    _, _, document = minimal
    texts = [p.text for p in document.paragraphs[:20]]
    assert "Қазақ тіліндегі үлгі жұмыс" in texts
    assert any("Әлібек Ғалымұлы Қасымов" in t for t in texts)
    assert "Алматы 2015" in texts
