"""The supervisor's review copy, `thesis-review.pdf`: thesis.pdf with line numbers in the
margin (restarting on every page) and a stamp on every page (version, date, the localized
word for draft). Both sit outside the text block: the pages break exactly as in thesis.pdf."""

from __future__ import annotations

import datetime
import json

from ..context import Run, Thesis
from ..document import Document
from ..templates import render
from ..versions import describe
from . import Artefact
from .fonts import choose_font
from .pdf import compile_pdf, typst_body, typst_source

NAME = "thesis-review.pdf"
DRAFT = {"kk": "ЖОБА", "ru": "ЧЕРНОВИК", "en": "DRAFT"}


def write(document: Document, thesis: Thesis, run: Run) -> Artefact:
    """The review PDF of the built document, stamped with the working tree's version."""
    font = choose_font(thesis.profile, run.reporter, run.options.ignore_system_fonts)
    text = stamp(describe(thesis.root), thesis.epoch, thesis.language)
    with run.clock.stage("review: pandoc→typst"):
        source = review_source(thesis, typst_body(document.ast, thesis.root, run.cache / "typst"))
    with run.clock.stage("review: typst"):
        data = json.dumps({"stamp": text, "fonts": list(font.chain)}, ensure_ascii=False)
        result = compile_pdf(thesis, source, font, run.options.ignore_system_fonts, inputs={"review": data})
    return Artefact({NAME: result.pdf}, detail=f"{result.pages} pages, {text}", facts={"pages": result.pages})


def stamp(version: str, epoch: int, language: str) -> str:
    """'ЖОБА · v1.2-3-gabc1234 · 2026-03-02'."""
    date = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%d")
    return f"{DRAFT.get(language, DRAFT['en'])} · {version} · {date}"


def review_source(thesis: Thesis, body: str) -> str:
    """The thesis's Typst with the review layer in front (set rules only: no page moves)."""
    margins = thesis.profile.page.margins
    layer = render("typst", "review.typ.j2", thesis.root, right=margins.right, top=margins.top)
    return layer + "\n" + typst_source(thesis, body)
