"""A revision diff as PDF (coloured marks, change bars, a summary first page) and as DOCX
(Word tracked changes), from the merged AST of `thesis.diff.diff_documents`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pathlib import Path

from .. import ast
from ..context import Thesis
from ..diagnostics import Reporter
from ..diff import DEL, INS, Summary
from ..document import Document
from ..templates import render
from ..tracked import mark_paragraphs
from .fonts import FontChoice, choose_font
from .pdf import compile_pdf, typst_body, typst_source

NAMES = ("thesis-diff.pdf", "thesis-diff.docx")

LABELS = {
    "kk": {"title": "Нұсқалар арасындағы өзгерістер", "old": "Ескі нұсқа", "new": "Жаңа нұсқа",
           "ins": "қосылған сөздер", "del": "алынған сөздер", "chapter": "Тарау", "added": "Қосылды",
           "removed": "Алынды", "total": "Барлығы", "sources_added": "Қосылған дереккөздер",
           "sources_removed": "Алынған дереккөздер", "notes": "Сілтемелер: қосылды {a}, алынды {r}, өзгерді {c}",
           "pages": "Өзгерістер бар беттер:", "no_pages": "жоқ"},
    "ru": {"title": "Изменения между версиями", "old": "Прежняя версия", "new": "Новая версия",
           "ins": "добавленные слова", "del": "удалённые слова", "chapter": "Глава", "added": "Добавлено",
           "removed": "Удалено", "total": "Всего", "sources_added": "Добавленные источники",
           "sources_removed": "Удалённые источники", "notes": "Сноски: добавлено {a}, удалено {r}, изменено {c}",
           "pages": "Страницы с изменениями:", "no_pages": "нет"},
    "en": {"title": "Changes between versions", "old": "Old version", "new": "New version",
           "ins": "inserted words", "del": "deleted words", "chapter": "Chapter", "added": "Added",
           "removed": "Removed", "total": "Total", "sources_added": "Sources added",
           "sources_removed": "Sources removed", "notes": "Footnotes: {a} added, {r} removed, {c} changed",
           "pages": "Pages with changes:", "no_pages": "none"},
}


@dataclass
class Version:
    """One side of the comparison, as the summary page names it."""

    revision: str  # "v1.0", "a1b2c3d", "working tree"
    date: str  # ISO date of that revision


# ---------------------------------------------------------------- PDF

def typst_marks(blocks: list) -> list:
    """ins/del Spans and Divs as calls of the Typst functions in diff-marks.typ.j2."""
    counter = iter(range(1, 10**9))

    def convert(node, in_heading: bool):
        if isinstance(node, list):
            return [convert(item, in_heading) for item in node]
        if not isinstance(node, dict) or "t" not in node:
            return node
        kind = _mark(node)
        if kind and node["t"] == "Span":
            inner = convert(node["c"][1], in_heading)
            if in_heading:
                return _span([ast.RawInline("typst", f'#chg-heading("{kind}")['), *inner,
                                 ast.RawInline("typst", "]")])
            n = next(counter)
            return _span([ast.RawInline("typst", f'#metadata(none)<chg-{n}>#chg("{kind}", <chg-{n}>)['),
                             *inner, ast.RawInline("typst", "]")])
        if kind and node["t"] == "Div":
            n = next(counter)
            return ast.Div([ast.RawBlock("typst", f'#metadata(none)<chg-{n}>\n#chg-block("{kind}", <chg-{n}>)['),
                            *convert(node["c"][1], in_heading), ast.RawBlock("typst", "]")])
        heading = in_heading or node["t"] == "Header"
        return {k: convert(v, heading) if isinstance(v, (list, dict)) else v for k, v in node.items()}
    return convert(blocks, False)


def _span(content: list) -> dict:
    return {"t": "Span", "c": [["", [], []], content]}


def _mark(node: dict) -> str | None:
    if node["t"] in ("Span", "Div"):
        classes = ast.attr(node)[1]
        for kind in (INS, DEL):
            if classes == [kind]:
                return kind
    return None


def write_diff(merged: Document, summary: Summary, thesis: Thesis, cache: Path,
               old: Version, new: Version) -> dict[str, bytes]:
    """The diff's files by name: the PDF and the DOCX."""
    font = choose_font(thesis.profile, Reporter(quiet=True))
    return {NAMES[0]: diff_pdf(merged.ast, summary, thesis, font, old, new),
            NAMES[1]: diff_docx(merged, thesis, cache)}


def diff_pdf(merged: dict, summary: Summary, thesis: Thesis, font: FontChoice,
             old: Version, new: Version) -> bytes:
    """The diff PDF: a summary page, then the thesis as NEW lays it out with OLD's deleted
    words struck through, new words underlined, a bar in the margin beside each change."""
    profile = thesis.profile
    margins = profile.page.margins
    body = typst_body({**merged, "blocks": typst_marks(merged["blocks"])}, thesis.root, None)
    layer = render("typst", "diff-marks.typ.j2", thesis.root, bar_x=f"{margins.left} - 6mm",
                   top_margin=margins.top)
    first = render("typst", "diff-summary.typ.j2", thesis.root, page_size=profile.page.size, margins=margins,
                   language=thesis.language)
    source = first + "\n" + typst_source(thesis, layer + "\n" + body)
    data = summary_data(summary, thesis.language, old, new, list(font.chain))
    result = compile_pdf(thesis, source, font, inputs={"diff": json.dumps(data, ensure_ascii=False)})
    return result.pdf


def summary_data(summary: Summary, language: str, old: Version, new: Version, fonts: list[str]) -> dict:
    """The summary page's texts (JSON for Typst)."""
    words = LABELS.get(language, LABELS["en"])
    rows = [[c.title or "—", f"+{c.added}", f"−{c.removed}"] for c in summary.chapters if c.added or c.removed]
    rows.append([words["total"], f"+{summary.words_added}", f"−{summary.words_removed}"])
    lines = [words["notes"].format(a=summary.notes_added, r=summary.notes_removed, c=summary.notes_changed)]
    if summary.sources_added:
        lines.append(f"{words['sources_added']}: {', '.join(summary.sources_added)}")
    if summary.sources_removed:
        lines.append(f"{words['sources_removed']}: {', '.join(summary.sources_removed)}")
    return {
        "title": words["title"], "fonts": fonts,
        "versions": [{"label": words["old"], "text": f"{old.revision} ({old.date})"},
                     {"label": words["new"], "text": f"{new.revision} ({new.date})"}],
        "legend": {"ins": words["ins"], "del": words["del"]},
        "table": {"header": [words["chapter"], words["added"], words["removed"]], "rows": rows},
        "lines": lines, "pages_label": words["pages"], "no_pages": words["no_pages"],
    }


# ---------------------------------------------------------------- DOCX

def docx_marks(blocks: list) -> list:
    """ins/del Spans as pandoc's own tracked-change Spans (classes `insertion`/`deletion`,
    which its docx writer turns into w:ins/w:del); whole blocks without text stay as they are
    in NEW (inserted) or are left out (deleted)."""
    def convert(node):
        if isinstance(node, list):
            out = []
            for item in node:
                kind = _mark(item) if isinstance(item, dict) and "t" in item else None
                if kind and item["t"] == "Div":
                    if kind == INS:
                        out += convert(item["c"][1])
                    continue
                out.append(convert(item))
            return out
        if not isinstance(node, dict) or "t" not in node:
            return node
        kind = _mark(node)
        if kind and node["t"] == "Span":
            (ident, _, attrs), content = node["c"]
            return {"t": "Span", "c": [[ident, ["insertion" if kind == INS else "deletion"], attrs],
                                       convert(content)]}
        return {k: convert(v) if isinstance(v, (list, dict)) else v for k, v in node.items()}
    return convert(blocks)


def diff_docx(merged: Document, thesis: Thesis, cache: Path) -> bytes:
    """The diff DOCX in the university format, every change a Word tracked change."""
    import dataclasses
    from .docx import write_docx
    marked = dataclasses.replace(merged, ast={**merged.ast, "blocks": docx_marks(merged.blocks)})
    return mark_paragraphs(write_docx(marked, thesis, cache))
