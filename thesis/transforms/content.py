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
    ids = element_ids(document.blocks)

    def dangling(item) -> bool:
        return (type(item) is dict and item.get("t") == "Link" and item["c"][2][0].startswith("#")
                and item["c"][2][0][1:] not in ids)

    def mend(node) -> None:
        if type(node) is list:
            for i, item in enumerate(node):
                if dangling(item):
                    node[i] = {"t": "Span", "c": [["", [], []], item["c"][1]]}
                mend(node[i])
        elif type(node) is dict and type(node.get("c")) in (list, dict):
            mend(node["c"])
    if any(dangling(link) for link in ast.find(document.blocks, {"Link"})):
        mend(document.blocks)


def keep_language_only(document: Document, thesis: Thesis) -> None:
    """Writers get the language only: the rest (file paths among it) must not reach the outputs."""
    document.ast["meta"] = {key: value for key, value in document.ast["meta"].items() if key == "lang"}
