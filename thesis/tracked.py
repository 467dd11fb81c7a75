"""Word tracked changes in a DOCX: make pandoc's w:ins/w:del complete (unique ids, the
paragraph mark of a wholly inserted or deleted paragraph tracked too), and apply them
(Accept All / Reject All) for the tests and for reading a supervisor's edits back.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
FIRST_ID = 90000  # clear of the bookmark and comment ids pandoc writes


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def mark_paragraphs(docx: bytes) -> bytes:
    """The DOCX with its tracked changes made whole (see the module docstring)."""
    from .writers.docx import normalise_zip
    replace = {}
    next_id = FIRST_ID
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        for part in PARTS:
            if part not in z.namelist():
                continue
            root = etree.fromstring(z.read(part))
            next_id = _complete(root, next_id)
            replace[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return normalise_zip(docx, replace)


def _complete(root, next_id: int) -> int:
    for change in root.iter(_w("ins"), _w("del")):
        if change.getparent().tag != _w("rPr"):
            change.set(_w("id"), str(next_id))
            next_id += 1
    for para in root.iter(_w("p")):
        kind = _whole_change(para)
        if kind is None:
            continue
        ppr = para.find("w:pPr", NS)
        if ppr is None:
            ppr = etree.SubElement(para, _w("pPr"))
            para.insert(0, ppr)
        rpr = ppr.find("w:rPr", NS)
        if rpr is None:
            rpr = etree.SubElement(ppr, _w("rPr"))
        first = para.find(f".//w:{kind}", NS)
        mark = etree.SubElement(rpr, _w(kind))
        for key in ("author", "date"):
            if first.get(_w(key)):
                mark.set(_w(key), first.get(_w(key)))
        mark.set(_w("id"), str(next_id))
        next_id += 1
    return next_id


def _whole_change(para) -> str | None:
    """'ins' or 'del' when every run with content in the paragraph is inside that change."""
    kinds = set()
    for run in para.iter(_w("r")):
        if not any(child.tag in (_w("t"), _w("delText"), _w("footnoteReference"), _w("drawing"), _w("tab"))
                   for child in run):
            continue
        parent = run.getparent()
        kinds.add(etree.QName(parent).localname if parent.tag in (_w("ins"), _w("del")) else "")
    return kinds.pop() if len(kinds) == 1 and kinds != {""} else None


def apply(root, accept: bool):
    """The part's XML with every tracked change accepted (or rejected), in place."""
    keep, drop = ("ins", "del") if accept else ("del", "ins")
    for para in list(root.iter(_w("p"))):
        if para.find(f"w:pPr/w:rPr/w:{drop}", NS) is not None:
            _remove(para)  # its content is gone with the change; so is its mark
    for node in list(root.iter(_w(drop))):
        if node.getparent() is not None and node.getparent().tag != _w("rPr"):
            _remove(node)
    for node in list(root.iter(_w(keep))):
        parent = node.getparent()
        if parent.tag == _w("rPr"):
            parent.remove(node)
            continue
        for child in list(node):
            node.addprevious(child)
        parent.remove(node)
    for text in list(root.iter(_w("delText"))):
        text.tag = _w("t")
    return root


def _remove(node) -> None:
    node.getparent().remove(node)


def accepted(docx: bytes, part: str = "word/document.xml"):
    """A part's XML after Accept All."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return apply(etree.fromstring(z.read(part)), accept=True)


def rejected(docx: bytes, part: str = "word/document.xml"):
    """A part's XML after Reject All."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return apply(etree.fromstring(z.read(part)), accept=False)
