"""Continued tables in the DOCX: "Продолжение таблицы N" above the header on each page a
numbered table continues on (GOST 2.105 4.4.7-4.4.8, 7.32 6.6).

Word has no such marker: only a layout knows where a table breaks. In release mode the
DOCX is laid out by LibreOffice with a bookmark in every row of every numbered table
(`mark_rows`; LibreOffice exports them as named PDF destinations), `first_breaks` reads where
each table first breaks, and `split_tables` cuts it there: the rows before, then, on a new
page, a table whose repeated header is the continuation line (a borderless row across the
table) and the header row, so each later page shows both as well. The build lays the result
out again (for the contents' page numbers, and any table whose first break moved). Draft
builds leave the line out (and say so).
"""

from __future__ import annotations

import copy
import io
import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MARK = "ThesisT{table}R{row}"  # letters and digits only: LibreOffice's destination names keep them
_MARK = re.compile(r"ThesisT(\d+)R(\d+)$")


def numbered_tables(body, word: str) -> list[tuple[object, str]]:
    """(w:tbl, number) of each table whose caption paragraph ("Таблица 1 — …") precedes it."""
    found = []
    for table in body.iter(W + "tbl"):
        caption = table.getprevious()
        if caption is None or caption.tag != W + "p":
            continue
        style = caption.find(f"{W}pPr/{W}pStyle")
        if style is None or style.get(W + "val") != "TableCaption":
            continue
        text = "".join(t.text or "" for t in caption.iter(W + "t"))
        match = re.match(rf"\s*{re.escape(word)}\s+(\S+)\s+—", text)
        if match:
            found.append((table, match.group(1)))
    return found


def mark_rows(tables: list) -> None:
    """A bookmark in the first paragraph of every row but the header, named MARK."""
    ident = 900000
    for t, (table, _) in enumerate(tables):
        for r, row in enumerate(table.findall(W + "tr")):
            para = next(row.iter(W + "p"), None)
            if r == 0 or para is None:
                continue
            ident += 1
            start = para.makeelement(W + "bookmarkStart", {W + "id": str(ident), W + "name": MARK.format(table=t, row=r)})
            end = para.makeelement(W + "bookmarkEnd", {W + "id": str(ident)})
            at = 1 if para.find(W + "pPr") is not None else 0
            para.insert(at, start)
            para.insert(at + 1, end)


def row_pages(pdf: bytes) -> dict[tuple[int, int], int]:
    """(table, row) → page of each marked row in LibreOffice's layout."""
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = {}
    for name, dest in reader.named_destinations.items():
        match = _MARK.search(str(name))
        if match:
            found[(int(match.group(1)), int(match.group(2)))] = reader.get_destination_page_number(dest) + 1
    return found


def first_breaks(pages: dict[tuple[int, int], int]) -> dict[int, int]:
    """Table → the first row that starts a page (the row before it lies on an earlier page)."""
    found: dict[int, int] = {}
    for (table, row), page in sorted(pages.items()):
        before = pages.get((table, row - 1))
        if before is not None and page > before and table not in found:
            found[table] = row
    return found


def split_tables(tables: list, splits: dict[int, int], label: str) -> None:
    """Each table cut before its first row on a new page: the rest is a table of its own, on a
    new page, whose repeated header is the continuation line and the header row, so every
    later page the table continues on shows both too."""
    for t, (table, number) in enumerate(tables):
        rows = table.findall(W + "tr")
        cut = splits.get(t)
        if cut is None or not 0 < cut < len(rows):
            continue
        rest = copy.deepcopy(table)
        for row in rest.findall(W + "tr"):
            rest.remove(row)
        rest.append(_line_row(rows[0], label, number, _columns(table)))
        rest.append(copy.deepcopy(rows[0]))
        for row in rows[cut:]:
            rest.append(row)  # moved out of the first table
        table.addnext(rest)
        table.addnext(_page_start(table))


def _columns(table) -> int:
    return len(table.findall(f"{W}tblGrid/{W}gridCol")) or 1


def _el(parent, tag: str, attrs: dict | None = None, *children):
    """A w: element under `parent`'s tree, with attributes (w: names) and children."""
    element = parent.makeelement(W + tag, {W + k: v for k, v in (attrs or {}).items()})
    for child in children:
        element.append(child)
    return element


def _line_row(header, label: str, number: str, columns: int):
    """A header row of one borderless cell across the table: "Продолжение таблицы N"."""
    text = label.replace("{n}", number) if "{n}" in label else f"{label} {number}"
    t = _el(header, "t", None)
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    t.text = text
    borders = _el(header, "tcBorders", None, *(_el(header, side, {"val": "nil"}) for side in ("top", "left", "right")))
    cell_props = _el(header, "tcPr", None, _el(header, "gridSpan", {"val": str(columns)}), borders)
    para = _el(header, "p", None, _el(header, "pPr", None, _el(header, "pStyle", {"val": "TableText"}),
                                      _el(header, "jc", {"val": "left"})), _el(header, "r", None, t))
    row_props = _el(header, "trPr", None, _el(header, "cantSplit"), _el(header, "tblHeader"))
    return _el(header, "tr", None, row_props, _el(header, "tc", None, cell_props, para))


def _page_start(table):
    """A paragraph of no height that starts a new page (two tables side by side would merge)."""
    tiny = _el(table, "rPr", None, _el(table, "sz", {"val": "2"}), _el(table, "szCs", {"val": "2"}))
    spacing = _el(table, "spacing", {"before": "0", "after": "0", "line": "20", "lineRule": "exact"})
    return _el(table, "p", None, _el(table, "pPr", None, _el(table, "pageBreakBefore"), spacing, tiny))
