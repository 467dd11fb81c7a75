"""PDF: pandoc's Typst writer for the body, a Jinja skeleton from the profile, typst.compile.

The only module that runs Typst. Texts reach Typst as JSON in `sys.inputs`;
the Jinja skeleton receives validated numbers and tokens only.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .. import ast, pandoc
from ..config import Profile
from ..context import BuildContext
from ..diagnostics import UserError
from ..escape import TypstSource, typst_string
from ..transforms.structure import FIGURE_PREFIX
from ..fonts import FontChoice
from ..outputs import write_atomic
from ..pandoc import LANG_TAGS
from ..schema import to_pt
from ..templates import render

# Word's single line for Times-metric faces is 1.15 em (win ascent + descent + line gap);
# Typst's "ascender"/"descender" edges use the typographic metrics, 0.909 em together
# (measured: without leading, baselines of 14 pt text lie 12.73 pt apart).
WORD_LINE_EM = 1.15
ASC_DESC_EM = 0.909
# Word and LibreOffice put a page's first baseline one win-ascent (0.891 em) below the top
# margin; Typst's "ascender" edge is the typographic one (0.694 em): the PDF's top margin
# grows by the difference so both outputs print the first line at the same height.
FIRST_LINE_GAP_EM = 0.891 - 0.694
HEADING_KINDS = ("chapter", "section", "subsection", "structural")


@dataclass
class TypstResult:
    """What the PDF writer made."""

    pdf: bytes
    source: str
    pages: int
    warnings: list[str]


def leading(spacing: float) -> float:
    """Typst `par.leading` (em) that gives Word's line spacing `spacing`."""
    return round(max(spacing * WORD_LINE_EM - ASC_DESC_EM, 0.0), 3)


def _rendered_citation(node: dict) -> dict | None:
    """A Cite as the text citeproc rendered (pandoc's Typst writer would emit `#cite`)."""
    if node["t"] == "Cite":
        return {"t": "Span", "c": [["", ["citation"], []], ast.rewrite(node["c"][1], _rendered_citation)]}
    return None


def body_ast(doc: dict) -> dict:
    """The AST for the Typst writer: citations as rendered text, each heading wrapped in
    its profile rule's show scope."""
    out = copy.copy(doc)
    out["blocks"] = _wrap_headings(ast.rewrite(doc["blocks"], _rendered_citation))
    return out


def _wrap_headings(blocks: list[dict]) -> list[dict]:
    """Headings at any depth (the source list's group headings sit in a Div) in their rule's scope."""
    out = []
    for block in blocks:
        if block["t"] == "Header":
            kind = _heading_rule(block)
            prefix = dict(ast.attr(block)[2]).get(FIGURE_PREFIX)
            if prefix is not None:  # figures and tables below are numbered "1.1" or "А.1"
                out.append(ast.RawBlock("typst", f"#start-figure-numbering({typst_string(prefix)})"))
            out += [ast.RawBlock("typst", f"#[#show heading: heading-{kind}"), block,
                    ast.RawBlock("typst", "]\n")]
        elif block["t"] == "Div":
            out.append({"t": "Div", "c": [block["c"][0], _wrap_headings(block["c"][1])]})
        else:
            out.append(block)
    return out


def _heading_rule(block: dict) -> str:
    classes = ast.attr(block)[1]
    for cls in classes:
        if cls.startswith("heading-") and cls[8:] in HEADING_KINDS:
            return cls[8:]
    level = block["c"][0]
    if "heading-chapter" not in classes and level == 1:
        return "structural"
    return {1: "chapter", 2: "section"}.get(level, "subsection")


CHUNK_MARK = "// thesis: chunk boundary"
CACHE_VERSION = "4"  # bump when body_ast changes what it hands to pandoc


def chapter_chunks(blocks: list[dict]) -> list[list[dict]]:
    """The body split before every chapter and section heading (stable under edits)."""
    chunks: list[list[dict]] = [[]]
    for block in blocks:
        if block["t"] == "Header" and block["c"][0] <= 2 and chunks[-1]:
            chunks.append([])
        chunks[-1].append(block)
    return chunks


def typst_body(doc: dict, cwd: Path, cache: Path | None) -> str:
    """Pandoc's Typst for the body, section by section; unchanged sections come from the cache.

    Pandoc's Typst output for a section depends only on that section's AST (footnotes and
    citations are inline, numbering is Typst's), so a section the author did not touch is
    not converted again. Missing sections go through one pandoc run, split at markers.
    """
    chunks = chapter_chunks(doc["blocks"])
    salt = json.dumps([pandoc.version(), CACHE_VERSION, doc["meta"]])
    keys = [hashlib.sha256((salt + json.dumps(c)).encode()).hexdigest()[:24] for c in chunks]
    texts = {k: (cache / f"{k}.typ").read_text(encoding="utf-8") for k in keys
             if cache is not None and (cache / f"{k}.typ").is_file()}
    missing = [(k, c) for k, c in zip(keys, chunks) if k not in texts]
    if missing:
        joined: list[dict] = []
        for _, chunk in missing:
            joined += chunk + [ast.RawBlock("typst", CHUNK_MARK)]
        out = pandoc.write(body_ast({**doc, "blocks": joined}), "typst", cwd).decode()
        parts = out.split(CHUNK_MARK)[: len(missing)]
        for (key, _), text in zip(missing, parts):
            text = text.strip("\n") + "\n\n"  # the same text whichever batch made it
            texts[key] = text
            if cache is not None:
                write_atomic(cache / f"{key}.typ", text.encode(), durable=False)  # never half a section
    return "".join(texts[k] for k in keys)


def template_context(ctx: BuildContext, body: str) -> dict:
    """Numbers, lengths and choices for the Typst skeleton (no author text)."""
    profile: Profile = ctx.project.profile
    lead = leading(profile.text.line_spacing)
    position = profile.page_numbers.position
    vpos, hpos = position.split("-")
    rules = []
    for kind in HEADING_KINDS:
        rule = getattr(profile.headings, kind)
        rules.append({"kind": kind, **vars(rule)})
    return {
        "profile": profile,
        "body": TypstSource(body),
        "page_size": profile.page.size,
        "margins": profile.page.margins,
        "top_gap": f"{round(to_pt(profile.sizes.body) * FIRST_LINE_GAP_EM, 2)}pt",
        "first_printed": profile.page_numbers.first_printed,
        "number_slot": "header" if vpos == "top" else "footer",
        "number_hpos": {"center": "center", "right": "right"}[hpos],
        "sizes": profile.sizes,
        "language": ctx.language,
        "region": LANG_TAGS[ctx.language].split("-")[1].lower(),
        "hyphenate": profile.text.hyphenate.get(ctx.language, False),
        "justify": profile.text.alignment == "justify",
        "leading": lead,
        "paragraph_spacing": profile.text.paragraph_spacing,
        "indent": profile.text.first_line_indent,
        "heading_rules": rules,
        "footnote_rule": profile.footnotes.rule_length,
        "footnote_leading": leading(profile.footnotes.line_spacing),
        "contents_depth": profile.contents.depth,
        "figures_by_chapter": profile.captions.numbering == "chapter",
        "contents_indent": profile.text.first_line_indent,
        "contents_title_gap": profile.headings.structural.space_after,
    }


def template_data(ctx: BuildContext, fonts: list[str]) -> dict:
    """Every text the skeleton prints: metadata, labels, fonts (passed as JSON data)."""
    thesis = ctx.project.thesis
    labels = ctx.project.labels
    supervisor = thesis.supervisor
    sup_line = ", ".join(x for x in (supervisor.degree, supervisor.title) if x) if supervisor else ""
    sup_name = supervisor.name if supervisor else ""
    return {
        "meta": {
            "title": thesis.title,
            "author": thesis.author,
            "work_type": thesis.work_type or labels.title_page.get("work_type", ""),
            "ministry": thesis.ministry,
            "university": thesis.university,
            "faculty": thesis.faculty,
            "department": thesis.department,
            "head_of_department": thesis.head_of_department,
            "specialty_code": thesis.specialty.code if thesis.specialty else "",
            "specialty_name": thesis.specialty.name if thesis.specialty else "",
            "supervisor_line": f"{sup_line} {sup_name}".strip(),
            "city": thesis.city,
            "year": str(thesis.year),
        },
        "labels": {**vars(labels), "title_page": labels.title_page},
        "fonts": list(fonts),
        "keywords": [],
    }


def typst_source(ctx: BuildContext, body: str) -> str:
    """The complete Typst document for the thesis."""
    return render("typst", "thesis.typ.j2", **template_context(ctx, body))


def compile_pdf(ctx: BuildContext, source: str, font: FontChoice,
                ignore_system_fonts: bool = False) -> TypstResult:
    """The PDF compiled in-process; Typst's errors become a UserError."""
    import typst
    data = json.dumps(template_data(ctx, list(font.chain)), ensure_ascii=False)
    try:
        compiler = typst.Compiler(root=str(ctx.project.root), ignore_system_fonts=ignore_system_fonts,
                                  package_path=str(ctx.project.root / ".no-packages"),
                                  package_cache_path=str(ctx.project.root / ".no-packages"))
        pdf, warnings = compiler.compile_with_warnings(
            input=source.encode(), format="pdf", sys_inputs={"thesis": data}, timestamp=ctx.epoch)
    except typst.TypstError as exc:
        message = _first_line(exc).replace(f"{ctx.project.root}/", "")  # no absolute paths in CI logs
        raise UserError(f"typst: {message}", code="tool.typst") from None
    pages = len(_PAGE.findall(pdf))
    return TypstResult(pdf, source, pages, [str(w) for w in warnings or []])


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "message", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__

