"""pandoc-crossref references (@fig:x, [@fig:x; @fig:y], [-@eq:x], @sec:x): resolved by the
build to the numbers the captions and formulas carry, the same text in both outputs; never
seen by citeproc (no "(fig:x?)", no footnote, "Там же" of the next citation kept); an
unknown label is an error at its file:line."""

from __future__ import annotations

import pytest

from helpers import build_copy, docx_texts, pdf_pages
from thesis.diagnostics import UserError


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root, result, reporter = build_copy("crossref", tmp_path_factory.mktemp("crossref"))
    pdf = " ".join(pdf_pages(result.outputs["pdf"]))
    docx = " ".join(docx_texts(result.outputs["docx"], "word/document.xml"))
    notes = docx_texts(result.outputs["docx"], "word/footnotes.xml")
    return pdf, docx, notes


SENTENCES = [
    # @fig:x, [-@tbl:x] (number only), (-@eq:x), @sec:x (a chapter)
    "Схема показана на рис.\u00a01, данные сведены в 1 таблицу, основное уравнение (1) приведено в разделе 1.",
    # [@fig:x; @fig:y] (one prefix, both numbers), @tbl:x, @eq:x
    "Как показано на рис.\u00a01, 2, а также в табл.\u00a01, формула (1) верна",
    # "@eq:x [@key, p.]": the reference, then the citation's note
    "Из него следует (3)",
    # @Fig:x capitalised at a sentence start; @sec:x of a section
    "Рис.\u00a02 повторяет рис.\u00a01 (см. раздел 1.1).",
    # [@eq:x; @eq:y], an appendix by its letter
    "Итог: формулы (1), (3), приложение А.",
    "См. (А.1), табл.\u00a0А.1 и рис.\u00a0А.1.",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_references_read_the_same_in_both_outputs(built, sentence):
    pdf, docx, _ = built
    plain = sentence.replace("\u00a0", " ")  # no break between "рис." and its number (the
    assert plain in pdf.replace("\u00a0", " ")  # text helpers fold it into a space)
    assert plain in docx


def test_no_break_between_the_word_and_the_number(tmp_path):
    from thesis.transforms.numbering import reference_text
    from types import SimpleNamespace
    from thesis.config import Labels
    labels = Labels(contents="", introduction="", conclusion="", references="", abbreviations="", appendix="",
                    figure="Рисунок", table="Таблица", table_continued="", groups={}, figure_ref="рис. {n}")
    thesis = SimpleNamespace(labels=labels)
    numbers = {"fig:a": ("figure", "1.2"), "fig:b": ("figure", "1.3"), "tbl:t": ("table", "2.1"),
               "eq:e": ("equation", "А.1")}
    assert reference_text([("fig:a", "AuthorInText")], numbers, thesis) == "рис.\u00a01.2"
    assert reference_text([("fig:a", "NormalCitation"), ("fig:b", "NormalCitation")], numbers, thesis) == "рис.\u00a01.2, 1.3"
    assert reference_text([("Fig:a", "AuthorInText")], numbers, thesis) == "Рис.\u00a01.2"
    assert reference_text([("tbl:t", "AuthorInText")], numbers, thesis) == "Таблица\u00a02.1"  # no table_ref: the word
    assert reference_text([("eq:e", "AuthorInText")], numbers, thesis) == "(А.1)"
    assert reference_text([("eq:e", "SuppressAuthor")], numbers, thesis) == "А.1"


def test_no_citeproc_garbage_and_footnote_chain_kept(built):
    pdf, docx, notes = built
    for text in (pdf, docx, " ".join(notes)):
        assert "?" not in text and "fig:" not in text and "eq:" not in text
    # Only the three citations are notes; the second and third follow the first: "Там же".
    assert [n for n in notes] == ["Самарский А. А. Теория разностных схем. Москва: Наука, 1983. С. 10.",
                                  "Там же. С. 12.", "Там же. С. 14."], notes


def test_unknown_label_is_an_error_at_its_line(sample, run_cli):
    root = sample("crossref")
    chapter = root / "content" / "01-model.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("@Fig:flow повторяет", "@fig:nowhere повторяет"),
                       encoding="utf-8")
    line = next(i for i, text in enumerate(chapter.read_text(encoding="utf-8").splitlines(), 1) if "@fig:nowhere" in text)
    code, err = run_cli(root)
    assert code != 0
    assert any(f"content/01-model.md:{line}: error:" in e and "fig:nowhere" in e and "[xref.undefined]" in e
               for e in err), err
    assert not any("bib." in e or "citation" in e for e in err), err  # not a citation error


def test_duplicate_label_is_an_error(transformed):
    with pytest.raises(UserError) as caught:
        transformed("# A\n\n$$ a $$ {#eq:x}\n\n$$ b $$ {#eq:x}\n")
    assert [d.code for d in caught.value.diagnostics] == ["xref.duplicate"]


def test_reference_without_a_bibliography(transformed):
    """No citeproc run at all: the references still resolve (the filter runs in every parse)."""
    from thesis import ast
    document = transformed("# Тарау {#sec:a}\n\n: Деректер {#tbl:a}\n\n| a |\n|---|\n| 1 |\n\nҚараңыз: @tbl:a, @sec:a.\n")
    assert "Қараңыз: кесте\u00a01, 1." in ast.stringify(document.blocks)
    assert [(n.kind, n.ident, n.number) for n in document.numbered] == [("table", "tbl:a", "1")]


def test_latex_ref_and_eqref_print_the_same_numbers(transformed):
    """`\\ref`/`\\eqref` (read from raw LaTeX by transforms/raw.py) resolve like `[-@eq:x]`/`@eq:x`."""
    from thesis import ast
    document = transformed("# Тарау\n\n\\begin{equation}\na = b\n\\label{eq:a}\n\\end{equation}\n\n"
                           "$$ c $$ {#eq:b}\n\nСм. \\eqref{eq:a}, \\ref{eq:a} және @eq:b.\n")
    assert "См. (1), 1 және (2)." in ast.stringify(document.blocks)


def test_a_formula_reference_in_the_authors_parentheses_is_not_doubled(transformed):
    from thesis import ast
    document = transformed("# Тарау\n\n$$ a = b $$ {#eq:ab}\n\nБұл (@eq:ab) және @eq:ab бойынша.\n")
    text = ast.stringify(document.blocks)
    assert "Бұл (1) және (1) бойынша." in text and "((1))" not in text
