"""Bringing a thesis from elsewhere: what other tools' Markdown does must build here."""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pypdf
import pytest

from helpers import REPO, pdf_pages
from thesis.build import Options, build
from thesis.diagnostics import Reporter
from thesis.writers import libreoffice

SVG = REPO / "tests" / "projects" / "byo" / "images" / "diagram.svg"


@pytest.fixture
def svg_thesis(sample):
    root = sample("minimal")
    (root / "images").mkdir()
    shutil.copy(SVG, root / "images" / "diagram.svg")
    (root / "content" / "03-figure.md").write_text("# Сурет\n\n![Векторлық сурет](images/diagram.svg)\n",
                                                   encoding="utf-8")
    return build(root, Options(), Reporter(quiet=True))


def test_an_svg_figure_gets_a_png_picture_in_the_docx(svg_thesis):
    with zipfile.ZipFile(svg_thesis.outputs["docx"]) as z:
        document = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        blip = re.search(r'<a:blip r:embed="([^"]+)"[^>]*>.*?<asvg:svgBlip [^>]*r:embed="([^"]+)"', document, re.S)
        assert blip, "the picture has no PNG beside its SVG"
        png_target = re.search(rf'Id="{blip.group(1)}"[^>]*Target="([^"]+)"', rels).group(1)
        png = z.read(f"word/{png_target}")
        assert 'Extension="png"' in z.read("[Content_Types].xml").decode()
    assert png.startswith(b"\x89PNG")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (625, 313)  # 200 x 100 pt at 300 ppi: the SVG's own proportions


@pytest.mark.skipif(libreoffice.soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_svg_figure(svg_thesis):
    pdf = pypdf.PdfReader(io.BytesIO(libreoffice.docx_to_pdf(svg_thesis.outputs["docx"].read_bytes())))
    page = next(p for p in pdf.pages if "Векторлық сурет" in (p.extract_text() or ""))
    assert len(page.images) == 1


@pytest.fixture
def pdf_figure_thesis(sample):
    """A figure saved as PDF (matplotlib's or R's plot, as LaTeX authors keep them)."""
    import typst
    root = sample("minimal")
    (root / "images").mkdir()
    (root / "images" / "plot.pdf").write_bytes(typst.compile(
        input=b'#set page(width: 200pt, height: 100pt, margin: 0pt)\n#rect(width: 100%, height: 100%, fill: red)\n'))
    (root / "content" / "03-figure.md").write_text("# Сурет\n\n![Сызба PDF](images/plot.pdf)\n", encoding="utf-8")
    return build(root, Options(), Reporter(quiet=True))


def test_a_pdf_figure_is_a_png_picture_in_the_docx(pdf_figure_thesis):
    """Pandoc embeds a PDF figure as it is, which no Word version draws: it becomes its PNG."""
    with zipfile.ZipFile(pdf_figure_thesis.outputs["docx"]) as z:
        names = z.namelist()
        document = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert not [n for n in names if n.endswith(".pdf")] and 'Extension="pdf"' not in types
    rid = re.search(r'<pic:cNvPr descr="images/plot.pdf".*?<a:blip r:embed="([^"]+)"', document, re.S).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels).group(1)
    with zipfile.ZipFile(pdf_figure_thesis.outputs["docx"]) as z:
        png = z.read(f"word/{target}")
    assert png.startswith(b"\x89PNG") and 'Extension="png"' in types
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (833, 417)  # 300 ppi
    assert "Сызба PDF" in " ".join(p.extract_text() for p in pypdf.PdfReader(pdf_figure_thesis.outputs["pdf"]).pages)


@pytest.mark.skipif(libreoffice.soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_shows_the_pdf_figure(pdf_figure_thesis):
    pdf = pypdf.PdfReader(io.BytesIO(libreoffice.docx_to_pdf(pdf_figure_thesis.outputs["docx"].read_bytes())))
    page = next(p for p in pdf.pages if "Сызба PDF" in (p.extract_text() or ""))
    assert len(page.images) == 1


def test_a_numbered_introduction_stays_a_chapter(transformed):
    document = transformed("# Introduction {.chapter}\n\nText.\n\n# Method\n\nText.\n")
    assert [h.text for h in document.outline] == ["1 Introduction", "2 Method"]


def test_headings_starting_at_level_two_are_reported(project, run_cli):
    for chapter in (project / "content").glob("*.md"):
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(re.sub(r"^#", "##", text, flags=re.M), encoding="utf-8")
    from thesis.cli import main
    import contextlib
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["--project", str(project)]) == 0
    found = [line for line in err.getvalue().splitlines() if "[source.heading-level]" in line]
    assert found == ["content/00-kirispe.md:1: warning: the headings start at level 2 ('## Кіріспе'): chapters "
                     "are '#' here, sections '##' — shift every heading up one level [source.heading-level]"]


def test_an_english_thesis_gets_a_plain_english_title_page(sample):
    from helpers import docx_texts, pdf_pages
    result = build(sample("english"), Options(), Reporter(quiet=True))
    expected = ["EXAMPLE UNIVERSITY", "School of Social Sciences",
                "Regional Integration and Security Cooperation in Central Asia", "Master's thesis",
                "Author: Aigerim Satbayeva", "Supervisor: Bolat Toleuov, PhD", "Astana, 2026"]
    assert docx_texts(result.outputs["docx"], "word/document.xml")[:8] == expected + ["CONTENTS"]
    assert pdf_pages(result.outputs["pdf"])[0] == " ".join(expected)  # no department: no empty line
    assert pdf_pages(result.outputs["pdf"])[1].startswith("CONTENTS INTRODUCTION")


def test_bibtex_as_reference_managers_export_it(sample):
    """Zotero/Scholar habits: 'and others', run-together initials, an organisation as author, a URL
    in howpublished, 'Accessed:' in a note, a publisher containing 'and', no langid."""
    from helpers import docx_texts, pdf_pages
    root = sample("minimal")
    (root / "bibliography").mkdir()
    shutil.copy(REPO / "tests" / "projects" / "byo" / "bibliography" / "scholar.bib", root / "bibliography")
    (root / "thesis.yaml").write_text((root / "thesis.yaml").read_text(encoding="utf-8").replace(
        "language: kk", "language: ru") + "bibliography: [bibliography/scholar.bib]\nnocite: ['*']\n",
        encoding="utf-8")
    reporter = Reporter(quiet=True)
    result = build(root, Options(), reporter)
    pdf = " ".join(pdf_pages(result.outputs["pdf"])).replace("\u00ad ", "").replace("­", "")
    docx = " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))
    for text in (pdf, docx):
        assert "Бокерия Л. А., Голухова Е. З. Хирургическое лечение" in text
        assert "Smith J., Doe J., et al. Efficient CUDA C kernels for Europe" in text  # English words, case kept
        assert "European Design and Automation Association, 2019" in text  # one publisher, named once
        assert "American Heart Association. Heart disease statistics" in text
        assert "URL: https://www.heart.org/stats" in text
        assert "DOI: 10.1234/abc" in text and "accessed" not in text and "1 AD" not in text
    assert "С. 1–6" not in pdf and "P. 1–6" in pdf  # an English source keeps English words
    notes = [d for d in reporter.diagnostics if d.code == "bib.langid"]
    assert len(notes) == 5 and all(d.level == "note" for d in notes)


def test_a_long_url_breaks_at_its_separators_in_both_outputs(sample):
    from helpers import pdf_pages
    root = sample("minimal")
    url = "https://www.example.org/research/integration/central-asia/reports/2019/annual-report-on-regional-integration.pdf"
    (root / "content" / "03-url.md").write_text(f"# URL\n\nSee <{url}> for details.\n", encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        document = z.read("word/document.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
    assert "https://www.\u200bexample.\u200borg/\u200bresearch/" in document  # break opportunities
    assert f'Target="{url}"' in rels  # the link itself unchanged
    lines = [p for p in pdf_pages(result.outputs["pdf"]) if "See" in p]
    assert lines and "See https://www." in lines[0]
    if libreoffice.soffice() is not None:
        laid = pypdf.PdfReader(io.BytesIO(libreoffice.docx_to_pdf(result.outputs["docx"].read_bytes())))
        text = next(p.extract_text() for p in laid.pages if "See" in (p.extract_text() or ""))
        first = next(line for line in text.splitlines() if "See" in line)
        assert "https://www." in first  # the URL starts on the line of "See", not after a stretched line


def _built_unchanged(sample, name):
    from helpers import docx_texts, pdf_pages
    reporter = Reporter(quiet=True)
    result = build(sample(name), Options(), reporter)
    pdf = re.sub(r"\s+", " ", " ".join(pdf_pages(result.outputs["pdf"])).replace("\u00ad ", ""))
    docx = " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))
    notes = " ".join(docx_texts(result.outputs["docx"], "word/footnotes.xml", "footnote"))
    return pdf, docx, notes, reporter


def test_an_english_thesis_from_elsewhere_builds_unchanged(sample):
    """pandoc-crossref, math Typst lacks symbols for, *emphasis*.word, LaTeX and HTML leftovers,
    an SVG figure, a Zotero export: built as it is, nothing of the leftovers printed."""
    pdf, docx, notes, reporter = _built_unchanged(sample, "byo-en")
    for text in (pdf, docx):
        assert "Section 1 describes the model" in text and "Figure 1 shows its stages" in text
        assert "Table 1 compares the models" in text and "(@tbl:errors)" not in text
        assert "TODO" not in text and "\\newpage" not in text and "\\label" not in text
        assert "Hausmann R., Hwang J., Rodrik D. What you export matters" in text
        assert "World Trade Organization. World Trade Statistical Review 2019" in text
    assert "Figure 1 — The forecasting pipeline" in pdf and "List of Figures" in pdf
    assert "Earlier work used ARIMA.Later work did not." in pdf
    assert not reporter.errors and all(d.code in ("source.metadata", "bib.langid") for d in reporter.diagnostics)


def test_a_russian_thesis_with_a_scholar_bib_builds_unchanged(sample):
    pdf, docx, notes, reporter = _built_unchanged(sample, "byo-ru")
    for text in (pdf, docx):
        assert "изучены подробно [1; 2]" in text and "в разделе 1, результаты приведены в табл. 1" in text
        assert "случайный лес [2, с. 220]" in text  # an English source's page keeps GOST's in-text "с."
        assert "Бокерия Л. А., Голухова Е. З., [и др.] Хирургическое" in text
        assert "/ A. L. Goldberger [et al.] // Circulation" in text  # English words for an English source
        assert "Черновик" not in text
    assert notes == ""  # numeric references: no footnotes
    assert not reporter.errors and not reporter.warnings


WORD_IMPORT = """# МАЗМҰНЫ {#мазмұны .TOC-Heading}

[КІРІСПЕ](#кіріспе)

[1.1 Интеграция теориясының
негіздері](#X2c65d51bc4e6b71078dbccf3a1cfc371bcffca1)

# КІРІСПЕ

Мәтін, [бөлімге сілтеме](#X2c65d51bc4e6b71078dbccf3a1cfc371bcffca1).

# 1 Теория

## 1.1 Интеграция теориясының негіздері

Мәтін.
"""


def test_a_word_thesis_converted_by_pandoc_builds_and_says_what_to_clean(sample):
    """`pandoc thesis.docx -t markdown`: its contents page links to Word's bookmarks (#X2c65…),
    which no heading has. Typst refused the PDF ('label does not exist', no line); now the
    links print as their text, each target is warned once at its line, the typed contents
    page is warned, and a typed heading number is located at the heading, not at the
    contents entry with the same words."""
    root = sample("minimal")
    for chapter in (root / "content").glob("*.md"):
        chapter.unlink()
    (root / "content" / "01-thesis.md").write_text(WORD_IMPORT, encoding="utf-8")
    reporter = Reporter(quiet=True)
    result = build(root, Options(), reporter)
    found = {(d.code, d.line) for d in reporter.warnings}
    assert {("xref.link", 6), ("source.contents", 1), ("heading.number", 12), ("heading.number", 14)} <= found, found
    assert [d.code for d in reporter.warnings].count("xref.link") == 1  # one target, said once
    pdf = " ".join(" ".join(pdf_pages(result.outputs["pdf"])).split())
    assert "Мәтін, бөлімге сілтеме." in pdf
