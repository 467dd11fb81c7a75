"""The watch's Typst child process (thesis/writers/typst_worker.py): its memory stays flat
edit after edit without being renewed, and it runs this package whatever the working
directory holds."""

from __future__ import annotations

import shutil

from helpers import REPO
from thesis.build import build
from thesis.context import Options
from thesis.diagnostics import Reporter
from thesis.writers import typst_worker
from thesis.writers.typst_worker import TypstWorker


def _rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS:"))


def test_edits_leave_the_child_flat_and_unrenewed(tmp_path):
    """Without the empty compiles that age Typst's cache, each edit of the thesis grows the
    child by ~35 MiB and it is renewed after the third (GROWTH_LIMIT_MB)."""
    root = tmp_path / "thesis"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("build", ".git", "tests", "bench", "vendor"))
    session: dict = {"watch": True}
    chapter = sorted((root / "content").glob("*.md"))[1]
    text = chapter.read_text(encoding="utf-8")
    try:
        build(root, Options(targets=("pdf",)), Reporter(quiet=True), session)
        worker = session["typst"]
        pid, first = worker.pid, _rss_mb(worker.pid)
        for i in range(6):
            chapter.write_text(text.replace("интеграция", f"интеграция{i}", 1), encoding="utf-8")
            build(root, Options(targets=("pdf",)), Reporter(quiet=True), session)
        assert worker.pid == pid and worker._renewing is None
        assert _rss_mb(pid) - first < 60
    finally:
        if session.get("typst") is not None:
            session["typst"].close()


def test_a_thesis_folder_in_the_working_directory_is_not_imported(tmp_path, monkeypatch):
    (tmp_path / "thesis").mkdir()
    (tmp_path / "thesis" / "__init__.py").write_text("raise SystemExit('the wrong package')\n")
    monkeypatch.chdir(tmp_path)
    worker = TypstWorker(tmp_path)
    try:
        status, pdf, _, _ = worker.compile(b"Hello", {}, 0)
        assert status == "ok" and pdf.startswith(b"%PDF")
    finally:
        worker.close()


def test_memory_is_measured_without_proc(tmp_path):
    """Where there is no /proc (macOS), the child's size is its peak: never a crash."""
    assert typst_worker._rss_mb(str(tmp_path / "no-proc")) > 10
    assert abs(typst_worker._rss_mb() - typst_worker._rss_mb(str(tmp_path / "no-proc"))) < 200
