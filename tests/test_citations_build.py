"""GOST footnotes and the grouped source list as the reader sees them, the same in PDF and DOCX."""

from __future__ import annotations

import re

import pytest

from helpers import build_copy, docx_texts, pdf_pages

NOTES = [
    "Барановский В. Г. Политическая интеграция в Западной Европе. Москва: Наука, 1983. С. 200.",
    "Там же. С. 32.",
    "Назарбаев Н. Ә. Сындарлы он жыл. Алматы: Атамұра, 2003. 45 бет.",
    "Сонда, 46 бет.",
    "Haas E. B. The Challenge of Regionalism // International Organization. 1958. Vol. 12, no. 4. P. 442.",
    "Барановский В. Г. Указ. соч. С. 35.",
    "Устав Содружества Независимых Государств // Сборник документов / под ред. К. К. Токаев. Алматы, 1998. Т. 1. С. 105.",
    "Бектепов Б. Десять шагов к интеграции // Гудок. 1998. 23 мая.",
    "Қараңыз: Haas E. B. Op. cit. P. 450.",
]
SOURCE_LIST = [
    "Деректемелер",
    "1. Устав Содружества Независимых Государств // Сборник документов / под ред. К. К. Токаев. – Алматы, 1998. – Т. 1. – С. 105–120.",
    "Мерзімдік басылымдар",
    "1. Бектепов Б. Десять шагов к интеграции // Гудок. – 1998. – 23 мая.",
    "2. Haas E. B. The Challenge of Regionalism // International Organization. – 1958. – Vol. 12, no. 4. – P. 440–458.",
    "Арнайы әдебиеттер",
    "1. Барановский В. Г. Политическая интеграция в Западной Европе. – Москва: Наука, 1983. – 264 с.",
    "2. Назарбаев Н. Ә. Сындарлы он жыл. – Алматы: Атамұра, 2003.",
    "Интернет сайттары",
    "1. Қазақстан Республикасы Сыртқы істер министрлігі [Электрондық ресурс]. – URL: http://www.mfa.kz (қаралған күні: 01.02.2015).",
]


@pytest.fixture(scope="module")
def cited(tmp_path_factory):
    _, result, reporter = build_copy("cited", tmp_path_factory.mktemp("cited"))
    return result


def test_docx_footnotes_read_as_gost(cited):
    assert docx_texts(cited.outputs["docx"], "word/footnotes.xml", "footnote") == NOTES


def test_pdf_footnotes_read_as_gost_with_marks_before_punctuation(cited):
    page = pdf_pages(cited.outputs["pdf"])[2]
    for number, note in enumerate(NOTES, start=1):
        assert f"{number}{note}" in page, note
    assert "көп қырлы1." in page and "жазады2." in page  # the mark right after the word


def test_source_list_is_grouped_the_same_in_both_outputs(cited):
    docx_text = docx_texts(cited.outputs["docx"], "word/document.xml")
    start = len(docx_text) - 1 - docx_text[::-1].index("ӘДЕБИЕТТЕР ТІЗІМІ")  # the heading, not the contents entry
    docx_list = docx_text[start + 1:]
    # Word numbers list items itself: the DOCX paragraphs carry the text, the numbering is a list.
    assert docx_list == [re.sub(r"^\d+\. ", "", line) for line in SOURCE_LIST]
    pdf_text = " ".join(pdf_pages(cited.outputs["pdf"])[3:])
    assert " ".join(SOURCE_LIST) in pdf_text


def test_a_citation_ending_a_footnote_sentence_prints_one_period(tmp_path):
    """"…[@key]." in a written footnote, the citation's text ending with "Op. cit.": one period."""
    from helpers import copy_project
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    root = copy_project("cited", tmp_path)
    chapter = root / "content" / "01-chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nТағы бір ескерту.^[Тағы: [@haas1958].]\n",
                       encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    notes = docx_texts(result.outputs["docx"], "word/footnotes.xml", "footnote")
    assert notes[-1] == "Тағы: Haas E. B. Op. cit."
    assert "Тағы: Haas E. B. Op. cit. " in " ".join(pdf_pages(result.outputs["pdf"])) + " "
    assert not any(".." in note for note in notes)


def test_a_note_citing_sources_in_two_languages_gives_each_its_own_words(tmp_path):
    """repeat_terms: source (the kz-diploma profile): in one note a Russian source keeps "С."
    and an English one "P.", in the text's notes and in an author's footnote alike."""
    from helpers import copy_project
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    root = copy_project("cited", tmp_path)
    chapter = root / "content" / "01-chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nЕкі тілде[@baranovskii1983, p. 3; @haas1958, p. 442]. "
                       "Керісінше[@haas1958, p. 443; @baranovskii1983, p. 4]. "
                       "Ескертуде.^[Қараңыз: [@haas1958, p. 444; @baranovskii1983, p. 5].]\n", encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    notes = docx_texts(result.outputs["docx"], "word/footnotes.xml", "footnote")
    assert notes[-3:] == [
        "Барановский В. Г. Указ. соч. С. 3; Haas E. B. Op. cit. P. 442.",
        "Haas E. B. Op. cit. P. 443; Барановский В. Г. Указ. соч. С. 4.",
        "Қараңыз: Haas E. B. Op. cit. P. 444; Барановский В. Г. Указ. соч. С. 5.",
    ]
    pdf = " ".join(pdf_pages(result.outputs["pdf"]))
    assert "Haas E. B. Op. cit. P. 443; Барановский В. Г. Указ. соч. С. 4." in pdf


def test_initials_pages_and_counts_are_never_broken_from_their_words(cited):
    """No-break spaces in the notes and the source list: "Барановский В. Г.", "С. 200", "264 с."
    (docx_texts folds them into spaces, so the XML is read as it is)."""
    import re
    import zipfile
    with zipfile.ZipFile(cited.outputs["docx"]) as z:
        notes = re.sub(r"<[^>]+>", "", z.read("word/footnotes.xml").decode())
        body = re.sub(r"<[^>]+>", "", z.read("word/document.xml").decode())
    nb = "\u00a0"
    assert f"Барановский{nb}В.{nb}Г." in notes and f"С.{nb}200." in notes and f"Haas{nb}E.{nb}B." in notes
    assert f"Барановский{nb}В.{nb}Г." in body and f"264{nb}с." in body
    assert f"Т.{nb}1." in body and "Москва: Наука" in body  # other spaces stay breakable


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_page_labels_as_kazakh_and_russian_authors_write_them(tmp_path, language):
    """citeproc reads a locator's label in English only: "с. 17", "17-б.", "б. 105" stayed text
    after the description ("…2019, с. 17.", "…17–б бет."), not the source's words for a page.
    Each form gives the notes that "p." gives."""
    from thesis import scaffold
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    forms = ["с. 17", "17-б.", "б. 17", "стр. 17", "17 бет", "С.17", "бб. 17–19"]
    english = ["p. 17", "p. 17", "p. 17", "p. 17", "p. 17", "p. 17", "p. 17–19"]

    def notes(labels: list[str], name: str) -> list[str]:
        root = tmp_path / name
        scaffold.create(root, "kz-diploma", language)
        text = "# Тарау\n\n" + " ".join(f"Сөйлем{i} [@author2019chapter, {label}]; [@smith2018journal, {label}]."
                                        for i, label in enumerate(labels)) + "\n"
        (root / "content" / "05-test.md").write_text(text, encoding="utf-8")
        result = build(root, Options(targets=("docx",)), Reporter(quiet=True))
        return docx_texts(result.outputs["docx"], "word/footnotes.xml", "footnote")
    written, plain = notes(forms, "written"), notes(english, "plain")
    assert written == plain
    assert not any(re.search(r"(?:с|стр|б)\.\s*17|17-б", note) for note in written), written
