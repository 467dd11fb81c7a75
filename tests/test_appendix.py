"""Appendices: 'ҚОСЫМША А' over the title, GOST letters, a new page, in both outputs."""

from __future__ import annotations

from helpers import copy_project, docx_texts, pdf_pages
from thesis.build import Options, build
from thesis.diagnostics import Reporter
from thesis.transforms.structure import appendix_letter


def test_appendix_letters_skip_what_gost_skips():
    assert [appendix_letter(i, "kk") for i in range(8)] == list("АБВГДЕЖИ")  # no Ё, З
    assert [appendix_letter(i, "en") for i in range(10)] == list("ABCDEFGHJK")  # no I


def test_appendices_in_both_outputs(tmp_path):
    root = copy_project("minimal", tmp_path)
    (root / "content" / "95-qosymsha.md").write_text(
        "# Сауалнама {.appendix}\n\nСауалнама мәтіні.\n\n# Карта {.appendix}\n\nКарта мәтіні.\n", encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    pages = pdf_pages(result.outputs["pdf"])
    first = next(i for i, p in enumerate(pages) if p.startswith("ҚОСЫМША А"))
    assert pages[first].startswith("ҚОСЫМША А Сауалнама")
    assert pages[first + 1].startswith("ҚОСЫМША Б Карта")  # each appendix on its own page
    assert "ҚОСЫМША А Сауалнама" in pages[1]  # listed in the contents
    paragraphs = docx_texts(result.outputs["docx"], "word/document.xml")
    assert "ҚОСЫМША АСауалнама" in paragraphs or "ҚОСЫМША А Сауалнама" in paragraphs


def test_tables_in_an_appendix_are_numbered_with_its_letter(tmp_path):
    root = copy_project("minimal", tmp_path)
    (root / "content" / "95-qosymsha.md").write_text(
        "# Деректер {.appendix}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Бастапқы деректер\n", encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    text = " ".join(pdf_pages(result.outputs["pdf"]))
    assert "Кесте 1 — Көрсеткіштер" in text  # chapter 2, numbered through the thesis
    assert "Кесте А.1 — Бастапқы деректер" in text
    captions = [t for t in docx_texts(result.outputs["docx"], "word/document.xml") if t.startswith("Кесте")]
    assert captions == ["Кесте 1 — Көрсеткіштер", "Кесте А.1 — Бастапқы деректер"]
