"""Headings: structural elements recognised, chapters and sections numbered by the build.

Runs on the AST before any writer, so the PDF, the DOCX and both contents pages
carry the same numbers and the same letter case.
"""

from __future__ import annotations

import re

from .. import ast
from ..context import Thesis
from ..document import (FIGURE_PREFIX, KIND, LEVEL_RULES, RULE, STRUCTURAL, TYPED_NUMBER, Document, Heading,
                        set_attrs)


def _normal(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).casefold().rstrip(".:")


def structural_names(thesis: Thesis) -> dict[str, str]:
    """Normalised heading text → structural element, from the labels of every language."""
    names: dict[str, str] = {}
    for labels in thesis.profile.labels.values():
        for kind in STRUCTURAL:
            if getattr(labels, kind):
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
    text = ast.stringify(header["c"][2])
    return names.get(_normal(text)) or ("appendix" if typed_appendix(text, names) else None)


def typed_appendix(text: str, names: dict[str, str]) -> tuple[str, str] | None:
    """(letter, title) of a heading typed as "Приложение А. Анкета" / "ҚОСЫМША Б" / "Appendix C: …"."""
    words = "|".join(re.escape(name) for name, kind in names.items() if kind == "appendix")
    # The letter as typed, a capital ("Приложение к главе 2" is no appendix А).
    match = re.match(rf"^(?i:{words})\s+([A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\d?)(?:\s*[.:—–-]\s*|\s+|$)(.*)$", text.strip(), re.S)
    return (match.group(1), match.group(2).strip()) if words and match else None


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
        self.letter = ""  # the appendix the headings are in ("" outside appendices)
        self.inner = [0, 0]  # section and subsection counters inside it

    def number(self, level: int, kind: str | None, rule, classes: list[str]) -> str:
        """The number a heading gets ('' for none); appendices get their letter."""
        if kind == "appendix":
            self.appendices += 1
            self.letter = appendix_letter(self.appendices - 1, self.thesis.language)
            self.inner = [0, 0]
            return self.letter
        explicit_off = "unnumbered" in classes or "-" in classes
        if level == 1:
            self.letter = ""
        if self.letter and not explicit_off and level in (2, 3):  # GOST 7.32 6.14: "А.1", "А.1.2"
            self.inner[level - 2] += 1
            self.inner[level - 1:] = [0] * (2 - (level - 1))
            return ".".join([self.letter, *map(str, self.inner[:level - 1])])
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
    statuses = appendix_statuses(thesis)
    blocks = document.blocks
    for position, block in enumerate(blocks):
        if block["t"] != "Header":
            continue
        level, (ident, classes, kv), content = block["c"]
        kind = structural_kind(block, names) if level == 1 else None
        if level == 1:
            numbering.in_structural = kind is not None
        if kind == "appendix":
            content, status = _appendix_parts(block, blocks, position, names, statuses)
            kv = set_attrs(kv, status=status) if status else kv
        rule_name = "structural" if kind else LEVEL_RULES.get(level)
        rule = getattr(thesis.profile.headings, rule_name) if rule_name else None
        number = numbering.number(level, kind, rule, classes)
        if kind is None:
            content = _without_typed_number(content, number)
        content = _printed(content, number, kind, rule, thesis, dict(kv).get("status", ""))
        attrs = {RULE: rule_name or "subsection", KIND: kind or rule_name or "deep"}
        if level == 1:  # what figures and tables under it are numbered with ("1.2", "А.1")
            attrs[FIGURE_PREFIX] = number if kind == "appendix" else (str(numbering.counters[0]) if number else "")
        new_classes = [c for c in classes if c not in ("unnumbered", "-")] + ["unnumbered"]
        block["c"] = [level, [ident, new_classes, set_attrs(kv, **attrs)], content]
        document.outline.append(Heading(level, ident, ast.stringify(content), attrs[KIND], number))


def appendix_statuses(thesis: Thesis) -> dict[str, str]:
    """Status word or id in any language ("обязательное", "(справочное)", "mandatory") → id."""
    found = {}
    for labels in thesis.profile.labels.values():
        for status, word in labels.appendix_status.items():
            found[_normal(word)] = found[_normal(status)] = status
    return found


def _appendix_parts(block: dict, blocks: list, position: int, names: dict, statuses: dict) -> tuple[list, str]:
    """An appendix heading's title (a typed "Приложение А." taken off) and its status id: the
    `status=` attribute, else a "(обязательное)" paragraph right below (taken out of the text)."""
    content = block["c"][2]
    typed = typed_appendix(ast.stringify(content), names)
    if typed and names.get(_normal(ast.stringify(content))) != "appendix":
        content = ast.inlines(typed[1])
    status = statuses.get(_normal(dict(ast.attr(block)[2]).get("status", "")), "")
    following = blocks[position + 1] if position + 1 < len(blocks) else None
    if following and following["t"] == "Para":
        text = ast.stringify(following["c"]).strip()
        if text.startswith("(") and text.endswith(")") and _normal(text[1:-1]) in statuses:
            status = status or statuses[_normal(text[1:-1])]
            blocks[position + 1] = ast.Div([])  # now part of the heading (an empty Div prints nothing)
    return content, status


def _printed(content: list, number: str, kind: str | None, rule, thesis: Thesis, status: str = "") -> list:
    """The heading text as printed: case per the rule, the number or "ҚОСЫМША А" before it
    and the appendix status "(обязательное)" under that."""
    if rule and rule.case == "upper" and kind != "appendix":
        content = _upper(content)  # GOST 7.32: an appendix title keeps its case under "ҚОСЫМША А"
    if kind == "appendix":
        word = thesis.labels.appendix_status.get(status, "")
        status_line = ast.inlines(f"({word})") + [{"t": "LineBreak"}] if word else []
        return ast.inlines(f"{thesis.labels.appendix} {number}") + [{"t": "LineBreak"}] + status_line + content
    if number:
        return ast.inlines(number) + [ast.Space()] + content
    return content


def _without_typed_number(content: list, number: str) -> list:
    """A heading typed with the very number the build gives it ("2.1 Анализ", "ГЛАВА 2. …",
    "2 тарау …") without it: printed once, not "2.1 2.1 Анализ" (the check stage still warns,
    so the source gets cleaned). A typed number unlike the build's is kept, as written."""
    typed = TYPED_NUMBER.match(ast.stringify(content))
    given = re.search(r"\d+(?:\.\d+)*", number or "")
    if not typed or not given or re.search(r"\d+(?:\.\d+)*", typed.group(1)).group(0) != given.group(0):
        return content
    return ast.without_prefix(content, typed.group(1)) or content


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
