"""LaTeX left in Markdown (thesis/latex.py): what pandoc's LaTeX reader reads faithfully prints
as the same thesis written in Markdown does; anything else stays out, warned at its line."""

from __future__ import annotations

import re
import zipfile

import pytest

from helpers import docx_texts, pdf_pages
from thesis import latex, parts, scaffold
from thesis.build import Options, build
from thesis.diagnostics import Reporter, UserError

# The same paragraphs twice: with the LaTeX an author brings, and as Markdown.
LATEX = r"""# Leftovers

## Results \label{sec:results}

As shown in \cite[p.~5]{smith2018journal} and in Figure~\ref{fig:stages}, the method is
\textbf{robust} and \emph{fast} -- see \textcite{author2020book} and
\href{https://example.org}{the site}\footnote{Measured on \textit{the same} data \cite{author2019chapter}.}.

\begin{itemize}
\item first \textbf{point}
\item second point
\end{itemize}

\begin{enumerate}
\item one
\item two
\end{enumerate}

Section~\ref{sec:results} sums it up, Figure~\ref{fig:latex} and Table~\ref{tbl:latex} show it.

\begin{figure}[h]
\centering
\includegraphics[width=0.5\textwidth]{images/figure}
\caption{The stages of \emph{the} research}
\label{fig:latex}
\end{figure}

\begin{table}[ht]
\centering
\caption{Main indicators}\label{tbl:latex}
\begin{tabular}{|l|c|r|}
\hline
Year & Indicator & Growth, \% \\
\hline
2020 & 100 & 0 \\
2021 & 110 & 10 \\
\hline
\end{tabular}
\end{table}
"""
MARKDOWN = """# Leftovers

## Results {#sec:results}

As shown in [@smith2018journal, p.\u00a05] and in Figure\u00a0[-@fig:stages], the method is
**robust** and *fast* -- see @author2020book and
[the site](https://example.org)^[Measured on *the same* data [@author2019chapter].].

- first **point**
- second point

1. one
2. two

Section\u00a0[-@sec:results] sums it up, Figure\u00a0[-@fig:latex] and Table\u00a0[-@tbl:latex] show it.

![The stages of *the* research](images/figure.png){#fig:latex width=50%}

: Main indicators {#tbl:latex}

| Year | Indicator | Growth, % |
|:-----|:---------:|----------:|
| 2020 | 100       | 0         |
| 2021 | 110       | 10        |
"""


def _project(tmp_path, chapter: str, name: str):
    root = tmp_path / name
    scaffold.create(root, "kz-diploma", "en")
    (root / "content" / "05-leftovers.md").write_text(chapter, encoding="utf-8")
    return root


def _texts(result) -> tuple[str, str, str]:
    pdf = re.sub(r"\s+", " ", " ".join(pdf_pages(result.outputs["pdf"])))
    docx = " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))
    notes = " ".join(docx_texts(result.outputs["docx"], "word/footnotes.xml", "footnote"))
    return pdf, docx, notes


def test_latex_leftovers_print_as_their_markdown_does(tmp_path):
    reporter = Reporter(quiet=True)
    from_latex = build(_project(tmp_path, LATEX, "latex"), Options(), reporter)
    from_markdown = build(_project(tmp_path, MARKDOWN, "markdown"), Options(), Reporter(quiet=True))
    pdf, docx, notes = _texts(from_latex)
    assert (pdf, docx, notes) == _texts(from_markdown)
    assert "the method is robust and fast" in pdf and "first point" in docx and "Section 2.1 sums" in docx
    assert "Figure 2 — The stages of the research" in pdf and "Table 2 — Main indicators" in pdf
    assert "Year Indicator Growth, % 2020 100 0" in docx
    with zipfile.ZipFile(from_latex.outputs["docx"]) as z:  # `~`: a no-break space (docx_texts folds it)
        assert "Figure\u00a0" in z.read("word/document.xml").decode()
        drawings = z.read("word/document.xml").decode().count("<w:drawing>")
    with zipfile.ZipFile(from_markdown.outputs["docx"]) as z:  # the figure's image found and drawn
        assert drawings == 2 == z.read("word/document.xml").decode().count("<w:drawing>")
    assert "Measured on the same data" in notes and "P. 5" in notes  # the page read as a locator
    assert not [d for d in reporter.diagnostics if d.code.startswith("source.raw")]
    import docx as python_docx
    bold = [r.text for p in python_docx.Document(from_latex.outputs["docx"]).paragraphs for r in p.runs if r.bold]
    assert "robust" in bold and "point" in bold


def test_what_the_latex_reader_would_lose_stays_out_and_is_warned(tmp_path):
    chapter = "# Leftovers\n\nKept \\foo{words} here.\n\nAnd \\input{../../outside} there.\n\n\\newcommand{\\x}{y}\n"
    reporter = Reporter(quiet=True)
    result = build(_project(tmp_path, chapter, "p"), Options(), reporter)
    warned = {(d.line, d.code) for d in reporter.diagnostics if d.code == "source.raw-latex"}
    assert warned == {(3, "source.raw-latex"), (5, "source.raw-latex"), (7, "source.raw-latex")}
    pdf = " ".join(pdf_pages(result.outputs["pdf"]))
    assert "Kept here" in re.sub(r"\s+", " ", pdf) and "outside" not in pdf


def test_parts_read_as_the_whole_with_latex(tmp_path, monkeypatch):
    """The parts path (each part's LaTeX read on its own) gives the whole read's AST."""
    from thesis.build import prepare
    from thesis.context import Stopwatch
    root = _project(tmp_path, LATEX + "\n" + "Filler paragraph with words. " * 400 + "\n\n" + LATEX.replace(
        "# Leftovers", "# Again").replace("sec:results", "sec:again").replace("{fig:latex}", "{fig:again}").replace(
        "{tbl:latex}", "{tbl:again}"), "p")
    in_parts = prepare(root, Options(), Reporter(quiet=True), Stopwatch(), tmp_path / "c1")[1]
    assert len(parts.parts(_loaded(root))) > 2  # the LaTeX in two of them
    monkeypatch.setattr(parts, "parts", lambda thesis: None)
    whole = prepare(root, Options(), Reporter(quiet=True), Stopwatch(), tmp_path / "c2")[1]
    assert in_parts.ast == whole.ast


def _loaded(root):
    from thesis.load import load
    return load(root, Options(), Reporter(quiet=True))


@pytest.mark.parametrize("ref, message", [
    ("\\ref{sec:nowhere}", "undefined label 'sec:nowhere'"),
    ("\\ref{results}", "a label here starts with its kind"),
])
def test_a_latex_reference_to_no_label_is_an_error_at_its_line(tmp_path, ref, message):
    chapter = f"# Leftovers\n\n## Results \\label{{sec:results}}\n\nSee {ref} and \\ref{{sec:results}}.\n"
    with pytest.raises(UserError) as caught:
        build(_project(tmp_path, chapter, "p"), Options(), Reporter(quiet=True))
    found = [d for d in caught.value.diagnostics if d.code == "xref.undefined"]
    assert len(found) == 1 and message in found[0].message
    assert found[0].path.endswith("05-leftovers.md") and found[0].line == 5


def test_convertible_is_the_listed_commands_only():
    assert latex.convertible({"t": "RawInline", "c": ["tex", "\\textbf{a \\emph{b}}"]})
    assert latex.convertible({"t": "RawBlock", "c": ["latex", "\\begin{itemize}\n\\item a\n\\end{itemize}"]})
    for text in ("\\textbf{\\foo{a}}", "\\input{x}", "\\newpage", "a \\textendash{} b", "\\cline{1-2}",
                 "\\ref{fig:x}", "\\begin{tikzpicture}a\\end{tikzpicture}", "\\begin{equation}x\\end{equation}"):
        assert not latex.convertible({"t": "RawInline", "c": ["tex", text]}), text
    assert not latex.convertible({"t": "RawInline", "c": ["html", "<b>a</b>"]})


def test_an_unknown_key_in_a_latex_citation_is_an_error_at_its_line(tmp_path):
    chapter = "# Leftovers\n\nText \\cite{smith2018journal}.\n\nMore \\textcite[p.~5]{author2020book, nosuchkey}.\n"
    with pytest.raises(UserError) as caught:
        build(_project(tmp_path, chapter, "p"), Options(), Reporter(quiet=True))
    found = [(d.path.rsplit("/", 1)[-1], d.line, d.message) for d in caught.value.diagnostics]
    assert found == [("05-leftovers.md", 5, "unknown citation key 'nosuchkey'")]


def test_latex_nested_past_the_limits_stays_out_and_the_build_goes_on(tmp_path):
    """3000 \\textbf inside one another: the LaTeX reader's AST is deeper than the parse lets
    Markdown's be, so the piece stays raw (warned), and the rest of the chapter builds."""
    chapter = "# Leftovers\n\n" + "\\textbf{" * 3000 + "x" + "}" * 3000 + " and \\emph{kept}.\n"
    reporter = Reporter(quiet=True)
    result = build(_project(tmp_path, chapter, "p"), Options(), reporter)
    warned = [d for d in reporter.diagnostics if d.code == "source.raw-latex"]
    assert [d.line for d in warned] == [3] and "could not read it here" in warned[0].message  # not "unsupported"
    assert "and kept." in " ".join(pdf_pages(result.outputs["pdf"]))


SECTIONS_LATEX = """# Methods

\\section{Data}\\label{sec:data}

As section~\\ref{sec:data} shows.

\\subsection*{A note}

Text.

\\subsubsection{Detail}

Text.

\\chapter{Results}

Text.
"""
SECTIONS_MARKDOWN = """# Methods

## Data {#sec:data}

As section\u00a0@sec:data shows.

### A note {-}

Text.

#### Detail

Text.

# Results

Text.
"""


def test_latex_sectioning_reads_as_a_thesis_divides(tmp_path):
    """`\\chapter`, `\\section`, `\\subsection*`… were left out with a warning (the heading's words
    lost): they are headings at the levels a thesis's class gives them (`\\section` is `##`, as
    the warning said to write), starred ones unnumbered, labels and `\\ref` to them working."""
    reporter = Reporter(quiet=True)
    from_latex = build(_project(tmp_path, SECTIONS_LATEX, "latex"), Options(), reporter)
    from_markdown = build(_project(tmp_path, SECTIONS_MARKDOWN, "markdown"), Options(), Reporter(quiet=True))
    assert _texts(from_latex) == _texts(from_markdown)
    assert "As section 2.1 shows." in _texts(from_latex)[0]
    assert not [d for d in reporter.diagnostics if d.code.startswith("source.raw")]
