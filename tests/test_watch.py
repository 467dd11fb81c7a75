"""Watch and preview as the author uses them: edit, save, see it; a broken edit keeps the last good PDF."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from helpers import copy_project, pdf_pages
from thesis.context import Options
from thesis.watch import Watcher

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def wait_for(predicate, timeout: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def watching(tmp_path):
    """A watch of a copy of the minimal thesis, running in a thread; its outcomes as they come."""
    root = copy_project("minimal", tmp_path)
    outcomes = []
    watcher = Watcher(root, Options(targets=("pdf",)), on_build=outcomes.append)
    thread = threading.Thread(target=watcher.run, daemon=True)
    thread.start()
    wait_for(lambda: outcomes, what="the first build")
    time.sleep(0.3)  # the watcher is watching once the first build has been reported
    yield root, outcomes, watcher
    watcher.close()
    thread.join(timeout=10)


def test_a_saved_edit_rebuilds_and_a_broken_one_keeps_the_last_pdf(watching):
    root, outcomes, watcher = watching
    assert outcomes[0].ok and outcomes[0].pages
    chapter = root / "content" / "02-practice.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nЖаңасөзқосылды.\n", encoding="utf-8")
    wait_for(lambda: len(outcomes) >= 2, what="the rebuild")
    assert outcomes[-1].ok
    pdf = root / "build" / "thesis.pdf"
    assert "Жаңасөзқосылды." in " ".join(pdf_pages(pdf))
    good = pdf.read_bytes()
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nҚате [@no-such-key].\n", encoding="utf-8")
    wait_for(lambda: len(outcomes) >= 3, what="the broken rebuild")
    broken = outcomes[-1]
    assert not broken.ok and "unknown citation key 'no-such-key'" in broken.line()
    assert broken.diagnostics[0].path.endswith("content/02-practice.md") and broken.diagnostics[0].line
    assert pdf.read_bytes() == good  # the last good PDF stays
    assert watcher.session["typst"].pid  # one Typst process kept between builds


def test_a_build_that_failed_for_a_missing_file_rebuilds_when_it_appears(watching):
    """A chapter names an image that is not there yet: the build fails, and saving the image
    (a file no successful build has read, so not among the watched ones) rebuilds. Until now
    the watch waited for some other save. A stray file does not rebuild a good build."""
    root, outcomes, _ = watching
    (root / "images").mkdir(exist_ok=True)
    (root / "notes.txt").write_text("not an input", encoding="utf-8")
    chapter = root / "content" / "02-practice.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n![Жаңа сызба](images/new.png)\n", encoding="utf-8")
    wait_for(lambda: len(outcomes) >= 2, what="the failed rebuild")
    assert not outcomes[-1].ok and "images/new.png" in outcomes[-1].line()
    (root / "images" / "spare.txt").write_text("not an input either", encoding="utf-8")
    time.sleep(1.0)
    assert len(outcomes) == 2
    shutil.copy(Path(__file__).parent / "projects" / "rendered" / "images" / "scheme.png", root / "images" / "new.png")
    wait_for(lambda: len(outcomes) >= 3, timeout=30, what="the rebuild after the image appeared")
    assert outcomes[-1].ok
    (root / "images" / "unused.png").write_bytes((root / "images" / "new.png").read_bytes())
    time.sleep(1.0)
    assert len(outcomes) == 3  # the build is good again: only what it reads rebuilds


def test_a_template_added_during_the_watch_is_used(watching):
    """A project template that overrides the tool's, saved while the watch runs: it rebuilds,
    and with the new template (the watch kept the tool's: Jinja's environment was made once)."""
    root, outcomes, _ = watching
    tool = Path(__file__).parent.parent / "templates" / "typst" / "thesis.typ.j2"
    (root / "templates" / "typst").mkdir(parents=True)
    (root / "templates" / "typst" / "thesis.typ.j2").write_text(
        tool.read_text(encoding="utf-8").replace("{{ body }}", "{{ body }}\n\nПроектшаблоны"), encoding="utf-8")
    wait_for(lambda: len(outcomes) >= 2, what="the rebuild")
    assert outcomes[-1].ok and "Проектшаблоны" in " ".join(pdf_pages(root / "build" / "thesis.pdf"))


@pytest.mark.parametrize("verb", ["watch", "preview"])
def test_ctrl_c_stops_quietly(tmp_path, verb):
    """Ctrl-C reaches the whole process group (the watch and its Typst child): the watch stops
    with exit 0, nothing is left running and no traceback is printed (the child printed a
    KeyboardInterrupt traceback on every Ctrl-C)."""
    import os
    import signal
    import subprocess
    import sys
    root = copy_project("minimal", tmp_path)
    # A shell's background job has SIGINT ignored; a terminal's foreground job has it default.
    start = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
             "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")
    process = subprocess.Popen([sys.executable, "-c", start, str(Path(__file__).parent.parent / "build.py"),
                                verb, "--project", str(root)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, start_new_session=True, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if " built in " in line:
            break
    time.sleep(0.5)  # the Typst child, started by the first build, is running
    assert len(_group(process.pid)) >= 2, lines  # the watch and its Typst child
    os.killpg(process.pid, signal.SIGINT)
    rest, _ = process.communicate(timeout=20)
    assert process.returncode == 0
    assert "Traceback" not in "".join(lines) + rest, rest
    assert rest.splitlines()[-1] == "stopped", rest
    wait_for(lambda: not _group(process.pid), timeout=10, what="the process group to end")


def _group(pgid: int) -> list[int]:
    """The live processes of a process group (from /proc: no procps needed)."""
    import os
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                found.append(int(entry))
    return found


def test_files_outside_the_inputs_do_not_rebuild(watching):
    root, outcomes, _ = watching
    (root / "notes.txt").write_text("not part of the thesis")
    (root / "build" / "scratch.pdf").write_bytes(b"%PDF")
    time.sleep(1.0)
    assert len(outcomes) == 1


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_preview_in_a_real_browser(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    from thesis.preview import Preview
    root = copy_project("minimal", tmp_path)
    theory = root / "content" / "01-theory.md"  # two findings for the panel's list
    theory.write_text(theory.read_text(encoding="utf-8") + "\nЕкі  бос орын, тағы  бір.\n", encoding="utf-8")
    preview = Preview(root, Options(targets=("pdf",)))
    preview.start()
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 900, "height": 700})
            page.goto(preview.url)
            page.wait_for_selector("body[data-version='1']", timeout=60000)
            assert page.locator(".page").count() == 6
            assert "Қазақ тіліндегі үлгі жұмыс" in page.locator(".page").first.inner_text()
            # the panel is one line over the pages, the first page's top below it (not under it);
            # its findings, one per line, open on a click (the line once ran all of them together)
            panel = page.locator("#panel").bounding_box()
            assert panel["height"] < 40 and page.locator(".page").first.bounding_box()["y"] >= panel["height"]
            assert "\n" not in page.locator("#line").inner_text() and "warning" in page.locator("#line").inner_text()
            page.click("#head")
            items = page.locator("#diagnostics li").all_inner_texts()
            assert len(items) == 2 and all(item.count("warning:") == 1 for item in items), items
            page.click("#head")
            page.evaluate("window.notReloaded = true; window.scrollTo(0, 2500)")
            scroll = page.evaluate("window.scrollY")
            assert scroll > 2000
            chapter = root / "content" / "02-practice.md"
            chapter.write_text(chapter.read_text(encoding="utf-8") + "\nПревьюсөзі.\n", encoding="utf-8")
            page.wait_for_selector("body[data-version='2']", timeout=60000)
            assert "Превьюсөзі." in page.locator("#pages").inner_text()
            assert page.evaluate("window.notReloaded") is True  # redrawn in place, not reloaded
            assert abs(page.evaluate("window.scrollY") - scroll) < 5
            chapter.write_text(chapter.read_text(encoding="utf-8") + "\nҚате [@no-such-key].\n", encoding="utf-8")
            page.wait_for_selector("#state.failed", timeout=60000)
            errors = page.locator("#diagnostics li.error").all_inner_texts()
            assert any("02-practice.md:" in e and "no-such-key" in e for e in errors), errors
            assert page.evaluate("document.body.dataset.version") == "2"  # the last good PDF stays
            assert "Превьюсөзі." in page.locator("#pages").inner_text()
            page.screenshot(path=str(tmp_path / "preview.png"))
            browser.close()
    finally:
        preview.close()
