"""The document contract's marked blocks as OpenXML: what pandoc's docx writer cannot say.

- a PAGE_TOTAL Span: a NUMPAGES field (Word and LibreOffice fill it at layout; the release
  pass writes the laid-out count as its cached result);
- a KEYWORDS or FLUSH Div: the FLUSH_STYLE paragraph style (left edge, unhyphenated);
- a LANDSCAPE Div: its own section, landscape (`w:orient`, page size swapped), between two
  portrait ones; the sections are completed from the document's last one (`sections`);
- every table: the first row repeats on each page (`w:tblHeader`), rows never split (`w:cantSplit`).
"""

from __future__ import annotations

import copy
import re

from .. import ast
from ..document import FLUSH, KEYWORDS, LANDSCAPE, PAGE_TOTAL
from .ooxml import FLUSH_STYLE, TABLE_TEXT_STYLE

TABLE_TEXT_ID = TABLE_TEXT_STYLE.replace(" ", "")  # python-docx's style id for the name

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A paragraph ending a section; the build completes its sectPr from the document's last one.
SECTION_END = ('<w:p><w:pPr><w:sectPr><w:pgSz w:orient="{orient}"/>'
               '<w:type w:val="nextPage"/></w:sectPr></w:pPr></w:p>')


# Word and LibreOffice break a line only at spaces: a long URL would stretch the justified
# line before it. A zero-width space after its separators lets it break there, as the PDF does.
_URL_BREAKS = re.compile(r"(?<=[/.?&=_-])(?=[^/.?&=_\s-])")


def breakable_url(text: str) -> str:
    """A URL as text with break opportunities (zero-width spaces) after / . ? & = _ -."""
    head, sep, rest = text.partition("://")
    return head + sep + _URL_BREAKS.sub("\u200b", rest) if sep else text


def docx_inline(node: dict, total: int | None) -> dict | None:
    """A PAGE_TOTAL Span as a NUMPAGES field (cached result: the laid-out count, if known);
    a URL shown as text (a link's or a source's) breakable at its separators."""
    if node["t"] == "Str" and "://" in node["c"]:
        return ast.Str(breakable_url(node["c"]))
    if node["t"] == "Span" and PAGE_TOTAL in ast.attr(node)[1]:
        shown = str(total) if total else "0"
        return ast.RawInline("openxml", (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> NUMPAGES </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f'<w:r><w:t>{shown}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'))
    return None


def docx_div(block: dict, inner: list[dict]) -> list[dict] | dict | None:
    """Flush Divs styled, landscape Divs between section ends (None: not one of these);
    `inner` is the Div's blocks as the writer maps them."""
    classes = ast.attr(block)[1]
    if KEYWORDS in classes or FLUSH in classes:
        return ast.Div(inner, "", [], [["custom-style", FLUSH_STYLE]])
    if LANDSCAPE in classes:
        return [ast.RawBlock("openxml", SECTION_END.format(orient="portrait")), *inner,
                ast.RawBlock("openxml", SECTION_END.format(orient="landscape"))]
    return None


def sections(body) -> None:
    """Complete every section-ending paragraph's sectPr from the body's last one: the first
    section keeps the title page's different first page, later ones not; a landscape one has
    its width and height swapped."""
    last = body.find(W + "sectPr")
    if last is None:
        return
    first = True
    for para_sect in [s for s in body.iter(W + "sectPr") if s is not last]:
        landscape = para_sect.find(W + "pgSz").get(W + "orient") == "landscape"
        done = copy.deepcopy(last)
        if not first:
            for title_pg in done.findall(W + "titlePg"):
                done.remove(title_pg)
        size = done.find(W + "pgSz")
        if size is not None and landscape:
            width, height = size.get(W + "w"), size.get(W + "h")
            size.set(W + "w", height)
            size.set(W + "h", width)
            size.set(W + "orient", "landscape")
        para_sect.getparent().replace(para_sect, done)
        first = False
    if not first:  # the last section follows a landscape one: its first page is numbered
        for title_pg in last.findall(W + "titlePg"):
            last.remove(title_pg)


def table_text(body) -> None:
    """Paragraphs in table cells in the single-spaced table style (pandoc gives them Compact,
    the body's spacing)."""
    for table in body.iter(W + "tbl"):
        for style in table.iter(W + "pStyle"):
            if style.get(W + "val") == "Compact":
                style.set(W + "val", TABLE_TEXT_ID)


def repeat_headers(body) -> None:
    """No row splits across pages; the header row repeats on every page (pandoc marks it
    `w:tblHeader` itself: kept, and added where a header row lacks it)."""
    for table in body.iter(W + "tbl"):
        for index, row in enumerate(table.findall(W + "tr")):
            props = row.find(W + "trPr")
            if props is None:
                props = row.makeelement(W + "trPr", {})
                row.insert(0 if row.find(W + "tblPrEx") is None else 1, props)
            props.append(props.makeelement(W + "cantSplit", {}))
            if index == 0 and _has_header(table) and props.find(W + "tblHeader") is None:
                props.append(props.makeelement(W + "tblHeader", {}))


def _has_header(table) -> bool:
    """Pandoc marks a table with a header row in its look (tblLook w:firstRow="1")."""
    look = table.find(f"{W}tblPr/{W}tblLook")
    return look is not None and look.get(W + "firstRow") in ("1", "true", "on")
