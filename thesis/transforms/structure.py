"""Headings: structural elements recognised, chapters and sections numbered by the build.

Runs on the AST before any writer, so the PDF, the DOCX and both contents pages
carry the same numbers and the same letter case.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ast
from ..context import BuildContext

STRUCTURAL = ("contents", "introduction", "conclusion", "references", "abbreviations", "appendix")
LEVEL_RULES = {1: "chapter", 2: "section", 3: "subsection"}
FIGURE_PREFIX = "figure-prefix"  # attribute on level-1 headings: chapter number or appendix letter


@dataclass
class Heading:
    """A heading as the contents lists it."""

    level: int
    ident: str
    text: str           # as printed: number and final case included
    kind: str           # "chapter", "section", "subsection", or a STRUCTURAL name
    number: str = ""


def _normal(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold().rstrip(".:")


def structural_names(ctx: BuildContext) -> dict[str, str]:
    """Normalised heading text → structural element, from the labels of every language."""
    names: dict[str, str] = {}
    for labels in ctx.project.profile.labels.values():
        for kind in STRUCTURAL:
            names[_normal(getattr(labels, kind))] = kind
        for kind, aliases in labels.aliases.items():
            for alias in aliases:
                names[_normal(alias)] = kind
    return names


def structural_kind(header: dict, names: dict[str, str]) -> str | None:
    """The structural element a level-1 heading is: by class, else by its label."""
    classes = ast.attr(header)[1]
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


def apply(doc: dict, ctx: BuildContext) -> None:
    """Number chapters/sections, mark and restyle structural headings, record the outline."""
    names = structural_names(ctx)
    counters = [0, 0, 0]
    in_structural = False
    appendices = 0
    headings: list[Heading] = []
    for block in doc["blocks"]:
        if block["t"] != "Header":
            continue
        level, (ident, classes, kv), content = block["c"]
        kind = structural_kind(block, names) if level == 1 else None
        if level == 1:
            in_structural = kind is not None
        explicit_off = "unnumbered" in classes or "-" in classes
        rule_name = "structural" if kind else LEVEL_RULES.get(level)
        rule = getattr(ctx.project.profile.headings, rule_name) if rule_name else None
        number = ""
        if not kind and not in_structural and not explicit_off and rule and rule.numbering:
            counters[level - 1] += 1
            for deeper in range(level, 3):
                counters[deeper] = 0
            number = _number(rule.numbering, counters, level, ctx)
        if rule and rule.case == "upper" and kind != "appendix":
            content = _upper(content)  # GOST 7.32: an appendix title keeps its case under "ҚОСЫМША А"
        if number:
            content = ast.inlines(number) + [ast.Space()] + content
        if kind == "appendix":
            number = appendix_letter(appendices, ctx.language)
            appendices += 1
            word = ctx.project.labels.appendix
            content = ast.inlines(f"{word} {number}") + [{"t": "LineBreak"}] + content
        new_classes = [c for c in classes if c not in ("unnumbered", "-")] + ["unnumbered"]
        new_classes.append(f"heading-{kind or rule_name or 'deep'}")
        if level == 1:  # what figures and tables under it are numbered with ("1.2", "А.1")
            prefix = number if kind == "appendix" else (str(counters[0]) if number else "")
            kv = [pair for pair in kv if pair[0] != FIGURE_PREFIX] + [[FIGURE_PREFIX, prefix]]
        block["c"] = [level, [ident, new_classes, kv], content]
        headings.append(Heading(level, ident, ast.stringify(content), kind or rule_name or "deep", number))
    ctx.meta["headings"] = headings


def _number(pattern: str, counters: list[int], level: int, ctx: BuildContext) -> str:
    """'1', '1.2'… from the profile's pattern; the chapter word wraps level 1 if set."""
    text = pattern
    for i, value in enumerate(counters[:level], start=1):
        text = text.replace("{" + str(i) + "}", str(value))
    word = ctx.project.profile.headings.chapter_word.get(ctx.language, "")
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
