"""Versions of the thesis: a git revision extracted into a temporary folder (`git archive`,
so the author's working tree and repository are never touched), its name and date; and the
`diff` command that builds two versions and compares them.
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Reporter, UserError

WORKING_TREE = "working tree"


@dataclass
class Revision:
    """A version of the project: where its files are, what to call it, who made it when."""

    root: Path
    name: str  # "v1.0", "a1b2c3d", "working tree", or a folder
    date: str  # ISO 8601 (UTC) of the commit, or of now for the working tree
    author: str


def git(root: Path, *args: str, binary: bool = False) -> str | bytes | None:
    """A git command's output in `root`, or None when git or the repository is missing."""
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    return out.stdout if binary else out.stdout.decode().strip()


def describe(root: Path) -> str:
    """The working tree's version: `git describe --tags --dirty`, else the short commit
    (with -dirty), else "uncommitted"."""
    described = git(root, "describe", "--tags", "--dirty")
    if described:
        return described
    commit = git(root, "rev-parse", "--short", "HEAD")
    if not commit:
        return "uncommitted"
    dirty = git(root, "status", "--porcelain", "--untracked-files=no", "--", ".")
    return f"{commit}-dirty" if dirty else commit


def _iso(epoch: int) -> str:
    return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def working_tree(root: Path, author: str) -> Revision:
    """The project as it is on disk now."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "") or datetime.datetime.now().timestamp())
    name = git(root, "config", "user.name") or author
    return Revision(root, f"{describe(root)} ({WORKING_TREE})", _iso(epoch), name)


def checkout(root: Path, spec: str, into: Path) -> Revision:
    """`spec` — a folder with another copy of the project, or a git revision of the
    repository `root` is in — as files under `into`."""
    folder = Path(spec).expanduser()
    if folder.is_dir() and (folder / "thesis.yaml").is_file():
        return Revision(folder.resolve(), str(folder), _iso(int(folder.joinpath("thesis.yaml").stat().st_mtime)),
                        git(folder, "config", "user.name") or "")
    top = git(root, "rev-parse", "--show-toplevel")
    if top is None:
        raise UserError(f"{spec}: neither a project folder nor a git revision ({root} is not in a git "
                        "repository)", code="diff.revision")
    commit = git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if not commit:
        raise UserError(f"{spec}: no such git revision or project folder", code="diff.revision")
    inside = Path(root).resolve().relative_to(Path(top).resolve())
    data = git(Path(top), "archive", "--format=tar", commit, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    stamp, author = git(root, "log", "-1", "--format=%ct%x00%an", commit).split("\0")
    name = git(root, "describe", "--tags", "--always", commit) or commit[:7]
    return Revision(into / inside, name, _iso(int(stamp)), author)


def prepared(revision: Revision, out: Path, profile: str | None):
    """One version through the normal pipeline up to the transformed AST (its own thesis.yaml,
    bibliography and profile); the cache in `out`, nothing written into the project."""
    from .build import Options, Stopwatch, prepare, source_date_epoch
    reporter = Reporter(quiet=True)
    try:
        ctx, doc = prepare(revision.root, Options(out=out, profile=profile), reporter, Stopwatch())
    except UserError as exc:
        raise _in_revision(exc, revision) from None
    ctx.epoch = source_date_epoch(revision.root)
    return ctx, doc


def _in_revision(exc: UserError, revision: Revision) -> UserError:
    """The errors of a version that would not build, their paths named by the revision
    ("v1.0:content/01.md:12: …") instead of the temporary folder it was extracted to."""
    import dataclasses
    base = str(revision.root.resolve()) + os.sep
    found = []
    for diag in exc.diagnostics:
        path = diag.path
        if revision.name and path and str(Path(path).resolve()).startswith(base):
            path = f"{revision.name}:{str(Path(path).resolve())[len(base):]}"
        found.append(dataclasses.replace(diag, path=path))
    error = UserError(found[0].message, code=found[0].code, diagnostics=found)
    return error


def diff(root: Path, old_spec: str, new_spec: str | None, out_dir: Path,
         profile: str | None = None, targets: tuple[str, ...] = ("pdf", "docx")):
    """Build OLD and NEW and write `thesis-diff.pdf` / `.docx` into `out_dir`; returns the
    written paths and the summary."""
    from .diff import diff_documents
    from .fonts import choose_font
    from .outputs import build_lock, commit
    from .writers.diff import Version, diff_docx, diff_pdf
    root = root.resolve()
    out_dir = out_dir.resolve()
    with tempfile.TemporaryDirectory(prefix="thesis-diff-") as tmp, build_lock(out_dir, quiet=True):
        tmp = Path(tmp)
        old = checkout(root, old_spec, tmp / "old")
        new = checkout(root, new_spec, tmp / "new") if new_spec else None
        old_ctx, old_doc = prepared(old, tmp / "old-build", profile)
        if new is None:
            new_ctx, new_doc = prepared(Revision(root, "", "", ""), tmp / "new-build", profile)  # paths as they are
            new = working_tree(root, new_ctx.project.thesis.author)
        else:
            new_ctx, new_doc = prepared(new, tmp / "new-build", profile)
        merged, summary = diff_documents(old_doc, new_doc, new.author, new.date)
        files = {}
        if "pdf" in targets:
            font = choose_font(new_ctx.project.profile, new_ctx.reporter)
            files[out_dir / "thesis-diff.pdf"] = diff_pdf(
                merged, summary, new_ctx, font, Version(old.name, old.date[:10]), Version(new.name, new.date[:10]))
        if "docx" in targets:
            files[out_dir / "thesis-diff.docx"] = diff_docx(merged, new_ctx, out_dir / ".cache")
        commit(files)
    return list(files), summary


def review(root: Path, out_dir: Path, profile: str | None = None) -> Path:
    """Build `thesis-review.pdf` of the working tree into `out_dir`."""
    from .build import Options, Stopwatch, cache_dir, prepare, source_date_epoch
    from .fonts import choose_font
    from .outputs import build_lock, commit
    from .writers.review import review_pdf, stamp
    root, out_dir = root.resolve(), out_dir.resolve()
    options = Options(out=out_dir, profile=profile)
    with build_lock(out_dir, quiet=True):
        reporter = Reporter(quiet=True)
        ctx, doc = prepare(root, options, reporter, Stopwatch())
        ctx.epoch = source_date_epoch(root)
        font = choose_font(ctx.project.profile, reporter)
        text = stamp(describe(root), _iso(ctx.epoch)[:10], ctx.language)
        path = out_dir / "thesis-review.pdf"
        commit({path: review_pdf(doc, ctx, font, cache_dir(root, options) / "typst", text)})
    return path
