"""The transform stage: AST transforms, run in order. Each is `transform(document, thesis)`,
one job each; none knows which writer comes next, none reads a file or starts a tool."""

from __future__ import annotations

from ..context import Thesis
from ..document import Document
from . import (abstract, captions, citations, content, glossary, lists, numbering, raw, references, sourcelist,
               structure, tables)

TRANSFORMS = [
    raw.raw_markup,       # raw LaTeX/HTML as meant: page breaks, equations, refs; comments dropped
    raw.quarto_shortcodes,  # {{< pagebreak >}} a page break; other Quarto shortcodes out
    sourcelist.localize,  # each note and entry in its source's language (repeat_terms: source)
    sourcelist.ibid_without_page,  # "Там же." for a page-less repeat of the note before (GOST R 7.0.5)
    citations.unparenthesize_in_notes,  # "См.: Барановский …", not "См.: (Барановский …)"
    content.image_paths,     # images as project-relative paths, decoded as the writers decode them
    lists.letter_lists,      # "а) … б) …" enumerations as paragraphs, not bullets
    structure.number_headings,  # structural headings, numbering, letter case, the outline
    captions.typed_captions,    # "Рисунок 3.1 – Схема" typed: the label and number off, a paragraph a caption
    glossary.glossary_entries,  # terms/abbreviations: "термин — определение" from the left edge
    numbering.mark_equations,   # each display formula its own paragraph; "где" lines marked
    numbering.number_elements,  # figure, table and formula numbers, once for both outputs
    numbering.resolve_references,  # @fig:x, [-@eq:x], @sec:x as "рис. 1.2", "2.3", "2.1"
    references.place_source_list,  # the source list under its heading
    sourcelist.group_source_list,  # grouped, sorted and numbered the university's way
    citations.initials_together,  # "В. Г.", "С. 45" in notes and the list never broken at a line's end
    abstract.abstract_statistics,  # реферат: "61 с., 3 рис., …" counted, key words in capitals
    tables.format_tables,    # body cells left, header cells centred (as the profile says); column
                             # widths from the content: no word broken in a narrow column
    content.dangling_links,  # a link to an id nothing has: its text (a Word contents page's links)
    content.keep_language_only,  # no metadata but the language reaches the writers
]


def transform(document: Document, thesis: Thesis) -> Document:
    """`document` with every transform applied, in order."""
    for step in TRANSFORMS:
        step(document, thesis)
    return document
