"""The write stage: every output is one module here, registered in WRITERS.

A writer module has `write(document, thesis, run) -> Artefact` (it may run its own
release steps) and optionally `warm_up(options)`, started in a thread while the thesis
is being parsed. It never changes the document: it renders it. The CLI's targets and
the build's summary come from this registry; adding an output is one module and one line.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any


@dataclass
class Artefact:
    """What a writer made: files for the output folder, and what the summary says of them."""

    files: dict[str, bytes]          # file name in the output folder → bytes (the first is the output)
    detail: str = ""                 # shown after the file name: "61 pages"
    notes: list[str] = field(default_factory=list)  # summary lines: "font: Liberation Serif"
    facts: dict[str, Any] = field(default_factory=dict)  # for tests and tools: pages, font…

    @property
    def main(self) -> str:
        return next(iter(self.files))


@dataclass(frozen=True)
class Writer:
    """A registered output: its target name, module, and whether a plain build makes it."""

    name: str
    module: str
    help: str
    default: bool = True
    # The writer whose path is the longest (the PDF: pandoc, then the Typst compile) starts
    # first; the others start once it has set `run.lead` (its own Python done, its tools
    # running). Side by side from the start, the writers' Python shared the one interpreter
    # lock and the longest path waited for it (measured on a watch rebuild: 253 → 229 ms).
    leads: bool = False

    def load(self) -> ModuleType:
        """The writer module (imported on first use: the CLI starts before any of them)."""
        return importlib.import_module(self.module, __name__)


WRITERS = {w.name: w for w in (
    Writer("pdf", ".pdf", "the thesis PDF (Typst)", leads=True),
    Writer("docx", ".docx", "the thesis DOCX (Word)"),
    Writer("review", ".review", "the supervisor's review PDF (line numbers, draft stamp)", default=False),
)}
DEFAULT_TARGETS = tuple(name for name, w in WRITERS.items() if w.default)
PREVIEWED = "pdf"  # the output `thesis preview` shows in the browser
