"""The grouped source list: collation, grouping, numbering, citation order, source-language words."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given, strategies as st

from test_citations import BIB, SEQUENCE, check_golden, citeproc, notes
from thesis.ast import stringify, walk
from thesis.bibliography import load_bibliography
from thesis.config import Project, load_profile
from thesis.context import Thesis
from thesis.diagnostics import Reporter
from thesis.document import Document
from thesis.transforms.sourcelist import CYRILLIC, collation_key, group_source_list, localize

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
KAZAKH_ORDER = TESTS / "projects" / "bib-cases" / "kazakh-order.bib"


def context(language: str, bib: Path = BIB, profile: str = "kz-diploma", **source_list) -> Thesis:
    """The inputs of a thesis in `language` with the given profile and bibliography."""
    reporter = Reporter(quiet=True)
    prof = load_profile(REPO / "profiles" / f"{profile}.yaml", reporter)
    prof.source_list = dataclasses.replace(prof.source_list, **source_list)
    thesis = SimpleNamespace(language=language, nocite=[])
    project = Project(REPO, thesis, prof, REPO / "thesis.yaml", REPO / "profiles" / f"{profile}.yaml")
    return Thesis(project, (), load_bibliography([bib], reporter, prof.source_list), (bib,), 0)


def transformed(markdown: str, thesis: Thesis, bib: Path = BIB) -> dict:
    """`markdown` through citeproc in every language, then the source-list transforms."""
    runs = {lang: citeproc(markdown, lang, bib) for lang in ("kk", "ru", "en")}
    document = Document(runs.pop(thesis.language), citeproc_runs=runs)
    localize(document, thesis)
    group_source_list(document, thesis)
    return document.ast


def source_list(doc: dict) -> list[str]:
    """The rebuilt list as text: group headings, then "n. entry" lines."""
    refs = next(el for el in walk(doc["blocks"]) if el["t"] == "Div" and el["c"][0][0] == "refs")
    lines = []
    for block in refs["c"][1]:
        if block["t"] == "Header":
            lines.append(stringify(block["c"][2]))
        elif block["t"] == "OrderedList":
            start = block["c"][0][0]
            lines += [f"{start + i}. {stringify(item)}" for i, item in enumerate(block["c"][1])]
    return lines


def built(language: str, markdown: str = SEQUENCE, bib: Path = BIB, **options) -> list[str]:
    """The source list of `markdown` in a thesis in `language`, each entry in its source's words."""
    return source_list(transformed(markdown, context(language, bib, **options), bib))


# ---------------------------------------------------------------- collation

def test_kazakh_letters_follow_their_russian_neighbours():
    words = ["Ясин", "Әбенов", "Абаев", "Ғабдуллин", "Қасымов", "Өмірбеков", "Ұлықбеков",
             "Үсенов", "Іргебаев", "Һашимов", "Ыбыраев", "Ңғ", "Эминов"]
    assert sorted(words, key=collation_key) == [
        "Абаев", "Әбенов", "Ғабдуллин", "Қасымов", "Ңғ", "Өмірбеков", "Ұлықбеков", "Үсенов",
        "Һашимов", "Ыбыраев", "Іргебаев", "Эминов", "Ясин"]


def test_russian_order_and_case_are_kept():
    words = ["ёлка", "Ежов", "жук", "Ёжиков", "Яковлев", "акимов"]
    assert sorted(words, key=collation_key) == ["акимов", "Ежов", "Ёжиков", "ёлка", "жук", "Яковлев"]


def test_a_shorter_name_sorts_before_its_extension():
    assert sorted(["Кимов Б.", "Ким А."], key=collation_key) == ["Ким А.", "Кимов Б."]


@given(st.text(alphabet=CYRILLIC + CYRILLIC.upper(), min_size=1),
       st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1))
def test_cyrillic_sorts_before_latin(cyrillic, latin):
    assert collation_key(cyrillic) < collation_key(latin)


# ---------------------------------------------------------------- the list

def test_grouped_list_golden(request):
    check_golden(request, "sourcelist-kk-grouped.txt", built("kk"))


def test_groups_in_profile_order_with_restarting_numbers():
    lines = built("ru")
    headings = [line for line in lines if not line[0].isdigit()]
    assert headings == ["Документы", "Периодические издания", "Специальная литература", "Интернет-ресурсы"]
    assert lines[1].startswith("1. Алматинская декларация")
    assert lines[lines.index("Периодические издания") + 1].startswith("1. Бектепов Б.")
    literature = lines[lines.index("Специальная литература") + 1:lines.index("Интернет-ресурсы")]
    assert literature[0].startswith("1. Барановский В. Г. Политическая интеграция")
    # four authors: described under the title, so sorted by it (Э after the other Cyrillic heads)
    assert ("Экономика Казахстана / Е. М. Абенов [и др.]. – Алматы: Қазақ университеті, 2005. – 320 с."
            in " ".join(literature))
    assert literature[-1].startswith("8. Taylor P. The Limits of European Integration")


def test_continuous_numbering():
    lines = built("ru", numbering="continuous")
    numbers = [int(line.split(".")[0]) for line in lines if line[0].isdigit()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_citation_order_is_one_list():
    lines = built("ru", "B[@taylor1983]. A[@mfa]. C[@taylor1983]. D[@baranovsky1983].\n\n::: {#refs}\n:::\n",
                  order="citation")
    assert [line[:12] for line in lines] == ["1. Taylor P.", "2. Министерс", "3. Барановск"]


def test_kazakh_alphabetical_order_cyrillic_before_latin():
    keys = ["ya", "ae", "a", "gh", "d", "q", "l", "oe", "p", "uu", "f", "i", "e", "lat"]
    markdown = "".join(f"X[@{k}]. " for k in keys) + "\n\n::: {#refs}\n:::\n"
    lines = built("kk", markdown, KAZAKH_ORDER)
    assert [line.split(" ")[1] for line in lines[1:]] == [
        "Абаев", "Әбенов", "Ғабдуллин", "Дауленов", "Қасымов", "Лаумулин", "Өмірбеков",
        "Примбетов", "Ұлықбеков", "Фарабиев", "Іргебаев", "Эминов", "Ясин", "Abbott"]


# ---------------------------------------------------------------- whose words

LANGS = "A[@baranovsky1983, p. 200]. B[@baranovsky1983, p. 32]. C[@nazarbayev2003, p. 34]. " \
        "D[@nazarbayev2003, p. 35]. E[@taylor1983, p. 31]. F[@taylor1983, p. 32].\n\n::: {#refs}\n:::\n"


def localized(repeat_terms: str) -> dict:
    return transformed(LANGS, context("kk", repeat_terms=repeat_terms))


def test_words_follow_the_source_language(request):
    doc = localized("source")
    got = notes(doc)
    assert got[1] == "Там же. С. 32."
    assert got[3] == "Сонда, 35 бет."
    assert got[5] == "Ibid. P. 32."
    assert ("1. Барановский В. Г. Политическая интеграция в Западной Европе. – Москва: Наука, 1983. – 264 с."
            in source_list(doc))
    check_golden(request, "notes-kk-source-language.txt", got)


def test_words_follow_the_thesis_language():
    got = notes(localized("thesis"))
    assert [got[1], got[3], got[5]] == ["Сонда, 32 бет.", "Сонда, 35 бет.", "Сонда, 32 бет."]
