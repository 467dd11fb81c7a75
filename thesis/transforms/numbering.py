"""Figures, tables and display formulas numbered once, by the build; references resolved.

Every number is computed here from the AST (after the headings are numbered) and written
on the element (`number`) and into `document.numbered`: the PDF and the DOCX print these
numbers, so captions, formulas and the references to them agree in both outputs.

Rules (FORMAT.md, GOST 7.32 6.5–6.8): through the thesis ("3") or within each chapter
("2.1") as the profile says (`captions.numbering`; formulas `equations.numbering`);
inside an appendix always with its letter ("А.1").
"""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..crossref import (equation_label, is_display_math, is_label, is_reference, kind_of, normal_key,
                        references)
from ..document import (EQUATION, FIGURE_PREFIX, NUMBER, WHERE, Document, Numbered, heading_attr,
                        set_attrs)

# A paragraph after a formula that starts with one of these explains its symbols (GOST 2.105).
WHERE_WORDS = ("где", "where", "мұндағы")
_BLANK = ("Space", "SoftBreak", "LineBreak")


# ---------------------------------------------------------------- formulas as blocks

def mark_equations(document: Document, thesis: Thesis) -> None:
    """Each display formula its own paragraph (a Span of class `equation` with its label as
    id); the text after it in the same paragraph, or a next paragraph starting with
    "где"/"where"/"мұндағы", a Div of class `where` (printed without indent)."""
    document.ast["blocks"] = _equation_blocks(document.blocks)


def _equation_blocks(blocks: list) -> list:
    out: list = []
    for block in blocks:
        if block["t"] == "Div":
            out.append({"t": "Div", "c": [block["c"][0], _equation_blocks(block["c"][1])]})
        elif block["t"] in ("Para", "Plain") and any(is_display_math(node) for node in block["c"]):
            out.extend(_split(block["c"]))
        elif block["t"] == "Para" and out and is_equation_para(out[-1]) and _starts_where(block["c"]):
            out.append(ast.Div([block], classes=[WHERE]))
        else:
            out.append(block)
    return out


def _split(inlines: list) -> list:
    """A paragraph with display formulas as paragraphs: text, formula, text after it…"""
    blocks: list = []
    current: list = []

    def flush():
        text = _strip(current)
        if text:
            para = ast.Para(text)
            blocks.append(ast.Div([para], classes=[WHERE]) if blocks else para)

    i = 0
    while i < len(inlines):
        node = inlines[i]
        if not is_display_math(node):
            current.append(node)
            i += 1
            continue
        flush()
        current = []
        ident, i = equation_label(inlines, i) or ("", i + 1)
        classes = [EQUATION]
        if not ident and (after := _unnumbered_mark(inlines, i)):  # `$$ … $$ {-}`, \begin{equation*}
            classes, i = [EQUATION, "unnumbered"], after
        blocks.append(ast.Para([{"t": "Span", "c": [[ident, classes, []], [node]]}]))
    flush()
    return blocks


def _unnumbered_mark(inlines: list, i: int) -> int | None:
    """The index after a `{-}` / `{.unnumbered}` written after a formula, if there is one."""
    j = i
    while j < len(inlines) and inlines[j]["t"] in ("Space", "SoftBreak"):
        j += 1
    if j < len(inlines) and inlines[j]["t"] == "Str" and inlines[j]["c"] in ("{-}", "{.unnumbered}"):
        return j + 1
    return None


def _strip(inlines: list) -> list:
    start, end = 0, len(inlines)
    while start < end and inlines[start]["t"] in _BLANK:
        start += 1
    while end > start and inlines[end - 1]["t"] in _BLANK:
        end -= 1
    return inlines[start:end]


def is_equation_para(block: dict) -> bool:
    """A paragraph holding one display formula (as `mark_equations` leaves it)."""
    return (block["t"] == "Para" and len(block["c"]) == 1 and block["c"][0]["t"] == "Span"
            and EQUATION in block["c"][0]["c"][0][1])


def _starts_where(inlines: list) -> bool:
    first = next((node for node in inlines if node["t"] not in _BLANK), None)
    return bool(first and first["t"] == "Str" and first["c"].casefold().rstrip(",:") in WHERE_WORDS)


# ---------------------------------------------------------------- numbers

class _Counter:
    """One running number: through the thesis, or restarted under each level-1 heading."""

    def __init__(self, by_chapter: bool):
        self.by_chapter = by_chapter
        self.count, self.prefix, self.within = 0, "", False

    def enter(self, prefix: str) -> None:
        """A level-1 heading: chapters restart when numbering by chapter, appendices always."""
        self.prefix = prefix
        self.within = bool(prefix) and (self.by_chapter or not prefix.isdigit())
        if self.within:
            self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"{self.prefix}.{self.count}" if self.within else str(self.count)


def number_elements(document: Document, thesis: Thesis) -> None:
    """`number` on every captioned figure and table and every numbered formula; the list
    in `document.numbered`."""
    profile = thesis.profile
    captions = profile.captions.numbering
    formulas = captions if profile.equations.numbering == "captions" else profile.equations.numbering
    counters = {"figure": _Counter(captions == "chapter"), "table": _Counter(captions == "chapter"),
                "equation": _Counter(formulas == "chapter")}
    every_formula = profile.equations.numbered == "all"
    for node in ast.find(document.blocks, _NUMBERED_TYPES):
        kind = _numbered_kind(node, every_formula)
        if node["t"] == "Header" and node["c"][0] == 1:
            prefix = heading_attr(node, FIGURE_PREFIX, None)
            if prefix is not None:
                for counter in counters.values():
                    counter.enter(prefix)
        elif kind:
            attrs = ast.attr(node)
            number = counters[kind].next()
            attrs[2] = set_attrs(attrs[2], **{NUMBER: number})
            document.numbered.append(Numbered(kind, attrs[0], number))


_NUMBERED_TYPES = frozenset({"Header", "Figure", "Table", "Span"})  # chapters, and what `_numbered_kind` numbers


def _numbered_kind(node: dict, every_formula: bool) -> str | None:
    """'figure', 'table' or 'equation' if this element gets a number."""
    t = node["t"]
    if t in ("Figure", "Table"):
        caption = node["c"][1][1]
        if caption and caption[0]["t"] in ("Plain", "Para") and caption[0]["c"]:
            return "figure" if t == "Figure" else "table"
    elif (t == "Span" and EQUATION in node["c"][0][1] and "unnumbered" not in node["c"][0][1]
          and (every_formula or node["c"][0][0])):
        return "equation"
    return None


# ---------------------------------------------------------------- references

def resolve_references(document: Document, thesis: Thesis) -> None:
    """Each `@fig:x` reference as the text a reader sees: "рис. 1.2", "(2.3)", "2.1"."""
    raw = document.index.get("RawInline", [])
    if not any(is_reference(span) for span in document.index.get("Span", [])) and not raw:
        return  # nothing to resolve (the index is the parsed AST's: \ref comes from raw LaTeX)
    numbers = {h.ident: ("section", h.number or h.text) for h in document.outline if h.ident}
    numbers.update({n.ident: (n.kind, n.number) for n in document.numbered if n.ident})

    def resolve(node: dict) -> dict | None:
        if is_reference(node):
            items = references(node)
        elif node["t"] == "Cite" and all(is_label(c["citationId"]) for c in node["c"][0]):
            # \ref{fig:x} / \eqref{eq:x} read from raw LaTeX by transforms/raw.py
            items = [(c["citationId"], c["citationMode"]["t"]) for c in node["c"][0]]
        else:
            return None
        return {"t": "Span", "c": [["", [RESOLVED], []], ast.inlines(reference_text(items, numbers, thesis))]}
    document.ast["blocks"] = ast.rewrite(document.blocks, resolve)
    for node in ast.walk(document.blocks):  # "(@eq:x)" written as pandoc-crossref users do
        if node["t"] in ("Para", "Plain"):
            _no_double_parentheses(node["c"])


RESOLVED = "xref-resolved"  # class of the Span a resolved reference became


def _no_double_parentheses(inlines: list) -> None:
    """A formula reference "(1)" that the author put in parentheses prints "(1)", not "((1))"."""
    for i in range(1, len(inlines) - 1):
        before, ref, after = inlines[i - 1], inlines[i], inlines[i + 1]
        if (ref["t"] == "Span" and RESOLVED in ref["c"][0][1] and before["t"] == "Str"
                and before["c"].endswith("(") and after["t"] == "Str" and after["c"].startswith(")")):
            text = ref["c"][1]
            if (len(text) == 1 and text[0]["t"] == "Str" and text[0]["c"].startswith("(")
                    and text[0]["c"].endswith(")")):
                text[0] = ast.Str(text[0]["c"][1:-1])


def reference_text(items: list[tuple[str, str]], numbers: dict, thesis: Thesis) -> str:
    """'рис. 1.1, 1.2', '(2.3)', '2.3' ([-@eq:x]: the number only), '2.1'; a key starting
    with a capital (`@Fig:x`) capitalised."""
    groups: list[tuple[str, str, list[str], bool]] = []  # kind, mode, numbers, capital
    for key, mode in items:
        kind, number = numbers.get(normal_key(key), (kind_of(key), key))
        if groups and groups[-1][0] == kind != "equation" and groups[-1][1] == mode:
            groups[-1][2].append(number)
        else:
            groups.append((kind, mode, [number], key[:1].isupper()))
    texts = []
    for kind, mode, found, capital in groups:
        pattern = "{n}" if mode == "SuppressAuthor" else _pattern(kind, thesis)
        text = pattern.replace(" {n}", "\u00a0{n}").replace("{n}", ", ".join(found))
        texts.append(text[:1].upper() + text[1:] if capital else text)
    return ", ".join(texts)


def _pattern(kind: str, thesis: Thesis) -> str:
    labels = thesis.labels
    pattern = getattr(labels, f"{kind}_ref")
    if not pattern and kind in ("figure", "table"):
        pattern = getattr(labels, kind) + " {n}"
    return pattern or "{n}"
