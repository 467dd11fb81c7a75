"""pandoc-crossref labels and references, as the parse leaves them (shared by the check and
the transforms).

Labels: `![Caption](f.png){#fig:x}` (a Figure's id), `: Caption {#tbl:x}` (a Table's id),
`# Heading {#sec:x}` (a Header's id) and `$$ … $$ {#eq:x}` (pandoc reads the `{#eq:x}` as
text after the math: a Str right after a display Math). References `@fig:x`, `[@fig:x;
@tbl:y]`, `[-@eq:x]`, `@sec:x` are Cites to pandoc; the parse's Lua filter
(filters/crossref.lua, run before citeproc) turns those into Spans of class `xref` with the
keys and citation modes as attributes.
"""

from __future__ import annotations

import re

from . import ast
from .ast import Node
from .rawmarkup import meanings

PREFIXES = {"fig": "figure", "tbl": "table", "eq": "equation", "sec": "section"}
XREF = "xref"  # class of the Span the parse's filter makes of a reference

_EQ_LABEL = re.compile(r"^\{#(eq:[^\s{}]+)\}$")


_QUARTO = re.compile(r"^(fig|tbl|eq|sec)-(?=\S)", re.I)
_QUARTO_EQ = re.compile(r"^\{#eq-([^\s{}]+)\}$")


def quarto_labels(node) -> None:
    """Quarto's cross-reference syntax as pandoc-crossref's (in place, before `take_out`):
    `{#fig-x}` ids on figures, tables, headings and `$$ … $$ {#eq-x}`, and `@fig-x` / `@Tbl-x`
    references, become `fig:x`… (Quarto takes every key with such a prefix for a reference)."""
    for element in ast.find(node, {"Cite", "Figure", "Table", "Header", "Div", "Span", "Image", "Str"}):
        t = element["t"]
        if t == "Cite":
            for citation in element["c"][0]:
                citation["citationId"] = _QUARTO.sub(r"\1:", citation["citationId"])
        elif t == "Str":
            if element["c"].startswith("{#eq-"):
                element["c"] = _QUARTO_EQ.sub(r"{#eq:\1}", element["c"])
        else:
            attr = ast.attr(element)
            attr[0] = _QUARTO.sub(r"\1:", attr[0])
    _quarto_divs(node)


def _quarto_divs(node) -> None:
    """Quarto's figure and table divs, `::: {#fig-x}` around an image (or a table) and its
    caption paragraph, as the Figure (Table) pandoc-crossref's `{#fig:x}` makes."""
    holders = ast.find(node, {"Div", "BlockQuote", "Note"})
    for blocks in [node] + [h["c"][1] if h["t"] == "Div" else h["c"] for h in holders]:
        for i, block in enumerate(blocks):
            if block["t"] != "Div" or len(block["c"][1]) != 2 or block["c"][1][1]["t"] != "Para":
                continue
            ident, (inner, caption) = block["c"][0][0], block["c"][1]
            kind = ident.partition(":")[0]
            if kind == "fig" and (image := ast.lone_image(inner)) is not None:
                blocks[i] = ast.figure(image, caption["c"], ident)
            elif kind == "tbl" and inner["t"] == "Table" and not inner["c"][1][1]:
                inner["c"][0][0] = ident
                inner["c"][1] = [None, [ast.Plain(caption["c"])]]
                blocks[i] = inner


def take_out(node) -> None:
    """pandoc-crossref references out of citeproc's way (in place, before it runs): each Cite's
    reference keys become a Span of class `xref` (keys and modes as attributes, the typed text
    as content), which the crossref transform prints as "рис. 1.2". Left as Cites, citeproc
    would print "(fig:x?)", make footnotes of them under a note style and count them as notes."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            stack.append(current.get("c"))
        elif isinstance(current, list):
            if any(isinstance(x, dict) and x.get("t") == "Cite" for x in current):
                current[:] = [new for x in current for new in _split_cite(x)]
            stack.extend(x for x in current if isinstance(x, (list, dict)))


def _split_cite(node) -> list:
    if not isinstance(node, dict) or node.get("t") != "Cite":
        return [node]
    citations, content = node["c"]
    refs = [c for c in citations if is_label(c["citationId"])]
    if not refs:
        return [node]
    attributes = [["keys", ";".join(c["citationId"] for c in refs)],
                  ["modes", ";".join(c["citationMode"]["t"] for c in refs)]]
    typed = [ast.Str(ast.stringify(content))] if len(refs) < len(citations) else content
    span = {"t": "Span", "c": [["", [XREF], attributes], typed]}
    others = [c for c in citations if not is_label(c["citationId"])]
    if not others:
        return [span]
    # "@tbl:x [@key]": pandoc reads the bracket as the reference's own (one Cite); the space
    # the author wrote stays before the citation ("табл. 1 [5]"; a note style takes it away)
    spaced = citations[0]["citationMode"]["t"] == "AuthorInText" and any(x.get("t") == "Space" for x in content)
    return [span, *([ast.Space()] if spaced else []), {"t": "Cite", "c": [others, content]}]


def is_label(key: str) -> bool:
    """A reference key (fig:, tbl:, eq:, sec:; any case of the prefix), not a citation key."""
    prefix, colon, _ = key.partition(":")
    return bool(colon) and prefix.lower() in PREFIXES


def kind_of(key: str) -> str:
    """'figure', 'table', 'equation' or 'section' for a reference key."""
    return PREFIXES[key.partition(":")[0].lower()]


def normal_key(key: str) -> str:
    """The label a key refers to: `@Fig:x` (capitalised at a sentence start) is `fig:x`."""
    prefix, _, rest = key.partition(":")
    return f"{prefix.lower()}:{rest}"


def equation_label(inlines: list[Node], i: int) -> tuple[str, int] | None:
    """The `{#eq:x}` label after the display Math at `inlines[i]` and the index after it."""
    j = i + 1
    while j < len(inlines) and inlines[j]["t"] in ("Space", "SoftBreak"):
        j += 1
    if j < len(inlines) and inlines[j]["t"] == "Str":
        match = _EQ_LABEL.match(inlines[j]["c"])
        if match:
            return match.group(1), j + 1
    return None


def is_display_math(node: Node) -> bool:
    return node["t"] == "Math" and node["c"][0]["t"] == "DisplayMath"


def labels(blocks: list[Node]) -> list[tuple[str, str]]:
    """Every (label, kind) the author defined, in document order (repeats kept)."""
    found = []
    for node in ast.walk(blocks):
        t = node["t"]
        if t in ("Figure", "Table", "Header"):
            ident = ast.attr(node)[0]
            if is_label(ident):
                found.append((ident, kind_of(ident)))
        elif t in ("Para", "Plain"):
            inlines = node["c"]
            for i, inline in enumerate(inlines):
                if is_display_math(inline) and (label := equation_label(inlines, i)):
                    found.append((label[0], "equation"))
    return found


def references(node: Node) -> list[tuple[str, str]]:
    """The (key, citation mode) pairs of an `xref` Span."""
    kv = dict(node["c"][0][2])
    keys = kv.get("keys", "").split(";")
    modes = kv.get("modes", "").split(";")
    return [(key, modes[i] if i < len(modes) else "NormalCitation") for i, key in enumerate(keys) if key]


def is_reference(node: Node) -> bool:
    return node["t"] == "Span" and XREF in node["c"][0][1] and any(k == "keys" for k, _ in node["c"][0][2])


def _written(key: str) -> str:
    """A label's key as a regex for how it is written: "fig:x", or Quarto's "fig-x"."""
    prefix, _, rest = key.partition(":")
    return re.escape(prefix) + "[:-]" + re.escape(rest)


def _place(thesis, key: str) -> tuple:
    pattern = re.compile("@" + _written(key) + r"(?![\w:.#$%&+?<>~/-]*[\w])")
    return thesis.locate(pattern) or (None, None)


def check(document, thesis) -> list:
    """Every reference names a label, and a label is defined once."""
    from .diagnostics import Diagnostic
    found = []
    defined: dict[str, str] = {}
    raw_refs = _raw_references(document)
    if not raw_refs and not any(is_reference(node) for node in document.index.get("Span", [])) and not any(
            is_label(ast.attr(node)[0]) for kind in ("Figure", "Table", "Header") for node in document.index.get(kind, [])) \
            and not any(is_display_math(node) for node in document.index.get("Math", [])):
        return []  # no references and no labels (the usual thesis): one look at the index, no walk
    for label, _ in labels(document.blocks):
        if label in defined:
            path, line = thesis.locate(re.compile(r"\{#" + _written(label) + r"[\s}]")) or (None, None)
            found.append(Diagnostic("error", f"label {label!r} is defined twice", path, line, "xref.duplicate"))
        defined[label] = label
    defined.update((label, label) for label in _raw_equation_labels(document))
    for node in document.index.get("Span", []):
        if not is_reference(node):
            continue
        for key, _ in references(node):
            if normal_key(key) not in defined:
                path, line = _place(thesis, key)
                found.append(Diagnostic("error", f"reference to an undefined label {key!r} (define it with "
                                        f"{{#{normal_key(key)}}})", path, line, "xref.undefined"))
    for key in dict.fromkeys(raw_refs):  # \ref{…} left from LaTeX (transforms/raw.py reads it)
        if is_label(key) and normal_key(key) in defined:
            continue
        path, line = thesis.locate(re.compile(r"\\[A-Za-z]*ref\{" + re.escape(key) + r"\}")) or (None, None)
        message = (f"reference to an undefined label {key!r} (define it with {{#{normal_key(key)}}}, or "
                   f"\\label{{{key}}} after a heading)" if is_label(key) else
                   f"\\ref{{{key}}}: a label here starts with its kind (sec:, fig:, tbl:, eq:), e.g. "
                   f"{{#sec:{key}}} and \\ref{{sec:{key}}}")
        found.append(Diagnostic("error", message, path, line, "xref.undefined"))
    return found


def _raw_references(document) -> list[str]:
    """The labels of `\\ref{…}`-like raw LaTeX references, in document order."""
    return [m.value for node in document.index.get("RawInline", [])
            for m in meanings(*node["c"]) or () if m.kind == "ref"]


def _raw_equation_labels(document) -> list[str]:
    """The labels of raw LaTeX equations (`\\begin{equation}…\\label{x}`), as transforms/raw.py
    gives them (`eq:x` for a label without a kind)."""
    return [m.label if ":" in m.label else f"eq:{m.label}"
            for kind in ("RawBlock", "RawInline") for node in document.index.get(kind, [])
            for m in meanings(*node["c"]) or () if m.kind == "math" and m.label]
