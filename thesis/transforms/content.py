"""What the author wrote, made ready for the writers: image paths, metadata."""

from __future__ import annotations

from pathlib import Path

from ..checks import image_file
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


def keep_language_only(document: Document, thesis: Thesis) -> None:
    """Writers get the language only: the rest (file paths among it) must not reach the outputs."""
    document.ast["meta"] = {key: value for key, value in document.ast["meta"].items() if key == "lang"}
