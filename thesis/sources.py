"""The author's sources: chapter files in order, read as UTF-8, checked before pandoc sees them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .bibmend import not_bibtex
from .config import Project
from .diagnostics import Diagnostic, UserError, display_path
from .files import inside, project_file, read_text
from .schema import parse_yaml

_PREFIX = re.compile(r"^(\d+)")


@dataclass(frozen=True)
class Chapter:
    """One Markdown file of the thesis."""

    path: Path  # absolute, inside the project
    text: str

    @property
    def name(self) -> str:
        return self.path.name

    def line_at(self, offset: int) -> int:
        """The 1-based line of the character at `offset`."""
        return self.text.count("\n", 0, offset) + 1


def bibliography_paths(project: Project) -> list[Path]:
    """thesis.yaml's `bibliography` files, each inside the project and BibTeX (errors at their line)."""
    lines = {k[1]: v for k, v in project.thesis_lines.items() if len(k) == 2 and k[0] == "bibliography"}
    paths = []
    for i, name in enumerate(project.thesis.bibliography):
        line = lines.get(i, project.thesis_lines.get(("bibliography",)))
        path = project_file(project.root, name, "bibliography file", project.thesis_path, line)
        if (kind := not_bibtex(path)) is not None:
            raise UserError(f"bibliography file {name!r} is {kind}, and the build reads BibTeX: convert it with "
                            f"`python build.py bib {name}` and list {str(Path(name).with_suffix('.bib'))!r} "
                            "instead", project.thesis_path, line, "source.bibliography")
        paths.append(path)
    return paths


def chapter_paths(project: Project) -> list[Path]:
    """Chapter files: thesis.yaml's `chapters`, or content/*.md by numeric prefix."""
    if project.thesis.chapters:
        lines = {k[1]: v for k, v in project.thesis_lines.items() if len(k) == 2 and k[0] == "chapters"}
        return [project_file(project.root, name, "chapter", project.thesis_path, lines.get(i))
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


def check_metadata_blocks(chapter: Chapter) -> list[Diagnostic]:
    """A chapter's YAML metadata blocks: valid YAML, no keys that pandoc would act on."""
    found: list[Diagnostic] = []
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
        found += _check_block(chapter, lines, i, end)
        i = end + 1
    return found


def _check_block(chapter: Chapter, lines: list[str], start: int, end: int) -> list[Diagnostic]:
    """The problems of the metadata block between lines `start` and `end` (0-based fences)."""
    where = display_path(chapter.path)
    try:
        data, keys = parse_yaml("\n".join(lines[start + 1:end]), chapter.path)
    except UserError as exc:
        if start == 0:
            diag = exc.diagnostic
            return [Diagnostic("error", diag.message, where, (diag.line or 0) + start + 1, diag.code)]
        # Mid-chapter: pandoc reads a non-mapping as a rule and text... but pandoc's YAML
        # (1.2) reads some blocks PyYAML refuses (a tab-indented list, measured): a key
        # pandoc would act on is refused all the same.
        return [_forbidden(found.group(1), where, offset)
                for offset, text in enumerate(lines[start + 1:end], start=start + 2)
                if (found := _FORBIDDEN_KEY.search(text))]
    if not isinstance(data, dict):
        return []
    out = []
    for key in data:
        line = keys.get((str(key),), 0) + start + 1
        if str(key) in FORBIDDEN_META:
            out.append(_forbidden(key, where, line))
        else:
            where_it_goes = _METADATA_HOME.get(str(key).lower())
            out.append(Diagnostic("warning", f"metadata key {key!r} in a chapter has no effect (ignored)"
                                  + (f": {where_it_goes}" if where_it_goes else ""), where, line, "source.metadata"))
    return out


# Where what a pandoc template reads from a document's metadata goes in this build (FORBIDDEN_META: errors)
_METADATA_HOME = {
    **{key: f"set {home!r} in thesis.yaml" for key, home in (
        ("title", "title"), ("author", "author"), ("date", "year"), ("year", "year"), ("language", "language"),
        ("keywords", "keywords"), ("supervisor", "supervisor"), ("university", "university"),
        ("institute", "university"), ("faculty", "faculty"), ("department", "department"), ("city", "city"))},
    "abstract": "write it as a chapter headed '# Abstract' (or '# Реферат', '# Аңдатпа')",
    "toc": "the contents page is made by the profile",
    "lof": "write \\listoffigures where the list goes",
    "lot": "write \\listoftables where the list goes",
    **{key: "the profile sets the format" for key in (
        "documentclass", "classoption", "geometry", "fontsize", "mainfont", "linestretch", "papersize",
        "margin", "indent", "numbersections", "secnumdepth", "fontfamily")},
}


def _forbidden(key: str, where: str | None, line: int) -> Diagnostic:
    return Diagnostic("error", f"metadata key {key!r} is not allowed in a chapter; set it in thesis.yaml",
                      where, line, "source.metadata")
