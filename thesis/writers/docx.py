"""DOCX: pandoc's docx writer with the profile's reference document, plus OpenXML parts
(title page, contents) rendered from Jinja templates where pandoc falls short.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from .. import ast, pandoc
from ..context import BuildContext
from ..templates import render
from .docx_reference import GROUP_STYLE, STRUCTURAL_STYLE, reference_docx
from .pdf import template_data

# A fixed zip timestamp (the DOS epoch is 1980); the document's own dates come from
# SOURCE_DATE_EPOCH, which pandoc honours.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def docx_ast(doc: dict, ctx: BuildContext, pages: dict[str, int] | None = None) -> dict:
    """The AST for the docx writer: title page and contents first, styled headings, captions."""
    out = copy.copy(doc)  # shared with the PDF writer: copy what changes, never mutate
    blocks = [ast.RawBlock("openxml", title_page_xml(ctx)),
              ast.RawBlock("openxml", contents_xml(ctx, pages))]
    for block in doc["blocks"]:
        if block["t"] == "Header":
            block = _styled_heading(block)
        elif block["t"] in ("Table", "Figure", "Div"):
            block = copy.deepcopy(block)  # captions get numbered below
        blocks.append(block)
    out["blocks"] = blocks
    _caption_fields(out, ctx)
    return out


def _caption_fields(doc: dict, ctx: BuildContext) -> None:
    """'Сурет 1 — …' / 'Кесте 1 — …' with Word SEQ fields, so Word's lists and references work."""
    labels = ctx.project.labels
    counters = {"Figure": 0, "Table": 0}
    for node in ast.walk(doc["blocks"]):
        if node["t"] not in counters:
            continue
        caption_blocks = node["c"][1][1]
        if not caption_blocks or caption_blocks[0]["t"] not in ("Plain", "Para"):
            continue
        counters[node["t"]] += 1
        word = labels.figure if node["t"] == "Figure" else labels.table
        field = render("docx", "seq-field.xml.j2", identifier="".join(word.split()),
                       number=counters[node["t"]])
        caption_blocks[0]["c"][:0] = ast.inlines(word) + [ast.Space(), ast.RawInline("openxml", field),
                                                          ast.Space(), ast.Str("—"), ast.Space()]


def _styled_heading(block: dict) -> dict:
    """Structural and source-group headings get their own paragraph style (pandoc has none)."""
    level, (ident, classes, kv), content = block["c"]
    if "heading-structural" in classes or any(c.startswith("heading-") and c[8:] in
                                              ("introduction", "conclusion", "references",
                                               "abbreviations", "appendix", "contents")
                                              for c in classes):
        style = STRUCTURAL_STYLE
    elif "source-group" in classes:
        style = GROUP_STYLE
    else:
        return block
    # A Span with the heading's id keeps the bookmark the contents links to.
    para = ast.Para([{"t": "Span", "c": [[ident, [], []], content]}])
    return ast.Div([para], "", [], [["custom-style", style]])


def title_page_xml(ctx: BuildContext) -> str:
    """The title page paragraphs (ending with a page break)."""
    return render("docx", f"title-{ctx.project.profile.title_page}.xml.j2", **_title_data(ctx))


def _title_data(ctx: BuildContext) -> dict:
    from ..schema import to_pt
    data = template_data(ctx, fonts=[])
    meta = data["meta"]
    specialty = " ".join(x for x in (meta["specialty_code"], meta["specialty_name"]) if x)
    return {"meta": meta, "tp": data["labels"]["title_page"], "specialty_line": specialty,
            "size": round(to_pt(ctx.project.profile.sizes.title_page) * 2)}


def contents_xml(ctx: BuildContext, pages: dict[str, int] | None) -> str:
    """The contents title and TOC field, entries pre-filled from the build's outline."""
    depth = ctx.project.profile.contents.depth
    entries = [{"level": h.level, "anchor": h.ident, "text": h.text,
                "page": (pages or {}).get(h.ident, "")}
               for h in ctx.meta.get("headings", []) if h.level <= depth and h.ident]
    return render("docx", "contents.xml.j2", title=ctx.project.labels.contents, entries=entries,
                  depth=depth, dirty="false" if pages else "true")


def write_docx(doc: dict, ctx: BuildContext, cache_dir: Path, pages: dict[str, int] | None = None) -> bytes:
    """The DOCX bytes: pandoc's writer, then a deterministic zip."""
    reference = reference_docx(ctx.project.profile, ctx.language, cache_dir)
    raw = pandoc.write(docx_ast(doc, ctx, pages), "docx", ctx.project.root,
                       [f"--reference-doc={reference}"])
    return normalise_zip(raw, {"docProps/core.xml": core_properties(ctx).encode()})


def core_properties(ctx: BuildContext) -> str:
    """docProps/core.xml: title, author and language of the thesis, the build's date."""
    import datetime
    import os
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    date = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    thesis = ctx.project.thesis
    return render("docx", "core.xml.j2", title=thesis.title, author=thesis.author,
                  language=pandoc.LANG_TAGS[ctx.language], date=date)


def normalise_zip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The same archive with fixed timestamps and order (byte-reproducible), parts replaced."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        first = [n for n in ("[Content_Types].xml",) if n in names]
        for name in first + sorted(n for n in names if n not in first):
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, replace.get(name) or src.read(name))
    return out.getvalue()
