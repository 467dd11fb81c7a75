"""Citations as GOST prints them, where pandoc's citeproc integration differs."""

from __future__ import annotations

import re

from .. import ast
from ..context import Thesis
from ..document import SOURCE_LIST, Document


def unparenthesize_in_notes(document: Document, thesis: Thesis) -> None:
    """A citation inside a hand-written footnote without the parentheses pandoc adds.

    With a note style pandoc renders such a citation in parentheses ("See (Барановский …
    С. 3)."); GOST R 7.0.5 writes "См.: Барановский … С. 3.".
    """
    for note in document.index.get("Note", []):
        for cite in ast.walk(note["c"]):
            if cite["t"] == "Cite":
                _strip_parentheses(cite["c"][1])
        _one_period(note["c"])


def _one_period(blocks: list) -> None:
    """A citation ending a sentence of a footnote ("…data [@key]."): its text ends with its own
    period (GOST's "Аталған еңбек."), so the author's period after it goes (one, not two)."""
    for block in blocks:
        for inlines in [block["c"]] if block["t"] in ("Para", "Plain") else []:
            for i in range(len(inlines) - 1):
                cite, after = inlines[i], inlines[i + 1]
                if cite["t"] == "Cite" and after["t"] == "Str" and after["c"].startswith(".") \
                        and ast.stringify(cite["c"][1]).rstrip().endswith("."):
                    inlines[i + 1] = ast.Str(after["c"][1:])
            inlines[:] = [i for i in inlines if not (i["t"] == "Str" and i["c"] == "")]


def _strip_parentheses(inlines: list) -> None:
    strs = [i for i in inlines if i["t"] == "Str"]
    if not strs or not strs[0]["c"].startswith("(") or not strs[-1]["c"].endswith(")"):
        return
    strs[0]["c"] = strs[0]["c"][1:]
    strs[-1]["c"] = strs[-1]["c"][:-1]
    inlines[:] = [i for i in inlines if not (i["t"] == "Str" and i["c"] == "")]


# "В.", "С.", "P.": one capital letter and a period (an initial, or "С." / "Т." before a number)
_INITIAL = re.compile(r"^[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ]\.$")
_WORD = re.compile(r"^\w[\w'’-]*$")  # a surname right before initials ("Барановский В. Г.")
_NUMBER = re.compile(r"^\d+([–-]\d+)?$")  # "264 с.", "45 бет", "12 p." kept together as well
_PAGES = {"с", "бет", "p", "pp", "S", "стр", "Bl"}
NBSP = "\u00a0"


def initials_together(document: Document, thesis: Thesis) -> None:
    """In the notes and the source list, a no-break space after an initial or a one-letter
    abbreviation, between a surname and the initials after it, and between a page count and
    its "с.": "Барановский В. Г.", "С. 45", "Т. 1", "264 с." are never broken at a line's end
    (Word and LibreOffice broke "А." from "Б." in a note; GOST's examples never split them)."""
    cites = document.kept("Cite")
    lists = [block for block in document.blocks if block["t"] == "Div" and block["c"][0][0] == SOURCE_LIST]
    for node in [*cites, *lists]:
        for inlines in ast.inline_lists(node["c"][1]) + ([node["c"][1]] if node["t"] == "Cite" else []):
            _tie(inlines)


def _tie(inlines: list) -> None:
    for i in range(1, len(inlines) - 1):
        before, here, after = inlines[i - 1], inlines[i], inlines[i + 1]
        if here["t"] != "Space" or before["t"] != "Str" or after["t"] != "Str":
            continue
        if _INITIAL.match(before["c"]) or (_WORD.match(before["c"]) and _INITIAL.match(after["c"])) or (
                _NUMBER.match(before["c"]) and after["c"].rstrip(".,;") in _PAGES):
            inlines[i] = ast.Str(NBSP)
