"""Tables as the profile sets them: body cells aligned as `tables.cell_align` says (pandoc's
"default" alignment would inherit the PDF's centring and the DOCX's justification), header
cells as `tables.header_align` says. Columns the author aligned in Markdown (`:---:`) keep it.

Column widths from the content where the author gave none (a short pipe table): pandoc would
make every column equally wide, and Word breaks a long word in a narrow column without a
hyphen ("Исследовани/е"). As a browser's automatic layout does: every column at least as
wide as its longest word, the rest of the line shared in proportion to the longest cell
texts. Both writers get the same fractions.
"""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..document import Document
from ..units import PAPER_MM

CHAR_EM = 0.6          # a generous letter width of a Times-metric face (Cyrillic averages ~0.45 em,
                       # digits 0.5, capitals up to 0.72): a word never wider than its column
CELL_INSET_PT = 12     # left and right cell inset/margins together (4 + 4 pt) and 4 pt to spare

ALIGN = {"left": "AlignLeft", "center": "AlignCenter", "right": "AlignRight"}


def format_tables(document: Document, thesis: Thesis) -> None:
    """Every table aligned (`align_cells`) and given column widths (`column_widths`): one walk."""
    tables = ast.find(document.blocks, {"Table"})
    align_cells(tables, thesis)
    column_widths(tables, thesis)


def align_cells(tables: list[dict], thesis: Thesis) -> None:
    """Default-aligned columns get the profile's body alignment, header cells its header one."""
    body = ALIGN[thesis.profile.tables.cell_align]
    header = ALIGN[thesis.profile.tables.header_align]
    for node in tables:
        colspecs, head = node["c"][2], node["c"][3]
        for spec in colspecs:
            if spec[0]["t"] == "AlignDefault":
                spec[0] = {"t": body}
        for row in head[1]:
            for cell in row[1]:
                cell[1] = {"t": header}


def column_widths(tables: list[dict], thesis: Thesis) -> None:
    """Default-width tables get fractions of the text width from their content."""
    profile = thesis.profile
    width_mm = PAPER_MM[profile.page.size][0] - profile.page.margins.left.mm - profile.page.margins.right.mm
    char_pt = profile.sizes.body.pt * CHAR_EM
    for node in tables:
        if all(spec[1]["t"] == "ColWidthDefault" for spec in node["c"][2]):
            fractions = _fractions(_cell_texts(node), width_mm * 72 / 25.4, char_pt)
            for spec, fraction in zip(node["c"][2], fractions):
                spec[1] = {"t": "ColWidth", "c": fraction}


def _cell_texts(table: dict) -> list[list[str]]:
    """The text of every cell (header and body), by column."""
    columns: list[list[str]] = [[] for _ in table["c"][2]]
    rows = list(table["c"][3][1]) + [row for body in table["c"][4] for row in body[2] + body[3]]
    for row in rows:
        x = 0
        for cell in row[1]:
            if x < len(columns) and cell[3] == 1:  # cells across columns do not size one
                columns[x].append(ast.stringify(cell[4]))
            x += cell[3]
    return columns


def _fractions(columns: list[list[str]], line_pt: float, char_pt: float) -> list[float]:
    """Each column's share of the line: its longest word at least, the rest by its longest text."""
    least = [max([len(w) for t in texts for w in t.split()] or [1]) * char_pt + CELL_INSET_PT for texts in columns]
    most = [max([len(t) for t in texts] or [1]) * char_pt + CELL_INSET_PT for texts in columns]
    if sum(most) <= line_pt:
        return [round(m / line_pt, 4) for m in most]
    spare = max(line_pt - sum(least), 0)
    extra = [m - low for m, low in zip(most, least)]
    widths = [low + spare * e / (sum(extra) or 1) for low, e in zip(least, extra)]
    return [round(w / sum(widths), 4) for w in widths]
