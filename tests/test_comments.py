"""`comments FILE`: a DOCX commented with python-docx (and edited with tracked changes) and
a PDF annotated with pypdf, read back and mapped to the chapter lines."""

from __future__ import annotations

import copy
import io
import zipfile

import pypdf
import pytest
from lxml import etree
from pypdf.annotations import FreeText, Highlight, Text
from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

from review_project import CHAPTER, make_repo
from thesis.build import Options, build
from thesis.comments import Paragraph, checklist, comments, locate, normalise, paragraphs
from thesis.diagnostics import Reporter
from thesis.tracked import NS, W


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = make_repo(tmp_path_factory.mktemp("comments"))
    build(root, Options(), Reporter(quiet=True))
    return root


def line_of(root, words: str) -> int:
    lines = (root / CHAPTER).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if words in line)


def commented_docx(source, dest):
    import docx
    document = docx.Document(str(source))
    para = next(p for p in document.paragraphs if "автор нақты былай" in p.text)
    runs = [r for r in para.runs if "автор нақты" in r.text]
    document.add_comment(runs, text="Қай автор? Атын жазыңыз.", author="Б. Ж. Төлеуов", initials="БТ")
    para = next(p for p in document.paragraphs if "Ұзын абзац" in p.text)
    document.add_comment(para.runs[0], text="Тым ұзын сөйлем", author="Б. Ж. Төлеуов", initials="БТ")
    document.save(str(dest))
    # a tracked change as Word makes it: "өзгермейді." struck out, "өзгереді." inserted
    with zipfile.ZipFile(dest) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    kept = next(t for t in root.iter(f"{{{W}}}t") if t.text == "Бұл сөйлем өзгермейді.")
    run = copy.deepcopy(kept.getparent())
    kept.text = "Бұл сөйлем "
    kept.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    kept.getparent().addnext(run)
    text = run.find(f"{{{W}}}t")
    text.text = "өзгермейді."
    change = {f"{{{W}}}author": "Б. Ж. Төлеуов", f"{{{W}}}date": "2026-03-02T09:00:00Z", f"{{{W}}}id": "501"}
    deleted, inserted = etree.Element(f"{{{W}}}del", change), etree.Element(f"{{{W}}}ins", {**change, f"{{{W}}}id": "502"})
    new_run = copy.deepcopy(run)
    new_run.find(f"{{{W}}}t").text = "өзгереді."
    run.addprevious(deleted)
    deleted.append(run)
    text.tag = f"{{{W}}}delText"
    deleted.addnext(inserted)
    inserted.append(new_run)
    parts["word/document.xml"] = etree.tostring(root)
    with zipfile.ZipFile(dest, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_docx_comments_and_tracked_changes(project, tmp_path, capsys):
    marked = tmp_path / "marked.docx"
    commented_docx(project / "build" / "thesis.docx", marked)
    remarks, md = comments(project, marked, project / "build")
    lines = [r.line() for r in remarks]
    assert (f'{CHAPTER}:{line_of(project, "автор нақты")}: comment (Б. Ж. Төлеуов, '
            in lines[0]) and '"Қай автор? Атын жазыңыз." on "Сол еңбекте автор нақты былай деп жазады"' in lines[0], lines
    assert lines[1].startswith(f'{CHAPTER}:{line_of(project, "Ұзын абзац")}: comment (Б. Ж. Төлеуов')
    assert f'{CHAPTER}:{line_of(project, "өзгермейді")}: suggestion (Б. Ж. Төлеуов, 2026-03-02): ' \
           '"өзгермейді." → "өзгереді."' in lines
    text = md.read_text(encoding="utf-8")
    assert f"## {CHAPTER}" in text and text.count("- [ ] line ") == 3


def segment_box(page, words: str):
    """The rectangle of the text piece that holds `words` (x0, y0, x1, y1)."""
    found = []

    def visit(text, cm, tm, font, size):
        if words in text:
            x, y = cm[4] + tm[4], cm[5] + tm[5]
            start = x + text.index(words) * size * 0.45
            found.append((start, y - 2, start + len(words) * size * 0.45, y + size * 0.8))
    page.extract_text(visitor_text=visit)
    return found[0]


def test_pdf_annotations(project, tmp_path):
    reader = pypdf.PdfReader(project / "build" / "thesis.pdf")
    writer = pypdf.PdfWriter(clone_from=reader)
    index = next(i for i, p in enumerate(reader.pages) if "Қазақстан көзқарасы" in p.extract_text())
    page = reader.pages[index]
    x0, y0, x1, y1 = segment_box(page, "Қазақстан көзқарасы")
    highlight = Highlight(rect=(x0, y0, x1, y1), highlight_color="ffff00",
                          quad_points=ArrayObject([FloatObject(v) for v in (x0, y1, x1, y1, x0, y0, x1, y0)]))
    highlight[NameObject("/Contents")] = TextStringObject("Дереккөз ескі емес пе?")
    highlight[NameObject("/T")] = TextStringObject("Supervisor")
    highlight[NameObject("/M")] = TextStringObject("D:20260302090000Z")
    writer.add_annotation(index, highlight)
    bx0, by0, _, by1 = segment_box(page, "Ұзын абзац")
    note = Text(rect=(20, by0, 40, by1), text="Бөліп жазыңыз")
    note[NameObject("/T")] = TextStringObject("Supervisor")
    writer.add_annotation(index, note)
    free = FreeText(text="Бұл бет бос қалды", rect=(100, 100, 300, 130))
    writer.add_annotation(index, free)
    out = tmp_path / "annotated.pdf"
    writer.write(out)
    remarks, md = comments(project, out, tmp_path)
    lines = [r.line() for r in remarks]
    assert lines[0].startswith(f'{CHAPTER}:{line_of(project, "Қазақстан көзқарасы")}: comment (Supervisor, '
                               f'2026-03-02): "Дереккөз ескі емес пе?" on "'), lines
    assert lines[1].startswith(f'{CHAPTER}:{line_of(project, "Ұзын абзац")}: comment (Supervisor): '
                               '"Бөліп жазыңыз"'), lines
    assert lines[2].startswith(f"page {index + 1}: comment: \"Бұл бет бос қалды\""), lines


def test_normalise_and_locate_survive_print_artefacts():
    source = "Кіріспе\n\nОл «интеграция» ұғымын\nалғаш ﬁлософ ретінде қолданды [@haas1958, p. 4].\n"
    paras = paragraphs("content/01.md", source)
    # a hyphenated line break, a ligature, another kind of quotes, a footnote number
    assert locate("ұғы-\nмын алғаш ﬁлософ ретінде қолданды1.", paras) == ("content/01.md", 3)
    assert locate('"интеграция" ұғымын', paras) == ("content/01.md", 3)
    assert locate("алғаш философ ретінде", paras) == ("content/01.md", 4)
    assert locate("мүлде басқа мәтін осында", paras) is None
    # a sentence the author has edited since: the most similar paragraph
    assert locate("Ол «интеграция» ұғымын бірінші рет философ ретінде қолданды", paras) == ("content/01.md", 3)
    assert normalise("Word\u00adbreak") == "wordbreak"
