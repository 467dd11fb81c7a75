"""AST transforms, run in order. Each is `transform(doc, ctx) -> None`, one job each,
and none knows which writer comes next."""

from __future__ import annotations

import re

from .. import ast
from ..context import BuildContext
from ..diagnostics import UserError
from . import content, references, structure

TRANSFORMS = [
    content.refuse_raw,      # raw Typst/OpenXML only where the profile allows it
    content.resolve_images,  # images inside the project, as project-relative paths
    structure.apply,         # structural headings, numbering, letter case, the outline
    references.place,        # the source list under its heading
]


def cited_keys(doc: dict) -> list[str]:
    """Citation keys in order of appearance (with repeats)."""
    return [c["citationId"] for node in ast.walk(doc["blocks"]) if node["t"] == "Cite"
            for c in node["c"][0]]


def check_citations(doc: dict, ctx: BuildContext, missing: list[str]) -> None:
    """Every citation key must exist: an unknown one is an error at its chapter line."""
    if not missing:
        return
    errors = []
    for key in dict.fromkeys(missing):
        pattern = re.compile("@" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*[\w])")
        path, line = ctx.locate(pattern) or (None, None)
        errors.append(UserError(f"unknown citation key {key!r}", path, line, "cite.undefined").diagnostic)
    first = errors[0]
    raise UserError(first.message, first.path, first.line, first.code, errors)
