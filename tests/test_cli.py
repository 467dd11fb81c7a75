"""The command as an author runs it: `python build.py`, the `thesis` script, the summary it prints."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers import REPO, copy_project


def test_build_py_builds_both_and_prints_what_it_made(tmp_path):
    root = copy_project("minimal", tmp_path)
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--project", str(root)],
                          capture_output=True, text=True, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "built build/thesis.pdf (6 pages)" in out
    assert "built build/thesis.docx (" in out
    assert "font: " in out and "warnings: 0" in out
    for stage in ("load", "parse", "transform", "pdf: typst", "docx", "write"):
        assert f"{stage} " in out.split("time: ", 1)[1]
    assert (root / "build" / "thesis.pdf").stat().st_size > 10_000


def test_one_target_only(tmp_path):
    root = copy_project("minimal", tmp_path)
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "docx", "--quiet", "--project", str(root)],
                          capture_output=True, text=True, cwd=root, timeout=120)
    assert proc.returncode == 0 and proc.stdout == ""
    assert sorted(p.name for p in (root / "build").glob("thesis.*")) == ["thesis.docx"]


@pytest.mark.skipif(shutil.which("thesis") is None, reason="the `thesis` script is installed by pip install -e .")
def test_console_script(tmp_path):
    proc = subprocess.run(["thesis", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("thesis ")


RIS = "TY  - JOUR\nAU  - Иванов, И. И.\nTI  - Статья о данных\nJO  - Журнал\nPY  - 2020\nSP  - 10\nEP  - 20\nER  - \n"


def test_a_ris_export_is_refused_then_converted_by_the_bib_command(tmp_path, monkeypatch):
    """A RIS file listed as the bibliography was read as an empty BibTeX (its entries silently
    gone, its lines linted as prose, and `check --fix` would have rewritten them): now an error
    at thesis.yaml's line naming the command that converts it, and the command's .bib builds."""
    from thesis.cli import main
    root = copy_project("minimal", tmp_path)
    monkeypatch.chdir(root)
    (root / "bibliography").mkdir(exist_ok=True)
    (root / "bibliography" / "elibrary.ris").write_text(RIS, encoding="utf-8")
    thesis_yaml = root / "thesis.yaml"
    thesis_yaml.write_text(thesis_yaml.read_text(encoding="utf-8") + "bibliography: [bibliography/elibrary.ris]\n",
                           encoding="utf-8")
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "--quiet"], capture_output=True, text=True,
                          cwd=root, timeout=120)
    line = thesis_yaml.read_text(encoding="utf-8").count("\n")
    assert proc.returncode == 1 and proc.stderr.splitlines() == [
        f"thesis.yaml:{line}: error: bibliography file 'bibliography/elibrary.ris' is RIS, and the build reads "
        "BibTeX: convert it with `python build.py bib bibliography/elibrary.ris` and list "
        "'bibliography/elibrary.bib' instead [source.bibliography]"]
    assert main(["bib", "bibliography/elibrary.ris"]) == 0
    bib = (root / "bibliography" / "elibrary.bib").read_text(encoding="utf-8")
    key = bib.split("{", 1)[1].split(",", 1)[0]
    assert "Статья о данных" in bib and "Иванов, И. И." in bib
    thesis_yaml.write_text(thesis_yaml.read_text(encoding="utf-8").replace("elibrary.ris", "elibrary.bib"),
                           encoding="utf-8")
    chapter = root / "content" / "01-theory.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\nДерек [@{key}, p. 12].\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, str(REPO / "build.py"), "pdf", "--quiet"], capture_output=True,
                          text=True, cwd=root, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert main(["bib", "bibliography/elibrary.bib"]) == 1  # BibTeX already: nothing to convert
