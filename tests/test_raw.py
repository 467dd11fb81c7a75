"""LaTeX and HTML leftovers in Markdown: comments vanish, page commands break pages, math
environments become display math, generated lists appear, the rest is left out with a warning."""

from __future__ import annotations

import pytest

from helpers import docx_texts, pdf_pages
from thesis import ast
from thesis.build import Options, build
from thesis.diagnostics import Reporter
from thesis.document import LIST_OF, PAGE_BREAK
from thesis.rawmarkup import meanings

LEFTOVERS = r"""# Тарау

Мәтін <!-- COMMENT-INLINE --> жалғасы.

<!--
COMMENT-BLOCK
көп жолды
-->

Бірінші бет.

\newpage
## Бөлім

\begin{equation}\label{eq:energy}
E = mc^2
\end{equation}

\begin{align*}
a &= b \\
c &= d
\end{align*}

\listoffigures

Жол<br>бөлінді.

\pagenumbering{roman}
"""


@pytest.mark.parametrize("text, kind", [
    (r"\newpage", "pagebreak"), (r"\clearpage", "pagebreak"), ("\\pagebreak\n\\newpage", "pagebreak"),
    (r"\listoftables", "generated"), (r"\tableofcontents", "generated"), ("% a comment", "drop"),
    ("\\begin{gather}\nx\n\\end{gather}", "math"), (r"\eqref{eq:x}", "ref"), (r"\foo{bar}", "unknown"),
])
def test_what_a_latex_leftover_means(text, kind):
    assert [m.kind for m in meanings("latex", text)] == [kind]


def test_math_environments_keep_their_label_and_lose_numbering_marks():
    (m,) = meanings("tex", "\\begin{align}\\label{eq:s}\na &= b \\nonumber \\\\\nc &= d\n\\end{align}")
    assert (m.kind, m.label, m.numbered) == ("math", "eq:s", False)
    assert m.value.startswith("\\begin{aligned}") and "\\label" not in m.value and "nonumber" not in m.value


def test_html_comments_vanish_and_breaks_break():
    assert [m.kind for m in meanings("html", "<!-- x\ny -->")] == ["drop"]
    assert [m.kind for m in meanings("html", "<br/>")] == ["linebreak"]
    assert [m.kind for m in meanings("html", "<b>")] == ["unknown"]
    assert meanings("typst", "#x") is None  # the profile's raw_blocks decides


def test_leftovers_in_the_document(transformed):
    document = transformed(LEFTOVERS)
    kinds = [b["t"] for b in document.blocks]
    assert not any(node["t"] in ("RawBlock", "RawInline") for node in ast.walk(document.blocks))
    assert any(b["t"] == "Div" and PAGE_BREAK in ast.attr(b)[1] for b in document.blocks)
    assert any(b["t"] == "Div" and LIST_OF in ast.attr(b)[1] for b in document.blocks)
    maths = [n for n in ast.walk(document.blocks) if n["t"] == "Math"]
    assert [m["c"][0]["t"] for m in maths] == ["DisplayMath", "DisplayMath"]
    assert "LineBreak" in [n["t"] for n in ast.walk(document.blocks)]
    assert "Header" in kinds  # the raw \newpage did not swallow the heading after it


def test_both_outputs_and_the_warning(sample):
    root = sample("minimal")
    (root / "content" / "03-leftovers.md").write_text(LEFTOVERS, encoding="utf-8")
    reporter = Reporter(quiet=True)
    result = build(root, Options(), reporter)
    pdf = pdf_pages(result.outputs["pdf"])
    text = " ".join(pdf)
    docx = " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))
    for shown in (text, docx):
        assert "COMMENT" not in shown and "newpage" not in shown and "pagenumbering" not in shown
        assert "Мәтін жалғасы." in shown or "Мәтін  жалғасы." in shown
    first = next(i for i, page in enumerate(pdf) if "Бірінші бет." in page)
    assert pdf[first + 1].startswith("3.1 Бөлім")  # \newpage: the section opens the next page
    assert any(page.startswith("Суреттер тізімі") for page in pdf)
    assert [(d.code, d.line) for d in reporter.warnings if d.code.startswith("source.raw")] == [
        ("source.raw-latex", 28)]


def test_lists_of_figures_and_tables_in_both_outputs(sample):
    root = sample("rendered")
    chapter = sorted((root / "content").glob("*.md"))[0]
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\\listoffigures\n\n\\listoftables\n",
                       encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    pdf = pdf_pages(result.outputs["pdf"])
    docx = docx_texts(result.outputs["docx"], "word/document.xml")
    figures = next(p for p in pdf if p.startswith("Суреттер тізімі"))
    tables = next(p for p in pdf if p.startswith("Кестелер тізімі"))
    caption_figure = next(t for t in docx if t.startswith("Сурет 1 —"))
    caption_table = next(t for t in docx if t.startswith("Кесте 1 —"))
    assert caption_figure.split("—")[1].split()[0] in figures
    assert caption_table.split("—")[1].split()[0] in tables
    i, j = docx.index("Суреттер тізімі"), docx.index("Кестелер тізімі")
    assert docx[i + 1] == caption_figure and docx[j + 1] == caption_table


def test_starred_environments_and_a_minus_mark_leave_a_formula_unnumbered(transformed):
    document = transformed("# Тарау\n\n$$ a = b $$\n\n$$ c = d $$ {-}\n\n"
                           "\\begin{equation*}\ne = f\n\\end{equation*}\n\n"
                           "\\begin{equation}\ng = h\n\\end{equation}\n")
    assert [n.number for n in document.numbered if n.kind == "equation"] == ["1", "2"]
    assert "{-}" not in ast.stringify(document.blocks)
