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
MAX_DEPTH = 8  # tag pairs inside one another; deeper ones stay raw (guards.MAX_INLINE_DEPTH: 16 in all)


def read_tags(blocks: list) -> list:
    """`blocks` (just read, changed in place) with each paired formatting tag made the element
    it stands for."""
    for inlines in ast.inline_lists(blocks):
        if any(_tag(i) for i in inlines):
            inlines[:] = _paired(inlines)
    return blocks


def _tag(node: dict) -> tuple[bool, str] | None:
    """(closing, name) of a raw HTML formatting tag, else None."""
    if node.get("t") != "RawInline" or node["c"][0].lower() not in HTML_FORMATS:
        return None
    match = _TAG.fullmatch(node["c"][1].strip())
    if not match or match.group(2).lower() not in ELEMENTS:
        return None
    return bool(match.group(1)), match.group(2).lower()


def _paired(inlines: list) -> list:
    """`inlines` with each opening tag and the closing tag that ends it made one element, in
    one pass (a stack of open tags: linear however many tags there are). An opening tag left
    open at the end, one whose closing partner comes after another tag's, or one opened more
    than `MAX_DEPTH` deep stays raw, with what followed it."""
    stack: list[tuple[dict | None, list]] = [(None, [])]  # (opening tag, what follows it so far)
    open_names: dict[str, int] = {}
    for node in inlines:
        tag = _tag(node)
        if tag is not None and not tag[0] and len(stack) <= MAX_DEPTH:
            stack.append((node, []))
            open_names[tag[1]] = open_names.get(tag[1], 0) + 1
            continue
        if tag is not None and tag[0] and open_names.get(tag[1]):
            while True:  # the tags opened after this one's partner stay raw inside it
                opening, content = stack.pop()
                name = _tag(opening)[1]
                open_names[name] -= 1
                if name == tag[1]:
                    stack[-1][1].append({"t": ELEMENTS[name], "c": content})
                    break
                stack[-1][1].extend([opening, *content])
            continue
        stack[-1][1].append(node)
    while len(stack) > 1:  # never closed: raw, as written
        opening, content = stack.pop()
        stack[-1][1].extend([opening, *content])
    return stack[0][1]
