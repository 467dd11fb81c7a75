"""What the stages share: the build's options, the frozen inputs (`Thesis`), the run's clock.

`Thesis` is made by the load stage and never changed afterwards; what the later stages
produce lives on `document.Document`.
"""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import Bibliography
from .config import Labels, Profile, Project
from .diagnostics import Reporter, display_path
from .sources import Chapter
from .writers import DEFAULT_TARGETS


@dataclass
class Options:
    """How to build (the CLI's options). `targets` are names of the writer registry."""

    targets: tuple[str, ...] = DEFAULT_TARGETS
    profile: str | None = None
    out: Path | None = None
    strict: bool = False
    ignore_system_fonts: bool = False
    keep_typst: bool = False
    release: bool = False  # lay the DOCX out with LibreOffice to number its contents page
    pdf_standard: str | None = None  # "none", "a-2b", "a-3b": overrides the profile's pdf_standard
    attach_sources: bool = False  # PDF/A-3b: the thesis' sources attached inside the PDF


@dataclass(frozen=True)
class Thesis:
    """The inputs of one build, as loaded and checked: read-only from here on."""

    project: Project
    chapters: tuple[Chapter, ...]
    bibliography: Bibliography | None
    bibliography_files: tuple[Path, ...]
    epoch: int  # SOURCE_DATE_EPOCH of the build: the date every output carries
    # Errors found while loading that let the build go on to the check stage (the
    # bibliography's): reported there with everything else.
    pending: tuple = ()

    @property
    def root(self) -> Path:
        return self.project.root

    @property
    def language(self) -> str:
        return self.project.thesis.language

    @property
    def profile(self) -> Profile:
        return self.project.profile

    @property
    def labels(self) -> Labels:
        return self.project.labels

    def locate(self, needle: "str | re.Pattern", containing: str = "") -> tuple[str, int] | None:
        """The first chapter file and line where `needle` (text or regex) occurs; `containing`, a
        text every match of the regex holds: a chapter without it is not searched (a regex
        search over the whole thesis per image or heading cost ~0.5 ms each, a watch rebuild)."""
        for chapter in self.chapters:
            if isinstance(needle, str):
                at = chapter.text.find(needle)
            elif containing not in chapter.text:
                continue
            else:
                match = needle.search(chapter.text)
                at = match.start() if match else -1
            if at >= 0:
                return display_path(chapter.path), chapter.line_at(at)
        return None


class Stopwatch:
    """Wall time per named stage."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


@dataclass
class Run:
    """One build's machinery, for the writers: options, where to report, the clock, the cache."""

    options: Options
    reporter: Reporter
    clock: Stopwatch = field(default_factory=Stopwatch)
    cache: Path = Path(".cache")
    # What writers keep between builds of one long-lived session (watch mode: a Typst
    # compiler process); empty for a single build.
    session: dict = field(default_factory=dict)
    # Set by the leading writer (writers.Writer.leads) once its own Python work is done and its
    # tools run; the other writers start then (build._build).
    lead: threading.Event = field(default_factory=threading.Event)
    written: bool = False  # the outputs are in place (an interrupt after it says so)
