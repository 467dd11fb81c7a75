"""What a cold build (a fresh output folder, a new process) no longer pays: the shared tool cache
(the DOCX reference document, compiled templates), pandoc found without pypandoc, the AST
handed to pandoc as compact UTF-8 JSON. (Pandoc's memory limit, now set by the shell that
becomes pandoc: test_security.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import copy_project
from thesis import pandoc, toolcache
from thesis.build import build
from thesis.context import Options
from thesis.diagnostics import Reporter, UserError
from thesis.files import json_bytes

ROOT = Path(__file__).resolve().parent.parent


def _build_docx(root: Path, out: Path) -> bytes:
    build(root, Options(out=out, targets=("docx",)), Reporter(quiet=True))
    return (out / "thesis.docx").read_bytes()


def test_a_fresh_output_folder_finds_the_reference_document_in_the_shared_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("THESIS_CACHE_DIR", str(tmp_path / "shared"))
    root = copy_project("minimal", tmp_path)
    first = _build_docx(root, tmp_path / "out1")
    [reference] = (tmp_path / "shared").glob("reference-*.docx")
    assert not list((tmp_path / "out1" / ".cache").glob("reference-*"))  # not made per output folder
    made = reference.stat()
    second = _build_docx(root, tmp_path / "out2")
    assert second == first
    assert (reference.stat().st_ino, reference.stat().st_mtime_ns) == (made.st_ino, made.st_mtime_ns)  # reused
    # No shared cache: the build's own cache holds it, and the DOCX is the same document.
    monkeypatch.setenv("THESIS_CACHE_DIR", "")
    third = _build_docx(root, tmp_path / "out3")
    assert list((tmp_path / "out3" / ".cache").glob("reference-*.docx"))
    assert third == first


def test_the_shared_cache_folder_is_optional(tmp_path, monkeypatch):
    monkeypatch.setenv("THESIS_CACHE_DIR", "")
    assert toolcache.folder() is None
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("THESIS_CACHE_DIR", str(blocked / "cache"))
    assert toolcache.folder() is None  # cannot be made: no shared cache, no failure
    monkeypatch.delenv("THESIS_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert toolcache.folder() == tmp_path / "xdg" / "thesis" and (tmp_path / "xdg" / "thesis").is_dir()


def test_the_ast_reaches_pandoc_as_compact_utf8_json(tmp_path):
    doc = {"pandoc-api-version": [1, 23, 1], "meta": {},
           "blocks": [{"t": "Para", "c": [{"t": "Str", "c": "Қазақ"}, {"t": "Space"}, {"t": "Str", "c": "тілі"}]}]}
    data = json_bytes(doc)  # what pandoc.write and pandoc.citeproc send
    assert "Қазақ".encode() in data and b"\\u" not in data and b", " not in data
    assert json.loads(data) == doc
    assert pandoc.write(doc, "plain", tmp_path).decode().strip() == "Қазақ тілі"


def test_a_lone_surrogate_is_escaped_as_before_and_pandoc_names_the_failure(tmp_path):
    doc = {"pandoc-api-version": [1, 23, 1], "meta": {}, "blocks": [{"t": "Para", "c": [{"t": "Str", "c": "a\ud800"}]}]}
    assert b"\\ud800" in json_bytes(doc)
    with pytest.raises(UserError, match="pandoc failed writing plain"):
        pandoc.write(doc, "plain", tmp_path)


def test_pandoc_is_found_without_importing_pypandoc():
    code = ("import sys; from thesis import pandoc; path = pandoc.executable(); "
            "print(path); print('pypandoc' in sys.modules)")
    env = {k: v for k, v in os.environ.items() if k != "PYPANDOC_PANDOC"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}).stdout.split()
    assert out[1] == "False"
    assert subprocess.run([out[0], "--version"], capture_output=True, text=True).stdout.startswith("pandoc ")
    # $PYPANDOC_PANDOC still lets pypandoc decide.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**env, "PYTHONPATH": str(ROOT), "PYPANDOC_PANDOC": out[0]}).stdout.split()
    assert out[1] == "True"
