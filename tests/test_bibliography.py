"""BibTeX validation and citation checks: every finding as `path:LINE: level: message [code]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thesis.bibliography import check_citations, load_bibliography
from thesis.config import load_profile
from thesis.diagnostics import Reporter, UserError

REPO = Path(__file__).resolve().parent.parent
CASES = Path("tests/projects/bib-cases")
# The kz-diploma profile's groups, the group of each entry type and the default group.
GROUPS = load_profile(REPO / "profiles" / "kz-diploma.yaml", Reporter(quiet=True)).source_list


@pytest.fixture(autouse=True)
def at_repo_root(monkeypatch):
    """Diagnostics name files relative to the working directory."""
    monkeypatch.chdir(REPO)


def errors_of(*names: str) -> list[str]:
    """The error lines of loading the named bib-cases files (which must fail)."""
    with pytest.raises(UserError) as caught:
        load_bibliography([CASES / f"{n}.bib" for n in names], Reporter(quiet=True), GROUPS)
    return [str(d) for d in caught.value.diagnostics]


def test_syntax_error_names_the_entry_line_and_keeps_the_rest():
    assert errors_of("syntax") == [
        "tests/projects/bib-cases/syntax.bib:9: error: syntax error: unexpected block start: `@book`. "
        "Was still looking for field-value closing `}` (entry 'broken') [bib.syntax]"]


def test_duplicate_key():
    assert errors_of("duplicate") == [
        "tests/projects/bib-cases/duplicate.bib:7: error: duplicate key 'same' for a different entry "
        "(first defined at tests/projects/bib-cases/duplicate.bib:1) [bib.duplicate]"]


def test_the_same_entry_twice_is_a_warning():
    """Zotero and Scholar exports repeat entries: the same fields twice is harmless."""
    reporter = Reporter(quiet=True)
    bib = load_bibliography([CASES / "cited.bib", CASES / "cited.bib"], reporter, GROUPS)
    assert set(bib.entries) == {"used", "unused"}
    assert [str(d) for d in reporter.warnings] == [
        "tests/projects/bib-cases/cited.bib:1: warning: 'used' is written twice, the same both times "
        "(first at tests/projects/bib-cases/cited.bib:1): the second is ignored [bib.duplicate]",
        "tests/projects/bib-cases/cited.bib:7: warning: 'unused' is written twice, the same both times "
        "(first at tests/projects/bib-cases/cited.bib:7): the second is ignored [bib.duplicate]"]


def test_missing_required_fields_are_errors_where_cited_and_warnings_where_not():
    bib = load_bibliography([CASES / "missing.bib"], Reporter(quiet=True), GROUPS)
    found = check_citations(bib, {"nobody": [("content/01.md", 4)], "nojournal": [("content/01.md", 5)]}, [])
    assert [str(d) for d in found if d.code == "bib.missing-field"] == [
        "tests/projects/bib-cases/missing.bib:1: error: @book{nobody} needs 'author' or 'editor' [bib.missing-field]",
        "tests/projects/bib-cases/missing.bib:6: error: @article{nojournal} needs 'journaltitle' or 'journal' "
        "[bib.missing-field]",
        "tests/projects/bib-cases/missing.bib:12: warning: @online{nourl} needs 'url' (not cited, so not "
        "printed) [bib.missing-field]"]


def test_unknown_group_at_its_field_line():
    assert errors_of("group") == [
        "tests/projects/bib-cases/group.bib:5: error: unknown group 'monographs' in 'grouped' "
        "(known: documents, periodicals, literature, websites) [bib.group]"]


def test_impossible_years():
    assert errors_of("year") == [
        "tests/projects/bib-cases/year.bib:4: error: impossible date '19983' in 'future': "
        "not a year from 1450 to next year [bib.year]",
        "tests/projects/bib-cases/year.bib:10: error: impossible year '983' in 'ancient': "
        "not a year from 1450 to next year [bib.year]"]


def test_non_utf8_file():
    assert errors_of("cp1251") == [
        "tests/projects/bib-cases/cp1251.bib:2: error: not valid UTF-8 (byte 0xc8); it looks like CP1251: "
        "convert it with `iconv -f cp1251 -t utf-8 cp1251.bib -o cp1251.bib.utf8` [source.encoding]"]


def test_all_files_reported_at_once():
    lines = errors_of("syntax", "year", "cp1251")
    assert [line.split(":")[0] for line in lines] == [
        "tests/projects/bib-cases/syntax.bib", "tests/projects/bib-cases/year.bib",
        "tests/projects/bib-cases/year.bib", "tests/projects/bib-cases/cp1251.bib"]


def test_entries_know_their_place_group_and_language():
    bib = load_bibliography([CASES / "sources.bib"], Reporter(quiet=True), GROUPS)
    entry = bib.entries["baranovsky1983"]
    assert (entry.type, entry.line, entry.group, entry.langid, entry.language) == (
        "book", 2, "literature", "russian", "ru")
    assert bib.entries["almaty1998"].group == "documents"       # written in the entry
    assert bib.entries["security2012"].group == "documents"     # implied by @legislation
    assert bib.entries["ivanov1998"].group == "periodicals"
    assert bib.entries["mfa"].group == "websites"
    assert bib.language_of("nazarbayev2003", "ru") == "kk"
    assert bib.language_of("nowhere", "ru") == "ru"


# ---------------------------------------------------------------- citations

def test_citation_checks():
    reporter = Reporter(quiet=True)
    bib = load_bibliography([CASES / "cited.bib"], reporter, GROUPS)
    cited = {"used": [("content/01-intro.md", 3)], "ghost": [("content/02-chapter.md", 41)]}
    found = check_citations(bib, cited, [])
    assert [str(d) for d in found if d.level == "error"] == [
        "content/02-chapter.md:41: error: unknown citation key 'ghost' [cite.undefined]"]
    assert [str(d) for d in found if d.level == "warning"] == [
        "tests/projects/bib-cases/cited.bib:7: warning: 'unused' is never cited "
        "(cite it, or list it in thesis.yaml 'nocite') [cite.unused]",
        "tests/projects/bib-cases/cited.bib:1: warning: 'used' has no location, publisher, pagetotal: "
        "its reference will be incomplete [bib.incomplete]"]


@pytest.mark.parametrize("nocite", [["unused"], ["*"]])
def test_nocite_keeps_an_uncited_entry_quiet(nocite):
    reporter = Reporter(quiet=True)
    bib = load_bibliography([CASES / "cited.bib"], reporter, GROUPS)
    found = check_citations(bib, {"used": [("content/01-intro.md", 3)]}, nocite)
    assert [d.code for d in found] == ["bib.incomplete"]


def csl_of(tmp_path, bib_text: str, for_gost: bool = True, reporter=None):
    """The .bib text loaded (with the kz-diploma groups) and converted to the CSL items citeproc
    reads: (the Bibliography, {key: item})."""
    from thesis.bibliography import csl_items
    from thesis.diagnostics import Reporter
    bib_path = tmp_path / "sources.bib"
    bib_path.write_text(bib_text, encoding="utf-8")
    bib = load_bibliography([bib_path], reporter or Reporter(quiet=True), GROUPS)
    items = json.loads(csl_items(bib, [bib_path], tmp_path, tmp_path / "cache", for_gost).read_text())
    return bib, {item["id"]: item for item in items}


def names_of(item: dict, role: str = "author") -> list[tuple[str, str]]:
    return [(n.get("family"), n.get("given")) for n in item.get(role) or item.get("original-author", [])]


def test_whole_issue_is_described_by_its_title_alone(tmp_path):
    """Pandoc maps @periodical to an article that is its own container; the build mends it."""
    _, items = csl_of(tmp_path, "@periodical{kp, title = {Казахстанская правда}, entrysubtype = {newspaper},\n"
                                "  date = {2001-04-15}, langid = {kazakh}, group = {periodicals}}\n")
    assert items["kp"]["title"] == "Казахстанская правда"
    assert "container-title" not in items["kp"]
    assert items["kp"]["language"] == "kk-KZ"


@pytest.mark.parametrize("for_gost", [True, False])
def test_math_and_doi_links_in_exported_entries(tmp_path, for_gost):
    """A title with TeX math ({$\\alpha$}) printed '$\\alpha$' (pandoc's CSL JSON keeps the TeX);
    a DOI exported as its link printed 'DOI: https://doi.org/10…'. Prices are not math."""
    _, items = csl_of(
        tmp_path, "@article{a, author = {Berg, Jan}, title = {On the {$\\alpha$}-conjecture in $H_2O$ and $\\frac{a}{b}$},\n"
        "  journal = {J. Res.}, year = {2020}, doi = {https://doi.org/10.1000/xyz123}}\n"
        "@book{b, author = {Lee, K.}, title = {The \\$100 laptop and \\$200 phone}, year = {2020},\n"
        "  publisher = {P}, location = {L}, doi = {doi:10.1/b}}\n", for_gost)
    assert items["a"]["title"] == "On the α-conjecture in H₂O and $\\frac{a}{b}$"  # no plain form: as written
    assert (items["a"]["DOI"], items["b"]["DOI"]) == ("10.1000/xyz123", "10.1/b")
    assert items["b"]["title"] == "The $100 laptop and $200 phone"


@pytest.mark.parametrize("for_gost", [True, False])
def test_surname_first_without_a_comma(tmp_path, for_gost):
    """'Иванов И.И.' without a comma is, by BibTeX's rule, given 'Иванов И.' and surname 'И.':
    printed 'И. И. И.'. Written so in a hand-made .bib of nearly every Russian thesis."""
    _, items = csl_of(tmp_path, "@book{a, author = {Иванов И.И. and Петров П. П. and Smith J. and J. Smith and "
                      "Смит Дж. and Ли Б.}, title = {Т}, publisher = {Наука}, location = {М.}, year = {2019}}\n", for_gost)
    assert names_of(items["a"]) == [("Иванов", "И. И."), ("Петров", "П. П."), ("Smith", "J."), ("Smith", "J."),
                     ("Смит", "Дж."), ("Ли", "Б.")]


def test_hand_written_gost_labels_in_number_fields(tmp_path):
    """A .bib typed the GOST way: 'Т. 3' printed 'Т. Т. 3', '№ 5' '№ № 5', 'С. 10-20' 'С. С. 10–20';
    a book's 'pages = {240 с.}' gave no extent (and a false 'no pagetotal'); '2019г.' no year."""
    from thesis.bibliography import check_citations
    bib, items = csl_of(
        tmp_path, "@book{b, author = {Иванов, И. И.}, title = {Методы}, publisher = {Наука}, address = {Москва},\n"
        "  year = {2019г.}, pages = {240 с.}, langid = {russian}}\n"
        "@article{a, author = {Сидоров, С. С.}, title = {Анализ}, journal = {Вопросы экономики}, year = {2020},\n"
        "  volume = {Т. 3}, number = {№ 5}, pages = {С. 10-20}, langid = {russian}}\n")
    assert (items["a"]["volume"], items["a"]["issue"], items["a"]["page"]) == ("3", "5", "10-20")
    assert items["b"]["number-of-pages"] == "240" and items["b"]["issued"] == {"date-parts": [[2019]]}
    assert check_citations(bib, {"b": [("c.md", 1)], "a": [("c.md", 2)]}, []) == []


def test_names_listed_with_commas_or_semicolons(tmp_path):
    """'Иванов И. И., Петров П. П.' is one garbled name to BibTeX ('Иванов И. И. С. С. С. Петров
    П. П.' was printed): read as the list it is, and warned with what to write."""
    from thesis.diagnostics import Reporter
    reporter = Reporter(quiet=True)
    _, items = csl_of(
        tmp_path, "@book{b, author = {Иванов И. И., Петров П. П., Сидоров С. С.}, title = {Т}, publisher = {Н},\n"
        "  address = {М.}, year = {2019}, pagetotal = {240}, langid = {russian}}\n"
        "@book{c, author = {Smith, J.; Doe, A.}, editor = {Иванов, Иван Иванович}, title = {T}, publisher = {P},\n"
        "  address = {L}, year = {2019}, pagetotal = {24}, langid = {english}}\n", reporter=reporter)
    assert [(d.line, d.code) for d in reporter.warnings if d.code == "bib.names"] == [(1, "bib.names"), (3, "bib.names")]
    assert names_of(items["b"]) == [("Иванов", "И. И."), ("Петров", "П. П."), ("Сидоров", "С. С.")]
    assert names_of(items["c"]) == [("Smith", "J."), ("Doe", "A.")]
    assert names_of(items["c"], "editor") == [("Иванов", "Иван Иванович")]


def test_full_names_surname_first_as_cyberleninka_exports_them(tmp_path):
    """'Иванов Иван Иванович' (CyberLeninka's export, no comma) is by BibTeX's rule given 'Иванов
    Иван', surname 'Иванович': printed 'Иванович И. И.'. A patronymic last makes the first word
    the surname; with the patronymic in the middle the name is left as read."""
    _, items = csl_of(
        tmp_path, "@article{a, author = {Иванов Иван Иванович and Нұрланов Ерлан Серікұлы and Дмитрий Дмитриевич Шостакович},\n"
        "  title = {Т}, journal = {Ж}, year = {2019}, langid = {russian}}\n"
        "@article{b, author = {Петрова Мария Сергеевна, Ахметова Айгүл Болатқызы}, title = {Т}, journal = {Ж},\n"
        "  year = {2019}, langid = {russian}}\n")
    assert {key: names_of(item) for key, item in items.items()} == {"a": [("Иванов", "Иван Иванович"), ("Нұрланов", "Ерлан Серікұлы"),
                           ("Шостакович", "Дмитрий Дмитриевич")],
                     "b": [("Петрова", "Мария Сергеевна"), ("Ахметова", "Айгүл Болатқызы")]}


def test_a_whole_library_exported_is_said_in_one_line_not_thousands(tmp_path):
    """A reference manager's whole library exported into the .bib: each uncited entry was a
    warning, each entry without a langid a note (2000 lines for 2000 entries); above
    MANY_UNCITED in one file, one line each, at the first of them."""
    from thesis.bibliography import MANY_UNCITED
    from thesis.diagnostics import Reporter
    count = MANY_UNCITED + 5
    text = "".join(f"@book{{k{i}, author = {{Author, A.}}, title = {{Book number {i}}}, publisher = {{P}},\n"
                   f"  location = {{L}}, year = {{2000}}, pagetotal = {{10}}}}\n" for i in range(count))
    bib_path = tmp_path / "library.bib"
    bib_path.write_text(text, encoding="utf-8")
    reporter = Reporter(quiet=True)
    bib = load_bibliography([bib_path], reporter, GROUPS)
    langid = [d for d in reporter.diagnostics if d.code == "bib.langid"]
    assert [(d.line, d.message.split(":")[0]) for d in langid] == [(1, f"{count} entries of this file have no langid")]
    unused = [d for d in check_citations(bib, {"k3": [("c.md", 1)]}, []) if d.code == "cite.unused"]
    assert [(d.line, d.message.split(" (")[0]) for d in unused] == [(1, f"{count - 1} entries of this file are never cited")]


def test_another_format_is_told_by_its_content_too(tmp_path):
    """An export saved under .bib (or .txt) is told apart by its first characters: a RIS file
    ("TY  - "), CSL JSON; BibTeX, even with a byte order mark, is BibTeX."""
    from thesis.bibmend import not_bibtex
    for name, text, kind in [("ris.bib", "TY  - JOUR\nER  - \n", "RIS"), ("csl.txt", '[{"id": "a", "type": "book"}]', "CSL JSON"),
                             ("ok.bib", "\ufeff@book{a, title = {T}}\n", None), ("empty.bib", "", None)]:
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert not_bibtex(tmp_path / name) == kind, name
