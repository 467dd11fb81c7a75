"""The supervisor's review copy: thesis.pdf with line numbers in the margin (restarting on
every page) and a stamp on every page (version, date, the localized word for draft)."""

from __future__ import annotations

import json
from pathlib import Path

from ..context import BuildContext
from ..fonts import FontChoice
from ..templates import render
from .pdf import compile_pdf, typst_body, typst_source

DRAFT = {"kk": "ЖОБА", "ru": "ЧЕРНОВИК", "en": "DRAFT"}


def stamp(version: str, date: str, language: str) -> str:
    """'ЖОБА · v1.2-3-gabc1234 · 2026-03-02'."""
    return f"{DRAFT.get(language, DRAFT['en'])} · {version} · {date}"


def review_source(ctx: BuildContext, body: str) -> str:
    """The thesis's Typst with the review layer in front (set rules only: no page moves)."""
    margins = ctx.project.profile.page.margins
    layer = render("typst", "review.typ.j2", right=margins.right, top=margins.top)
    return layer + "\n" + typst_source(ctx, body)


def review_pdf(doc: dict, ctx: BuildContext, font: FontChoice, cache: Path | None, text: str) -> bytes:
    """The review PDF of the built AST, stamped with `text`."""
    source = review_source(ctx, typst_body(doc, ctx.project.root, cache))
    data = json.dumps({"stamp": text, "fonts": list(font.chain)}, ensure_ascii=False)
    return compile_pdf(ctx, source, font, inputs={"review": data}).pdf
