"""Lists as a reader sees them: bullets and numbers as lists, "а) б)" enumerations as paragraphs."""

from __future__ import annotations

import zipfile

from helpers import copy_project, pdf_pages
from thesis.build import Options, build
from thesis.diagnostics import Reporter


def test_letter_enumeration_prints_as_paragraphs_with_their_letters(tmp_path):
    root = copy_project("minimal", tmp_path)
    chapter = root / "content" / "02-practice.md"
    chapter.write_text(chapter.read_text() + "\nҚағидалар:\n\n- а) бірінші қағида;\n\n- б) екінші қағида.\n",
                       encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    text = " ".join(pdf_pages(result.outputs["pdf"]))
    assert "а) бірінші қағида; б) екінші қағида." in text
    assert "– а)" not in text  # not a bullet list
    assert "– бірінші тармақ;" in text  # an ordinary bullet list stays one
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        body = z.read("word/document.xml").decode()
    paragraph = body[body.rindex("<w:p>", 0, body.index("а) бірінші")):body.index("а) бірінші")]
    assert "BodyText" in paragraph and "numPr" not in paragraph


def test_a_task_list_keeps_its_boxes_in_the_docx(tmp_path):
    """Pandoc gives a task list's items ☐/☒ bullets; the GOST list numbering turned every bullet
    into a dash, so the DOCX lost the boxes (an ordinary list still gets the dash)."""
    root = copy_project("minimal", tmp_path)
    chapter = root / "content" / "01-theory.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nМіндеттер:\n\n- [ ] ашық\n- [x] жабық\n\nТізім:\n\n- жай\n",
                       encoding="utf-8")
    result = build(root, Options(targets=("docx",)), Reporter(quiet=True))
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        numbering = z.read("word/numbering.xml").decode()
    assert 'w:lvlText w:val="☐"' in numbering and 'w:lvlText w:val="☒"' in numbering
    assert 'w:lvlText w:val="–"' in numbering
