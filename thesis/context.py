"""What every stage of a build gets: the project, its bibliography, the reporter."""

from __future__ import annotations

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

    @property
    def language(self) -> str:
        return self.project.thesis.language
