"""Where the source list goes: under the author's references heading, else at the end."""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..document import KIND, RULE, SOURCE_LIST, Document, Heading, heading_attr


def place_source_list(document: Document, thesis: Thesis) -> None:
    """Move citeproc's Div#refs under the references heading (added if there is none)."""
    blocks = document.blocks
    refs = next((b for b in blocks if b["t"] == "Div" and ast.attr(b)[0] == SOURCE_LIST), None)
    if refs is None:
        return
    blocks.remove(refs)
    heading = next((i for i, b in enumerate(blocks) if b["t"] == "Header"
                    and heading_attr(b, KIND) == "references"), None)
    if heading is None:
        title = thesis.labels.references
        blocks.append(ast.Header(1, ast.inlines(title), "references", ["unnumbered"],
                                 [[RULE, "structural"], [KIND, "references"]]))
        document.outline.append(Heading(1, "references", title, "references"))
        heading = len(blocks) - 1
    end = next((i for i in range(heading + 1, len(blocks))
                if blocks[i]["t"] == "Header" and blocks[i]["c"][0] == 1), len(blocks))
    blocks.insert(end, refs)
