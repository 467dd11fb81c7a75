"""The реферат's statistics line and key words (GOST 7.32 5.3.2), computed, never typed.

"61 с., 3 рис., 4 табл., 53 источн., 2 прил.": figures, tables, sources and appendices are
counted here from the document; the page count belongs to the laid-out output, so the line
carries a Span with the class PAGE_TOTAL that each writer fills (the PDF with Typst's final
page counter, the DOCX with a NUMPAGES field). A line the author typed is taken out (the
check `typed_statistics` warns about it). The key words from thesis.yaml follow, in
capitals, in a Div with the class KEYWORDS (no indent, no hyphenation, no final period).
"""

from __future__ import annotations

import re

from .. import ast
from ..context import Thesis
from ..document import KEYWORDS, KIND, PAGE_TOTAL, SOURCE_LIST, TYPED_STATISTICS, Document, heading_attr



def abstract_position(blocks: list) -> int | None:
    """The index of the реферат's heading among the top-level blocks."""
    return next((i for i, b in enumerate(blocks) if b["t"] == "Header" and heading_attr(b, KIND) == "abstract"),
                None)


def typed_line(blocks: list) -> int | None:
    """The index of a statistics line the author typed as the реферат's first paragraph."""
    start = abstract_position(blocks)
    if start is None or start + 1 >= len(blocks):
        return None
    first = blocks[start + 1]
    if first["t"] in ("Para", "Plain") and TYPED_STATISTICS.match(ast.stringify(first["c"])):
        return start + 1
    return None


def counts(document: Document) -> dict[str, int]:
    """Numbered figures and tables (those with a caption), source-list entries, appendices."""
    def captioned(node):
        caption = node["c"][1][1]
        return bool(caption and ast.stringify(caption).strip())
    found = {"figures": 0, "tables": 0, "sources": 0}
    for node in ast.walk(document.blocks):
        if node["t"] == "Figure" and captioned(node):
            found["figures"] += 1
        elif node["t"] == "Table" and captioned(node):
            found["tables"] += 1
        elif node["t"] == "Div" and ast.attr(node)[0] == SOURCE_LIST:
            found["sources"] = sum(1 for d in ast.walk(node["c"][1])
                                   if d["t"] == "Div" and ast.attr(d)[0].startswith("ref-"))
    found["appendices"] = sum(1 for h in document.outline if h.kind == "appendix")
    return found


def statistics_line(pattern: str, found: dict[str, int]) -> list:
    """The line's inlines: `pattern` split at its commas, parts counting 0 left out, the page
    count a PAGE_TOTAL Span for the writers."""
    out: list = []
    for part in (p.strip() for p in pattern.split(",")):
        names = re.findall(r"\{(\w+)\}", part)
        if names and names[0] != "pages" and not found.get(names[0], 0):
            continue
        if out:
            out += [ast.Str(","), ast.Space()]
        for piece in re.split(r"(\{\w+\})", part):
            if piece == "{pages}":
                out.append({"t": "Span", "c": [["", [PAGE_TOTAL], []], [ast.Str("0")]]})
            elif piece.startswith("{"):
                out.append(ast.Str(str(found.get(piece[1:-1], 0))))
            elif piece:
                out += ast.inlines(piece)
    return out


def abstract_statistics(document: Document, thesis: Thesis) -> None:
    """The statistics line and the key words under the реферат heading (a typed line replaced)."""
    blocks = document.blocks
    typed = typed_line(blocks)
    if typed is not None:
        del blocks[typed]
    start = abstract_position(blocks)
    if start is None:
        return
    added = [ast.Para(statistics_line(thesis.labels.abstract_stats, counts(document)))]
    words = [w.strip().rstrip(".").upper() for w in thesis.project.thesis.keywords if w.strip()]
    if words:
        added.append(ast.Div([ast.Para(ast.inlines(", ".join(words)))], "", [KEYWORDS]))
    blocks[start + 1:start + 1] = added
