"""AST transforms, run in order. Each is `transform(doc, ctx) -> None`, one job each,
and none knows which writer comes next."""

from __future__ import annotations

import re

from .. import bibliography, sourcelist
from ..context import BuildContext
from . import citations, content, lists, references, structure

TRANSFORMS = [
    citations.unparenthesize_in_notes,  # "См.: Барановский …", not "См.: (Барановский …)"
    content.refuse_chapter_metadata,  # no file or format keys from a chapter's YAML
    content.refuse_raw,      # raw Typst/OpenXML only where the profile allows it
    content.resolve_images,  # images inside the project, as project-relative paths
    lists.letter_lists,      # "а) … б) …" enumerations as paragraphs, not bullets
    structure.apply,         # structural headings, numbering, letter case, the outline
    references.place,        # the source list under its heading
    sourcelist.apply,        # grouped, sorted and numbered the university's way
]


def citation_places(doc: dict, ctx: BuildContext) -> dict[str, list[tuple[str | None, int | None]]]:
    """Each cited key and where the author wrote it (first chapter file and line)."""
    places: dict[str, list] = {}
    for node in ctx.index.get("Cite", []):
        for citation in node["c"][0]:
            places.setdefault(citation["citationId"], [])
    for key, where in places.items():
        pattern = re.compile("@" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*[\w])")
        where.append(ctx.locate(pattern) or (None, None))
    return places


def check_citations(doc: dict, ctx: BuildContext) -> None:
    """Undefined keys are errors at their chapter line; unused or thin entries are warnings."""
    places = citation_places(doc, ctx)
    nocite = ctx.project.thesis.nocite
    if ctx.bibliography is None:
        if places:
            from ..bibliography import Bibliography
            bibliography.check_citations(Bibliography(), places, nocite, ctx.reporter)
        return
    bibliography.check_citations(ctx.bibliography, places, nocite, ctx.reporter)
