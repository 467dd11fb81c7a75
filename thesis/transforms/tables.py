"""Tables as the profile sets them: body cells aligned as `tables.cell_align` says (pandoc's
"default" alignment would inherit the PDF's centring and the DOCX's justification), header
cells as `tables.header_align` says. Columns the author aligned in Markdown (`:---:`) keep it.
"""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..document import Document

ALIGN = {"left": "AlignLeft", "center": "AlignCenter", "right": "AlignRight"}


def align_cells(document: Document, thesis: Thesis) -> None:
    """Default-aligned columns get the profile's body alignment, header cells its header one."""
    body = ALIGN[thesis.profile.tables.cell_align]
    header = ALIGN[thesis.profile.tables.header_align]
    for node in ast.walk(document.blocks):
        if node["t"] != "Table":
            continue
        colspecs, head = node["c"][2], node["c"][3]
        for spec in colspecs:
            if spec[0]["t"] == "AlignDefault":
                spec[0] = {"t": body}
        for row in head[1]:
            for cell in row[1]:
                cell[1] = {"t": header}
