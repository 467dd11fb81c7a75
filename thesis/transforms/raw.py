"""Raw LaTeX and HTML replaced by what the author meant (see `rawmarkup`): page breaks,
display equations (with their labels, as pandoc-crossref writes them), references, the
generated lists; comments and what the check stage warned about are left out. Quarto's
shortcodes likewise: `{{< pagebreak >}}` a page break, any other left out (warned)."""

from __future__ import annotations

from .. import ast
from ..context import Thesis
from ..document import LIST_OF, PAGE_BREAK, Document, map_blocks
from ..rawmarkup import SHORTCODE, meanings


def raw_markup(document: Document, thesis: Thesis) -> None:
    """Every raw TeX/HTML block and inline replaced (or left out)."""
    if not (document.index.get("RawBlock") or document.index.get("RawInline")):
        return  # the usual case: one look at the parse's index instead of two walks
    document.ast["blocks"] = map_blocks(document.blocks, _block)
    for inlines in ast.inline_lists(document.blocks):
        if any(i["t"] == "RawInline" for i in inlines):
            inlines[:] = [out for i in inlines for out in _inline(i)]


def _block(block: dict) -> list[dict] | None:
    if block["t"] != "RawBlock":
        return None
    found = meanings(*block["c"])
    if found is None:
        return None  # typst/openxml: the profile's raw_blocks decides (checked)
    out = []
    for meaning in found:
        if meaning.kind == "pagebreak":
            out.append(ast.Div([], "", [PAGE_BREAK]))
        elif meaning.kind == "generated" and meaning.value != "contents":  # the build makes the contents
            out.append(ast.Div([], "", [LIST_OF], [["list", meaning.value]]))
        elif meaning.kind == "math":
            out.append(ast.Para(_equation(meaning)))
    return out


def _inline(node: dict) -> list[dict]:
    if node.get("t") != "RawInline":
        return [node]
    found = meanings(*node["c"])
    if found is None:
        return [node]
    out = []
    for meaning in found:
        if meaning.kind == "math":
            out += _equation(meaning)
        elif meaning.kind == "linebreak":
            out.append({"t": "LineBreak"})
        elif meaning.kind == "ref":
            out.append(_reference(meaning.value, node["c"][1], number_only=meaning.numbered))
    return out


def _equation(meaning) -> list[dict]:
    """Display math, labelled the pandoc-crossref way (`$$ … $$ {#eq:x}`)."""
    math = {"t": "Math", "c": [{"t": "DisplayMath"}, meaning.value]}
    if not meaning.numbered:  # equation*, \nonumber: written `$$ … $$ {-}` in Markdown
        return [math, ast.Space(), ast.Str("{-}")]
    if not meaning.label:
        return [math]
    label = meaning.label if ":" in meaning.label else f"eq:{meaning.label}"
    return [math, ast.Space(), ast.Str("{#" + label + "}")]


def _reference(label: str, text: str, number_only: bool = True) -> dict:
    """`\\ref{x}` as the citation pandoc-crossref's `[-@x]` reads as (the number alone, as
    LaTeX prints it); `\\eqref{x}` as `@x` ("(2.3)"). numbering.resolve_references prints them."""
    mode = "SuppressAuthor" if number_only else "NormalCitation"
    citation = {"citationId": label, "citationPrefix": [], "citationSuffix": [],
                "citationMode": {"t": mode}, "citationNoteNum": 0, "citationHash": 0}
    return {"t": "Cite", "c": [[citation], [ast.Str(text)]]}


def quarto_shortcodes(document: Document, thesis: Thesis) -> None:
    """`{{< pagebreak >}}` alone in its paragraph a page break; every other shortcode (`{{< var
    x >}}`, `{{< include f.qmd >}}`: Quarto's, not pandoc's) taken out of the text."""
    if not any("{{<" in chapter.text for chapter in thesis.chapters):
        return  # the usual case: no walk
    document.ast["blocks"] = map_blocks(document.blocks, _shortcode_block)
    for node in ast.find(document.blocks, {"Para", "Plain"}):
        if any(i["t"] == "Str" and i["c"].startswith("{{<") for i in node["c"]):
            node["c"] = _without_shortcodes(node["c"])


def _shortcode_block(block: dict) -> list[dict] | None:
    if block["t"] not in ("Para", "Plain") or not (match := SHORTCODE.fullmatch(ast.stringify(block["c"]).strip())):
        return None
    return [ast.Div([], "", [PAGE_BREAK])] if match.group(1) == "pagebreak" else []


def _without_shortcodes(inlines: list) -> list:
    """Inlines without the words of each `{{< … >}}` (and one space around it)."""
    out: list = []
    inside = False
    for node in inlines:
        if node["t"] == "Str" and node["c"].startswith("{{<"):
            inside = True
        if not inside:
            out.append(node)
        elif node["t"] == "Str" and node["c"].endswith(">}}"):
            inside = False
    while len(out) > 1 and out[-1]["t"] in ("Space", "SoftBreak"):
        out.pop()
    return [n for i, n in enumerate(out) if not (n["t"] == "Space" and i and out[i - 1]["t"] == "Space")]
