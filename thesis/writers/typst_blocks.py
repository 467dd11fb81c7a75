"""The document contract's marked blocks as Typst: what pandoc's Typst writer cannot say.

- a PAGE_TOTAL Span: the PDF's final page count (`counter(page).final()`), for the реферат;
- a KEYWORDS or FLUSH Div: paragraphs from the left edge, unhyphenated;
- a LANDSCAPE Div: its content on landscape pages (`page(flipped: true)`), numbering continuous;
- a numbered Table: a first header row spanning the table, `table-continued()`, which prints
  "Продолжение таблицы N" on every page the table continues on (the header repeats below it).
The functions named here are defined by templates/typst/partials/figures.typ.j2.
"""

from __future__ import annotations

import re

from .. import ast
from ..document import FLUSH, KEYWORDS, LANDSCAPE, PAGE_TOTAL

CONTINUED_CELL = "#table-continued()"


def typst_inline(node: dict) -> dict | None:
    """A PAGE_TOTAL Span as Typst's page count (None: not one)."""
    if node["t"] == "Span" and PAGE_TOTAL in ast.attr(node)[1]:
        return ast.RawInline("typst", "#context counter(page).final().first()")
    return None


def typst_div(block: dict, inner: list[dict]) -> list[dict] | None:
    """Flush and landscape Divs wrapped in their Typst scope, `inner` their blocks as the writer
    maps them (None: not one of these)."""
    classes = ast.attr(block)[1]
    if KEYWORDS in classes or FLUSH in classes:
        return [ast.RawBlock("typst", "#[#set par(first-line-indent: 0pt, justify: false)\n"
                                      "#set text(hyphenate: false)"), *inner, ast.RawBlock("typst", "]")]
    if LANDSCAPE in classes:
        return [ast.RawBlock("typst", "#page(flipped: true)["), *inner, ast.RawBlock("typst", "]")]
    return None


def with_continuation_row(table: dict) -> dict:
    """A copy of the table whose header starts with one row, one cell across every column."""
    attr, caption, colspecs, (head_attr, rows), bodies, foot = table["c"]
    cell = [["", [], []], {"t": "AlignLeft"}, 1, len(colspecs),
            [{"t": "Plain", "c": [ast.RawInline("typst", CONTINUED_CELL)]}]]
    row = [["", [], []], [cell]]
    return {"t": "Table", "c": [attr, caption, colspecs, [head_attr, [row, *rows]], bodies, foot]}


_CONTINUED = re.compile(r"table\.cell\(([^()]*)\)\[" + re.escape(CONTINUED_CELL) + r"\]")


def unruled_continuation_cells(typst: str) -> str:
    """Pandoc's Typst with the continuation cells unruled and without inset: on the table's
    first page the row is empty and takes no room (the function pads its own text)."""
    return _CONTINUED.sub(lambda m: f"table.cell({m.group(1)}, stroke: none, inset: 0pt)[{CONTINUED_CELL}]", typst)
