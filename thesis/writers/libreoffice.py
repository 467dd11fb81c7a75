"""The one module that runs LibreOffice: a real layout of the DOCX, for contents page numbers.

Pandoc's contents field is empty until Word refreshes it. In release mode the
build lays the DOCX out with LibreOffice (headless), reads on which page each
heading landed (the PDF's bookmarks), and writes the numbers into the contents.
It costs about a second, so the author's edit-build loop skips it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ..diagnostics import UserError

TIMEOUT_S = 180
# Bookmarks also as named destinations: where each row of a numbered table landed (docx_continued).
PDF_EXPORT = 'pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":{"type":"boolean","value":"true"}}'


@lru_cache(maxsize=1)
def soffice() -> str | None:
    """The LibreOffice binary, if installed."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def docx_to_pdf(docx: bytes) -> bytes:
    """The DOCX as LibreOffice lays it out, as PDF bytes."""
    binary = soffice()
    if binary is None:
        raise UserError("LibreOffice is not installed (Debian: libreoffice-writer-nogui)",
                        code="tool.libreoffice")
    with tempfile.TemporaryDirectory(prefix="thesis-lo-") as tmp:
        src = Path(tmp) / "thesis.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "profile"
        cmd = [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", PDF_EXPORT, "--outdir", tmp, str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S,
                                  env={**os.environ, "HOME": tmp})
        except subprocess.TimeoutExpired:
            raise UserError(f"LibreOffice took longer than {TIMEOUT_S} s to lay out the DOCX",
                            code="tool.libreoffice") from None
        out = Path(tmp) / "thesis.pdf"
        if proc.returncode != 0 or not out.is_file():
            message = proc.stderr.decode("utf-8", "replace").strip() or f"exit {proc.returncode}"
            raise UserError(f"LibreOffice could not convert the DOCX: {message}", code="tool.libreoffice")
        return out.read_bytes()


def page_count(pdf: bytes) -> int:
    """Pages of the laid-out document."""
    import pypdf
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def outline_pages(pdf: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of every PDF bookmark, in document order."""
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found: list[tuple[str, int]] = []

    def visit(items):
        for item in items:
            if isinstance(item, list):
                visit(item)
            else:
                found.append((" ".join(str(item.title).split()), reader.get_destination_page_number(item) + 1))
    visit(reader.outline)
    return found


def heading_pages(headings, pdf: bytes) -> dict[str, int]:
    """Anchor → page for each heading, matched in order against the layout's bookmarks."""
    marks = outline_pages(pdf)
    pages: dict[str, int] = {}
    start = 0
    for heading in headings:
        text = " ".join(heading.text.split())
        for i in range(start, len(marks)):
            if marks[i][0] == text:
                pages[heading.ident] = marks[i][1]
                start = i + 1
                break
    return pages
