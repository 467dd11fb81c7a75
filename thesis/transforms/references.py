"""Where the source list goes: under the author's references heading, else at the end."""

from __future__ import annotations

from .. import ast
from ..context import BuildContext


def place(doc: dict, ctx: BuildContext) -> None:
    """Move citeproc's Div#refs under the references heading (added if there is none)."""
    blocks = doc["blocks"]
    refs = next((b for b in blocks if b["t"] == "Div" and ast.attr(b)[0] == "refs"), None)
    if refs is None:
        return
    blocks.remove(refs)
    heading = next((i for i, b in enumerate(blocks) if b["t"] == "Header"
                    and "heading-references" in ast.attr(b)[1]), None)
    if heading is None:
        title = ctx.project.labels.references
        blocks.append(ast.Header(1, ast.inlines(title), "references",
                                 ["unnumbered", "heading-references"]))
        ctx.meta["headings"].append(_heading(title))
        heading = len(blocks) - 1
    end = next((i for i in range(heading + 1, len(blocks))
                if blocks[i]["t"] == "Header" and blocks[i]["c"][0] == 1), len(blocks))
    blocks.insert(end, refs)


def _heading(title: str):
    from .structure import Heading
    return Heading(1, "references", title, "references")
