"""Inline HTML formatting in Markdown read as Markdown's own: `H<sub>2</sub>O`, `м<sup>2</sup>`,
`<b>…</b>`, `<i>…</i>`, `<u>…</u>`, `<s>…</s>`, and `<img src=… alt=… width=…>` (how Typora
and web pages size a figure) as Markdown's image: alone in its paragraph, a figure.

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
    it stands for, and each `<img>` an image (alone in its paragraph: a figure, as
    `![alt](src)` alone is)."""
    if any(node["c"][0].lower() in HTML_FORMATS and "<img" in node["c"][1].lower()
           for node in ast.find(blocks, {"RawInline"})):
        _figures(blocks)
    for inlines in ast.inline_lists(blocks):
        if any(_tag(i) for i in inlines):
            inlines[:] = _paired(inlines)
        if any(_img(i) is not None for i in inlines):
            inlines[:] = [_img(i) or i for i in inlines]
    return blocks


_IMG = re.compile(r"<img\b([^<>]*?)/?>", re.I)
_ATTRIBUTE = re.compile(r"""([A-Za-z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_LENGTH = re.compile(r"\d+(?:\.\d+)?(?:%|px|cm|mm|in|pt)?")


def _img(node: dict) -> dict | None:
    """A raw `<img>` tag with a `src` as an Image (alt text, title, width and height kept)."""
    if node.get("t") != "RawInline" or node["c"][0].lower() not in HTML_FORMATS:
        return None
    match = _IMG.fullmatch(node["c"][1].strip())
    if match is None:
        return None
    attrs = {m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None)
             for m in _ATTRIBUTE.finditer(match.group(1))}
    if not attrs.get("src"):
        return None
    size = [[k, v if not v.isdigit() else f"{v}px"] for k in ("width", "height")
            if (v := attrs.get(k, "").strip()) and _LENGTH.fullmatch(v)]
    return {"t": "Image", "c": [["", [], size], ast.inlines(attrs.get("alt", "")), [attrs["src"], attrs.get("title", "")]]}


def _figures(node) -> None:
    """Each paragraph holding only an `<img>` tag with an alt text made a figure, as pandoc
    makes `![alt](src)` alone in a paragraph one (the alt text its caption; without one, an
    image in the paragraph, as `![](src)` is)."""
    if type(node) is dict:
        if type(node.get("c")) is list:
            _figures(node["c"])
        return
    if type(node) is not list:
        return
    for i, item in enumerate(node):
        alone = [n for n in item["c"] if n["t"] not in ("Space", "SoftBreak")] \
            if type(item) is dict and item.get("t") == "Para" else []
        if len(alone) == 1 and (image := _img(alone[0])) is not None and image["c"][1]:  # as pandoc: alt text
            node[i] = ast.figure(image, image["c"][1])
        else:
            _figures(item)


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
