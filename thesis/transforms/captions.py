"""Captions typed the Word way: "Рисунок 3.1 – Схема" as a caption, or as a paragraph next to
an image or above a table.

The build numbers figures and tables and prints "Рисунок 2 — Схема" itself, so a caption
typed with its label and number printed both ("Рисунок 2 — Рисунок 3.1 – Схема"), and a
paragraph "Таблица 3.1 – Показатели" above a table left the table uncaptioned and unnumbered.
Here the typed label and number are taken off a caption, and such a paragraph right above a
table (or right below an image standing alone) becomes its caption. The check stage warns
about each, at its line, saying what to write (`checks.typed_captions`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import ast
from ..context import Thesis
from ..document import Document

# Short forms authors type besides the profile's words ("Рисунок", "Сурет", "Figure"…).
ABBREVIATIONS = {"figure": ("Рис", "Fig", "Сур"), "table": ("Табл", "Tab", "Кест")}


def _words(thesis: Thesis, kind: str) -> tuple[str, ...]:
    """The label words of `kind` (figure, table) in the profile's languages and their short
    forms, as a caption starts with them: "Рисунок", "РИСУНОК", "Рис"…"""
    words = {getattr(labels, kind) for labels in thesis.profile.labels.values()} | set(ABBREVIATIONS[kind])
    return tuple(sorted({v for w in words if w for v in (w, w.upper(), w[:1].upper() + w[1:])}, key=len, reverse=True))


_NUMBER = r"\.?\s*(?:[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.)?\d"  # "Рисунок 3", "Рис. 3", "Таблица А.1"


@lru_cache(maxsize=16)
def _pattern(words: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(map(re.escape, words))
    return re.compile(rf"^\s*(?:{alternatives}){_NUMBER}+(?:\.\d+)*\s*[–—\-:.]?\s+(?=\S)")


@lru_cache(maxsize=16)
def _anywhere(words: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(map(re.escape, words))
    return re.compile(rf"^[ \t]*(?:!\[|:[ \t]*)?(?:{alternatives}){_NUMBER}", re.M)


def caption_pattern(thesis: Thesis, kind: str) -> re.Pattern:
    """A typed "Рисунок 3.1 –", "Рис. 2.", "Figure 1:", "Таблица А.1 —" at a caption's start
    (`kind`: figure or table), in any of the profile's languages."""
    return _pattern(_words(thesis, kind))


def typed_anywhere(thesis: Thesis) -> bool:
    """Whether a chapter has a typed label and number at a paragraph's or caption's start (one
    search of the text, ~0.5 ms for the thesis: the usual answer, no, needs no walk)."""
    pattern = _anywhere(_words(thesis, "figure") + _words(thesis, "table"))
    return any(pattern.search(chapter.text) for chapter in thesis.chapters)


def typed_captions(document: Document, thesis: Thesis) -> None:
    """Typed labels and numbers off captions; a labelled paragraph above a table or below a
    lone image made its caption."""
    if not typed_anywhere(thesis):
        return
    patterns = {kind: caption_pattern(thesis, kind) for kind in ("figure", "table")}
    for node in ast.find(document.blocks, {"Figure", "Table"}):
        blocks = node["c"][1][1]
        if blocks and blocks[0]["t"] in ("Plain", "Para"):
            pattern = patterns["figure" if node["t"] == "Figure" else "table"]
            if (typed := pattern.match(ast.stringify(blocks[0]["c"]))) and \
                    (rest := ast.without_prefix(blocks[0]["c"], typed.group(0))) is not None:
                blocks[0] = {**blocks[0], "c": rest}
    document.ast["blocks"] = _captioned(document.blocks, patterns)


def _captioned(blocks: list, patterns: dict[str, re.Pattern]) -> list:
    out: list = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        if block["t"] == "Div":
            out.append({**block, "c": [block["c"][0], _captioned(block["c"][1], patterns)]})
        elif after is not None and (found := caption_paragraph(block, after, patterns)) is not None:
            kind, rest = found
            out.append({**after, "c": [after["c"][0], [None, [ast.Plain(rest)]], *after["c"][2:]]}
                       if kind == "table" else ast.figure(ast.lone_image(block), rest))
            i += 1
        else:
            out.append(block)
        i += 1
    return out


def caption_paragraph(block: dict, after: dict, patterns: dict[str, re.Pattern]) -> tuple[str, list] | None:
    """A caption typed as a paragraph next to what it captions: ("table", its text) for a
    labelled paragraph `block` right above an uncaptioned table `after`, ("figure", its text)
    for a labelled paragraph `after` right below an image `block` alone in its paragraph."""
    if after["t"] == "Table" and not ast.stringify(after["c"][1][1]).strip() and \
            (rest := labelled(block, patterns["table"])) is not None:
        return "table", rest
    if ast.lone_image(block) is not None and (rest := labelled(after, patterns["figure"])) is not None:
        return "figure", rest
    return None


def labelled(block: dict, pattern: re.Pattern) -> list | None:
    """A paragraph's text after its typed "Таблица 3.1 –" (None if it has none)."""
    if block["t"] != "Para" or not (typed := pattern.match(ast.stringify(block["c"]))):
        return None
    return ast.without_prefix(block["c"], typed.group(0))
