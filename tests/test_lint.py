"""Source lint (`thesis check`): each check on small texts, --fix, the .bib, the real thesis."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

from helpers import REPO, copy_project
from test_fidelity import FONT_DAMAGE
from thesis import lint
from thesis.diagnostics import Diagnostic


def codes(text: str, language: str = "kk", path: str = "c.md") -> list[str]:
    return [d.code for d in lint.lint_text(text, path, language)]


def found(text: str, code: str, language: str = "kk", path: str = "c.md") -> list[Diagnostic]:
    return [d for d in lint.lint_text(text, path, language) if d.code == code]


# ---------------------------------------------------------------- positions

def test_diagnostic_renders_line_and_column():
    diags = lint.lint_text("# Кіріспе\n\nМәтін  екі бос орын.\n", "content/00.md", "kk")
    assert [str(d) for d in diags] == ["content/00.md:3:6: warning: doubled space (--fix) [lint.spaces]"]
    assert "line=3,col=6" in diags[0].github()
    assert str(Diagnostic("warning", "m", "a.md", 4, "x.y")) == "a.md:4: warning: m [x.y]"


def test_column_counts_characters_not_bytes():
    (d,) = found("Әәә ғғ  қ.", "lint.spaces")
    assert (d.line, d.column) == (1, 7)


# ---------------------------------------------------------------- each check

@pytest.mark.parametrize("text, language", [
    ("Бұл РџСЂРёРІРµС‚ сөзі.", "ru"),            # UTF-8 read as CP1251
    ("Ð¡Ð±Ð¾Ñ€Ð½Ð¸Ðº документов", "ru"),         # UTF-8 read as CP1252
    ("Ñáîðíèê äîêóìåíòîâ.", "ru"),            # CP1251 read as CP1252
    ("Қ.Тоқаев: Іазаєстан Республикасы", "kk"),  # the Kazakh font: є for қ
    ("«ұрыс даласың болатын.", "kk"),          # ң for a closing quote after an open quote
    ("келісімінң екіжақтық", "kk"),            # ң after a consonant
    ("етеді.ң Бұл", "kk"),                     # ң after punctuation
    ("қатынастарыны” де”гейіне", "kk"),        # ” inside a word
])
def test_mojibake_found(text, language):
    assert "lint.mojibake" in codes(text, language)


@pytest.mark.parametrize("text, language", [
    ("Мемлекеттердің «ортақ нарығы» туралы.", "kk"),
    ("Мемлекеттердің «ортақ нарығының» мәні.", "kk"),   # a genitive inside closed quotes
    ("«Мемлекеттердің екі жағдайы» бар.", "kk"),
    ("Müller, café, naïve, Größe.", "en"),
    ("Сенің ағаң келді.", "kk"),                          # a real word ending in vowel + ң
    ("Ні, він прийшов.", "ru"),
])
def test_mojibake_not_found(text, language):
    assert "lint.mojibake" not in codes(text, language)


def test_every_font_damage_spot_of_the_seed_is_found():
    """The 13 spots repaired in content/ (tests/test_fidelity.py FONT_DAMAGE), each in a sentence."""
    for damaged, fixed in FONT_DAMAGE:
        text = f"Бұл {damaged} болатын."
        hits = [d for d in lint.lint_text(text, "c.md", "kk") if d.code in ("lint.mojibake", "lint.mixed-script")]
        assert hits, damaged
        assert not [d for d in lint.lint_text(f"Бұл {fixed} болатын.", "c.md", "kk")
                    if d.code in ("lint.mojibake", "lint.mixed-script")], fixed


@pytest.mark.parametrize("text, fixed", [
    ("ХХ ғасырда", "XX ғасырда"),
    ("XVІІІ-XІX ғасырлар", "XVIII-XIX ғасырлар"),
    ("сын-cағатта", "сын-сағатта"),
    ("Kazakhstаn", "Kazakhstan"),
    ("https://www.mfа.kz/ru сайты", "https://www.mfa.kz/ru сайты"),
    ("І тарау", "I тарау"),
])
def test_mixed_script_found_and_fixed(text, fixed):
    assert "lint.mixed-script" in codes(text)
    assert lint.fix_text(text, "kk") == fixed


@pytest.mark.parametrize("text", [
    "С. 45 бетте", "Атаев Х. А. еңбегі", "С другой стороны", "Мысалы, iPhone және Windows XP.",
    "http://президент.рф сайты", "Іс-шара", "Х. А. Атаев",
])
def test_mixed_script_not_found(text):
    assert "lint.mixed-script" not in codes(text, "ru")


def test_mixed_script_without_a_safe_fix():
    (d,) = found("Kazakhstanда", "lint.mixed-script")
    assert "(--fix)" not in d.message


def test_quotes():
    assert codes('Ол "Қайта құру" деді.') == ["lint.quotes"]
    assert lint.fix_text('Ол "Қайта құру" деді.', "kk") == "Ол «Қайта құру» деді."
    assert lint.fix_text("Ол “Қайта құру” деді.", "kk") == "Ол «Қайта құру» деді."
    assert lint.fix_text("Ол «Қайта құру” деді.", "kk") == "Ол «Қайта құру» деді."
    assert codes("Ол «Қайта құру» деді.") == []
    assert codes("Он сказал: «Это „вопрос“ времени».", "ru") == []
    assert codes('He said "yes".', "en") == []
    assert codes("```\nprint(\"x\")\n```\n\nЖәне `a = \"b\"` код.") == []


def test_quotes_not_fixed_when_ambiguous():
    text = 'Ол "Қайта " құру" деді.'
    assert lint.fix_text(text, "kk") == text


def test_dash():
    assert codes("Алматы - Қазақстанның қаласы.") == ["lint.dash"]
    assert "–" in found("1998 - 2001 жылдар", "lint.dash")[0].message
    assert codes("- тізім элементі\n- екіншісі") == []
    assert codes("Әскери-саяси ынтымақтастық — маңызды.") == []
    assert codes("| a | - |\n|---|---|\n| b | c |") == []


def test_spaces():
    assert codes("Бұл  сөз.") == ["lint.spaces"]
    assert lint.fix_text("Бұл  сөз   мұнда.", "kk") == "Бұл сөз мұнда."
    assert codes("Жол соңы  \nкелесі жол.") == []          # a Markdown line break
    assert codes("| Жыл  | Сан |\n|------|-----|\n| 1998 | 10  |") == []
    assert codes("    код  блогы") == []


def test_punctuation_space():
    assert codes("Бұл сөз , және.") == ["lint.punctuation-space"]
    assert codes("Алматы,2002 жыл.") == ["lint.punctuation-space"]
    assert codes("құра аламыз.Осы жағдайда") == ["lint.punctuation-space"]
    assert lint.fix_text("Бұл сөз , және( мысалы ) сол.Осы жерде,мұнда.", "kk") == \
        "Бұл сөз, және(мысалы) сол. Осы жерде, мұнда."
    for ok in ("3,14 және 2.5", "т.б. және т.с.с.", "Мысалы [@key, p. 5].", "www.mfa.kz сайты",
               "Сағат 10:30.", "а) бірінші; б) екінші.", "Ескерту.^[Мәтін.]", "Не? Иә!"):
        assert codes(ok) == [], ok


def test_initials():
    assert lint.fix_text("В.И.Ленин және Ленин В.И. және Н.Назарбаев", "ru") == \
        "В. И. Ленин және Ленин В. И. және Н. Назарбаев"
    assert codes("В. И. Ленин", "ru") == []
    assert codes("США и т.д.", "ru") == []
    assert codes("С.13 бет", "ru") == []


def test_block_markers_are_not_doubled_spaces():
    """Pandoc's own Markdown (a DOCX converted with `pandoc -t markdown`) writes "-   item",
    "1.  item", ":   definition": Markdown's spacing after a marker, not a typing slip."""
    markdown = ("-   item\n\n1.  item\n\n10. item\n\na)  item\n\n(1)  item\n\nTerm\n\n:   definition\n\n"
                ">  quote\n\n> -   listed in a quote\n\n    *   nested\n\n(@)  example\n")
    assert codes(markdown, "en") == []
    assert codes("-   item with  two spaces\n", "en") == ["lint.spaces"]
    assert codes("> a - b\n", "en") == ["lint.dash"]


def test_latex_ties():
    """'~' ties words in LaTeX; in Markdown one prints a tilde and two make a subscript."""
    text = "Figure~1 and В.~И.~Ленин"
    assert codes(text, "ru") == ["lint.tie"] * 3
    assert lint.fix_text(text, "ru") == "Figure\u00a01 and В.\u00a0И.\u00a0Ленин"
    for ok in ("H~2~O", "~~strike~~", "a~b~c", "Figure~\\ref{fig:a}", "`a~b`", "see http://x.org/~u",
               "a \\~ b", "ends~", "$a~b$"):
        assert codes(ok, "en") == [], ok


def test_brackets():
    assert codes("Бұл (мысал сөз.") == ["lint.brackets"]
    assert codes("Бұл мысал) сөз.") == ["lint.brackets"]
    assert codes("Ол «сөз деді.") == ["lint.brackets"]
    assert codes("Тізім: а) бірінші, б) екінші.") == []
    assert codes("Бұл (мысал [ішкі] сөз).") == []
    assert codes("Бірінші абзац (ашық.\n\nЕкінші абзац жабық.)") == ["lint.brackets", "lint.brackets"]


def test_masked_regions_are_not_linted():
    text = ("---\ntitle: \"x\"  y\n---\n\n# Тақырып {#sec:x .unnumbered}\n\n"
            "Мәтін [сілтеме](https://example.com/a--b \"т\") және $a  -  b$ және <!-- x  y -->.\n\n"
            "$$\nx  -  \"y\"\n$$\n\n[@key1; @key2, pp. 5 - 9] мәтін.\n")
    assert codes(text) == []


# ---------------------------------------------------------------- the .bib

BIB = """% comment  with  doubled spaces
@book{a,
  author = {Токаев, К.К.},
  title  = {Дипломатия  Казахстана},
  url    = {https://mfа.kz/book},
  langid = {russian},
}
"""


def test_bib_values_are_linted_at_their_position():
    diags = lint.lint_text(BIB, "bibliography/s.bib", "kk")
    assert [(d.code, d.line, d.column) for d in diags] == [
        ("lint.initials", 3, 23), ("lint.spaces", 4, 23), ("lint.mixed-script", 5, 21)]
    fixed = lint.fix_text(BIB, "kk", "s.bib")
    assert "{Токаев, К. К.}" in fixed and "{Дипломатия Казахстана}" in fixed
    assert "https://mfa.kz/book" in fixed and "comment  with  doubled" in fixed


# ---------------------------------------------------------------- --fix

MESSY = ('# Кіріспе\n\nВ.И.Ленин  айтқандай , "ХХ ғасыр" сын-cағат болды.Осы  жерде\n'
         'Алматы - қала ( мысалы ) және [@key, p. 5].\n')


def test_fix_is_idempotent_and_leaves_only_unsafe_findings():
    fixed = lint.fix_text(MESSY, "kk")
    assert fixed == ('# Кіріспе\n\nВ. И. Ленин айтқандай, «XX ғасыр» сын-сағат болды. Осы жерде\n'
                     'Алматы - қала (мысалы) және [@key, p. 5].\n')
    assert lint.fix_text(fixed, "kk") == fixed
    assert codes(fixed) == ["lint.dash"]


def test_fix_project_rewrites_atomically(tmp_path, monkeypatch):
    root = copy_project("minimal", tmp_path)
    chapter = sorted((root / "content").glob("*.md"))[0]
    chapter.write_text(MESSY, encoding="utf-8")
    replaced = []
    files = __import__("thesis.files").files
    real_replace = files.os.replace

    def spy(src, dst):
        replaced.append((Path(src).parent, Path(dst)))
        assert Path(src).read_text(encoding="utf-8") == lint.fix_text(MESSY, "kk")
        assert chapter.read_text(encoding="utf-8") == MESSY  # untouched until the swap
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", spy)
    changed = lint.fix_project(root)
    assert replaced == [(chapter.parent, chapter)]
    assert changed == {chapter: len(codes(MESSY)) - 1}  # all but the dash
    assert chapter.read_text(encoding="utf-8") == lint.fix_text(MESSY, "kk")
    assert [p.name for p in chapter.parent.iterdir() if p.name.startswith(".")] == []
    assert lint.fix_project(root) == {}


def test_failed_fix_leaves_the_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "c.md"
    path.write_text("old", encoding="utf-8")

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(__import__("thesis.files").files.os, "replace", boom)
    with pytest.raises(OSError):
        lint.write_atomic(path, "new".encode())
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["c.md"]


# ---------------------------------------------------------------- the real thesis

def test_the_real_thesis():
    """content/ was repaired; what remains is real: “…” and «…” where Kazakh prints «…», run-together
    initials, hyphens for dashes, a few spaces. The one font-hack ” for ң the lint found in 01
    (өкілдеріні”) is repaired now: the same text still shows it."""
    diags = lint.lint_project(REPO)
    by_code: dict[str, int] = {}
    for d in diags:
        by_code[d.code] = by_code.get(d.code, 0) + 1
    assert by_code == {"lint.quotes": 93, "lint.initials": 58, "lint.dash": 31, "lint.brackets": 6,
                       "lint.punctuation-space": 4}
    damaged = "орыс “отаршылдары” мен “жергілікті” ұлт өкілдеріні” арасындағы қақтығыс."
    (moji,) = [d for d in lint.lint_text(damaged, REPO / "x.md", "kk") if d.code == "lint.mojibake"]
    assert damaged[moji.column - 11:moji.column] == "өкілдеріні”"
    assert not [d for d in diags if d.path.endswith(".bib")]
    assert all(re.fullmatch(r"lint\.[a-z-]+", d.code) and d.line and d.column for d in diags)


def test_check_sources_for_the_build():
    from thesis.sources import Chapter
    thesis = types.SimpleNamespace(chapters=(Chapter(Path("content/01.md"), "Бұл  сөз."),),
                                   bibliography_files=(), language="kk")
    (d,) = lint.check_sources(None, thesis)
    assert (d.level, d.code, d.line, d.column) == ("warning", "lint.spaces", 1, 4)


def test_control_characters_are_found_and_removed_and_never_reach_the_docx(tmp_path):
    """A control character pasted into a table caption made pandoc's OpenXML unreadable
    (the fuzz test found it): the lint names it, --fix removes it, the DOCX never has it."""
    import shutil
    import zipfile
    from helpers import PROJECTS
    from thesis.build import build
    from thesis.context import Options
    from thesis.diagnostics import Reporter
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Кесте \x07 атауы\n\nМәтін \x01 бар.\n"
    found = lint.lint_text(text, "x.md", "kk")
    assert [(d.line, d.column, d.code) for d in found if d.code == "lint.control"] == [(5, 9, "lint.control"),
                                                                                     (7, 7, "lint.control")]
    fixed = lint.fix_text(text, "kk")
    assert "\x07" not in fixed and "\x01" not in fixed and "Кесте атауы" in fixed
    root = tmp_path / "p"
    shutil.copytree(PROJECTS / "minimal", root, ignore=shutil.ignore_patterns("build"))
    chapter = sorted((root / "content").glob("*.md"))[-1]
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\n" + text, encoding="utf-8")
    result = build(root, Options(), Reporter(quiet=True))
    with zipfile.ZipFile(result.outputs["docx"]) as z:
        xml = z.read("word/document.xml").decode()
    assert "Кесте  атауы" in xml and "\x07" not in xml and "\x01" not in xml
