"""The load stage: thesis.yaml and its profile, the chapters, the bibliography, the date.

Everything the build reads from the project is read here (and by the writers' templates);
`inputs` answers "what does this build read?" for a watcher. Problems of every chapter
and bibliography file are reported together.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from urllib.parse import unquote

from . import ast, bibliography
from .config import Project, load_project, profile_chain
from .context import Options, Thesis
from .diagnostics import Diagnostic, Reporter, UserError
from .document import Document
from .files import TOOL_ROOT, project_file
from .guards import check_chapter
from .sources import bibliography_paths, check_metadata_blocks, read_chapters

DEFAULT_EPOCH = 1420070400  # 2015-01-01: used when neither SOURCE_DATE_EPOCH nor git gives one


def load(root: Path, options: Options, reporter: Reporter) -> Thesis:
    """The thesis' inputs, read and checked. A chapter's metadata problem stops the build
    here (pandoc would act on it); the bibliography's errors are kept for the check stage, so
    one build reports them with every citation, image and raw-markup problem (the thesis is
    then parsed without citeproc)."""
    project = load_project(root, reporter, options.profile)
    chapters = read_chapters(project)
    bib_paths = bibliography_paths(project)
    for chapter in chapters:  # before pandoc: shapes that would hang or crash it (one at a time)
        check_chapter(chapter.path, chapter.text)
    findings: list[Diagnostic] = [d for chapter in chapters for d in check_metadata_blocks(chapter)]
    bib, pending = None, ()
    try:
        if bib_paths:
            bib = bibliography.load_bibliography(bib_paths, reporter, project.profile.source_list)
    except UserError as exc:
        bib, pending = getattr(exc, "bibliography", None), tuple(exc.diagnostics)
    for diag in findings:
        if diag.level != "error":
            reporter.emit(diag)
    if errors := [d for d in findings if d.level == "error"]:
        raise UserError.from_diagnostics(errors + list(pending))
    return Thesis(project, tuple(chapters), bib, () if pending else tuple(bib_paths), source_date_epoch(root),
                  pending)


def inputs(thesis: Thesis, document: Document | None = None) -> set[Path]:
    """Every file this build reads: thesis.yaml, the profile and the profiles it extends, the
    chapters, the bibliography, the citation style, the templates (the project's and the
    tool's), and (given the transformed document) the images."""
    project = thesis.project
    files = {project.thesis_path, *profile_chain(project.profile_path, project.root),
             *(c.path for c in thesis.chapters), *thesis.bibliography_files, citation_style(project)}
    for folder in (project.root / "templates", TOOL_ROOT / "templates"):
        files.update(p for p in folder.rglob("*.j2") if p.is_file()) if folder.is_dir() else None
    if document is not None:
        files.update(thesis.root / unquote(node["c"][2][0]) for node in ast.walk(document.blocks)
                     if node["t"] == "Image")
    return {p.resolve() for p in files}


def citation_style(project: Project) -> Path:
    """The profile's CSL style: a file in the project's `styles/`, else in the tool's."""
    name = project.profile.citation_style
    if not name.endswith(".csl"):
        name += ".csl"
    for base in (project.root, project.tool_root):
        if (base / "styles" / name).is_file():
            return base / "styles" / name
    return project_file(project.root, name, "citation style", project.profile_path)


def source_date_epoch(root: Path) -> int:
    """SOURCE_DATE_EPOCH, else the last commit's time, else a fixed date."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        if not value.strip().isdigit():
            raise UserError(f"SOURCE_DATE_EPOCH must be a whole number of seconds, not {value!r}",
                            code="env.source-date-epoch")
        return int(value)
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode == 0 and out.stdout.strip().isdigit():
            return int(out.stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        pass
    return DEFAULT_EPOCH
