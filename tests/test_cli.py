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
