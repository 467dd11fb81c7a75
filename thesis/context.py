"""What every stage of a build gets: the project, its bibliography, the reporter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .config import Project
from .diagnostics import Reporter


@dataclass
class BuildContext:
    """Shared state of one build; transforms read it, they never write files."""

    project: Project
    reporter: Reporter
    bibliography: Any = None  # thesis.bibliography.Bibliography
    sources: list = field(default_factory=list)  # thesis.sources.Chapter, in order
    meta: dict[str, Any] = field(default_factory=dict)  # facts for the writers (numbering…)
    # The parsed AST's elements by type (one walk, right after the parse): for the checks and
    # citation passes that run before any transform moves blocks around.
    index: dict[str, list] = field(default_factory=dict)
    epoch: int = 0  # SOURCE_DATE_EPOCH of the build: the date both outputs carry

    @property
    def language(self) -> str:
        return self.project.thesis.language

    def listed_headings(self) -> list:
        """The headings the contents page lists (to the profile's depth, with an anchor)."""
        depth = self.project.profile.contents.depth
        return [h for h in self.meta.get("headings", []) if h.level <= depth and h.ident]

    def locate(self, needle: "str | re.Pattern") -> tuple[str, int] | None:
        """The first chapter file and line where `needle` (text or regex) occurs."""
        from .diagnostics import _rel
        for chapter in self.sources:
            if isinstance(needle, str):
                at = chapter.text.find(needle)
            else:
                match = needle.search(chapter.text)
                at = match.start() if match else -1
            if at >= 0:
                return _rel(chapter.path), chapter.text.count("\n", 0, at) + 1
        return None
