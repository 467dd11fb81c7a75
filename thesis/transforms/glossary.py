"""Terms and abbreviations lists (GOST 7.32 5.4, 5.5): entries "термин — определение", one
per paragraph, in a column from the left edge; not indented body paragraphs, not a ruled table.

The author writes a definition list (`Термин` / `: определение`) or a two-column table without
a caption under a terms or abbreviations heading; both become a FLUSH Div of such paragraphs.
"""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..document import FLUSH, KIND, Document, heading_attr

LISTS = ("terms", "abbreviations")


def glossary_entries(document: Document, thesis: Thesis) -> None:
    """Definition lists and two-column uncaptioned tables under a terms/abbreviations heading
    as "term — definition" paragraphs from the left edge."""
    inside = False
    blocks = document.blocks
    for i, block in enumerate(blocks):
        if block["t"] == "Header" and block["c"][0] == 1:
            inside = heading_attr(block, KIND) in LISTS
        elif inside and (entries := _entries(block)) is not None:
            blocks[i] = ast.Div([ast.Para(term + [ast.Space(), ast.Str("—"), ast.Space()] + meaning)
                                 for term, meaning in entries], "", [FLUSH])


def _entries(block: dict) -> list[tuple[list, list]] | None:
    """(term, definition) inlines of a definition list or a two-column table (None: neither)."""
    if block["t"] == "DefinitionList":
        return [(term, _inlines([b for d in definitions for b in d])) for term, definitions in block["c"]]
    if block["t"] == "Table" and len(block["c"][2]) == 2 and not ast.stringify(block["c"][1][1]).strip():
        rows = [row for body in block["c"][4] for row in body[3]]
        return [(_inlines(row[1][0][4]), _inlines(row[1][1][4])) for row in rows if len(row[1]) == 2]
    return None


def _inlines(blocks: list) -> list:
    """The inline content of cell or definition blocks, paragraphs joined by a space."""
    out: list = []
    for block in blocks:
        if block["t"] in ("Plain", "Para"):
            out += ([ast.Space()] if out else []) + block["c"]
    return out
