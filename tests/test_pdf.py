"""The PDF as a reader sees it: page size, numbers, contents, footnotes, fonts, Kazakh text."""

from __future__ import annotations

import re
from collections import Counter

import pypdf
import pytest

from helpers import build_copy, pdf_fonts, pdf_pages

A4_PT = (595.28, 841.89)


@pytest.fixture(scope="module")
def minimal(tmp_path_factory):
    root, result, reporter = build_copy("minimal", tmp_path_factory.mktemp("pdf"), targets=("pdf",))
    return root, result, pdf_pages(result.outputs["pdf"])


def test_every_page_is_a4(minimal):
    _, result, _ = minimal
    for page in pypdf.PdfReader(str(result.outputs["pdf"])).pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4_PT[0], 1), round(A4_PT[1], 1))


def test_title_page_has_no_number_and_numbers_start_on_page_2(minimal):
    _, result, pages = minimal
    assert result.artefacts["pdf"].facts["pages"] == len(pages)
    assert not re.search(r"(^|\s)1$", pages[0]), pages[0][-40:]
    assert "ДИПЛОМДЫҚ ЖҰМЫС" in pages[0] and "Алматы 2015" in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert text.endswith(str(number)), f"page {number} ends with {text[-20:]!r}"


def test_contents_lists_every_heading_with_its_real_page(minimal):
    _, result, pages = minimal
    contents = pages[1]
    assert contents.startswith("МАЗМҰНЫ")
    expected = ["КІРІСПЕ", "1 Интеграция теориясы", "1.1 Интеграция негіздері",
                "1.2 Интеграция факторлары", "2 Қазақстанның үлесі",
                "2.1 Экономикалық қауымдастық", "ҚОРЫТЫНДЫ"]
    for heading in expected:
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)(?!\d)", contents)
        assert match, f"{heading!r} missing from contents: {contents!r}"
        page = int(match.group(1))
        assert heading in pages[page - 1], f"{heading!r} is not on page {page}"


def test_chapters_and_structural_elements_start_new_pages(minimal):
    _, _, pages = minimal
    for heading in ("КІРІСПЕ", "1 Интеграция теориясы", "2 Қазақстанның үлесі", "ҚОРЫТЫНДЫ"):
        owners = [p for p in pages[2:] if p.startswith(heading)]
        assert len(owners) == 1, f"{heading} should open exactly one page"


def test_footnote_text_is_at_the_foot_of_the_page_that_cites_it(minimal):
    _, _, pages = minimal
    for marker_text, note in (("Бөлім мәтіні, сілтеме бар.", "Бірінші тараудағы ескерту"),
                              ("Екінші тарау.", "Екінші тараудағы ескерту")):
        page = next(p for p in pages if marker_text in p)
        assert note in page
        # the note comes after the body text on that page: it sits at the foot
        assert page.index(note) > page.index(marker_text)


def test_footnotes_are_numbered_continuously(minimal):
    _, _, pages = minimal
    text = " ".join(pages)
    assert re.search(r"Ү\. І\.\s*1", text) or "1 Кіріспедегі" in text or "1Кіріспедегі" in text
    assert re.search(r"2\s*Бірінші тараудағы", text)
    assert re.search(r"3\s*Екінші тараудағы", text)


def test_fonts_are_embedded_and_kazakh_letters_extract(minimal):
    _, result, pages = minimal
    fonts = pdf_fonts(result.outputs["pdf"])
    assert any(f.replace(" ", "").startswith(("LiberationSerif", "TimesNewRoman", "Tinos", "PTAstraSerif"))
               for f in fonts), fonts
    text = " ".join(pages)
    assert "ә ғ қ ң ө ұ ү һ і" in text
    assert "Ә Ғ Қ Ң Ө Ұ Ү Һ І" in text


def test_pdf_metadata_carries_title_author_and_language(minimal):
    _, result, _ = minimal
    reader = pypdf.PdfReader(str(result.outputs["pdf"]))
    assert reader.metadata.title == "Қазақ тіліндегі үлгі жұмыс"
    assert reader.metadata.author == "Әлібек Ғалымұлы Қасымов"
    lang = reader.trailer["/Root"].get("/Lang")
    assert str(lang).startswith("kk")


def test_pdf_has_bookmarks_for_headings(minimal):
    _, result, _ = minimal
    reader = pypdf.PdfReader(str(result.outputs["pdf"]))
    titles = []

    def collect(items):
        for item in items:
            if isinstance(item, list):
                collect(item)
            else:
                titles.append(item.title)
    collect(reader.outline)
    assert "КІРІСПЕ" in titles and "1.1 Интеграция негіздері" in titles


def test_fallback_font_is_announced_and_still_covers_kazakh(tmp_path):
    root, result, reporter = build_copy("minimal", tmp_path, targets=("pdf",), ignore_system_fonts=True)
    assert result.artefacts["pdf"].facts["font"].fallback
    assert any(d.code == "font.fallback" for d in reporter.warnings)
    text = " ".join(pdf_pages(result.outputs["pdf"]))
    assert "ә ғ қ ң ө ұ ү һ і" in text and "Ә Ғ Қ Ң Ө Ұ Ү Һ І" in text


def test_footnote_marks_are_all_drawn_alike(tmp_path):
    """Marks 1–12 (and their numbers at the page foot) in one size: a font's own superscript
    digits exist for some numbers only (Liberation Serif drew 8 and 9 that way, 10 raised)."""
    from helpers import copy_project
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    root = copy_project("minimal", tmp_path)
    notes = " ".join(f"Сөйлем {n}.^[Ескерту {n}.]" for n in range(1, 13))
    (root / "content" / "05-notes.md").write_text(f"# Ескертулер\n\n{notes}\n", encoding="utf-8")
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    reader = pypdf.PdfReader(result.outputs["pdf"])
    drawn: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip().isdigit() and tm[3]:
            drawn.append((text.strip(), round(size * tm[3] * cm[3], 2)))
    page = next(p for p in reader.pages if "Ескерту 12" in (p.extract_text() or ""))
    page.extract_text(visitor_text=visit)
    counts = Counter(size for _, size in drawn)  # 12 marks in the text, 12 at the foot, the page number
    marks = sorted(size for size, count in counts.items() if count > 1)
    assert [counts[size] for size in marks] == [12, 12] and max(marks) < 14, drawn


def test_a_note_in_a_heading_or_caption_is_made_once(tmp_path):
    """The contents page (and a list of figures) repeats a heading (a caption) with its note:
    Typst made the note again at the foot of the contents page, and the text's notes were
    numbered from 3. Hiding it by a show rule does not stop that; the note is made only
    outside the outlines (`in-text-only`)."""
    from helpers import copy_project
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    root = copy_project("crossref", tmp_path)
    chapter = root / "content" / "01-model.md"
    chapter.write_text("# Тақырып ескертпемен^[Тақырыптың ескертпесі.]\n\n"
                       "![Сурет ескертпемен^[Суреттің ескертпесі.]](images/scheme.png)\n\n\\listoffigures\n\n"
                       + chapter.read_text(encoding="utf-8"), encoding="utf-8")
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    pages = [re.sub(r"\s+", " ", p) for p in pdf_pages(result.outputs["pdf"])]
    everything = " ".join(pages)
    assert everything.count("Тақырыптың ескертпесі.") == 1 and everything.count("Суреттің ескертпесі.") == 1
    heading_page = next(p for p in pages if "Тақырыптың ескертпесі." in p)
    mark = int(re.search(r"Тақырып ескертпемен(\d+)", heading_page).group(1))  # after the introduction's notes
    assert f"{mark}Тақырыптыңескертпесі." in heading_page.replace(" ", "")
    assert f"{mark + 1}Суреттіңескертпесі." in heading_page.replace(" ", "")
    for outline in ("СОДЕРЖАНИЕ", "Перечень рисунков"):
        assert "ескертпесі" not in next(p for p in pages if outline in p)
