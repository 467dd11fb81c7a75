"""The author's sources: chapter files in order, read as UTF-8, checked before pandoc sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .config import Project
from .diagnostics import UserError
from .schema import inside, read_text

_PREFIX = re.compile(r"^(\d+)")


@dataclass(frozen=True)
class Chapter:
    """One Markdown file of the thesis."""

    path: Path  # absolute, inside the project
    text: str

    @property
    def name(self) -> str:
        return self.path.name


def project_file(project: Project, name: str, what: str, origin: Path | None = None,
                 line: int | None = None) -> Path:
    """`name` as a file inside the project; a UserError if it escapes or is missing."""
    root = project.root
    candidate = Path(name)
    path = candidate if candidate.is_absolute() else root / candidate
    where = origin or project.thesis_path
    if candidate.is_absolute() or not inside(root, path):
        raise UserError(f"{what} {name!r} is outside the project", where, line, "source.outside")
    if not path.is_file():
        raise UserError(f"{what} {name!r} does not exist", where, line, "source.missing")
    return path


def bibliography_paths(project: Project) -> list[Path]:
    """thesis.yaml's `bibliography` files, each inside the project (errors at their line)."""
    lines = {k[1]: v for k, v in project.thesis_lines.items() if len(k) == 2 and k[0] == "bibliography"}
    return [project_file(project, name, "bibliography file", line=lines.get(i, project.thesis_lines.get(("bibliography",))))
            for i, name in enumerate(project.thesis.bibliography)]


def chapter_paths(project: Project) -> list[Path]:
    """Chapter files: thesis.yaml's `chapters`, or content/*.md by numeric prefix."""
    if project.thesis.chapters:
        lines = {k[1]: v for k, v in project.thesis_lines.items() if len(k) == 2 and k[0] == "chapters"}
        return [project_file(project, name, "chapter", line=lines.get(i))
                for i, name in enumerate(project.thesis.chapters)]
    content = project.root / "content"
    found = [p for p in content.glob("*.md") if p.is_file()] if content.is_dir() else []
    if not found:
        raise UserError("no chapters: content/ has no .md files and thesis.yaml lists none",
                        project.thesis_path, code="source.missing")
    for path in found:
        if not inside(project.root, path):
            raise UserError(f"chapter {path.name!r} is a link out of the project", path,
                            code="source.outside")
    return sorted(found, key=_order_key)


def _order_key(path: Path) -> tuple:
    match = _PREFIX.match(path.name)
    return (int(match.group(1)) if match else float("inf"), path.name)


def read_chapters(project: Project) -> list[Chapter]:
    """Every chapter's text (UTF-8, BOM tolerated; anything else names the file)."""
    return [Chapter(path, read_text(path)) for path in chapter_paths(project)]


# Keys pandoc would act on if a chapter's metadata block set them: each reads a file
# or changes the output format, which only thesis.yaml and the profile may do.
FORBIDDEN_META = {"bibliography", "csl", "citation-abbreviations", "references", "include-before",
                  "include-after", "header-includes", "template", "reference-doc", "resource-path",
                  "lang", "nocite", "link-citations", "suppress-bibliography", "notes-after-punctuation"}
_FORBIDDEN_KEY = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, FORBIDDEN_META), key=len, reverse=True))
                            + r")(?![\w-])[\"']?[ \t]*:")
_BLOCK_START = re.compile(r"^---[ \t]*$")
_BLOCK_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def check_metadata_blocks(chapter: Chapter, reporter) -> None:
    """A chapter's YAML metadata blocks: valid YAML, no keys that pandoc would act on."""
    from .schema import parse_yaml
    lines = chapter.text.splitlines()
    i = 0
    while i < len(lines):
        opens = (_BLOCK_START.match(lines[i]) and i + 1 < len(lines) and lines[i + 1].strip()
                 and (i == 0 or not lines[i - 1].strip()))
        if not opens:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if _BLOCK_END.match(lines[j])), None)
        if end is None:
            break
        body = "\n".join(lines[i + 1:end])
        try:
            data, keys = parse_yaml(body, chapter.path)
        except UserError as exc:
            if i != 0:  # mid-chapter: pandoc reads a non-mapping as a rule and text...
                # ...but pandoc's YAML (1.2) reads some blocks PyYAML refuses (a tab-indented
                # list, measured): a key pandoc would act on is refused all the same.
                for offset, text in enumerate(lines[i + 1:end], start=i + 2):
                    found = _FORBIDDEN_KEY.search(text)
                    if found:
                        raise UserError(f"metadata key {found.group(1)!r} is not allowed in a chapter; "
                                        "set it in thesis.yaml", chapter.path, offset, "source.metadata")
                i = end + 1
                continue
            diag = exc.diagnostic
            raise UserError(diag.message, chapter.path, (diag.line or 0) + i + 1, diag.code) from None
        if isinstance(data, dict):
            for key in data:
                line = keys.get((str(key),), 0) + i + 1
                if str(key) in FORBIDDEN_META:
                    raise UserError(f"metadata key {key!r} is not allowed in a chapter; "
                                    "set it in thesis.yaml", chapter.path, line, "source.metadata")
                reporter.warn(f"metadata key {key!r} in a chapter has no effect (ignored)",
                              chapter.path, line, "source.metadata")
        i = end + 1
