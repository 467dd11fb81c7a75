"""Headings: structural elements recognised, chapters and sections numbered by the build.

Runs on the AST before any writer, so the PDF, the DOCX and both contents pages
carry the same numbers and the same letter case.
"""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..document import (FIGURE_PREFIX, KIND, LEVEL_RULES, RULE, STRUCTURAL, Document, Heading,
                        set_attrs)


def _normal(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold().rstrip(".:")


def structural_names(thesis: Thesis) -> dict[str, str]:
    """Normalised heading text → structural element, from the labels of every language."""
    names: dict[str, str] = {}
    for labels in thesis.profile.labels.values():
        for kind in STRUCTURAL:
            names[_normal(getattr(labels, kind))] = kind
        for kind, aliases in labels.aliases.items():
            for alias in aliases:
                names[_normal(alias)] = kind
    return names


def structural_kind(header: dict, names: dict[str, str]) -> str | None:
    """The structural element a level-1 heading is: by class, else by its label (`{.chapter}`
    keeps a heading such as "Introduction" a numbered chapter)."""
    classes = ast.attr(header)[1]
    if "chapter" in classes:
        return None
    for kind in STRUCTURAL:
        if kind in classes:
            return kind
    if "structural" in classes:
        return "structural"
    return names.get(_normal(ast.stringify(header["c"][2])))


# GOST 7.32: appendix letters skip Ё З Й О Ч Ъ Ы Ь (Cyrillic) and I O (Latin).
APPENDIX_LETTERS = {"cyrillic": "АБВГДЕЖИКЛМНПРСТУФХЦШЩЭЮЯ",
                    "latin": "ABCDEFGHJKLMNPQRSTUVWXYZ"}


def appendix_letter(index: int, language: str) -> str:
    """The letter of the `index`-th appendix (0-based) in the thesis' script."""
    letters = APPENDIX_LETTERS["latin" if language == "en" else "cyrillic"]
    return letters[index] if index < len(letters) else letters[-1] + str(index - len(letters) + 2)


class _Numbering:
    """Chapter/section counters and appendix letters as the headings come."""

    def __init__(self, thesis: Thesis):
        self.thesis = thesis
        self.counters = [0, 0, 0]
        self.appendices = 0
        self.in_structural = False

    def number(self, level: int, kind: str | None, rule, classes: list[str]) -> str:
        """The number a heading gets ('' for none); appendices get their letter."""
        if kind == "appendix":
            self.appendices += 1
            return appendix_letter(self.appendices - 1, self.thesis.language)
        explicit_off = "unnumbered" in classes or "-" in classes
        if kind or self.in_structural or explicit_off or not (rule and rule.numbering):
            return ""
        self.counters[level - 1] += 1
        for deeper in range(level, 3):
            self.counters[deeper] = 0
        return _number(rule.numbering, self.counters, level, self.thesis)


def number_headings(document: Document, thesis: Thesis) -> None:
    """Number chapters/sections, mark structural headings, set letter case; record the outline."""
    names = structural_names(thesis)
    numbering = _Numbering(thesis)
    for block in document.blocks:
        if block["t"] != "Header":
            continue
        level, (ident, classes, kv), content = block["c"]
        kind = structural_kind(block, names) if level == 1 else None
        if level == 1:
            numbering.in_structural = kind is not None
        rule_name = "structural" if kind else LEVEL_RULES.get(level)
        rule = getattr(thesis.profile.headings, rule_name) if rule_name else None
        number = numbering.number(level, kind, rule, classes)
        content = _printed(content, number, kind, rule, thesis)
        attrs = {RULE: rule_name or "subsection", KIND: kind or rule_name or "deep"}
        if level == 1:  # what figures and tables under it are numbered with ("1.2", "А.1")
            attrs[FIGURE_PREFIX] = number if kind == "appendix" else (str(numbering.counters[0]) if number else "")
        new_classes = [c for c in classes if c not in ("unnumbered", "-")] + ["unnumbered"]
        block["c"] = [level, [ident, new_classes, set_attrs(kv, **attrs)], content]
        document.outline.append(Heading(level, ident, ast.stringify(content), attrs[KIND], number))


def _printed(content: list, number: str, kind: str | None, rule, thesis: Thesis) -> list:
    """The heading text as printed: case per the rule, the number or "ҚОСЫМША А" before it."""
    if rule and rule.case == "upper" and kind != "appendix":
        content = _upper(content)  # GOST 7.32: an appendix title keeps its case under "ҚОСЫМША А"
    if kind == "appendix":
        return ast.inlines(f"{thesis.labels.appendix} {number}") + [{"t": "LineBreak"}] + content
    if number:
        return ast.inlines(number) + [ast.Space()] + content
    return content


def _number(pattern: str, counters: list[int], level: int, thesis: Thesis) -> str:
    """'1', '1.2'… from the profile's pattern; the chapter word wraps level 1 if set."""
    text = pattern
    for i, value in enumerate(counters[:level], start=1):
        text = text.replace("{" + str(i) + "}", str(value))
    word = thesis.profile.headings.chapter_word.get(thesis.language, "")
    if level == 1 and word:
        text = word.replace("{n}", text)
    return text


def _upper(content: list) -> list:
    """Inline content upper-cased (Str nodes only; notes and code untouched)."""
    def up(node):
        if isinstance(node, dict):
            if node.get("t") == "Str":
                return {"t": "Str", "c": node["c"].upper()}
            if node.get("t") in ("Note", "Code", "Math", "RawInline"):
                return node
            if "c" in node:
                return {**node, "c": up(node["c"])}
            return node
        if isinstance(node, list):
            return [up(item) for item in node]
        return node
    return up(content)
