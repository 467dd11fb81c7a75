"""`thesis new`: a new project in each language builds at once, with placeholder warnings only."""

from __future__ import annotations

import io

import pytest
import yaml

from helpers import REPO, docx_texts, pdf_pages
from thesis import lint, scaffold
from thesis.build import Options, build
from thesis.config import ThesisConfig
from thesis.diagnostics import Reporter, UserError

WORDS = {"kk": ("Кіріспе", "Зерттеу кезеңдерінің сызбасы", "Негізгі көрсеткіштер", "Ескерту мәтіні"),
         "ru": ("Введение", "Схема этапов исследования", "Основные показатели", "Текст примечания"),
         "en": ("Introduction", "The stages of the research", "Main indicators", "The text of a note")}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_new_project_builds_with_placeholder_warnings_only(tmp_path, language):
    root = tmp_path / "thesis"
    scaffold.create(root, "kz-diploma", language)
    reporter = Reporter(stream=io.StringIO())
    result = build(root, Options(), reporter)
    assert set(result.outputs) == {"pdf", "docx"}
    assert reporter.warnings and {d.code for d in reporter.warnings} == {"thesis.placeholder"}
    pdf = "\n".join(pdf_pages(result.outputs["pdf"]))
    docx = "\n".join(docx_texts(result.outputs["docx"], "word/document.xml"))
    intro, figure, table, note = WORDS[language]
    for text in (pdf, docx):
        for word in (figure, table, "Smith", "https://www.example.org/"):
            assert word in text, (language, word)
    assert intro.upper() in pdf.upper() and note in pdf
    refs = {"kk": ("сурет 1", "кесте 1", "(1)"), "ru": ("рис. 1", "табл. 1", "(1)"),
            "en": ("Figure 1 shows", "Table 1", "(1)")}[language]
    for text in (pdf, docx):  # the cross-references print the numbers the captions carry
        assert all(ref in text for ref in refs) and "@fig" not in text and "@tbl" not in text, (language, refs)
    assert lint.lint_project(root) == []  # the sample text passes its own lint


def test_thesis_yaml_has_every_option_with_a_comment(tmp_path):
    scaffold.create(tmp_path / "t", "gost-7.32", "ru")
    text = (tmp_path / "t" / "thesis.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert set(data) == set(ThesisConfig.__dataclass_fields__)
    assert data["profile"] == "gost-7.32" and data["language"] == "ru"
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("#") and ":" in line:
            assert lines[i - 1].lstrip().startswith("# "), line
    assert (tmp_path / "t" / ".github" / "workflows" / "thesis.yml").read_text() == \
        (REPO / ".github" / "workflows" / "thesis.yml").read_text()
    assert "build/" in (tmp_path / "t" / ".gitignore").read_text()


def test_the_figure_is_a_png():
    data = scaffold.figure_png()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"


def test_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(UserError) as err:
        scaffold.create(tmp_path, "kz-diploma", "kk")
    assert str(err.value.diagnostic).endswith("is not an empty folder: choose a new one [new.not-empty]")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    with pytest.raises(UserError, match="unknown profile"):
        scaffold.create(tmp_path / "x", "nope", "kk")
    assert not (tmp_path / "x").exists()


def test_cli_new_then_check(tmp_path):
    import subprocess
    import sys
    env_run = dict(capture_output=True, text=True, cwd=tmp_path)
    new = subprocess.run([sys.executable, str(REPO / "build.py"), "new", "t", "--language", "ru"], **env_run)
    assert new.returncode == 0 and (tmp_path / "t" / "content" / "00-vvedenie.md").is_file()
    again = subprocess.run([sys.executable, str(REPO / "build.py"), "new", "t"], **env_run)
    assert again.returncode == 1 and again.stderr.strip() == "t: error: is not an empty folder: choose a new one [new.not-empty]"
    chapter = tmp_path / "t" / "content" / "80-zaklyuchenie.md"
    chapter.write_text("# Заключение\n\nИтог  работы - В.И.Ленин.\n", encoding="utf-8")
    check = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--project", "t"], **env_run)
    assert check.returncode == 1
    assert check.stdout.splitlines() == [
        "t/content/80-zaklyuchenie.md:3:5: warning: doubled space (--fix) [lint.spaces]",
        "t/content/80-zaklyuchenie.md:3:14: warning: hyphen used as a dash: a dash '—' [lint.dash]",
        "t/content/80-zaklyuchenie.md:3:18: warning: no space after the initial 'В.' (--fix) [lint.initials]",
        "t/content/80-zaklyuchenie.md:3:20: warning: no space after the initial 'И.' (--fix) [lint.initials]"]
    fix = subprocess.run([sys.executable, str(REPO / "build.py"), "check", "--fix", "--project", "t"], **env_run)
    assert fix.returncode == 1 and fix.stdout.splitlines()[0] == "fixed 3 finding(s) in 1 file(s)"
    assert chapter.read_text(encoding="utf-8") == "# Заключение\n\nИтог работы - В. И. Ленин.\n"
