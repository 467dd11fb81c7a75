"""Small helpers over pandoc's JSON AST (plain dicts: `{"t": "Str", "c": "..."}`).

Transforms work on the JSON directly: no binding library to keep in step with
pandoc-types, and a walk over a 60-page thesis costs a few milliseconds.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Iterator

Node = dict[str, Any]


def Str(text: str) -> Node:
    return {"t": "Str", "c": text}


def Space() -> Node:
    return {"t": "Space"}


def inlines(text: str) -> list[Node]:
    """Plain text as Str/Space inlines."""
    out: list[Node] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            out.append(Space())
        if word:
            out.append(Str(word))
    return out


def Para(content: list[Node]) -> Node:
    return {"t": "Para", "c": content}


def Plain(content: list[Node]) -> Node:
    return {"t": "Plain", "c": content}


def Div(blocks: list[Node], ident: str = "", classes: list[str] | None = None,
        attrs: list[list[str]] | None = None) -> Node:
    return {"t": "Div", "c": [[ident, classes or [], attrs or []], blocks]}


def Header(level: int, content: list[Node], ident: str = "",
           classes: list[str] | None = None, attrs: list[list[str]] | None = None) -> Node:
    return {"t": "Header", "c": [level, [ident, classes or [], attrs or []], content]}


def RawBlock(fmt: str, text: str) -> Node:
    return {"t": "RawBlock", "c": [fmt, text]}


def RawInline(fmt: str, text: str) -> Node:
    return {"t": "RawInline", "c": [fmt, text]}


def attr(node: Node) -> list:
    """The [id, classes, key-values] of a Header, Div, Span, Code, Image, Link, Table…"""
    t, c = node["t"], node["c"]
    if t == "Header":
        return c[1]
    if t in ("Div", "Span", "CodeBlock", "Code", "Table", "Figure"):
        return c[0]
    if t in ("Image", "Link"):
        return c[0]
    raise TypeError(f"{t} has no attributes")


def children(node: Any) -> Iterator[Any]:
    """Every dict and list directly inside `node` (its content, in document order)."""
    if isinstance(node, dict):
        content = node.get("c")
        if isinstance(content, (list, dict)):
            yield content
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, (list, dict)):
                yield item


def walk(node: Any) -> Iterator[Node]:
    """Every AST element under `node`, depth first, in document order."""
    return walk_skipping(node, ())


def walk_skipping(node: Any, skip: tuple[str, ...]) -> Iterator[Node]:
    """Like `walk`, but does not descend into elements of the types in `skip`.

    Hot path (a thesis has ~10^5 elements): plain type checks, one stack, no helpers.
    """
    stack = [node]
    pop, push = stack.pop, stack.append
    while stack:
        current = pop()
        if type(current) is list:
            for item in reversed(current):
                kind = type(item)
                if kind is dict or kind is list:
                    push(item)
        elif "t" in current:  # dicts without a type (citation records) are not descended into
            yield current
            content = current.get("c")
            kind = type(content)
            if (kind is list or kind is dict) and current["t"] not in skip:
                push(content)


def find(node: Any, kinds: set[str] | frozenset[str]) -> list[Node]:
    """The elements of the types in `kinds` under `node`, in document order: what
    `[n for n in walk(node) if n["t"] in kinds]` gives, ~1.8× faster (no generator step per
    element; a thesis has ~4·10^4 elements, nearly all words and spaces)."""
    found: list[Node] = []
    keep = found.append
    stack = [iter(node if type(node) is list else (node,))]
    push, pop = stack.append, stack.pop
    while stack:
        for item in stack[-1]:
            kind = type(item)
            if kind is dict:
                t = item.get("t")
                if t is None:  # a citation record: not descended into, as `walk` does
                    continue
                if t in kinds:
                    keep(item)
                content = item.get("c")
                kind = type(content)
                if kind is list:
                    push(iter(content))
                    break  # its elements come before this element's next sibling
                if kind is dict:
                    push(iter((content,)))
                    break
            elif kind is list:
                push(iter(item))
                break
        else:
            pop()
    return found


# Elements holding a list of inlines as their text (a Header's is its third field, a Span's,
# Link's or Quoted's its second, the others' their whole content).
INLINE_HOLDERS = frozenset({"Para", "Plain", "Header", "Emph", "Strong", "Underline", "Strikeout", "Superscript",
                            "Subscript", "SmallCaps", "Span", "Link", "Quoted"})


def inline_lists(node: Any) -> list[list[Node]]:
    """Every list of inlines under `node` that an element holds as its text, in document
    order (the lists themselves: a transform may splice them in place)."""
    lists = []
    for element in find(node, INLINE_HOLDERS):
        t, content = element["t"], element["c"]
        lists.append(content[2] if t == "Header" else content[1] if t in ("Span", "Link", "Quoted") else content)
    return lists


def walk_all(blocks: list) -> Iterator[Node]:
    """Every element, including those inside citations' prefixes and suffixes (citation
    records are dicts without a type, which `walk` does not descend into)."""
    for node in walk(blocks):
        yield node
        if node["t"] == "Cite":
            for citation in node["c"][0]:
                for part in ("citationPrefix", "citationSuffix"):
                    yield from walk(citation.get(part, []))


def index(blocks: list) -> dict[str, list[Node]]:
    """The elements of `blocks` by type, in document order, from one walk."""
    found: dict[str, list[Node]] = {}
    for node in walk_all(blocks):
        found.setdefault(node["t"], []).append(node)
    return found


def stringify(node: Any, notes: bool = False) -> str:
    """The plain text of an element or list of elements (footnotes left out unless `notes`)."""
    parts: list[str] = []
    for el in walk_skipping(node, () if notes else ("Note",)):
        t = el["t"]
        if t == "Str":
            parts.append(el["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif t in ("Code", "Math"):
            parts.append(el["c"][1])
    return "".join(parts)


def without_prefix(inlines: list[Node], prefix: str) -> list[Node] | None:
    """`inlines` without the words and spaces that read as `prefix` (and the spaces after it),
    None where the prefix does not end between two of them or nothing would be left."""
    words, i = "", 0
    while i < len(inlines) and len(words.strip()) < len(prefix.strip()):
        node = inlines[i]
        if node["t"] not in ("Str", "Space", "SoftBreak"):
            return None
        words += node["c"] if node["t"] == "Str" else " "
        i += 1
    while i < len(inlines) and inlines[i]["t"] in ("Space", "SoftBreak"):
        i += 1
    return inlines[i:] if words.strip() == prefix.strip() and i < len(inlines) else None


def lone_image(block: Node) -> Node | None:
    """The image of a paragraph that holds only an image (pandoc's uncaptioned image)."""
    if block["t"] not in ("Para", "Plain") or len(block["c"]) > 3:  # an image, maybe spaces around
        return None
    inlines = [node for node in block["c"] if node["t"] not in ("Space", "SoftBreak")]
    return inlines[0] if len(inlines) == 1 and inlines[0]["t"] == "Image" else None


def figure(image: Node, caption: list[Node], ident: str | None = None) -> Node:
    """Pandoc's Figure for `![caption](src){#id …}`: the image's id (or `ident`) on the figure,
    the caption the image's description unless it has one."""
    attrs, alt, target = image["c"]
    inner = {"t": "Image", "c": [["", attrs[1], attrs[2]], alt or copy.deepcopy(caption), target]}
    return {"t": "Figure", "c": [[attrs[0] if ident is None else ident, [], []], [None, [Plain(caption)]],
                                 [Plain([inner])]]}


def rewrite(node: Any, fn: Callable[[Node], Node | None]) -> Any:
    """`node` with every element for which `fn` returns a node replaced by it. Only the path to
    a replacement is copied: what did not change is shared with `node` (which is never
    changed), so a rewrite that replaces little costs little (a thesis has ~10^5 elements)."""
    kind = type(node)
    if kind is dict:
        if "t" in node and (replaced := fn(node)) is not None:
            return replaced
        children = node.items()
    elif kind is list:
        children = enumerate(node)
    else:
        return node
    out = None
    for key, value in children:
        if type(value) is dict or type(value) is list:
            new = rewrite(value, fn)
            if new is not value:
                if out is None:
                    out = kind(node)  # a shallow copy: only this level changes
                out[key] = new
    return node if out is None else out


def cited_keys(doc: dict) -> list[str]:
    """Every citation key in document order (repeats kept)."""
    return [item["citationId"] for el in walk(doc["blocks"]) if el["t"] == "Cite"
            for item in el["c"][0]]
