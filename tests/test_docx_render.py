"""The DOCX as a reader sees it: rendered by LibreOffice to PDF and measured.

Each sample is built once in release mode (the contents page numbered from a
LibreOffice layout), then its DOCX is laid out again by LibreOffice
(`thesis.writers.libreoffice.docx_to_pdf`) and the rendered pages are read back:

* geometry from poppler's `pdftotext -bbox-layout` (every line's box, in points from
  the top-left corner of the page);
* fonts, sizes and baselines from pypdf's text visitor (every text run);
* images from pypdf's operator visitor (the `cm` matrix in force at each `Do`).

Measurements (documented where they are made):

* margins: left = the smallest left edge of the page's body lines (continuation lines
  start at the margin; paragraph first lines one indent further in); right = the
  largest right edge (justified full lines end at the margin); top = the top of the
  first line's box (poppler's box is the font's ascent above the baseline); bottom =
  no body or note line reaches below the bottom margin, and a full page comes within
  two lines of it. Each within 1 mm of the profile except bottom, which a layout can
  only fill to the nearest line.
* the body font: the PDF's font names (Times New Roman or a metric-compatible face)
  and the size of the runs of body lines; footnotes the same at the note size.
* page numbers: the only text below the bottom margin, centred under the text area.

The rendering tests skip (with the reason) where LibreOffice or poppler is missing; CI
has both. The reference document's tests need neither.
"""

from __future__ import annotations

import io
import re
import shutil
import statistics
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import docx
import pypdf
import pytest
from lxml import etree

from helpers import REPO, copy_project
from thesis.writers import libreoffice as layout
from thesis.build import Options, build
from thesis.config import load_profile
from thesis.diagnostics import Reporter
from thesis.units import Length


MM = 72 / 25.4
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PROFILE = load_profile(REPO / "profiles" / "kz-diploma.yaml", Reporter(quiet=True))
MARGINS = {side: getattr(PROFILE.page.margins, side).mm for side in ("left", "right", "top", "bottom")}
PAGE_MM = (210, 297)
BODY_PT = PROFILE.sizes.body.pt
NOTE_PT = PROFILE.sizes.footnote.pt
INDENT_MM = PROFILE.text.first_line_indent.mm
LABELS = PROFILE.labels["kk"]
# Times New Roman and the faces with its metrics (same widths, so the same line breaks).
TIMES_COMPATIBLE = ("TimesNewRoman", "LiberationSerif", "Tinos", "PTAstraSerif")


# ================================================================ reading rendered pages

@dataclass
class Line:
    text: str
    x0: float  # points from the left edge
    x1: float
    top: float  # points from the top edge
    bottom: float


@dataclass
class Run:
    text: str
    x: float
    baseline: float  # points from the top edge
    font: str
    size: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    images: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, top, x1, bottom

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)

    def body(self) -> list[Line]:
        """Lines inside the text area (not the footer), top to bottom."""
        limit = self.height - MARGINS["bottom"] * MM
        return sorted((ln for ln in self.lines if ln.bottom <= limit + 2 * MM), key=lambda ln: ln.top)

    def footer(self) -> list[Line]:
        limit = self.height - MARGINS["bottom"] * MM
        return [ln for ln in self.lines if ln.top > limit]

    def runs_on(self, line: Line) -> list[Run]:
        return [r for r in self.runs if line.top - 1 <= r.baseline <= line.bottom + 1
                and line.x0 - 1 <= r.x <= line.x1 + 1]


def fold(text: str) -> str:
    return " ".join(text.replace("\u2060", "").split())  # Typst joins leaders to numbers with U+2060


def read_pdf(data: bytes) -> list[Page]:
    """Every page's lines (poppler), text runs and images (pypdf)."""
    proc = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=data, capture_output=True,
                          check=True, timeout=120)
    xhtml = "{http://www.w3.org/1999/xhtml}"
    root = ElementTree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", proc.stdout))
    pages = []
    for number, node in enumerate(root.iter(xhtml + "page"), start=1):
        page = Page(number, float(node.get("width")), float(node.get("height")))
        for line in node.iter(xhtml + "line"):
            words = [w.text or "" for w in line.iter(xhtml + "word")]
            page.lines.append(Line(fold(" ".join(words)), *(float(line.get(k)) for k in
                                                            ("xMin", "xMax", "yMin", "yMax"))))
        pages.append(page)
    reader = pypdf.PdfReader(io.BytesIO(data))
    for page, pdf_page in zip(pages, reader.pages):
        def text_run(text, cm, tm, font, size, page=page):
            if text.strip():
                scale = abs(tm[3] * cm[3]) or 1
                name = str(font.get("/BaseFont", "")).split("+", 1)[-1] if font else ""
                page.runs.append(Run(text, tm[4] * cm[0] + cm[4], page.height - (tm[5] * cm[3] + cm[5]),
                                     name, round(size * scale, 2)))

        def operator(op, args, cm, tm, page=page):
            if op == b"Do":
                a, _, _, d, e, f = cm
                page.images.append((e, page.height - f - d, e + a, page.height - f))
        pdf_page.extract_text(visitor_text=text_run, visitor_operand_before=operator)
    return pages


# ================================================================ the builds

def laid_out(docx_bytes: bytes) -> list[Page]:
    """The DOCX as LibreOffice lays it out, read back; skips where the tools are missing."""
    if layout.soffice() is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    return read_pdf(layout.docx_to_pdf(docx_bytes))


@dataclass
class Rendered:
    root: Path
    docx_path: Path
    typst_pages: list[Page]
    pages: list[Page]  # the DOCX as LibreOffice lays it out
    docx_contents: str
    ast: dict
    warnings: list[str] = field(default_factory=list)  # codes of the build's warnings


def render(root: Path) -> Rendered:
    if layout.soffice() is None or shutil.which("pdftotext") is None:
        laid_out(b"")  # skips, with the reason, before building
    reporter = Reporter(quiet=True)
    result = build(root, Options(release=True), reporter)
    docx_bytes = result.outputs["docx"].read_bytes()
    return Rendered(root, result.outputs["docx"], read_pdf(result.outputs["pdf"].read_bytes()),
                    laid_out(docx_bytes), result.artefacts["docx"].facts["contents"], result.document.ast,
                    [w.code for w in reporter.warnings])


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """tests/projects/rendered: figure, table, long notes, a wrapping contents entry, source groups."""
    return render(copy_project("rendered", tmp_path_factory.mktemp("render")))


@pytest.fixture(scope="module")
def thesis(tmp_path_factory):
    """The real thesis at the repository root (its sources copied to a temporary project)."""
    root = tmp_path_factory.mktemp("thesis") / "thesis"
    root.mkdir()
    for name in ("content", "bibliography", "styles"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "thesis.yaml", root / "thesis.yaml")
    return render(root)


@pytest.fixture(params=["sample", "thesis"])
def rendered(request) -> Rendered:
    return request.getfixturevalue(request.param)


def docx_headings(path: Path, depth: int = PROFILE.contents.depth) -> list[tuple[int, str, str]]:
    """(level, style, text) of every heading the contents should list, in document order."""
    levels = {"Heading 1": 1, "Structural Heading": 1, "Heading 2": 2, "Heading 3": 3}
    found = []
    for paragraph in docx.Document(str(path)).paragraphs:
        level = levels.get(paragraph.style.name)
        if level and level <= depth:
            found.append((level, paragraph.style.name, fold(paragraph.text)))
    return found


def contents_page(pages: list[Page]) -> Page:
    return next(p for p in pages if p.body() and p.body()[0].text == LABELS.contents)


def contents_entries(pages: list[Page], headings: list[str]) -> list[tuple[str, int]]:
    """(heading, number) as the contents page prints them: the heading's text, dot
    leaders, the number (wrapped entries read as one)."""
    page = contents_page(pages)
    text = fold(" ".join(ln.text for ln in page.body()[1:]))
    text = fold(re.sub(r"(\s?\.){3,}", " ", text))
    found, pos = [], 0
    for heading in headings:
        match = re.compile(r"\s*" + re.escape(heading) + r" ?(\d+)\b").match(text, pos)  # consecutive
        assert match, f"contents has no entry {heading!r} with a number: {text[pos:pos + 200]!r}"
        found.append((heading, int(match.group(1))))
        pos = match.end()
    assert not text[pos:].strip(), f"contents has more than the headings: {text[pos:]!r}"
    return found


def heading_line(page: Page, heading: str) -> list[Line] | None:
    """The line(s) of a page that read exactly `heading` (a heading may wrap)."""
    body = page.body()
    for i in range(len(body)):
        for j in range(i + 1, min(i + 4, len(body)) + 1):
            if fold(" ".join(ln.text for ln in body[i:j])) == heading:
                return body[i:j]
    return None


def located(pages: list[Page], headings: list[str], start: int) -> dict[str, int]:
    """Heading → number of the page where its text stands as a line, searched in order."""
    where, index = {}, start
    for heading in headings:
        for page in pages[index:]:
            if heading_line(page, heading):
                where[heading] = page.number
                index = page.number - 1
                break
    return where


# ================================================================ title page and page numbers

def test_title_page_has_no_number_and_every_other_page_has_its_own(rendered):
    pages = rendered.pages
    assert "ДИПЛОМДЫҚ ЖҰМЫС" in pages[0].text
    assert pages[0].footer() == [], [ln.text for ln in pages[0].footer()]
    assert contents_page(pages).number == 2, "the contents must follow the title page"
    centre = (MARGINS["left"] + (PAGE_MM[0] - MARGINS["right"])) / 2
    for page in pages[1:]:
        footer = page.footer()
        assert [ln.text for ln in footer] == [str(page.number)], (page.number, [ln.text for ln in footer])
        mid = (footer[0].x0 + footer[0].x1) / 2 / MM
        assert abs(mid - centre) < 1, f"page {page.number}: number centred at {mid:.1f} mm, not {centre} mm"
        assert footer[0].bottom / MM < PAGE_MM[1] - 5  # on the page, above the edge


def test_title_page_holds_the_metadata_in_order(sample):
    text = sample.pages[0].text
    order = ["Қазақстан Республикасының Ғылым", "ӘЛ-ФАРАБИ АТЫНДАҒЫ", "Халықаралық қатынастар факультеті",
             "Қорғауға жіберілді", "ДИПЛОМДЫҚ ЖҰМЫС", "Интеграциялық үрдістер және Қазақстан",
             "5B020200 Халықаралық қатынастар", "Орындаған", "Айгерім Сәтбаева", "Ғылыми жетекші",
             "Б. Ж. Төлеуов", "Алматы 2015"]
    positions = [text.find(item) for item in order]
    assert -1 not in positions, [o for o, p in zip(order, positions) if p == -1]
    assert positions == sorted(positions)


# ================================================================ contents

def test_contents_lists_every_heading_with_the_page_libreoffice_put_it_on(rendered):
    headings = [text for _, _, text in docx_headings(rendered.docx_path)]
    assert len(headings) >= 7
    entries = contents_entries(rendered.pages, headings)
    start = contents_page(rendered.pages).number
    actual = located(rendered.pages, headings, start)
    assert [h for h in headings if h not in actual] == [], "headings not found on any page"
    wrong = [(h, n, actual[h]) for h, n in entries if actual[h] != n]
    assert wrong == [], f"(heading, contents says, rendered on): {wrong}"
    assert rendered.docx_contents.startswith("release: contents numbered from a LibreOffice layout")
    assert "docx.layout-missing" not in rendered.warnings


def test_contents_has_dot_leaders_and_numbers_flush_right(sample):
    page = contents_page(sample.pages)
    right = (PAGE_MM[0] - MARGINS["right"])
    numbered = [ln for ln in page.body()[1:] if re.search(r"\.{5,} ?\d+$", ln.text)]
    assert len(numbered) == len(docx_headings(sample.docx_path))
    for line in numbered:
        assert abs(line.x1 / MM - right) < 1, f"{line.text!r} ends at {line.x1 / MM:.1f} mm"
    # A wrapped entry: its first line stops short of the number column.
    long = [ln for ln in page.body()[1:] if ln.text.startswith("2.2 Еуразиялық")]
    assert long and not re.search(r"\d$", long[0].text) and long[0].x1 / MM < right - 8


def test_contents_field_stays_refreshable_without_a_prompt(sample):
    with zipfile.ZipFile(sample.docx_path) as z:
        body = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert "updateFields" not in settings  # Word asks to update fields when this is set
    begins = re.findall(r'<w:fldChar w:fldCharType="begin"[^>]*>', body)
    assert begins and all('w:dirty="true"' not in b for b in begins), begins
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-2" \\h \\z \\u </w:instrText>', body)
    assert body.count('w:fldCharType="begin"') == body.count('w:fldCharType="end"')
    assert "Table of Contents" in body  # the content control Word's References tab knows


# ================================================================ margins, font, pages

def source_list_heading(path: Path) -> str:
    """The structural heading over the source list (the one its first group follows)."""
    last = None
    for paragraph in docx.Document(str(path)).paragraphs:
        if paragraph.style.name == "Structural Heading":
            last = fold(paragraph.text)
        elif paragraph.style.name == "Source Group Heading":
            return last
    raise AssertionError("no source group heading in the DOCX")


def body_pages(rendered: Rendered) -> list[Page]:
    """Pages of running text: between the contents and the source list (whose numbered
    entries hang from their own indent), with at least ten lines."""
    pages = rendered.pages
    start = contents_page(pages).number
    heading = source_list_heading(rendered.docx_path)
    end = next(p.number for p in pages[start:] if p.body()[0].text == heading)
    return [p for p in pages[start:end - 1] if len(p.body()) >= 10]


def test_margins_measured_on_the_rendered_pages(rendered):
    measured = {"left": [], "right": [], "top": [], "bottom": []}
    indents = []
    for page in body_pages(rendered):
        lines = [ln for ln in page.body() if len(ln.text) > 1]
        measured["left"].append(min(ln.x0 for ln in lines) / MM)
        measured["right"].append(PAGE_MM[0] - max(ln.x1 for ln in lines) / MM)
        measured["top"].append(lines[0].top / MM)
        measured["bottom"].append(PAGE_MM[1] - max(ln.bottom for ln in lines) / MM)
        indents += [ln.x0 / MM - measured["left"][-1] for ln in lines]
    for side in ("left", "right", "top"):
        off = [round(v, 2) for v in measured[side] if abs(v - MARGINS[side]) > 1]
        assert off == [], f"{side} margin is {off} mm on some pages, not {MARGINS[side]} mm"
    # Nothing below the bottom margin; the fullest page within two lines of it.
    pitch = BODY_PT * 1.15 / MM
    assert min(measured["bottom"]) >= MARGINS["bottom"] - 1, min(measured["bottom"])
    assert min(measured["bottom"]) <= MARGINS["bottom"] + 2 * pitch, min(measured["bottom"])
    assert any(abs(i - INDENT_MM) < 0.5 for i in indents), "no paragraph starts one indent in"


def test_body_font_is_times_compatible_at_the_profile_size(rendered):
    fonts = {r.font for p in rendered.pages for r in p.runs}
    # Every run, list markers too (pandoc's Symbol-font bullets are replaced by an en dash).
    assert fonts and all(f.replace(" ", "").startswith(TIMES_COMPATIBLE) for f in fonts), fonts
    sizes = [r.size for p in body_pages(rendered) for ln in p.body()
             if ln.x0 / MM > MARGINS["left"] - 1 and len(ln.text) > 40 for r in p.runs_on(ln)]
    assert statistics.mode(sizes) == BODY_PT, statistics.multimode(sizes)


def test_page_count_is_within_15_percent_of_the_typst_pdf(rendered):
    lo, typst = len(rendered.pages), len(rendered.typst_pages)
    assert abs(lo - typst) <= 0.15 * typst, (lo, typst)


# ================================================================ headings

def test_headings_match_the_typst_pdf(rendered):
    headings = [text for _, _, text in docx_headings(rendered.docx_path)]
    docx_entries = [h for h, _ in contents_entries(rendered.pages, headings)]
    typst_entries = [h for h, _ in contents_entries(rendered.typst_pages, headings)]
    assert docx_entries == typst_entries == headings


def test_structural_headings_and_chapters_open_pages(rendered):
    centre = (MARGINS["left"] + PAGE_MM[0] - MARGINS["right"]) / 2
    start = contents_page(rendered.pages).number
    headings = docx_headings(rendered.docx_path, depth=1)
    where = located(rendered.pages, [t for _, _, t in headings], start)
    structural = [t for _, style, t in headings if style == "Structural Heading"]
    assert {LABELS.introduction, LABELS.conclusion} <= set(structural)
    for _, style, text in headings:
        page = rendered.pages[where[text] - 1]
        lines = heading_line(page, text)
        assert page.body()[0] is lines[0], f"{text!r} does not open page {page.number}"
        runs = [r for ln in lines for r in page.runs_on(ln)]
        assert runs and all("Bold" in r.font for r in runs), {r.font for r in runs}
        if style == "Structural Heading":
            assert text == text.upper()
            mid = (lines[0].x0 + lines[0].x1) / 2 / MM
            assert abs(mid - centre) < 1, f"{text!r} centred at {mid:.1f} mm, not {centre} mm"
        else:
            assert abs(lines[0].x0 / MM - MARGINS["left"] - INDENT_MM) < 0.5, text


# ================================================================ footnotes

def note_marks(pages: list[Page]) -> tuple[list[int], list[int]]:
    """Footnote numbers as rendered: (in the text, at the foot of the pages)."""
    in_text, at_foot = [], []
    for page in pages:
        for run in page.runs:
            if run.text.strip().isdigit() and run.size < 0.75 * NOTE_PT:
                starts_note = abs(run.x / MM - MARGINS["left"]) < 1 and run.baseline > page.height / 3
                (at_foot if starts_note else in_text).append(int(run.text))
    return in_text, at_foot


def ast_notes(doc: dict) -> int:
    from thesis import ast
    return sum(1 for node in ast.walk(doc["blocks"]) if node["t"] == "Note")


def test_footnotes_are_numbered_continuously_and_all_rendered(rendered):
    with zipfile.ZipFile(rendered.docx_path) as z:
        root = etree.fromstring(z.read("word/footnotes.xml"))
    notes = [n for n in root.iter(W + "footnote") if n.get(W + "type") is None]
    expected = ast_notes(rendered.ast)
    assert len(notes) == expected > 0
    in_text, at_foot = note_marks(rendered.pages)
    assert in_text == list(range(1, expected + 1))
    assert at_foot == list(range(1, expected + 1))


def test_footnotes_are_set_at_the_profile_size_single_spaced(rendered):
    """Note text runs are at the note size; consecutive note lines (within a note and from
    one note to the next: no space between notes) one single-spaced line apart."""
    pitches, lines = [], 0
    for page in rendered.pages:
        baselines = sorted({round(r.baseline, 1) for r in page.runs
                            if r.size == NOTE_PT and not r.text.strip().isdigit()})
        lines += len(baselines)
        pitches += [round(b - a, 1) for a, b in zip(baselines, baselines[1:])]
    assert lines >= ast_notes(rendered.ast)  # every note has a line at the note size
    # Single spacing of a Times-metric face: 1.15 em from baseline to baseline.
    assert statistics.median(pitches) == pytest.approx(NOTE_PT * 1.15, abs=0.3), pitches[:20]


# ================================================================ captions

def test_table_caption_above_the_table_figure_caption_below_the_image(sample):
    def find(prefix):
        for page in sample.pages:
            for line in page.body():
                if line.text.startswith(prefix):
                    return page, line
        raise AssertionError(f"no line starts with {prefix!r}")
    page, caption = find(f"{LABELS.table} 1 — Сауда көрсеткіштері")
    header = next(ln for ln in page.body() if ln.text.startswith("Жыл"))
    assert caption.bottom <= header.top and header.top - caption.bottom < 10 * MM
    assert abs(caption.x0 / MM - MARGINS["left"]) < 1, "the table caption starts at the margin"
    page, caption = find(f"{LABELS.figure} 1 — Интеграция кезеңдерінің сызбасы")
    assert page.images, "no image on the page of the figure caption"
    x0, top, x1, bottom = page.images[0]
    assert bottom <= caption.top + 1 and caption.top - bottom < 10 * MM  # poppler's box: 1 pt slack
    centre = (MARGINS["left"] + PAGE_MM[0] - MARGINS["right"]) / 2
    assert abs((caption.x0 + caption.x1) / 2 / MM - centre) < 1, "the figure caption is centred"
    assert abs((x0 + x1) / 2 / MM - centre) < 1, "the image is centred"


def test_captions_are_word_seq_fields(sample):
    with zipfile.ZipFile(sample.docx_path) as z:
        body = z.read("word/document.xml").decode()
    for word in (LABELS.figure, LABELS.table):
        assert re.search(rf'<w:fldSimple w:instr=" SEQ {word} \\\* ARABIC[^"]*">', body), word


# ================================================================ the package

def test_docx_loads_and_has_unique_bookmarks_and_no_dangling_relationships(rendered):
    docx.Document(str(rendered.docx_path))
    with zipfile.ZipFile(rendered.docx_path) as z:
        names = set(z.namelist())
        document = etree.fromstring(z.read("word/document.xml"))
        starts = list(document.iter(W + "bookmarkStart"))
        ids = [b.get(W + "id") for b in starts]
        marks = [b.get(W + "name") for b in starts]
        assert len(ids) == len(set(ids)) and len(marks) == len(set(marks))
        ends = {b.get(W + "id") for b in document.iter(W + "bookmarkEnd")}
        assert ends == set(ids), "every bookmark is closed, and only those opened"
        anchors = {h.get(W + "anchor") for h in document.iter(W + "hyperlink")} - {None}
        assert anchors <= set(marks), anchors - set(marks)
        for part in sorted(n for n in names if n.endswith(".xml") and not n.endswith(".rels")):
            rels_name = str(Path(part).parent / "_rels" / (Path(part).name + ".rels"))
            rels = {}
            if rels_name in names:
                for rel in etree.fromstring(z.read(rels_name)):
                    rels[rel.get("Id")] = rel
                    if rel.get("TargetMode") != "External":
                        target = (Path(part).parent / rel.get("Target")).as_posix()
                        target = re.sub(r"[^/]+/\.\./", "", target).lstrip("/")
                        assert target in names, f"{rels_name}: {rel.get('Id')} → missing {target}"
            used = {v for el in etree.fromstring(z.read(part)).iter() for k, v in el.attrib.items()
                    if k.startswith(R)}
            assert used <= set(rels), f"{part} uses {used - set(rels)}, not in {rels_name}"


# ================================================================ the reference document

def test_reference_document_is_rebuilt_when_the_profile_changes(tmp_path):
    import copy
    from thesis.writers.docx_reference import reference_docx
    first = reference_docx(PROFILE, "kk", tmp_path)
    assert reference_docx(PROFILE, "kk", tmp_path) == first  # cached
    wider = copy.deepcopy(PROFILE)
    wider.page.margins.left = Length("35mm")
    second = reference_docx(wider, "kk", tmp_path)
    assert second != first and first.is_file() and second.is_file()
    assert round(docx.Document(str(second)).sections[0].left_margin.mm, 1) == 35.0
    assert round(docx.Document(str(first)).sections[0].left_margin.mm, 1) == 30.0


# ================================================================ variants (one layout each)

def render_docx_only(root: Path, profile: str | None = None) -> tuple[Path, list[Page]]:
    result = build(root, Options(targets=("docx",), profile=profile), Reporter(quiet=True))
    path = result.outputs["docx"]
    return path, laid_out(path.read_bytes())


def test_captions_numbered_within_chapters_when_the_profile_says_so(tmp_path):
    """captions.numbering: chapter gives "Сурет 1.1" and "Кесте 2.1", as the PDF does."""
    root = copy_project("rendered", tmp_path)
    (root / "profiles").mkdir()
    (root / "profiles" / "by-chapter.yaml").write_text(
        "extends: kz-diploma\nname: by-chapter\ncaptions: {numbering: chapter}\n", encoding="utf-8")
    path, pages = render_docx_only(root, "by-chapter")
    text = " ".join(p.text for p in pages)
    assert f"{LABELS.figure} 1.1 — Интеграция" in text and f"{LABELS.table} 2.1 — Сауда" in text
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
    assert f"SEQ {LABELS.table} \\r 1 \\* ARABIC" in body  # Word restarts the count per chapter too


def test_a_long_title_page_still_ends_on_page_one(tmp_path):
    """The title page's gaps shrink for long metadata: it never spills onto the contents."""
    root = copy_project("rendered", tmp_path)
    yaml = (root / "thesis.yaml").read_text(encoding="utf-8")
    long_title = " ".join(["Посткеңестік кеңістіктегі интеграциялық үрдістердің"] * 5)
    yaml = yaml.replace("title: Интеграциялық үрдістер және Қазақстан", f"title: {long_title}")
    yaml = yaml.replace("name: Б. Ж. Төлеуов", "name: Бақытжан Жолдасбекұлы Төлеуов-Сарыарқалықов")
    (root / "thesis.yaml").write_text(yaml, encoding="utf-8")
    _, pages = render_docx_only(root)
    assert "Алматы 2015" in pages[0].text and "Сарыарқалықов" in pages[0].text
    assert pages[1].body()[0].text == LABELS.contents


def test_title_page_fills_the_page_like_the_pdf(sample):
    """The last line (city, year) sits at the foot of the text area, as the PDF's `1fr` gaps put it."""
    for pages in (sample.pages, sample.typst_pages):
        last = pages[0].body()[-1]
        assert last.text == "Алматы 2015"
        assert PAGE_MM[1] - MARGINS["bottom"] - last.bottom / MM < 25, last.bottom / MM


def test_reference_document_hyphenates_where_the_profile_does():
    from thesis.writers.docx_reference import build_reference
    import io as _io
    for language, expected in (("kk", False), ("ru", True)):
        assert PROFILE.text.hyphenate[language] is expected
        settings = docx.Document(_io.BytesIO(build_reference(PROFILE, language))).settings.element
        assert (settings.find(f"{W}autoHyphenation") is not None) is expected, language
