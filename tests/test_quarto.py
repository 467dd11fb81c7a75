"""A chapter written for Quarto (`{#fig-x}`, `@fig-x`) prints as the same chapter written for
pandoc-crossref (`{#fig:x}`, `@fig:x`) does; an undefined one is an error at its line."""

from __future__ import annotations

import re

import pytest

from helpers import docx_texts, pdf_pages
from thesis import scaffold
from thesis.build import Options, build
from thesis.diagnostics import Reporter, UserError

CROSSREF = """# Results {#sec:results}

@Fig:flow shows the flow; @tbl:data lists the data, formula [-@eq:sum] sums it (see @sec:results).

![The flow](images/figure.png){#fig:flow}

: The data {#tbl:data}

| A | B |
|---|---|
| 1 | 2 |

$$ s = a + b $$ {#eq:sum}

As [@fig:flow; @tbl:data] show [@smith2018journal, p. 3].
"""
QUARTO = CROSSREF.replace(":results", "-results").replace(":flow", "-flow").replace(":data", "-data") \
    .replace(":sum", "-sum").replace("@Fig:", "@Fig-")


def _built(tmp_path, chapter: str, name: str):
    root = tmp_path / name
    scaffold.create(root, "kz-diploma", "en")
    (root / "content" / "05-results.md").write_text(chapter, encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    pdf = re.sub(r"\s+", " ", " ".join(pdf_pages(result.outputs["pdf"])))
    return pdf, " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))


def test_quarto_cross_references_print_as_pandoc_crossref_ones(tmp_path):
    assert "@fig:" not in QUARTO and "{#fig-flow}" in QUARTO and "@Fig-flow" in QUARTO
    quarto = _built(tmp_path, QUARTO, "quarto")
    assert quarto == _built(tmp_path, CROSSREF, "crossref")
    assert "Figure 2 shows the flow; Table 2 lists the data, formula 2 sums it (see 2). " in quarto[0]
    assert "As Figure 2, Table 2 show" in quarto[0]


def test_an_undefined_quarto_reference_is_an_error_at_its_line(tmp_path):
    root = tmp_path / "p"
    scaffold.create(root, "kz-diploma", "en")
    (root / "content" / "05-results.md").write_text("# Results\n\nSee @fig-nowhere.\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        build(root, Options(), Reporter(quiet=True))
    found = [(d.code, d.line) for d in caught.value.diagnostics]
    assert found == [("xref.undefined", 3)]


def _with_results(tmp_path, chapter: str, targets=("pdf", "docx")):
    """A new English project with `chapter` as its results chapter, built: (result, reporter)."""
    root = tmp_path / "p"
    scaffold.create(root, "kz-diploma", "en")
    (root / "content" / "05-results.md").write_text(chapter, encoding="utf-8")
    reporter = Reporter(quiet=True)
    return build(root, Options(targets=targets), reporter), reporter


def test_quarto_shortcodes_a_page_break_or_left_out_and_said_where(tmp_path):
    chapter = ("# Results\n\nBefore the break.\n\n{{< pagebreak >}}\n\nAfter the break, version {{< var version >}} "
               "here.\n\n{{< include _part.qmd >}}\n\n```\n{{< var in-code >}}\n```\n")
    result, reporter = _with_results(tmp_path, chapter)
    pages = pdf_pages(result.outputs["pdf"])
    before = next(i for i, page in enumerate(pages) if "Before the break." in page)
    after = next(i for i, page in enumerate(pages) if "After the break, version here." in page)
    assert after == before + 1 and "{{<" not in pages[before]
    assert "{{< var in-code >}}" in pages[after]  # code is printed as written
    assert [(d.code, d.line) for d in reporter.warnings if d.code == "source.shortcode"] == \
        [("source.shortcode", 7), ("source.shortcode", 9)]
    assert "version here." in " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))


def test_quarto_figure_and_table_divs_are_a_figure_and_a_table(tmp_path):
    divs = ("# Results\n\n@fig-flow and @tbl-data.\n\n::: {#fig-flow}\n![](images/figure.png)\n\nThe flow\n:::\n\n"
            "::: {#tbl-data}\n| A | B |\n|---|---|\n| 1 | 2 |\n\nThe data\n:::\n")
    crossref = ("# Results\n\n@fig:flow and @tbl:data.\n\n![The flow](images/figure.png){#fig:flow}\n\n"
                ": The data {#tbl:data}\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    quarto = _built(tmp_path, divs, "quarto")
    assert quarto == _built(tmp_path, crossref, "crossref")
    assert "Figure 2 and Table 2." in quarto[0] and "Figure 2 — The flow" in quarto[0]


def test_a_quarto_figure_div_nothing_refers_to_is_a_figure_too(tmp_path):
    quarto = _built(tmp_path, "# Results\n\n::: {#fig-flow}\n![](images/figure.png)\n\nThe flow\n:::\n", "quarto")
    assert "Figure 2 — The flow" in quarto[0]


def test_quarto_code_cells_are_said_not_run(tmp_path):
    """```{python} is run by Quarto, not here, and pandoc reads its fence as text (the cell ran
    into the paragraph as one line): warned at its line with what to write; pandoc's own
    attributes (```{.python}) and plain fences are code blocks as ever."""
    chapter = ("# Results\n\n```{python}\n#| label: fig-plot\nimport matplotlib\n```\n\n"
               "```{r, echo=FALSE}\nplot(x)\n```\n\n```{.python}\nprint(1)\n```\n\n~~~python\nprint(2)\n~~~\n")
    _, reporter = _with_results(tmp_path, chapter, ("pdf",))
    assert [(d.line, d.message.split(" is not run")[0]) for d in reporter.warnings
            if d.code == "source.code-cell"] == [(3, "code cell '```{python}'"), (8, "code cell '```{r, echo=FALSE}'")]
