"""Bad input: one clear `path:line: error: message` line per problem, exit 1, outputs intact."""

from __future__ import annotations

import pytest

from helpers import copy_project
from thesis.cli import main


def run(root, capsys, *args):
    code = main(["--project", str(root), "--quiet", *args])
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


def test_missing_chapter(project, capsys):
    text = (project / "thesis.yaml").read_text()
    (project / "thesis.yaml").write_text(text + "chapters:\n  - content/00-kirispe.md\n  - content/05-absent.md\n")
    code, err = run(project, capsys)
    assert code == 1
    assert err == ["thesis.yaml:17: error: chapter 'content/05-absent.md' does not exist [source.missing]"]


def test_invalid_yaml_names_the_line(project, capsys):
    text = (project / "thesis.yaml").read_text().replace("city: Алматы", "city: [Алматы")
    (project / "thesis.yaml").write_text(text)
    code, err = run(project, capsys)
    assert code == 1 and len(err) == 1
    assert err[0].startswith("thesis.yaml:13: error: invalid YAML")


def test_unknown_profile(project, capsys):
    code, err = run(project, capsys, "--profile", "mit-phd")
    assert code == 1
    assert err == ["error: unknown profile 'mit-phd' (known: generic, gost-7.32, kz-diploma) [config.profile]"]


def test_non_utf8_chapter_says_how_to_convert(project, capsys):
    (project / "content" / "01-theory.md").write_bytes("# Глава\n\nТекст\n".encode("cp1251"))
    code, err = run(project, capsys)
    assert code == 1 and len(err) == 1
    assert err[0].startswith("content/01-theory.md:1: error: not valid UTF-8")
    assert "iconv -f cp1251 -t utf-8" in err[0]


def test_bom_is_tolerated(project, capsys):
    path = project / "content" / "01-theory.md"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, err = run(project, capsys, "docx")
    assert code == 0, err


def test_every_config_problem_is_reported_at_once(project, capsys):
    text = (project / "thesis.yaml").read_text()
    text = text.replace("year: 2015", "year: 15").replace("language: kk", "language: de")
    (project / "thesis.yaml").write_text(text + "colour: blue\n")
    code, err = run(project, capsys)
    assert code == 1
    assert "thesis.yaml:3: error: language: must be one of kk, ru, en, not 'de' [config.invalid]" in err
    assert "thesis.yaml:13: error: year: 15 is not a plausible year [config.invalid]" in err


def test_unknown_key_is_a_warning_and_strict_refuses(project, capsys):
    (project / "thesis.yaml").write_text((project / "thesis.yaml").read_text() + "colour: blue\n")
    code = main(["--project", str(project), "docx"])
    captured = capsys.readouterr()
    assert code == 0
    assert "thesis.yaml:15: warning: colour: unknown key (ignored) [config.unknown-key]" in captured.err
    assert "warnings: 1" in captured.out
    code, err = run(project, capsys, "--strict")
    assert code == 1 and err[-1] == "error: 1 warning(s) and --strict: nothing written [build.strict]"


def test_failed_build_leaves_previous_outputs_intact(project, capsys):
    assert run(project, capsys)[0] == 0
    pdf, docx = (project / "build" / "thesis.pdf").read_bytes(), (project / "build" / "thesis.docx").read_bytes()
    (project / "content" / "01-theory.md").write_bytes(b"\xff\xfe broken")
    assert run(project, capsys)[0] == 1
    assert (project / "build" / "thesis.pdf").read_bytes() == pdf
    assert (project / "build" / "thesis.docx").read_bytes() == docx
    assert sorted(p.name for p in (project / "build").iterdir() if p.name.endswith(".tmp")) == []


def test_usage_error_exits_2(project, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["html"])
    assert exc.value.code == 2


def test_chapter_metadata_cannot_point_outside(project, capsys):
    path = project / "content" / "01-theory.md"
    path.write_text("---\nbibliography: /etc/passwd\n---\n\n" + path.read_text())
    code, err = run(project, capsys)
    assert code == 1
    assert err == ["content/01-theory.md:2: error: metadata key 'bibliography' is not allowed in a chapter; "
                   "set it in thesis.yaml [source.metadata]"]


def test_raw_typst_is_refused(project, capsys):
    path = project / "content" / "01-theory.md"
    path.write_text(path.read_text() + '\n```{=typst}\n#read("/etc/passwd")\n```\n')
    code, err = run(project, capsys)
    assert code == 1
    assert err[0].startswith("content/01-theory.md:17: error: raw typst block: not allowed")


def test_image_outside_project_is_refused(project, capsys):
    path = project / "content" / "01-theory.md"
    path.write_text(path.read_text() + "\n![x](../../../../etc/passwd)\n")
    code, err = run(project, capsys)
    assert code == 1
    assert err[0].startswith("content/01-theory.md:17: error: image '../../../../etc/passwd' is outside the project")


def test_garbage_source_date_epoch_is_an_error(project, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, err = run(project, capsys)
    assert code == 1
    assert err == ["error: SOURCE_DATE_EPOCH must be a whole number of seconds, not 'yesterday' [env.source-date-epoch]"]


def test_suppressed_warning_codes_are_neither_printed_nor_counted(tmp_path, monkeypatch, capsys):
    """(The fixture has two thin entries: a book without pagetotal, an article without pages.)"""
    root = copy_project("cited", tmp_path)
    monkeypatch.chdir(root)
    code = main(["--project", str(root), "docx"])
    out = capsys.readouterr()
    assert code == 0 and "[bib.incomplete]" in out.err and "warnings: 2" in out.out
    (root / "thesis.yaml").write_text((root / "thesis.yaml").read_text() + "suppress_warnings: [bib.incomplete]\n")
    assert main(["--project", str(root), "docx", "--strict"]) == 0
    out = capsys.readouterr()
    assert "[bib.incomplete]" not in out.err
    assert "warnings: 0 (2 suppressed by thesis.yaml)" in out.out


def test_placeholders_cannot_be_suppressed(project, capsys):
    (project / "thesis.yaml").write_text((project / "thesis.yaml").read_text()
                                         + "suppress_warnings: [thesis.placeholder, oops]\n")
    code, err = run(project, capsys)
    assert code == 1
    assert err == ["thesis.yaml:15: error: suppress_warnings: not warning codes (like bib.incomplete): 'oops' "
                   "[config.invalid]"]


def test_placeholder_warnings_stay_whatever_thesis_yaml_says(project, capsys):
    (project / "thesis.yaml").write_text((project / "thesis.yaml").read_text()
                                         + "suppress_warnings: [thesis.placeholder]\n")
    code, err = run(project, capsys)
    assert code == 1
    assert err == ["thesis.yaml:15: error: suppress_warnings: cannot be suppressed: thesis.placeholder "
                   "[config.invalid]"]


def test_obsidian_links_are_warned_at_their_lines(tmp_path):
    from thesis.build import Options, build
    from thesis.diagnostics import Reporter
    root = copy_project("minimal", tmp_path)
    (root / "content" / "05-links.md").write_text(
        "# Сілтемелер\n\nҚараңыз [[Бірінші тарау]] және [[Бірінші тарау|онда]].\n\n![[figure.png]]\n\n"
        "Тізім [[1], [2]] емес.\n", encoding="utf-8")
    reporter = Reporter(quiet=True)
    build(root, Options(targets=("pdf",)), reporter)
    found = [(d.line, d.message.split(" is ")[0]) for d in reporter.warnings if d.code == "source.wikilink"]
    assert found == [(3, "'[[Бірінші тарау]]'"), (3, "'[[Бірінші тарау|онда]]'"), (5, "'![[figure.png]]'")]
