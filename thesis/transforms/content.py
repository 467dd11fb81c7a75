"""What the author wrote, made ready for the writers: image paths, links, metadata."""

from __future__ import annotations

from pathlib import Path

from .. import ast
from ..checks import image_file, element_ids
from ..context import Thesis
from ..document import Document


def image_paths(document: Document, thesis: Thesis) -> None:
    """Image targets become project-relative paths (the check stage made sure they are files
    inside the project). What is written back is escaped so that the writers, which
    percent-decode a target, decode it to exactly the checked file."""
    root = thesis.root.resolve()
    for node in document.index.get("Image", []):
        resolved = image_file(node["c"][2][0], thesis)
        assert isinstance(resolved, Path), "the check stage lets no bad image through"
        node["c"][2][0] = resolved.resolve().relative_to(root).as_posix().replace("%", "%25")


def dangling_links(document: Document, thesis: Thesis) -> None:
    """A link to an id no element has (`[Кіріспе](#X2c65…)`: a Word contents page converted by
    pandoc, its links to Word's bookmarks) becomes its text: Typst refuses a link to a label
    the document lacks, and the DOCX's would go nowhere (the check stage warns at its line)."""
    internal = {link["c"][2][0][1:] for link in ast.find(document.blocks, {"Link"}) if link["c"][2][0].startswith("#")}
    ids = element_ids(document.blocks) if internal else set()
    if internal <= ids:
        return  # the usual thesis: every internal link goes somewhere, nothing to rewrite

    def as_text(node: dict) -> dict | None:
        target = node["c"][2][0] if node["t"] == "Link" else ""
        return {"t": "Span", "c": [["", [], []], node["c"][1]]} if target.startswith("#") and target[1:] not in ids \
            else None
    document.ast["blocks"] = ast.rewrite(document.blocks, as_text)


def keep_language_only(document: Document, thesis: Thesis) -> None:
    """Writers get the language only: the rest (file paths among it) must not reach the outputs."""
    document.ast["meta"] = {key: value for key, value in document.ast["meta"].items() if key == "lang"}
