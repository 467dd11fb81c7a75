"""Numeric references in the text (GOST R 7.0.5): "[1, с. 200]", numbered as the source list is."""

from __future__ import annotations

import re

import pytest

from helpers import docx_texts, pdf_pages
from thesis.build import Options, build
from thesis.diagnostics import Reporter, UserError

CHAPTER = ("# Теория\n\nПервое [@baranovskii1983, p. 200]. Второе [@haas1958, p. 442]. "
           "Оба [@baranovskii1983; @haas1958]. Снова [@baranovskii1983, p. 35].\n\n"
           "Данные в @tbl:t [@haas1958].\n\n: Данные {#tbl:t}\n\n| А | Б |\n|---|---|\n| 1 | 2 |\n\n"
           "# Список {.references}\n")


@pytest.fixture(scope="module")
def numeric(tmp_path_factory):
    from helpers import copy_project
    root = copy_project("cited", tmp_path_factory.mktemp("numeric"))
    (root / "content" / "01-chapter.md").write_text(CHAPTER, encoding="utf-8")
    (root / "content" / "90-sources.md").unlink()
    (root / "thesis.yaml").write_text((root / "thesis.yaml").read_text(encoding="utf-8")
                                      .replace("language: kk", "language: ru")
                                      + "citations: numeric\n", encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    return (" ".join(pdf_pages(result.outputs["pdf"])), docx_texts(result.outputs["docx"], "word/document.xml"),
            docx_texts(result.outputs["docx"], "word/footnotes.xml", "footnote"))


def test_references_in_the_text_carry_the_list_numbers(numeric):
    pdf, docx, notes = numeric
    for text in (pdf, " ".join(docx)):
        assert "Первое [1, с. 200]." in text and "Второе [2, p. 442]." in text
        assert "Оба [1; 2]." in text and "Снова [1, с. 35]." in text
        assert re.search(r"Данные в табл\.[ \u00a0]1 \[2\]\.", text)  # "@tbl:t [@key]": one Cite; its space kept
    assert re.search(r"1\. Барановский В\. Г\. Политическая .* 2\. Haas E\. B\.", pdf)
    assert notes == []  # no footnotes: the references stand in the text


def test_a_wrong_citation_form_is_refused(project, run_cli):
    (project / "thesis.yaml").write_text((project / "thesis.yaml").read_text(encoding="utf-8")
                                         + "citations: footnotes\n", encoding="utf-8")
    code, err = run_cli(project)
    assert code == 1 and err == ["thesis.yaml:15: error: citations: must be 'note' or 'numeric', not "
                                 "'footnotes' [config.invalid]"]
