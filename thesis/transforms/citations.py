"""Citations as GOST prints them, where pandoc's citeproc integration differs."""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..document import Document


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
