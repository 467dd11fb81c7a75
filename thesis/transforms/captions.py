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

import copy
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
    patterns = {kind: caption_pattern(thesis, kind) for kind in ("figure", "table")}
    if not typed_anywhere(thesis):
        return
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
        elif after is not None and after["t"] == "Table" and not ast.stringify(after["c"][1][1]).strip() and \
                (rest := labelled(block, patterns["table"])) is not None:
            out.append({**after, "c": [after["c"][0], [None, [ast.Plain(rest)]], *after["c"][2:]]})
            i += 1
        elif after is not None and (image := lone_image(block)) is not None and \
                (rest := labelled(after, patterns["figure"])) is not None:
            out.append(_figure(image, rest))
            i += 1
        else:
            out.append(block)
        i += 1
    return out


def labelled(block: dict, pattern: re.Pattern) -> list | None:
    """A paragraph's text after its typed "Таблица 3.1 –" (None if it has none)."""
    if block["t"] != "Para" or not (typed := pattern.match(ast.stringify(block["c"]))):
        return None
    return ast.without_prefix(block["c"], typed.group(0))


def lone_image(block: dict) -> dict | None:
    """The image of a paragraph that holds only an image (pandoc's uncaptioned image)."""
    if block["t"] not in ("Para", "Plain") or len(block["c"]) > 3:  # an image, maybe spaces around
        return None
    inlines = [node for node in block["c"] if node["t"] not in ("Space", "SoftBreak")]
    return inlines[0] if len(inlines) == 1 and inlines[0]["t"] == "Image" else None


def _figure(image: dict, caption: list) -> dict:
    """Pandoc's Figure for `![caption](src){attrs}`: the image's id on the figure, the caption
    its description unless it has one."""
    attrs, alt, target = image["c"]
    inner = {"t": "Image", "c": [["", attrs[1], attrs[2]], alt or copy.deepcopy(caption), target]}
    return {"t": "Figure", "c": [[attrs[0], [], []], [None, [ast.Plain(caption)]], [ast.Plain([inner])]]}
