"""DOCX: pandoc's docx writer with the profile's reference document, plus OpenXML parts
(title page, contents) rendered from Jinja templates where pandoc falls short.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import io
import json
import marshal
import re
import zipfile
from pathlib import Path

from .. import ast, pandoc
from ..context import Run, Thesis
from ..document import (EQUATION, FIGURE_PREFIX, LIST_OF, PAGE_BREAK, SOURCE_GROUP, WHERE, Document, Heading,
                        heading_attr, heading_rule, map_blocks, number_of, split_number)
from ..templates import render
from ..titlepage import labels, title_fields
from . import Artefact, libreoffice
from . import docx_continued as continued
from . import docx_stitch
from ..units import PAPER_MM, TWIPS_PER_MM
from .docx_stitch import bookmark_name
from .pdf import chapter_chunks
from .docx_blocks import docx_div, docx_inline, repeat_headers, sections, table_text
from .docx_reference import reference_docx
from .pictures import add_fallbacks, pdf_pictures
from .ooxml import EQUATION_STYLE, GROUP_STYLE, STRUCTURAL_STYLE, WHERE_STYLE

NAME = "thesis.docx"

# A fixed zip timestamp (the DOS epoch is 1980); the document's own dates come from
# SOURCE_DATE_EPOCH, which pandoc honours.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def write(document: Document, thesis: Thesis, run: Run) -> Artefact:
    """The thesis DOCX; in release mode its contents page numbered from a LibreOffice layout."""
    with run.clock.stage("docx"):
        data = write_docx(document, thesis, run.cache)
    if not run.options.release:
        return _artefact(data, "draft: contents without page numbers, continued tables without their line "
                               "(--release adds both)")
    if libreoffice.soffice() is None:
        run.reporter.warn("release mode: LibreOffice is not installed, so the DOCX contents has no "
                          "page numbers (Debian: libreoffice-writer-nogui)", code="docx.no-layout")
        return _artefact(data, "release without LibreOffice: contents without page numbers")
    splits, pages, layout = _release_layout(document, thesis, run)
    listed = document.listed(thesis.profile.contents.depth)
    if missing := [h.text for h in listed if h.ident not in pages]:
        run.reporter.warn(f"release mode: LibreOffice's layout did not show where {len(missing)} heading(s) "
                          f"landed ({', '.join(missing[:3])}): their contents entries have no page number",
                          code="docx.layout-missing")
    with run.clock.stage("docx"):
        data = write_docx(document, thesis, run.cache, pages=pages, total=libreoffice.page_count(layout),
                          splits=splits)
    return _artefact(data, f"release: contents numbered from a LibreOffice layout ({len(pages)} headings), "
                           f"{len(splits)} table(s) continued")


LAYOUT_ROUNDS = 4  # a cut moves what follows: a later table's first break may move too


def _release_layout(document: Document, thesis: Thesis, run: Run) -> tuple[dict, dict, bytes]:
    """LibreOffice's layout, with numbered tables cut where it breaks them (docx_continued):
    the cuts, the heading pages and the layout (PDF bytes) of the result."""
    splits: dict[int, int] = {}
    for _ in range(LAYOUT_ROUNDS):
        with run.clock.stage("docx"):
            data = write_docx(document, thesis, run.cache, splits=splits, marks=True)
        with run.clock.stage("docx: LibreOffice layout"):
            layout = libreoffice.docx_to_pdf(data)
        found = {t: row for t, row in continued.first_breaks(continued.row_pages(layout)).items()
                 if splits.get(t, row) == row}  # a cut table breaks at its cut, by construction
        if found.items() <= splits.items():
            break
        splits.update(found)
    else:
        run.reporter.warn("release mode: the continued tables did not settle in LibreOffice's layout; "
                          "a continuation line may be off by a page", code="docx.layout-tables")
    return splits, libreoffice.heading_pages(document.outline, layout), layout


def _artefact(data: bytes, contents: str) -> Artefact:
    return Artefact({NAME: data}, detail=contents, facts={"contents": contents})


def docx_ast(document: Document, thesis: Thesis, pages: dict[str, int] | None = None,
             total: int | None = None) -> dict:
    """The AST for the docx writer: title page and contents first, styled headings, captions."""
    out = copy.copy(document.ast)  # shared with the other writers: copy what changes, never mutate
    out["blocks"] = [ast.RawBlock("openxml", title_page_xml(thesis)),
                     ast.RawBlock("openxml", contents_xml(document.listed(thesis.profile.contents.depth), thesis, pages)),
                     *_body(document, thesis, total)]
    return out


# The body's sections as this writer maps them, by their content: a watch maps again only the
# sections an edit changed (the whole body takes ~70 ms). Replaced by each build's own.
_SECTIONS: dict[str, list[dict]] = {}


def _body(document: Document, thesis: Thesis, total: int | None) -> list[dict]:
    global _SECTIONS
    salt = marshal.dumps([total, repr(thesis.labels)], 2)
    made: dict[str, list[dict]] = {}
    body: list[dict] = []
    for chunk in chapter_chunks(document.blocks):
        key = hashlib.sha256(salt + marshal.dumps(chunk, 2)).hexdigest()
        blocks = _SECTIONS.get(key) or made.get(key)
        if blocks is None:
            blocks = ast.rewrite(chunk, lambda node: docx_inline(node, total))
            generated = any(LIST_OF in ast.attr(b)[1] for b in ast.walk(blocks) if b["t"] == "Div")
            blocks = map_blocks(map_blocks(blocks, lambda block: _list_of(block, document, thesis)), _docx_block)
            _caption_fields({"blocks": blocks}, thesis)
            if not generated:  # a list of figures depends on the whole thesis
                made[key] = blocks
        else:
            made[key] = blocks
        body += blocks
    _SECTIONS = made
    return body


def _list_of(block: dict, document: Document, thesis: Thesis) -> dict | None:
    """A generated list (\\listoffigures, \\listoftables): a TOC field over the captions' sequence,
    pre-filled with "Сурет 1 — caption" for each numbered figure (or table)."""
    if block["t"] != "Div" or LIST_OF not in ast.attr(block)[1]:
        return None
    kind = {"figures": "Figure", "tables": "Table"}[heading_attr(block, "list")]
    words = thesis.labels
    word = words.figure if kind == "Figure" else words.table
    entries = [f"{word} {number_of(node)} — {ast.stringify(node['c'][1][1])}"
               for node in ast.walk(document.blocks) if node["t"] == kind and number_of(node)]
    return ast.RawBlock("openxml", render("docx", "list-of.xml.j2", thesis.root, entries=entries,
                                          sequence="".join(word.split()),
                                          title=words.list_of_figures if kind == "Figure" else words.list_of_tables))


def _docx_block(block: dict) -> dict | None:
    """Headings styled at any depth (the source list's group headings sit in a Div);
    captioned blocks copied (their captions get numbered in place); formulas and the
    "где" lines after them in their paragraph styles; the rest shared."""
    kind = block["t"]
    if kind == "Header":
        return _styled_heading(block)
    if kind == "Div" and PAGE_BREAK in ast.attr(block)[1]:
        return ast.RawBlock("openxml", '<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
    if kind == "Div" and (marked := docx_div(block, map_blocks(block["c"][1], _docx_block))) is not None:
        return marked
    if kind in ("Table", "Figure") or (
            kind in ("BlockQuote", "BulletList", "OrderedList", "DefinitionList")
            and any(node["t"] in ("Table", "Figure") for node in ast.walk(block))):
        return json.loads(json.dumps(block))
    if kind == "Para" and len(block["c"]) == 1 and block["c"][0]["t"] == "Span" and EQUATION in block["c"][0]["c"][0][1]:
        return _equation(block["c"][0])
    if kind == "Div" and WHERE in block["c"][0][1]:
        return ast.Div(block["c"][1], "", [], [["custom-style", WHERE_STYLE]])
    return None


def _equation(span: dict) -> dict:
    """A numbered formula: OMML centred on a tab stop, "(2.1)" on the right-margin tab stop,
    the number a SEQ field (as the captions: Word's own numbering agrees with the build's).
    Unnumbered: pandoc's own display formula (an OMML paragraph, centred)."""
    math = span["c"][1][0]
    number = number_of(span)
    if not number:
        return ast.Para([math])
    prefix, index = split_number(number)
    field = render("docx", "seq-field.xml.j2", identifier="Formula", number=index,
                   restart=bool(prefix) and index == 1)
    lead = f"<w:r><w:t>{prefix}.</w:t></w:r>" if prefix else ""
    inline = {"t": "Math", "c": [{"t": "InlineMath"}, math["c"][1]]}  # in one paragraph with the number
    para = ast.Para([ast.RawInline("openxml", "<w:r><w:tab/></w:r>"), inline,
                     ast.RawInline("openxml", f"<w:r><w:tab/><w:t>(</w:t></w:r>{lead}{field}<w:r><w:t>)</w:t></w:r>")])
    return ast.Div([para], "", [], [["custom-style", EQUATION_STYLE]])


def _caption_fields(doc: dict, thesis: Thesis) -> None:
    """'Сурет 1 — …' / 'Кесте 1 — …' with the number the build gave (numbering transform),
    its running part a Word SEQ field, so Word's lists and references work: "2.1" is the
    chapter's figure prefix before the field, restarted (`\\r 1`) at the chapter's first."""
    words = thesis.labels
    for node in ast.walk(doc["blocks"]):
        if node["t"] not in ("Figure", "Table") or not number_of(node):
            continue
        caption_blocks = node["c"][1][1]
        prefix, index = split_number(number_of(node))
        word = words.figure if node["t"] == "Figure" else words.table
        field = render("docx", "seq-field.xml.j2", identifier="".join(word.split()), number=index,
                       restart=bool(prefix) and index == 1)
        lead = [ast.Str(f"{prefix}.")] if prefix else []
        caption_blocks[0]["c"][:0] = (ast.inlines(word) + [ast.Space(), *lead, ast.RawInline("openxml", field),
                                                           ast.Space(), ast.Str("—"), ast.Space()])


def _styled_heading(block: dict) -> dict:
    """Structural and source-group headings get their own paragraph style (pandoc has none)."""
    level, (ident, classes, kv), content = block["c"]
    if heading_rule(block) == "structural":
        style = STRUCTURAL_STYLE
    elif SOURCE_GROUP in classes:
        style = GROUP_STYLE
    else:
        return block
    # A Span with the heading's id keeps the bookmark the contents links to; the Div keeps
    # the figure prefix of a level-1 heading for the captions under it.
    para = ast.Para([{"t": "Span", "c": [[ident, [], []], content]}])
    keep = [pair for pair in kv if pair[0] == FIGURE_PREFIX] if level == 1 else []
    return ast.Div([para], "", [], [["custom-style", style], *keep])


def title_page_xml(thesis: Thesis) -> str:
    """The title page paragraphs: the profile's template with thesis.yaml's fields, the page
    geometry and `height()`, the estimate a template lays its page out with."""
    profile = thesis.profile
    page_w, page_h = PAPER_MM[profile.page.size]
    m = profile.page.margins
    size = profile.sizes.title_page.pt
    spacing = profile.text.line_spacing  # the title page's paragraphs are body-spaced, as in the PDF
    page = {"size_pt": size, "text_width_mm": page_w - m.left.mm - m.right.mm,
            "text_height_mm": page_h - m.top.mm - m.bottom.mm, "twips_per_mm": TWIPS_PER_MM,
            "line_twips": size * LINE_EM * 20 * spacing, "line_spacing": spacing}

    def height(text: str, width_mm: float, pt: float, bold: bool = False) -> float:
        return text_height(text, width_mm, pt, bold) * spacing
    return render("docx", f"title-{profile.title_page}.xml.j2", thesis.root, meta=title_fields(thesis),
                  labels=labels(thesis), page=page, height=height)


LINE_EM = 1.15  # single spacing of a Times-metric face, baseline to baseline


def text_height(text: str, width_mm: float, pt: float, bold: bool = False) -> float:
    """The height (twips) a text takes at this width and size, single-spaced (the title page
    scales it by the profile's line spacing)."""
    return _lines(text, width_mm, pt, bold) * pt * LINE_EM * 20


def _lines(text: str, width_mm: float, size_pt: float, bold: bool = False) -> int:
    """Lines a text takes at this width, wrapping words at an average letter width of
    0.5 em (0.55 em bold): Times' Cyrillic averages about 0.45 em."""
    per_line = max(1, int(width_mm / (size_pt * 25.4 / 72 * (0.55 if bold else 0.5))))
    lines, filled = 1, 0
    for word in text.split():
        need = len(word) + (1 if filled else 0)
        if filled and filled + need > per_line:
            lines, filled = lines + 1, len(word)
        else:
            filled += need
    return lines


def contents_xml(listed: list[Heading], thesis: Thesis, pages: dict[str, int] | None) -> str:
    """The contents title and TOC field, entries pre-filled from the build's outline."""
    entries = [{"level": h.level, "anchor": bookmark_name(h.ident), "text": h.text,
                "page": (pages or {}).get(h.ident, "")} for h in listed]
    return render("docx", "contents.xml.j2", thesis.root, title=thesis.labels.contents, entries=entries,
                  depth=thesis.profile.contents.depth, dirty="false" if pages else "true")


def write_docx(document: Document, thesis: Thesis, cache_dir: Path, pages: dict[str, int] | None = None,
               total: int | None = None, splits: dict[int, int] | None = None, marks: bool = False) -> bytes:
    """The DOCX bytes: pandoc's writer, then a deterministic zip."""
    reference = reference_docx(thesis.profile, thesis.language, cache_dir)
    parts = docx_stitch.package(docx_ast(document, thesis, pages, total), thesis.root,  # unchanged sections cached
                                [f"--reference-doc={reference}", "--syntax-highlighting=none"],  # code in black
                                cache_dir / "docx").parts
    parts = {name: _xml_safe(data) if name.endswith((".xml", ".rels")) else data for name, data in parts.items()}
    parts = pdf_pictures(parts, cache_dir)  # a PDF figure no Word version draws
    replace = {"docProps/core.xml": core_properties(thesis).encode(),
               "word/document.xml": document_body(parts["word/document.xml"], thesis, splits or {}, marks)}
    if "word/numbering.xml" in parts:
        replace["word/numbering.xml"] = list_numbering(parts["word/numbering.xml"], thesis)
    if any(name.endswith(".svg") for name in parts):
        replace.update(add_fallbacks({name: replace.get(name) or parts[name] for name in parts}, cache_dir))
    return normalise_zip(parts, replace)


# Characters XML 1.0 forbids (C0 controls but tab and line ends): pandoc copies them from the
# text into the OpenXML, which Word then refuses to open (the lint warns where they are).
_XML_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_safe(data: bytes) -> bytes:
    return _XML_FORBIDDEN.sub(b"", data) if _XML_FORBIDDEN.search(data) else data


def document_body(xml: bytes, thesis: Thesis, splits: dict[int, int], marks: bool) -> bytes:
    """word/document.xml with landscape sections completed, table rows kept whole, the header
    row repeated on every page, numbered tables cut at `splits` under a continuation line
    (rows bookmarked for the layout with `marks`); unchanged when it has no table or section."""
    if b"<w:tbl>" not in xml and xml.count(b"<w:sectPr") <= 1:
        return xml
    from lxml import etree
    root = etree.fromstring(xml)
    body = root.find(W_NS + "body")
    sections(body)
    repeat_headers(body)
    table_text(body)
    tables = continued.numbered_tables(body, thesis.labels.table)
    if marks:
        continued.mark_rows(tables)
    continued.split_tables(tables, splits, thesis.labels.table_continued)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HANGING_MM = {"bullet": 5, "number": 8}  # marker to text: "–" and a gap / up to "99."


TASK_BOXES = {"☐", "☒"}  # the bullets pandoc gives a task list's items (`- [ ]`, `- [x]`)


def list_numbering(xml: bytes, thesis: Thesis) -> bytes:
    """Pandoc's list levels made to match the PDF: the marker at the paragraph indent
    (nested lists one step further in), the text after it; bullets are an en dash in the
    body font, not a Symbol-font dot."""
    from lxml import etree
    root = etree.fromstring(xml)
    indent = thesis.profile.text.first_line_indent.mm
    for lvl in root.iter(W_NS + "lvl"):
        text = lvl.find(W_NS + "lvlText")
        fmt = lvl.find(W_NS + "numFmt")
        if text is None or not text.get(W_NS + "val", "").strip():
            continue  # pandoc's marker-less levels (block quotes, definitions)
        kind = "bullet" if fmt is not None and fmt.get(W_NS + "val") == "bullet" else "number"
        if kind == "bullet" and text.get(W_NS + "val") not in TASK_BOXES:  # a task list keeps its boxes
            text.set(W_NS + "val", "–")
            rpr = lvl.find(W_NS + "rPr")
            if rpr is not None:
                lvl.remove(rpr)
        level = int(lvl.get(W_NS + "ilvl", "0"))
        hanging = HANGING_MM[kind]
        ind = lvl.find(f"{W_NS}pPr/{W_NS}ind")
        if ind is not None:
            ind.set(W_NS + "left", str(round((indent + level * hanging + hanging) * TWIPS_PER_MM)))
            ind.set(W_NS + "hanging", str(round(hanging * TWIPS_PER_MM)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def core_properties(thesis: Thesis) -> str:
    """docProps/core.xml: title, author and language of the thesis, the build's date."""
    date = datetime.datetime.fromtimestamp(thesis.epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = thesis.project.thesis
    return render("docx", "core.xml.j2", thesis.root, title=config.title, author=config.author,
                  language=pandoc.LANG_TAGS[thesis.language], date=date, keywords=", ".join(config.keywords))


def normalise_zip(data: bytes | dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    """The same archive (or its parts) with fixed timestamps and order (byte-reproducible),
    parts replaced."""
    replace = replace or {}
    if isinstance(data, dict):
        read, present = data.__getitem__, set(data)
    else:
        src = zipfile.ZipFile(io.BytesIO(data))
        read, present = src.read, set(src.namelist())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = sorted(present | set(replace))  # parts replaced or added
        first = [n for n in ("[Content_Types].xml",) if n in names]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, replace[name] if name in replace else read(name))
    return out.getvalue()
