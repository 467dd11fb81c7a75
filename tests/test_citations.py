"""The GOST note style run by pandoc's citeproc: footnote forms in kk, ru, en and list entries.

Golden files: tests/golden/citations/*.txt, one footnote or entry per line.
Regenerate with `pytest tests/test_citations.py --update-golden`, then read the diff
as a supervisor would before committing it.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pypandoc
import pytest

from thesis.ast import stringify, walk

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
CSL = REPO / "styles" / "gost-r-7.0.5-note.csl"
BIB = TESTS / "projects" / "bib-cases" / "sources.bib"
GOLDEN = TESTS / "golden" / "citations"
LANG_TAGS = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US"}

# First citation, ibid with a new page, ibid with no page, another source, a non-adjacent
# repeat with and without a page, then every entry type once.
SEQUENCE = """\
A[@baranovsky1983, p. 200]. B[@baranovsky1983, p. 32]. C[@baranovsky1983, p. 32].
D[@taylor1983, p. 5]. E[@baranovsky1983, p. 35]. F[@baranovsky1983].
G[@nazarbayev2003, p. 34]. H[@nazarbayev2003].
I[@khazanov1993, p. 7]. J[@barkovsky2000, p. 8]. K[@ekonomika2005, p. 9]. L[@osipov1995, p. 440].
M[@almaty1998, p. 104]. N[@ivanov1998, p. 15]. O[@bektepov1998]. P[@petrov2005, p. 3].
Q[@security2012]. R[@mfa]. S[@osipov1995, p. 12]. T[@almaty1998, p. 105].

::: {#refs}
:::
"""


def csl_items(bib: Path) -> Path:
    """The CSL JSON the build gives citeproc for `bib` (pandoc's mapping, mended)."""
    from thesis.bibliography import csl_items as build_items, load_bibliography
    from thesis.diagnostics import Reporter
    cache = Path(tempfile.gettempdir()) / "thesis-test-csl"
    return build_items(load_bibliography([bib], Reporter(quiet=True)), [bib], bib.parent, cache)


def citeproc(markdown: str, lang: str, bib: Path = BIB) -> dict:
    """The pandoc AST of `markdown` after citeproc with the project's style, as the build runs it."""
    out = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "json", "--citeproc",
         f"--csl={CSL}", f"--bibliography={csl_items(bib)}", "--metadata", f"lang={LANG_TAGS[lang]}"],
        input=markdown.encode(), capture_output=True, check=True)
    return json.loads(out.stdout)


def notes(doc: dict) -> list[str]:
    """The text of every footnote, in order."""
    return [stringify(el["c"]) for el in walk(doc["blocks"]) if el["t"] == "Note"]


def entries(doc: dict) -> list[str]:
    """The text of every entry citeproc put in `Div#refs`, in its order."""
    return [stringify(el["c"][1]) for el in walk(doc["blocks"])
            if el["t"] == "Div" and el["c"][0][0].startswith("ref-")]


def check_golden(request, name: str, lines: list[str]) -> None:
    """Compare `lines` with tests/golden/citations/<name> (or rewrite it with --update-golden)."""
    path = GOLDEN / name
    text = "\n".join(lines) + "\n"
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; run pytest --update-golden"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["kk", "ru", "en"])
def sequence(request):
    return request.param, citeproc(SEQUENCE, request.param)


def test_notes_golden(request, sequence):
    lang, doc = sequence
    check_golden(request, f"notes-{lang}.txt", notes(doc))


def test_entries_golden(request, sequence):
    lang, doc = sequence
    check_golden(request, f"entries-{lang}.txt", entries(doc))


# The forms a GOST-trained reader expects, spelled out (the golden files hold the rest).
EXPECTED = {
    "ru": ["Барановский В. Г. Политическая интеграция в Западной Европе. Москва: Наука, 1983. С. 200.",
           "Там же. С. 32.", "Там же. С. 32.", None, "Барановский В. Г. Указ. соч. С. 35.",
           "Барановский В. Г. Указ. соч."],
    "kk": ["Барановский В. Г. Политическая интеграция в Западной Европе. Москва: Наука, 1983. 200 бет.",
           "Сонда, 32 бет.", "Сонда, 32 бет.", None, "Барановский В. Г. Аталған еңбек. 35 бет.",
           "Барановский В. Г. Аталған еңбек."],
    "en": ["Барановский В. Г. Политическая интеграция в Западной Европе. Москва: Наука, 1983. P. 200.",
           "Ibid. P. 32.", "Ibid. P. 32.", None, "Барановский В. Г. Op. cit. P. 35.",
           "Барановский В. Г. Op. cit."],
}


def test_first_ibid_and_short_forms(sequence):
    lang, doc = sequence
    got = notes(doc)
    for i, want in enumerate(EXPECTED[lang]):
        if want is not None:
            assert got[i] == want, f"note {i + 1}"


def test_ibid_without_page_and_entry_extent():
    kk = notes(citeproc("A[@nazarbayev2003]. B[@nazarbayev2003].", "kk"))
    assert kk[1] == "Сонда."
    ru = entries(citeproc(SEQUENCE, "ru"))
    assert ("Барановский В. Г. Политическая интеграция в Западной Европе. – Москва: Наука, 1983. "
            "– 264 с.") in ru


def test_every_entry_type_in_the_list():
    ru = entries(citeproc(SEQUENCE, "ru"))
    want = [
        "Хазанов А. М., Котляров В. С. Россия – СНГ – Азия. – Москва: Наука, 1993. – 180 с.",
        "Барковский А. Н., Краснов Л. В., Рыбаков О. К. СНГ: на пути к экономическому союзу. – Москва: Экономика, 2000. – 210 с.",
        "Энциклопедический социологический словарь / под ред. Г. В. Осипов. – Москва: ИСПИ РАН, 1995. – 939 с.",
        "Алматинская декларация // Содружество Независимых Государств: сборник документов / под ред. К. К. Токаев. – Алматы, 1998. – Т. 1. – С. 103–105.",
        "Иванов Ю. О. О международных сопоставлениях ВВП России и других стран СНГ // Вопросы экономики. – 1998. – № 1. – С. 12–20.",
        "Бектепов Б. Десять шагов к интеграции // Гудок. – 1998. – 23 мая.",
        "Петров П. П. Интеграционные процессы в СНГ: дис. … канд. ист. наук / КазНУ им. аль-Фараби. – Алматы, 2005. – 180 с.",
        "Министерство иностранных дел Республики Казахстан: официальный сайт [Электронный ресурс]. – URL: http://www.mfa.kz (дата обращения: 01.02.2015).",
    ]
    for line in want:
        assert line in ru


# ---------------------------------------------------------------- citeproc pitfalls

def test_citation_inside_a_written_footnote():
    """The note stays one note; pandoc puts a citation that shares a note with text in parentheses."""
    got = notes(citeproc("A^[See [@baranovsky1983, p. 3].] B[@baranovsky1983, p. 4].", "ru"))
    assert got == ["See (Барановский В. Г. Политическая интеграция в Западной Европе. Москва: "
                   "Наука, 1983. С. 3).", "Там же. С. 4."]


def test_suffix_without_locator_keeps_the_source():
    """jgm/citeproc#119: after a cite with a page, a suffix without one is a short repeat, not a bare ibid."""
    got = notes(citeproc("A[@taylor1983, p. 3]. B[@taylor1983, especially the preface].", "en"))
    assert got[1] == "Taylor P. Op. cit., especially the preface."


def test_ibid_after_another_source_is_not_ibid():
    got = notes(citeproc("A[@baranovsky1983, p. 3]. B[@taylor1983, p. 4]. C[@baranovsky1983, p. 3].", "ru"))
    assert got[2] == "Барановский В. Г. Указ. соч. С. 3."


def test_ibid_after_a_plain_footnote_is_not_ibid():
    """citeproc counts note numbers: a note without a citation in between breaks the ibid chain."""
    got = notes(citeproc("A[@baranovsky1983, p. 3]. B^[A remark.] C[@baranovsky1983, p. 3].", "ru"))
    assert got[2] == "Барановский В. Г. Указ. соч. С. 3."


def test_ibid_after_a_note_citing_two_sources_is_not_ibid():
    got = notes(citeproc("A[@baranovsky1983, p. 3; @taylor1983, p. 1]. B[@taylor1983, p. 1].", "ru"))
    assert got[1] == "Taylor P. Указ. соч. С. 1."


@pytest.mark.xfail(strict=True, reason="jgm/citeproc#162: an author-in-text citation in ibid position "
                   "prints 'Барановский В. Г., Там же. С. 8'; write [@key, p. 8] inside footnotes")
def test_names_are_not_repeated_in_ibid():
    got = notes(citeproc("A[@baranovsky1983, p. 3]. B^[@baranovsky1983 [p. 8] argues.]", "ru"))
    assert got[1] == "Там же. С. 8 argues."


def test_bracketed_citation_in_a_footnote_is_plain_ibid():
    """The workaround for jgm/citeproc#162: a bracketed citation opening the note."""
    got = notes(citeproc("A[@baranovsky1983, p. 3]. B^[[@baranovsky1983, p. 8]. Argues.]", "ru"))
    assert got[1] == "Там же. С. 8. Argues."
