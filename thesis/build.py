"""The pipeline: load → read → parse once → transform → write (PDF ∥ DOCX) → check → save.

Everything is gathered in memory first; files are written last, atomically, so a
failed build leaves the previous PDF and DOCX untouched.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable
from pathlib import Path

from . import ast, bibliography, layout, pandoc, sourcelist
from .bibliography import Bibliography
from .config import load_project
from .context import BuildContext
from .diagnostics import Reporter, UserError
from .fonts import FontChoice, choose_font, installed_families
from .outputs import build_lock, commit
from .sources import bibliography_paths, check_metadata_blocks, read_chapters
from .transforms import TRANSFORMS, check_citations
from .writers.docx import write_docx
from .writers.pdf import compile_pdf, typst_body, typst_source

TARGETS = ("pdf", "docx")
DEFAULT_EPOCH = 1420070400  # 2015-01-01: used when neither SOURCE_DATE_EPOCH nor git gives one


@dataclass
class Options:
    """How to build (the CLI's options)."""

    targets: tuple[str, ...] = TARGETS
    profile: str | None = None
    out: Path | None = None
    strict: bool = False
    ignore_system_fonts: bool = False
    keep_typst: bool = False
    release: bool = False  # lay the DOCX out with LibreOffice to number its contents page


@dataclass
class BuildResult:
    """What a build made and how long each stage took."""

    outputs: dict[str, Path] = field(default_factory=dict)
    pages: int | None = None
    font: FontChoice | None = None
    timings: dict[str, float] = field(default_factory=dict)
    warnings: int = 0
    typst: str | None = None
    ast: dict | None = None
    suppressed: int = 0  # warnings thesis.yaml's suppress_warnings kept out
    docx_contents: str = ""  # how the DOCX contents page got its page numbers


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


def prepare(root: Path, options: Options, reporter: Reporter, clock: Stopwatch) -> tuple[BuildContext, dict]:
    """The thesis parsed once and transformed: the AST both writers start from."""
    with clock.stage("load"):
        project = load_project(root, reporter, options.profile)
        ctx = BuildContext(project, reporter)
        ctx.sources = read_chapters(project)
        for chapter in ctx.sources:
            check_metadata_blocks(chapter, reporter)
        bib_paths = bibliography_paths(project)
        ctx.bibliography = load_bibliography(bib_paths, project.profile.source_list.groups, reporter)
    with clock.stage("parse"):
        items = ([bibliography.csl_items(ctx.bibliography, bib_paths, root, cache_dir(root, options))]
                 if bib_paths else [])
        doc, citeproc_in = parse_all(ctx, items)
    with clock.stage("transform"):
        ctx.index = ast.index(doc["blocks"])
        check_citations(doc, ctx)
        sourcelist.localize(doc, ctx, citeproc_in)
        for transform in TRANSFORMS:
            transform(doc, ctx)
        # Writers get the language only: the rest (file paths among it) must not reach the outputs.
        doc["meta"] = {key: value for key, value in doc["meta"].items() if key == "lang"}
    return ctx, doc


def parse_all(ctx: BuildContext, csl_items: list[Path]) -> tuple[dict, Callable[[str], dict]]:
    """The thesis AST in its own language; and the same thesis through citeproc in another
    language (for sources whose words the profile wants in their own language), the
    likely ones run alongside the main parse."""
    def run(language: str) -> dict:
        quiet = language != ctx.language  # the main run reports; the others repeat it
        return pandoc.parse([c.path for c in ctx.sources], ctx.project.root, csl_items, csl_path(ctx),
                            language, ctx.project.thesis.nocite,
                            Reporter(quiet=True) if quiet else ctx.reporter)
    others = sorted(sourcelist.languages_needed(ctx) - {ctx.language})
    with ThreadPoolExecutor(max_workers=1 + len(others)) as pool:
        jobs = {lang: pool.submit(run, lang) for lang in [ctx.language, *others]}
        results = {lang: job.result() for lang, job in jobs.items()}

    def citeproc_in(language: str) -> dict:
        if language not in results:
            results[language] = run(language)
        return results[language]
    return results[ctx.language], citeproc_in


def cache_dir(root: Path, options: Options) -> Path:
    """Where the build keeps what it can reuse (reference document, Typst sections, CSL items)."""
    return (options.out or root / "build").resolve() / ".cache"


def load_bibliography(paths: list[Path], groups: list[str], reporter: Reporter) -> Bibliography | None:
    """The validated bibliography (None when the thesis has none)."""
    return bibliography.load_bibliography(paths, reporter, groups) if paths else None


def csl_path(ctx: BuildContext) -> Path | None:
    """The citation style: the project's own `styles/` first, then the tool's."""
    for base in (ctx.project.root, ctx.project.tool_root):
        path = base / "styles" / "gost-r-7.0.5-note.csl"
        if path.is_file():
            return path
    return None


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


def render_pdf(doc: dict, ctx: BuildContext, font: FontChoice, options: Options,
               cache: Path, clock: Stopwatch) -> tuple[bytes, int, str]:
    """PDF bytes, page count and the Typst source."""
    with clock.stage("pdf: pandoc→typst"):
        body = typst_body(doc, ctx.project.root, cache / "typst")
        source = typst_source(ctx, body)
    with clock.stage("pdf: typst"):
        result = compile_pdf(ctx, source, font, options.ignore_system_fonts)
    for warning in result.warnings:
        ctx.reporter.warn(f"typst: {warning}", code="typst.warning")
    return result.pdf, result.pages, source


def render_docx(doc: dict, ctx: BuildContext, cache: Path, release: bool,
                clock: Stopwatch) -> tuple[bytes, str]:
    """DOCX bytes, and how its contents page was numbered."""
    with clock.stage("docx"):
        data = write_docx(doc, ctx, cache)
    if not release:
        return data, "draft: contents without page numbers (--release numbers them)"
    if layout.soffice() is None:
        ctx.reporter.warn("release mode: LibreOffice is not installed, so the DOCX contents has no "
                          "page numbers (Debian: libreoffice-writer-nogui)", code="docx.no-layout")
        return data, "release without LibreOffice: contents without page numbers"
    with clock.stage("docx: LibreOffice layout"):
        pages = layout.heading_pages(ctx.meta["headings"], layout.docx_to_pdf(data))
    if missing := [h.text for h in ctx.listed_headings() if h.ident not in pages]:
        ctx.reporter.warn(f"release mode: LibreOffice's layout did not show where {len(missing)} heading(s) "
                          f"landed ({', '.join(missing[:3])}): their contents entries have no page number",
                          code="docx.layout-missing")
    with clock.stage("docx"):
        data = write_docx(doc, ctx, cache, pages=pages)
    return data, f"release: contents numbered from a LibreOffice layout ({len(pages)} headings)"


def build(root: Path, options: Options, reporter: Reporter) -> BuildResult:
    """Build the requested outputs of the thesis at `root`."""
    root = root.resolve()
    out_dir = (options.out or root / "build").resolve()
    with build_lock(out_dir, quiet=reporter.quiet):  # held throughout: builds in one folder share its .cache
        return _build(root, out_dir, options, reporter)


def _build(root: Path, out_dir: Path, options: Options, reporter: Reporter) -> BuildResult:
    clock = Stopwatch()
    epoch = source_date_epoch(root)
    cache = cache_dir(root, options)
    # Scanning the installed fonts (~50 ms) overlaps the parse, which waits on pandoc.
    fonts_scan = threading.Thread(target=installed_families, args=(options.ignore_system_fonts,), daemon=True)
    fonts_scan.start()
    ctx, doc = prepare(root, options, reporter, clock)
    fonts_scan.join()
    ctx.epoch = epoch  # the outputs' date: the PDF's and the DOCX's core properties
    font = choose_font(ctx.project.profile, reporter, options.ignore_system_fonts)
    artefacts: dict[str, bytes] = {}
    result = BuildResult(font=font, ast=doc)
    with ThreadPoolExecutor(max_workers=2) as pool:
        pdf_job = (pool.submit(render_pdf, doc, ctx, font, options, cache, clock)
                   if "pdf" in options.targets else None)
        docx_job = (pool.submit(render_docx, doc, ctx, cache, options.release, clock)
                    if "docx" in options.targets else None)
        if pdf_job:
            artefacts["pdf"], result.pages, result.typst = pdf_job.result()
        if docx_job:
            artefacts["docx"], result.docx_contents = docx_job.result()
    result.warnings = len(reporter.warnings)
    result.suppressed = reporter.suppressed
    if options.strict and result.warnings:
        raise UserError(f"{result.warnings} warning(s) and --strict: nothing written", code="build.strict")
    files = {out_dir / f"thesis.{kind}": data for kind, data in artefacts.items()}
    if options.keep_typst and result.typst:
        files[out_dir / "thesis.typ"] = result.typst.encode()
    with clock.stage("write"):
        commit(files)  # all together, atomically, signals held back meanwhile
    result.outputs = {kind: out_dir / f"thesis.{kind}" for kind in artefacts}
    result.timings = clock.timings
    return result
