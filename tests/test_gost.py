"""GOST descriptions of 50 sources of every kind (tests/projects/gost-corpus), as the build makes them.

Each source is cited four times: first with a page, again with another page ("Там же. С. 6."),
again without a page ("Там же."), and once more after other sources ("Иванов И. И. Указ. соч.
С. 7."); the words are those of the source's language (repeat_terms: source), as in the build.
Golden files: tests/golden/gost/<standard>-{list,notes}.txt, one source per block. Regenerate
with `pytest tests/test_gost.py --update-golden`, then read the diff against the standards'
examples (GOST 7.1-2003 App. A, GOST R 7.0.100-2018 App. A, GOST R 7.0.5-2008) before committing.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

import pypandoc
import pytest

from thesis import gost
from thesis.ast import stringify, walk
from thesis.bibliography import check_citations, csl_items, load_bibliography
from thesis.diagnostics import Reporter

TESTS = Path(__file__).resolve().parent
CSL = TESTS.parent / "styles" / "gost-r-7.0.5-note.csl"
BIB = TESTS / "projects" / "gost-corpus" / "bibliography" / "corpus.bib"
GOLDEN = TESTS / "golden" / "gost"
TAGS = {"kk": "kk-KZ", "ru": "ru-RU", "en": "en-US", "de": "de-DE", "fr": "fr-FR"}
VARIANTS = {"gost-7.1-2003": ("gost-7.1-2003", "–", False),
            "gost-r-7.0.100-2018": ("gost-r-7.0.100-2018", "—", True)}


def describe(variant: str) -> dict[str, dict]:
    """Every corpus source's list entry and its four notes, in its own language."""
    bib = load_bibliography([BIB], Reporter(quiet=True))
    cache = Path(tempfile.gettempdir()) / "thesis-test-gost"
    items = csl_items(bib, [BIB], BIB.parent, cache)
    style = gost.style_for(CSL, *VARIANTS[variant], cache)
    keys = [k for k, e in bib.entries.items() if e.type != "xdata"]
    text = (" ".join(f"A[@{k}, p. 5]. B[@{k}, p. 6]. C[@{k}]." for k in keys) + " "
            + " ".join(f"D[@{k}, p. 7]." for k in keys) + "\n\n::: {#refs}\n:::\n")
    out: dict[str, dict] = {}
    for lang in sorted({bib.language_of(k, "ru") for k in keys}):
        run = subprocess.run([pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "json",
                              "--citeproc", f"--csl={style}", f"--bibliography={items}",
                              "--metadata", f"lang={TAGS[lang]}"],
                             input=text.encode(), capture_output=True, check=True)
        doc = json.loads(run.stdout)
        gost.fix_ibid(doc, lambda key: lang, gost.ibid_terms(style))
        notes = [stringify(el["c"]) for el in walk(doc["blocks"]) if el["t"] == "Note"]
        refs = {el["c"][0][0][4:]: stringify(el["c"][1]) for el in walk(doc["blocks"])
                if el["t"] == "Div" and el["c"][0][0].startswith("ref-")}
        for i, key in enumerate(keys):
            if bib.language_of(key, "ru") == lang:
                out[key] = {"list": refs[key], "notes": [*notes[3 * i:3 * i + 3], notes[3 * len(keys) + i]]}
    return {k: out[k] for k in keys}


@pytest.fixture(scope="module", params=list(VARIANTS))
def corpus(request):
    return request.param, describe(request.param)


def check_golden(request, name: str, text: str) -> None:
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; run pytest --update-golden"
    want = path.read_text(encoding="utf-8").split("\n\n")
    got = text.split("\n\n")
    wrong = [g for g, w in zip(got, want) if g != w]
    assert len(got) == len(want) and not wrong, f"{len(wrong)} of {len(want)} differ:\n" + "\n\n".join(wrong[:5])


def test_list_entries_golden(request, corpus):
    variant, described = corpus
    assert len(described) >= 40
    check_golden(request, f"{variant}-list.txt",
                 "\n\n".join(f"{k}\n{d['list']}" for k, d in described.items()) + "\n")


def test_notes_golden(request, corpus):
    variant, described = corpus
    check_golden(request, f"{variant}-notes.txt",
                 "\n\n".join(f"{k}\n" + "\n".join(d["notes"]) for k, d in described.items()) + "\n")


# Spelled out from the standards' examples: what the golden files must never lose.
EXPECTED_LIST = {
    "hayek2005": "Хайек Ф. А. Дорога к рабству / пер. с англ. М. Гнедовского. – М.: Новое издательство, "
                 "2005. – 264 с. – ISBN 5-98379-037-4.",
    "agafonova2002": "Агафонова Н. Н., Богачева Т. В., Глушкова Л. И. Гражданское право: учеб. пособие для "
                     "вузов / под ред. А. Г. Калпина. – 2-е изд., перераб. и доп. – М.: Юристъ, 2002. – 542 с. "
                     "– (Institutiones; т. 221). – ISBN 5-7975-0429-4.",
    "ivanova2000": "Информационно-библиографическое обслуживание: библиогр. указ. / сост. Т. А. Иванова. "
                   "– М.: Пашков дом, 2000. – 120 с.",
    "belozerov2002": "Белозеров И. В. Религиозная политика Золотой Орды на Руси в XIII–XIV вв.: "
                     "дис. … канд. ист. наук : 07.00.02. – М., 2002. – 215 с.",
    "pushkin1977": "Пушкин А. С. Полное собрание сочинений: в 10 т. – Л.: Наука, 1977–1979.",
    "pushkin1977v3": "Пушкин А. С. Полное собрание сочинений: в 10 т. Т. 3. Поэмы. Сказки. – Л.: Наука, "
                     "1977. – 496 с.",
    "keller2012": "Keller E. F. Genes, genomes, and genomics // Biological Theory. – 2012. – Vol. 6, no. 2. "
                  "– P. 132–140. – DOI: 10.1007/s13752-012-0014-9.",
    "lawvere2003": "Lawvere F. W., Rosebrugh R. Sets for mathematics. – Cambridge: Cambridge University "
                   "Press, 2003. – 261 p. – ISBN 0-521-80444-2.",
    "luhmann2001": "Luhmann N. Die Rückkehr der Gesellschaft // Zeitschrift für Soziologie. – 2001. "
                   "– Bd. 30, Nr. 4. – S. 239–257.",
    "bourdieu1979": "Bourdieu P. La distinction: critique sociale du jugement. – Paris: Minuit, 1979. "
                    "– 670 p. – (Le sens commun).",
    "kozlov2020": "Козлов В. П. Цифровые архивы [Электронный ресурс] // Вестник архивиста. – 2020. – URL: "
                  "https://www.vestarchive.ru/2020/kozlov (дата обращения: 15.01.2024).",
    # a report: its institution after " / ", its number at the end (GOST R 7.0.100-2018, App. A);
    # "№" and "Пат." stay on one line with their numbers (a no-break space)
    "nir2000": "Состояние и перспективы развития статистики печати в Российской Федерации: отчет о НИР "
               "(заключ.) / Рос. кн. палата. – М., 2000. – 250 с. – №\u00a001990002361.",
    "roe2001": "Roe R. Orbital debris mitigation / NASA. – Washington, 2001. – 48 p. – No.\u00a0TM-2001-210876.",
    # a patent under its number, the inventors after "/", its publication date (GOST 7.1-2003, App. A)
    "chugaeva2002": "Пат.\u00a02187888 Российская Федерация. Приемопередающее устройство / Чугаева В. И. – Опубл. "
                    "20.08.2002. – 3 с.",
    "smith2015pat": "Pat.\u00a09012345 US. Method for water purification / Smith J., Doe J. – Publ. 21.04.2015.",
    "gost71": "ГОСТ 7.1–2003. Библиографическая запись. Библиографическое описание. Общие требования и "
              "правила составления. – Введ. 2004-07-01. – М.: Изд-во стандартов, 2004. – 48 с.",
}


def test_descriptions_from_the_standards():
    described = describe("gost-7.1-2003")
    for key, want in EXPECTED_LIST.items():
        assert described[key]["list"] == want, key
    assert described["gilyarevsky2003"]["notes"] == [
        "Гиляревский Р. С. Основы информатики: курс лекций. М.: Экзамен, 2003. С. 5.",
        "Там же. С. 6.", "Там же.", "Гиляревский Р. С. Указ. соч. С. 7."]
    assert described["lawvere2003"]["notes"][1:] == [
        "Ibid. P. 6.", "Ibid.", "Lawvere F. W., Rosebrugh R. Op. cit. P. 7."]
    assert described["gost71"]["notes"][3] == "ГОСТ 7.1–2003. С. 7."


def test_gost_r_7_0_100_2018_variant():
    described = describe("gost-r-7.0.100-2018")
    assert described["gilyarevsky2003"]["list"] == (
        "Гиляревский Р. С. Основы информатики : курс лекций. — М. : Экзамен, 2003. — 320 с. "
        "— (Учебное пособие для высшей школы). — ISBN 5-94692-535-9. — Текст : непосредственный.")
    assert described["w3c2017"]["list"].endswith("(accessed: 01.02.2024). — Text : electronic.")
    assert "[Электронный ресурс]" not in described["mfa"]["list"]
    assert described["bykov2001"]["list"].startswith(
        "История России : учеб. пособие для студентов всех специальностей / В. Н. Быков, А. В. Иванов, "
        "В. Н. Сухов, И. И. Петров.")


def test_latin_script_sources_never_get_russian_words():
    described = describe("gost-7.1-2003")
    bib = load_bibliography([BIB], Reporter(quiet=True))
    for key, d in described.items():
        if bib.language_of(key, "ru") in ("en", "de", "fr"):
            text = " ".join([d["list"], *d["notes"]])
            for word in ("С.", " с.", "Т.", "[и др.]", "Указ. соч.", "под ред.", "Там же"):
                assert word not in text, (key, word)


def test_titles_print_as_written():
    described = describe("gost-7.1-2003")
    assert "Sets for mathematics" in described["lawvere2003"]["list"]
    assert "The Art of Computer Programming" in described["knuth1997"]["list"]


def test_crossref_children_are_valid_and_parents_not_unused(tmp_path, monkeypatch):
    from thesis import bibliography
    monkeypatch.setattr(bibliography, "MANY_UNCITED", 10**6)  # each uncited entry said on its own
    bib = load_bibliography([BIB], Reporter(quiet=True))  # raises on a missing required field
    found = check_citations(bib, {"dvinyaninova2001": [("x.md", 1)], "pushkin1977v3": [("x.md", 2)]}, [])
    warnings = [d.message for d in found]
    assert any("'gilyarevsky2003' is never cited" in w for w in warnings)
    assert not any("'pyatnitsky2001' is never cited" in w or "'pushkin1977' is never" in w for w in warnings)


def test_missing_parent_and_fields_needed(tmp_path):
    from thesis.diagnostics import UserError
    bad = tmp_path / "bad.bib"
    bad.write_text("@incollection{x, crossref = {nowhere}, title = {T}, date = {2000}}\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_bibliography([bad], Reporter(quiet=True))
    assert "crossref 'nowhere'" in str(err.value.diagnostics[0].message)
    thin = tmp_path / "thin.bib"
    thin.write_text("@thesis{t, author = {A, B.}, title = {T}, date = {2000}}\n", encoding="utf-8")
    bib = load_bibliography([thin], Reporter(quiet=True))
    assert gost.missing_fields(bib.entries["t"], bib.entries) == ["type", "location", "pagetotal"]


def test_pdf_and_docx_print_the_golden_list(sample):
    """The whole corpus in a thesis (nocite: '*'): every golden list entry, word for word, in
    the PDF and in the DOCX."""
    import re
    import shutil
    from helpers import docx_texts, pdf_pages
    from thesis.build import Options, build
    root = sample("minimal")
    (root / "bibliography").mkdir()
    shutil.copy(BIB, root / "bibliography" / "corpus.bib")
    (root / "thesis.yaml").write_text((root / "thesis.yaml").read_text(encoding="utf-8").replace(
        "language: kk", "language: ru") + "bibliography: [bibliography/corpus.bib]\nnocite: ['*']\n",
        encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    # Compared without spaces and hyphens: the PDF breaks lines inside words ("психоло- гия",
    # "Лаком- книга"), the DOCX does not.
    fold = lambda text: re.sub(r"[\s\u00ad-]+", "", text)
    pdf = fold(" ".join(pdf_pages(result.outputs["pdf"])))
    docx = fold(" ".join(docx_texts(result.outputs["docx"], "word/document.xml")))
    golden = (GOLDEN / "gost-7.1-2003-list.txt").read_text(encoding="utf-8").strip().split("\n\n")
    entries = [fold(block.split("\n", 1)[1]) for block in golden]
    assert len(entries) == 50
    missing_pdf = [e for e in entries if e not in pdf]
    missing_docx = [e for e in entries if e not in docx]
    assert (missing_pdf, missing_docx) == ([], [])
