"""The chapters cut into parts that pandoc can read one at a time.

A part is a chapter, or a run of a chapter's blocks (cut before a heading or a paragraph), that
reads the same alone as inside the whole thesis: the parse stage reads each part once, keeps it
by content, and after an edit reads again only the part that changed. A cut is made only where
nothing can reach across it (a footnote or link definition, an HTML block, a fenced code block or
div, an example list, a metadata block); `independent` then checks the thesis as a whole, and
where it fails the thesis is read in one piece, as pandoc reads several files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .context import Thesis
from .guards import unclosed_metadata

# A part this size or smaller is not cut further (a pandoc run has a cost of its own, ~5 ms).
MIN_PART_CHARS = 8000

_DEFINITION = re.compile(r"^ {0,3}\[(\^?)([^\]]+)\]:", re.M)
_HEADING = re.compile(r"^#{1,6}\s")
# A line that can only start a plain paragraph after a blank line (a letter, not a list marker
# such as "a)" or "iv.", not a caption "Table: …"): the block before it has ended.
_PARAGRAPH = re.compile(r"^(?![A-Za-z]{1,4}[.)]\s|Table:)[^\W\d_]")
_CODE_FENCE = re.compile(r"^(`{3,}|~{3,})")
# HTML blocks, metadata blocks and multiline tables (a dashed line with text right under it),
# the dashed column rules of simple tables, example lists: a chapter with one is not cut.
_UNCUTTABLE = re.compile(r"^(?:<[A-Za-z/]|-{3,}[ \t]*\n[^\s]|[ \t]*-{2,}[ \t]+-{2,}|\(@)|\(@\w*\)", re.M)
_HEADING_TEXT = re.compile(r"^#{1,6}\s+(.*?)\s*(?:\{[^}]*\})?\s*$", re.M)


@dataclass(frozen=True)
class Part:
    """Lines `first`… of a chapter (1-based), read by pandoc on their own."""

    chapter: Path
    first: int
    text: str


def parts(thesis: Thesis) -> list[Part] | None:
    """The thesis in parts, or None where it has to be read whole (see `independent`)."""
    if not independent(thesis):
        return None
    return [part for chapter in thesis.chapters for part in cut(chapter.path, chapter.text)]


def independent(thesis: Thesis) -> bool:
    """Whether each chapter reads the same alone: no metadata block left open, no footnote or
    link label defined in one chapter and used (or defined again) in another, and no
    `[heading]` link to another's heading."""
    if any(unclosed_metadata(chapter.text) is not None for chapter in thesis.chapters):
        return False  # pandoc reads on into the next chapter: the whole read reports it
    defined: dict[str, int] = {}
    for i, chapter in enumerate(thesis.chapters):
        for caret, label in _DEFINITION.findall(chapter.text):
            key = caret + label.strip().lower()
            if defined.setdefault(key, i) != i:
                return False
    headings = [{h.strip().lower() for h in _HEADING_TEXT.findall(c.text)} - {""} for c in thesis.chapters]
    for i, chapter in enumerate(thesis.chapters):
        lowered = chapter.text.lower()
        if any(j != i and f"[{key}]" in lowered for key, j in defined.items()):
            return False
        if any(f"[{h}]" in lowered for j, own in enumerate(headings) if j != i for h in own):
            return False
    return True


@lru_cache(maxsize=256)  # the parse and the source lint both cut each chapter
def cut(chapter: Path, text: str) -> tuple[Part, ...]:
    """A chapter in parts, cut before a heading or a plain paragraph where a cut changes nothing."""
    if len(text) <= 2 * MIN_PART_CHARS or _DEFINITION.search(text) or _UNCUTTABLE.search(text):
        return (Part(chapter, 1, text),)
    lines = text.splitlines(keepends=True)
    starts, size, state = [0], 0, _Nesting()
    for i, line in enumerate(lines):
        if (size >= MIN_PART_CHARS and state.outside() and i and not lines[i - 1].strip()
                and (_HEADING.match(line) or _PARAGRAPH.match(line))):
            starts.append(i)
            size = 0
        state.feed(line)
        size += len(line)
    if not state.outside():
        return (Part(chapter, 1, text),)
    bounds = zip(starts, starts[1:] + [len(lines)])
    return tuple(Part(chapter, a + 1, "".join(lines[a:b])) for a, b in bounds)


class _Nesting:
    """What a line-by-line reader is inside of: a code fence, fenced divs, a LaTeX
    environment, an HTML comment."""

    def __init__(self):
        self.fence: str | None = None
        self.divs = 0
        self.environments = 0
        self.comment = False

    def outside(self) -> bool:
        return self.fence is None and self.divs == 0 and self.environments == 0 and not self.comment

    def feed(self, line: str) -> None:
        if self.comment:
            self.comment = "-->" not in line
        elif self.fence is not None:
            self.fence = None if line.startswith(self.fence) and not line[len(self.fence):].strip("`~ \n") else self.fence
        elif self.environments or line.startswith("\\begin{"):  # raw TeX: pandoc reads it whole
            self.environments = max(self.environments + line.count("\\begin{") - line.count("\\end{"), 0)
        elif (opened := _CODE_FENCE.match(line)) is not None:
            self.fence = opened.group(1)
        elif line.startswith(":::"):
            self.divs += 1 if line.strip(": \n") else -1
            self.divs = max(self.divs, 0)
        elif "<!--" in line:
            self.comment = "-->" not in line[line.index("<!--"):]
