"""Diagnostics: every message says where (`path:line: level: message [code]`).

A `UserError` is something the author can fix; it prints one line and the build
exits 1. Anything else is a bug and shows its traceback only with `--debug`.
Warnings are collected by a `Reporter`, counted, and turned into a failure by
`--strict` once the build has finished.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, TextIO


@dataclass(frozen=True)
class Diagnostic:
    """One finding about the author's sources."""

    level: Literal["error", "warning", "note"]
    message: str
    path: str | None = None
    line: int | None = None
    code: str | None = None
    column: int | None = None  # 1-based, counted in characters (the source lint gives it)

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}: "
            if self.line:
                where = (f"{self.path}:{self.line}:{self.column}: " if self.column
                         else f"{self.path}:{self.line}: ")
        code = f" [{self.code}]" if self.code else ""
        return f"{where}{self.level}: {self.message}{code}"

    def github(self) -> str:
        """The same finding as a GitHub Actions workflow command (an annotation)."""
        kind = "error" if self.level == "error" else "warning"
        props = []
        if self.path:
            props.append(f"file={self.path}")
            if self.line:
                props.append(f"line={self.line}")
                if self.column:
                    props.append(f"col={self.column}")
        head = f"::{kind} {','.join(props)}" if props else f"::{kind}"
        msg = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"{head}::{msg}"


class UserError(Exception):
    """A problem in the author's input: reported as one line, exit code 1."""

    def __init__(self, message: str, path: str | Path | None = None,
                 line: int | None = None, code: str | None = None,
                 diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostic = Diagnostic("error", message, display_path(path), line, code)
        # Further errors found in the same pass (e.g. all bad keys of thesis.yaml).
        self.diagnostics = diagnostics or [self.diagnostic]

    @classmethod
    def from_diagnostics(cls, errors: list[Diagnostic]) -> "UserError":
        """One error carrying every problem found in a pass (the first is its message)."""
        first = errors[0]
        exc = cls(first.message, None, first.line, first.code, list(errors))
        exc.diagnostic = first
        return exc


def display_path(path: str | Path | None) -> str | None:
    """A path as the author sees it: relative to the working directory if possible."""
    if path is None:
        return None
    return _display(str(path), os.getcwd())


@lru_cache(maxsize=1024)  # every diagnostic of every build names its file (~80 a thesis build)
def _display(path: str, cwd: str) -> str:
    p, cwd = Path(path), Path(cwd)
    # The path as written first: a symlink out of the project is still shown where it
    # lies (`content/03.md`), not where it points; then with links resolved.
    for candidate, base in ((Path(os.path.abspath(p)), cwd), (p.resolve(), cwd.resolve())):
        try:
            return str(candidate.relative_to(base))
        except ValueError:
            continue
    return str(p)


@dataclass
class Reporter:
    """Collects warnings and notes; prints them as they come (unless quiet)."""

    stream: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False
    format: str = "text"  # "text" | "github"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppress: frozenset[str] = frozenset()  # warning codes the author chose not to see
    suppressed: int = 0

    def emit(self, diag: Diagnostic) -> None:
        if diag.level == "warning" and diag.code in self.suppress:
            self.suppressed += 1  # neither printed nor counted (so --strict passes them)
            return
        self.diagnostics.append(diag)
        if diag.level == "error" or not self.quiet:
            self.stream.write(self.render(diag) + "\n")

    def render(self, diag: Diagnostic) -> str:
        return diag.github() if self.format == "github" else str(diag)

    def warn(self, message: str, path: str | Path | None = None,
             line: int | None = None, code: str | None = None) -> None:
        self._emit_at("warning", message, path, line, code)

    def error(self, message: str, path: str | Path | None = None,
              line: int | None = None, code: str | None = None) -> None:
        self._emit_at("error", message, path, line, code)

    def _emit_at(self, level, message: str, path, line, code) -> None:
        self.emit(Diagnostic(level, message, display_path(path), line, code))

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]
