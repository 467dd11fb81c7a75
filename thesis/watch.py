"""`thesis watch`: build, then rebuild on every save of anything the build reads.

`load.inputs` answers what a build reads; watchfiles (a well-kept Rust watcher) reports
changes, debounced for editors that save in bursts. Each rebuild prints one line. A
failed rebuild keeps the last good outputs (the build writes nothing unless it succeeds)
and the watch goes on. The PDF's Typst compiler stays alive between rebuilds, in a child
process that is renewed when its memory grows (writers/typst_worker.py).
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .context import Options
from .diagnostics import Diagnostic, Reporter, UserError
from .writers.typst_worker import trim_heap

DEBOUNCE_MS = 150  # editors write a file in bursts (temp file, rename, metadata)
# How often the watcher looks for events: a change is taken once one look finds no newer event,
# so a save waits 1–2 steps before its build starts (measured, save → outputs: step 50, the
# library's default, +69 ms; 10: +25 ms). An editor's burst takes well under 10 ms; a burst
# longer than that costs a second build, never a wrong output (its last event rebuilds).
STEP_MS = 10

# While the last build failed, a file of these kinds appearing or changing anywhere in the
# project rebuilds: the failure may be the file's absence (an image a chapter names, a .bib
# thesis.yaml lists), and a failed build cannot say what it would have read.
INPUT_SUFFIXES = {".md", ".bib", ".yaml", ".yml", ".csl", ".j2", ".png", ".jpg", ".jpeg", ".gif", ".svg",
                  ".webp", ".bmp", ".tif", ".tiff", ".pdf"}


@dataclass
class Outcome:
    """One build of a watch: its state and what it found."""

    number: int
    ok: bool
    seconds: float
    pages: int | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    new: list[Diagnostic] = field(default_factory=list)  # not in the previous build's findings
    timings: dict[str, float] = field(default_factory=dict)  # seconds by stage (bench/bench.py)

    def line(self) -> str:
        """The one line a rebuild prints (then, built, a line for each new finding)."""
        new = "".join(f"\n  new: {d}" for d in self.new) if self.ok else ""
        return self.summary() + new

    def summary(self) -> str:
        """The line alone: when, how long, pages and warnings, or the first errors."""
        stamp = time.strftime("%H:%M:%S")
        if not self.ok:
            errors = [d for d in self.diagnostics if d.level == "error"]
            return f"{stamp} failed ({len(errors)} error(s); last good outputs kept): " + \
                "; ".join(str(d) for d in errors[:3])
        warnings = [d for d in self.diagnostics if d.level == "warning"]
        pages = f"{self.pages} pages, " if self.pages else ""
        return f"{stamp} built in {self.seconds:.2f} s: {pages}{len(warnings)} warning(s)"


class Watcher:
    """Builds `root` now and after every change of its inputs, until `stop` is set."""

    def __init__(self, root: Path, options: Options, on_build: Callable[[Outcome], None] | None = None,
                 on_start: Callable[[], None] | None = None):
        self.root, self.options = root.resolve(), options
        self.on_build = on_build or (lambda outcome: print(outcome.line(), flush=True))
        self.on_start = on_start or (lambda: None)
        self.session: dict = {"watch": True}
        self.stop = threading.Event()
        self.watched: set[Path] = {self.root / "thesis.yaml"}
        self.builds = 0
        self.failed = False
        self._previous: set[Diagnostic] = set()

    def build_once(self) -> Outcome:
        """One build, its outcome reported, the set of watched files updated."""
        from .build import build
        from .load import inputs
        self.builds += 1
        self.on_start()
        reporter = Reporter(quiet=True)
        start = time.perf_counter()
        try:
            result = build(self.root, self.options, reporter, self.session)
            found = list(reporter.diagnostics)
            pages = next((a.facts["pages"] for a in result.artefacts.values() if "pages" in a.facts), None)
            outcome = Outcome(self.builds, True, time.perf_counter() - start, pages, found, timings=result.timings)
            self.watched = inputs(result.thesis, result.document) if result.thesis else self.watched
            self.failed = False
        except UserError as exc:
            self.failed = True
            found = list(reporter.diagnostics) + list(exc.diagnostics)
            outcome = Outcome(self.builds, False, time.perf_counter() - start, None, found)
        outcome.new = [d for d in found if d not in self._previous and d.level == "warning"]
        self._previous = set(found)
        self.on_build(outcome)
        gc.collect()  # off the edit→output path: the build pauses the collector
        trim_heap()  # and what it freed back to the system: the watch's memory stays flat
        return outcome

    def relevant(self, path: Path) -> bool:
        """Whether a changed file is one the build reads (or a new chapter in content/, a new
        template in templates/), or, while the last build failed, any input-like file of the
        project (INPUT_SUFFIXES)."""
        path = path.resolve()
        if path in self.watched or (path.suffix == ".md" and path.parent == self.root / "content") or (
                path.suffix == ".j2" and _under(path, self.root / "templates")):  # a new template overrides the tool's
            return True
        if not self.failed or path.suffix.lower() not in INPUT_SUFFIXES:
            return False
        try:
            inside = path.relative_to(self.root).parts
        except ValueError:
            return False
        return not any(part.startswith(".") for part in inside)  # not .git, not an editor's hidden copy

    def _holds_relevant(self, path: Path) -> bool:
        """Whether a folder that appeared holds a file that would rebuild (`mkdir -p templates/typst
        && cp …`: the file can be written before the watcher watches the new folder, and its
        own event never comes)."""
        return path.is_dir() and _under(path, self.root) and any(
            self.relevant(f) for f in path.rglob("*") if f.is_file())

    def run(self) -> None:
        """Build, then rebuild after each relevant change, until `stop` is set."""
        import logging
        import watchfiles
        # its "KeyboardInterrupt caught, stopping watch" on Ctrl-C: the command says it stopped
        logging.getLogger("watchfiles").setLevel(logging.ERROR)
        self.build_once()
        out = (self.options.out or self.root / "build").resolve()
        folders = {self.root} | {p.parent for p in self.watched if not _under(p, self.root)}
        for changes in watchfiles.watch(*folders, debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=self.stop,
                                        watch_filter=lambda _, p: not _under(Path(p), out),
                                        raise_interrupt=False, rust_timeout=500):
            if any(self.relevant(Path(p)) or (change == watchfiles.Change.added and self._holds_relevant(Path(p)))
                   for change, p in changes):
                self.build_once()

    def close(self) -> None:
        self.stop.set()
        worker = self.session.get("typst")
        if worker is not None:
            worker.close()


def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
        return True
    except ValueError:
        return False


def main(argv: list[str]) -> int:
    """`thesis watch [pdf|docx] [--project DIR] [--out DIR]`."""
    import argparse
    from .writers import DEFAULT_TARGETS, WRITERS
    p = argparse.ArgumentParser(prog="thesis watch", description="Rebuild on every save.")
    p.add_argument("targets", nargs="*", choices=[[], *WRITERS], metavar="TARGET")
    p.add_argument("--project", type=Path, default=Path("."))
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    watcher = Watcher(args.project, Options(targets=tuple(args.targets) or DEFAULT_TARGETS, out=args.out))
    print(f"watching {args.project} (Ctrl-C stops)", flush=True)
    try:
        watcher.run()
    except KeyboardInterrupt:
        pass
    finally:
        watcher.close()
    print("stopped", flush=True)
    return 0
