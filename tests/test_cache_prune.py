"""The build cache (`build/.cache`) stays about the size of what one build uses: each
successful build removes the entries no recent build used (files.prune_cache), and what a
build reads back is marked used, so a rebuild after pruning still finds every entry it
needs. Pruning only ever costs time: a reader takes a missing entry for a miss."""

from __future__ import annotations

import os
import time

from helpers import copy_project
from thesis import files, pandoc
from thesis.build import build
from thesis.context import Options
from thesis.diagnostics import Reporter


def _entries(cache):
    return {p.relative_to(cache) for p in cache.rglob("*") if p.is_file()}


def test_prune_keeps_what_was_used_and_the_newest_of_the_rest(tmp_path):
    now = time.time()
    for i in range(6):  # unused, the older the higher i
        (tmp_path / f"old{i}").write_text("x")
        os.utime(tmp_path / f"old{i}", (now - 100 - i, now - 100 - i))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "used").write_text("x")
    (tmp_path / "sub" / "stale").write_text("x")
    os.utime(tmp_path / "sub" / "stale", (now - 100, now - 100))
    assert files.prune_cache(tmp_path, since=now - 10, keep=2) == 4
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["old0", "old1", "stale", "used"]
    assert files.prune_cache(tmp_path, since=now - 10, keep=0) == 2  # `sub` used one: it keeps one unused
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == ["stale", "used"]


def test_hit_marks_an_entry_used(tmp_path):
    entry = tmp_path / "entry"
    assert not files.hit(entry)
    entry.write_text("x")
    os.utime(entry, (1, 1))
    assert files.hit(entry) and entry.stat().st_mtime > time.time() - 60
    assert files.cached_bytes(tmp_path / "missing") is None


def test_edits_leave_a_bounded_cache_and_the_outputs_of_a_fresh_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(files, "KEEP_UNUSED", 0)  # nothing kept but what the last build used
    root = copy_project("rendered", tmp_path)  # with an image: the DOCX cache's media too
    out = tmp_path / "out"
    session: dict = {"watch": True}
    chapter = root / "content" / "01-theory.md"
    text = chapter.read_text(encoding="utf-8")
    try:
        build(root, Options(out=out), Reporter(quiet=True), session)
        first = _entries(out / ".cache")
        assert any(p.parts[:2] == ("docx", "media") for p in first)
        made, sizes = set(first), []
        for i in range(16):
            chapter.write_text(text.replace("\n\n", f"\n\nEdit{i}.\n\n", 1), encoding="utf-8")
            build(root, Options(out=out), Reporter(quiet=True), session)
            made |= _entries(out / ".cache")
            sizes.append(len(_entries(out / ".cache")))
        # what a build used and as much again of the earlier versions': the size levels off (each
        # edit makes ~5 entries: without pruning, 16 edits would add ~80)
        assert max(sizes[-5:]) - min(sizes[-5:]) <= 3 and sizes[-1] <= 2.2 * len(first), sizes
        assert len(made) - sizes[-1] > 30
    finally:
        session["typst"].close()
    build(root, Options(out=tmp_path / "fresh"), Reporter(quiet=True))
    for name in ("thesis.pdf", "thesis.docx"):
        assert (out / name).read_bytes() == (tmp_path / "fresh" / name).read_bytes(), name


def test_a_rebuild_after_pruning_runs_no_pandoc_and_writes_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(files, "KEEP_UNUSED", 0)
    root = copy_project("rendered", tmp_path)
    out = tmp_path / "out"
    build(root, Options(out=out), Reporter(quiet=True))
    chapter = root / "content" / "01-theory.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("\n\n", "\n\nAn edit.\n\n", 1), encoding="utf-8")
    build(root, Options(out=out), Reporter(quiet=True))  # prunes the first version's entries
    pdf, docx = (out / "thesis.pdf").read_bytes(), (out / "thesis.docx").read_bytes()

    real_start, runs = pandoc._start, []
    monkeypatch.setattr(pandoc, "_start", lambda *a, **k: runs.append(a) or real_start(*a, **k))
    build(root, Options(out=out), Reporter(quiet=True))
    assert runs == []  # every entry the build needs survived the pruning
    assert (out / "thesis.pdf").read_bytes() == pdf and (out / "thesis.docx").read_bytes() == docx


def test_an_image_gone_from_the_cache_is_converted_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = copy_project("rendered", tmp_path)
    out = tmp_path / "out"
    build(root, Options(out=out), Reporter(quiet=True))
    docx = (out / "thesis.docx").read_bytes()
    media = list((out / ".cache" / "docx" / "media").iterdir())
    assert media
    for path in media:
        path.unlink()
    build(root, Options(out=out), Reporter(quiet=True))
    assert (out / "thesis.docx").read_bytes() == docx
    assert sorted(p.name for p in (out / ".cache" / "docx" / "media").iterdir()) == sorted(p.name for p in media)
