"""The contract between the transforms and the writers: what a transformed AST carries.

Ground layer: imports nothing of the project but `ast`. The transforms write these names
(attributes, classes) once; the writers read them and never guess them back.

- Every heading carries `rule` (which profile heading rule prints it: chapter, section,
  subsection, structural) and `kind` (what it is: chapter, section, subsection, deep, or a
  STRUCTURAL element such as introduction or references).
- A level-1 heading carries `figure-prefix`: what its figures and tables are numbered with
  ("1" for chapter 1, "А" for appendix А, "" when unnumbered).
- A numbered Figure or Table carries `number` ("3", "1.2", "А.1"): the writers print it as
  is. A display formula is a Span of class `equation` around its Math (id: its `eq:` label,
  `number` when numbered), alone in its Para; text that follows a formula ("где …") is a Div
  of class `where`, printed from the left edge without indent (GOST 2.105).
- Source-list group headings have the class `source-group`; citations rendered as text are
  Spans with the class `citation`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .ast import Node, attr

# Structural elements: unnumbered, centred, each on a new page (GOST 7.32).
STRUCTURAL = ("contents", "abstract", "terms", "introduction", "conclusion", "references", "abbreviations",
              "appendix")
HEADING_RULES = ("chapter", "section", "subsection", "structural")
LEVEL_RULES = {1: "chapter", 2: "section", 3: "subsection"}

RULE = "rule"                    # Header attribute: the profile's heading rule that prints it
KIND = "kind"                    # Header attribute: chapter, section, …, or a STRUCTURAL name
FIGURE_PREFIX = "figure-prefix"  # level-1 Header attribute: chapter number or appendix letter
SOURCE_GROUP = "source-group"    # class of a source-list group heading
CITATION = "citation"            # class of a Span holding a citation as citeproc printed it
SOURCE_LIST = "refs"             # id of the Div holding the source list
PAGE_BREAK = "page-break"        # class of an empty Div: the next block starts a page
LIST_OF = "list-of"              # class of an empty Div standing for a generated list (attribute
                                 # `list`: figures or tables)
NUMBER = "number"                # Figure/Table/equation attribute: its number as printed
EQUATION = "equation"            # class of the Span holding a display formula
WHERE = "where"                  # class of the Div holding the text right after a formula
PAGE_TOTAL = "page-total"        # class of a Span the writers fill with the output's page count
KEYWORDS = "keywords"            # class of the Div holding the реферат's key words
FLUSH = "flush"                  # class of a Div whose paragraphs start at the left edge, unhyphenated
LANDSCAPE = "landscape"          # class of a Div printed on landscape pages

# A реферат statistics line typed by hand ("61 с., 3 рис., 4 табл."; "45 б., 2 сурет"; "61 p., 3 fig."):
# the check warns, the transform replaces it with the computed one.
TYPED_STATISTICS = re.compile(r"^\s*\d+\s*(с|стр|б|бет|p|pp|pages)\b\.?\s*,(\s*\d+\s*[^\d,;]+[,;]?){1,6}\s*$", re.I)
# A heading typed with its number: "1.2 Title", "Глава 1", "2 тарау." (checks warn, structure leaves out)
TYPED_NUMBER = re.compile(r"^\s*(\d+\s+(тарау|бөлім)\.?|\d+(\.\d+)*\.?|§\s*\d+(\.\d+)*\.?|"
                          r"(глава|тарау|бөлім|chapter|section|раздел|подраздел|параграф)\s+\d+(\.\d+)*\.?)(\s|$)",
                          re.I)


@dataclass
class Heading:
    """A heading as the contents lists it."""

    level: int
    ident: str
    text: str           # as printed: number and final case included
    kind: str           # "chapter", "section", "subsection", "deep", or a STRUCTURAL name
    number: str = ""


@dataclass
class Numbered:
    """A numbered figure, table or equation: its label (if any) and its printed number."""

    kind: str           # "figure" | "table" | "equation"
    ident: str
    number: str         # "3", "1.2", "А.1"


@dataclass
class Document:
    """The thesis as the transforms leave it: the AST and what the writers need to know of it."""

    ast: dict
    # The same thesis through citeproc in each other language a source needs ("ru" → AST).
    citeproc_runs: dict[str, dict] = field(default_factory=dict)
    # The parsed AST's elements by type, from one walk right after the parse: for the checks
    # and the first transforms (before any of them moves blocks around).
    index: dict[str, list] = field(default_factory=dict)
    outline: list[Heading] = field(default_factory=list)
    numbered: list[Numbered] = field(default_factory=list)

    @property
    def blocks(self) -> list[Node]:
        return self.ast["blocks"]

    def kept(self, kind: str) -> list[Node]:
        """The elements of a kind that no transform makes, copies or drops (citations; not
        tables: tests/test_incremental_parse.py checks it), in document order: the parse's
        index, or a walk of a document made without one."""
        if self.index:
            return self.index.get(kind, [])
        from .ast import walk
        return [node for node in walk(self.blocks) if node["t"] == kind]

    def listed(self, depth: int) -> list[Heading]:
        """The headings a contents page lists: to `depth` levels, with an anchor."""
        return [h for h in self.outline if h.level <= depth and h.ident]


def heading_attr(block: Node, name: str, default: "str | None" = "") -> "str | None":
    """An attribute the transforms wrote on a Header (or a Div standing for one)."""
    return dict(attr(block)[2]).get(name, default)


def number_of(node: Node) -> str:
    """The number the numbering transform gave a Figure, Table or equation Span ('' if none)."""
    return dict(attr(node)[2]).get(NUMBER, "")


def split_number(number: str) -> tuple[str, int]:
    """'2.3' → ('2', 3); '3' → ('', 3); 'А.1' → ('А', 1): the prefix and the running number."""
    prefix, _, last = number.rpartition(".")
    return prefix, int(last)


def heading_rule(block: Node) -> str:
    """The profile heading rule that prints this heading (written by the structure transform)."""
    return heading_attr(block, RULE) or LEVEL_RULES.get(block["c"][0], "subsection")


def set_attrs(kv: list, **values: str) -> list:
    """Key-value attributes with `values` set (replacing earlier ones of the same names)."""
    names = {name.replace("_", "-") for name in values}
    return [pair for pair in kv if pair[0] not in names] + [[k.replace("_", "-"), v] for k, v in values.items()]


def map_blocks(blocks: list[Node], fn: Callable[[Node], "Node | list[Node] | None"]) -> list[Node]:
    """A new block list: `fn(block)` replaces a block (a node or a list of nodes); where it
    returns None, Divs are entered (copied with their blocks mapped) and others kept."""
    out: list[Node] = []
    for block in blocks:
        replaced = fn(block)
        if replaced is None:
            if block["t"] == "Div":
                replaced = {"t": "Div", "c": [block["c"][0], map_blocks(block["c"][1], fn)]}
            else:
                replaced = block
        if isinstance(replaced, list):
            out.extend(replaced)
        else:
            out.append(replaced)
    return out
