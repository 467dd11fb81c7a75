"""DOCX: pandoc's docx writer with the profile's reference document, plus OpenXML parts
(title page, contents) rendered from Jinja templates where pandoc falls short.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import zipfile
from pathlib import Path

from .. import ast, pandoc
from ..context import BuildContext
from ..schema import to_mm, to_pt
from ..templates import render
from ..transforms.structure import FIGURE_PREFIX
from .docx_reference import GROUP_STYLE, PAPER_MM, STRUCTURAL_STYLE, reference_docx
from .pdf import template_data

# A fixed zip timestamp (the DOS epoch is 1980); the document's own dates come from
# SOURCE_DATE_EPOCH, which pandoc honours.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def docx_ast(doc: dict, ctx: BuildContext, pages: dict[str, int] | None = None) -> dict:
    """The AST for the docx writer: title page and contents first, styled headings, captions."""
    out = copy.copy(doc)  # shared with the PDF writer: copy what changes, never mutate
    out["blocks"] = [ast.RawBlock("openxml", title_page_xml(ctx)),
                     ast.RawBlock("openxml", contents_xml(ctx, pages)), *_docx_blocks(doc["blocks"])]
    _caption_fields(out, ctx)
    return out


def _docx_blocks(blocks: list[dict]) -> list[dict]:
    """The blocks with styled headings at any depth (the source list's group headings sit
    in a Div); containers on the way and captioned blocks are copied, the rest shared."""
    out = []
    for block in blocks:
        kind = block["t"]
        if kind == "Header":
            block = _styled_heading(block)
        elif kind == "Div":
            block = {"t": "Div", "c": [block["c"][0], _docx_blocks(block["c"][1])]}
        elif kind in ("Table", "Figure") or (
                kind in ("BlockQuote", "BulletList", "OrderedList", "DefinitionList")
                and any(node["t"] in ("Table", "Figure") for node in ast.walk(block))):
            block = json.loads(json.dumps(block))  # captions inside get numbered in place
        out.append(block)
    return out


def _caption_fields(doc: dict, ctx: BuildContext) -> None:
    """'Сурет 1 — …' / 'Кесте 1 — …' with Word SEQ fields, so Word's lists and references work.

    Numbered as the PDF numbers them: through the thesis, or (captions.numbering: chapter)
    within each level-1 heading, "2.1" with the heading's figure prefix before the field
    and the sequence restarted (`\\r 1`) at the chapter's first caption; appendices always
    within ("А.1")."""
    labels = ctx.project.labels
    by_chapter = ctx.project.profile.captions.numbering == "chapter"
    counters = {"Figure": 0, "Table": 0}
    prefix, within = "", False
    for node in ast.walk(doc["blocks"]):
        found = _figure_prefix(node)
        if found is not None:
            prefix = found
            # appendices (a letter prefix) always number within: "А.1" (GOST 7.32)
            within = bool(prefix) and (by_chapter or not prefix.isdigit())
            if within:
                counters = {"Figure": 0, "Table": 0}
        if node["t"] not in counters:
            continue
        caption_blocks = node["c"][1][1]
        if not caption_blocks or caption_blocks[0]["t"] not in ("Plain", "Para"):
            continue
        counters[node["t"]] += 1
        number = counters[node["t"]]
        word = labels.figure if node["t"] == "Figure" else labels.table
        field = render("docx", "seq-field.xml.j2", identifier="".join(word.split()), number=number,
                       restart=within and number == 1)
        lead = [ast.Str(f"{prefix}.")] if within else []
        caption_blocks[0]["c"][:0] = (ast.inlines(word) + [ast.Space(), *lead, ast.RawInline("openxml", field),
                                                           ast.Space(), ast.Str("—"), ast.Space()])


def _figure_prefix(node: dict) -> str | None:
    """The figure prefix a level-1 heading (or its styled Div) carries, if it is one."""
    if node["t"] == "Header" and node["c"][0] == 1:
        return dict(node["c"][1][2]).get(FIGURE_PREFIX, "")
    if node["t"] == "Div":
        return dict(node["c"][0][2]).get(FIGURE_PREFIX)
    return None


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
    # A Span with the heading's id keeps the bookmark the contents links to; the Div keeps
    # the figure prefix of a level-1 heading for the captions under it.
    para = ast.Para([{"t": "Span", "c": [[ident, [], []], content]}])
    keep = [pair for pair in kv if pair[0] == FIGURE_PREFIX] if level == 1 else []
    return ast.Div([para], "", [], [["custom-style", style], *keep])


def title_page_xml(ctx: BuildContext) -> str:
    """The title page paragraphs (ending with a page break)."""
    return render("docx", f"title-{ctx.project.profile.title_page}.xml.j2", **_title_data(ctx))


TWIPS_PER_MM = 1440 / 25.4
LINE_EM = 1.15  # single spacing of a Times-metric face, baseline to baseline
SIGNATURE = "_" * 20


def _title_data(ctx: BuildContext) -> dict:
    """The title page's texts and its vertical layout (twips).

    OpenXML has no stretchable space, so the free height the PDF shares among its three
    `1fr` gaps is computed here: the text area's height less the lines each block is
    estimated to take (words wrapped at a generous average letter width, so the estimate
    errs on the long side), less one line of safety, split in three. The page fills
    like the PDF's and never spills onto the contents page.
    """
    profile = ctx.project.profile
    data = template_data(ctx, fonts=[])
    meta, tp = data["meta"], data["labels"]["title_page"]
    specialty = " ".join(x for x in (meta["specialty_code"], meta["specialty_name"]) if x)
    size = to_pt(profile.sizes.title_page)
    page_w, page_h = PAPER_MM[profile.page.size]
    m = profile.page.margins
    width = page_w - to_mm(m.left) - to_mm(m.right)
    column = width / 2
    admission_indent = width * 0.45
    em = size * 20  # twips
    space = {"small": round(0.4 * em), "medium": round(0.8 * em), "block": round(1.5 * em),
             "row": round(1.2 * em)}
    people = [(tp.get("author", ""), meta["author"]), (tp.get("supervisor", ""), meta["supervisor_line"])]

    def height(text: str, width_mm: float, pt: float = size, bold: bool = False) -> float:
        return _lines(text, width_mm, pt, bold) * pt * LINE_EM * 20

    used = sum(height(t, width) for t in (meta["ministry"], meta["university"], meta["faculty"],
                                           meta["department"]))
    used += sum(height(t, width - admission_indent) for t in
                (tp.get("admitted", ""), tp.get("head_of_department", ""), meta["head_of_department"],
                 SIGNATURE, tp.get("date_blank", "")))
    used += height(meta["work_type"], width, size + 2, bold=True)
    used += height(meta["title"], width, bold=True) + height(specialty, width)
    used += sum(max(height(label + ":", column), height(value, width - column) + height(SIGNATURE, column))
                for label, value in people)
    used += height(f"{meta['city']} {meta['year']}", width)
    used += 2 * space["small"] + space["block"] + 2 * space["medium"] + space["row"]
    free = (page_h - to_mm(m.top) - to_mm(m.bottom)) * TWIPS_PER_MM - used - size * LINE_EM * 20
    return {"meta": meta, "tp": tp, "specialty_line": specialty, "people": people,
            "signature": SIGNATURE, "size": round(size * 2), "big_size": round((size + 2) * 2),
            "space": space, "gap": max(0, round(free / 3)), "text_width": round(width * TWIPS_PER_MM),
            "column": round(column * TWIPS_PER_MM), "admission_indent": round(admission_indent * TWIPS_PER_MM)}


def _lines(text: str, width_mm: float, size_pt: float, bold: bool = False) -> int:
    """Lines a text takes at this width, wrapping words at an average letter width of
    0.5 em (0.55 em bold): Times' Cyrillic averages about 0.45 em."""
    per_line = max(1, int(width_mm / (size_pt * 25.4 / 72 * (0.55 if bold else 0.5))))
    lines, filled = 1, 0
    for word in text.split():
        need = len(word) + (1 if filled else 0)
        if filled and filled + need > per_line:
            lines, filled = lines + 1, len(word)
        else:
            filled += need
    return lines


def contents_xml(ctx: BuildContext, pages: dict[str, int] | None) -> str:
    """The contents title and TOC field, entries pre-filled from the build's outline."""
    entries = [{"level": h.level, "anchor": bookmark_name(h.ident), "text": h.text,
                "page": (pages or {}).get(h.ident, "")} for h in ctx.listed_headings()]
    return render("docx", "contents.xml.j2", title=ctx.project.labels.contents, entries=entries,
                  depth=ctx.project.profile.contents.depth, dirty="false" if pages else "true")


def bookmark_name(ident: str) -> str:
    """The bookmark pandoc's docx writer gives a heading id: Word allows 40 characters
    starting with a letter, so longer or other ids become 'X' and 39 hex digits of a SHA-1."""
    if ident[:1].isalpha() and len(ident) <= 40:
        return ident
    return "X" + hashlib.sha1(ident.encode()).hexdigest()[1:]


def write_docx(doc: dict, ctx: BuildContext, cache_dir: Path, pages: dict[str, int] | None = None) -> bytes:
    """The DOCX bytes: pandoc's writer, then a deterministic zip."""
    reference = reference_docx(ctx.project.profile, ctx.language, cache_dir)
    raw = pandoc.write(docx_ast(doc, ctx, pages), "docx", ctx.project.root,
                       [f"--reference-doc={reference}"])
    replace = {"docProps/core.xml": core_properties(ctx).encode()}
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        if "word/numbering.xml" in z.namelist():
            replace["word/numbering.xml"] = list_numbering(z.read("word/numbering.xml"), ctx)
    return normalise_zip(raw, replace)


W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HANGING_MM = {"bullet": 5, "number": 8}  # marker to text: "–" and a gap / up to "99."


def list_numbering(xml: bytes, ctx: BuildContext) -> bytes:
    """Pandoc's list levels made to match the PDF: the marker at the paragraph indent
    (nested lists one step further in), the text after it; bullets are an en dash in the
    body font, not a Symbol-font dot."""
    from lxml import etree
    root = etree.fromstring(xml)
    indent = to_mm(ctx.project.profile.text.first_line_indent)
    for lvl in root.iter(W_NS + "lvl"):
        text = lvl.find(W_NS + "lvlText")
        fmt = lvl.find(W_NS + "numFmt")
        if text is None or not text.get(W_NS + "val", "").strip():
            continue  # pandoc's marker-less levels (block quotes, definitions)
        kind = "bullet" if fmt is not None and fmt.get(W_NS + "val") == "bullet" else "number"
        if kind == "bullet":
            text.set(W_NS + "val", "–")
            rpr = lvl.find(W_NS + "rPr")
            if rpr is not None:
                lvl.remove(rpr)
        level = int(lvl.get(W_NS + "ilvl", "0"))
        hanging = HANGING_MM[kind]
        ind = lvl.find(f"{W_NS}pPr/{W_NS}ind")
        if ind is not None:
            ind.set(W_NS + "left", str(round((indent + level * hanging + hanging) * TWIPS_PER_MM)))
            ind.set(W_NS + "hanging", str(round(hanging * TWIPS_PER_MM)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def core_properties(ctx: BuildContext) -> str:
    """docProps/core.xml: title, author and language of the thesis, the build's date."""
    import datetime
    date = datetime.datetime.fromtimestamp(ctx.epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
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
