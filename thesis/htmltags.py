"""Inline HTML formatting in Markdown read as Markdown's own: `H<sub>2</sub>O`, `м<sup>2</sup>`,
`<b>…</b>`, `<i>…</i>`, `<u>…</u>`, `<s>…</s>`.

Text pasted from Word or a web page, or written by an author who does not know `^2^`, keeps
such tags. Pandoc's Markdown reader passes each tag through as raw HTML, which neither writer
prints: the words between stayed, their formatting was lost ("м2" for m², with a warning).
Here an opening tag and its closing tag in the same run of text become the element Markdown
would make (`Superscript`, `Strong`…) around what lies between. A tag with attributes, an
unknown one, or one whose partner is elsewhere (another paragraph) stays raw: the check stage
warns about it at its line, as before.
"""

from __future__ import annotations

import re

from . import ast
from .rawmarkup import HTML_FORMATS

ELEMENTS = {"b": "Strong", "strong": "Strong", "i": "Emph", "em": "Emph", "u": "Underline", "ins": "Underline",
            "sup": "Superscript", "sub": "Subscript", "s": "Strikeout", "strike": "Strikeout", "del": "Strikeout"}
_TAG = re.compile(r"<(/?)([A-Za-z]+)\s*>")


def read_tags(blocks: list) -> list:
    """`blocks` (just read, changed in place) with each paired formatting tag made the element
    it stands for."""
    for node in ast.find(blocks, _INLINE_HOLDERS):
        inlines = _inlines(node)
        if any(_tag(i) for i in inlines):
            inlines[:] = _paired(inlines)
    return blocks


# Elements whose content (or a part of it) is a list of inlines that may hold a tag pair.
_INLINE_HOLDERS = frozenset({"Para", "Plain", "Header", "Emph", "Strong", "Underline", "Strikeout", "Superscript",
                             "Subscript", "SmallCaps", "Span", "Link", "Quoted"})


def _inlines(node: dict) -> list:
    """The inlines of an `_INLINE_HOLDERS` element."""
    t, content = node["t"], node["c"]
    if t == "Header":
        return content[2]
    return content[1] if t in ("Span", "Link", "Quoted") else content


def _tag(node: dict) -> tuple[bool, str] | None:
    """(closing, name) of a raw HTML formatting tag, else None."""
    if node.get("t") != "RawInline" or node["c"][0].lower() not in HTML_FORMATS:
        return None
    match = _TAG.fullmatch(node["c"][1].strip())
    if not match or match.group(2).lower() not in ELEMENTS:
        return None
    return bool(match.group(1)), match.group(2).lower()


def _paired(inlines: list) -> list:
    """`inlines` with each opening tag and its partner (nesting counted) made one element."""
    out: list = []
    i = 0
    while i < len(inlines):
        tag = _tag(inlines[i])
        if tag is None or tag[0]:
            out.append(inlines[i])
            i += 1
            continue
        end = _partner(inlines, i, tag[1])
        if end is None:
            out.append(inlines[i])  # left raw: warned at its line
            i += 1
            continue
        out.append({"t": ELEMENTS[tag[1]], "c": _paired(inlines[i + 1:end])})
        i = end + 1
    return out


def _partner(inlines: list, start: int, name: str) -> int | None:
    """The index of the closing tag that closes the opening one at `start`, if in this list."""
    depth = 0
    for j in range(start + 1, len(inlines)):
        tag = _tag(inlines[j])
        if tag is not None and tag[1] == name:
            if not tag[0]:
                depth += 1
            elif depth:
                depth -= 1
            else:
                return j
    return None
