"""`diff OLD [NEW]`: both versions through the normal pipeline (each with its own
thesis.yaml, bibliography and profile), compared word by word, written as
build/thesis-diff.pdf and build/thesis-diff.docx.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

from .diagnostics import Reporter, UserError
from .versions import Revision, checkout, working_tree


def prepared(revision: Revision, out: Path, profile: str | None):
    """One version through the normal pipeline up to the transformed AST (its own thesis.yaml,
    bibliography and profile); the cache in `out`, nothing written into the project."""
    from .build import Options, prepare
    try:
        return prepare(revision.root, Options(out=out, profile=profile), Reporter(quiet=True), cache=out / ".cache")
    except UserError as exc:
        raise _in_revision(exc, revision) from None


def _in_revision(exc: UserError, revision: Revision) -> UserError:
    """The errors of a version that would not build, their paths named by the revision
    ("v1.0:content/01.md:12: …") instead of the temporary folder it was extracted to."""
    base = str(revision.root.resolve()) + os.sep
    found = []
    for diag in exc.diagnostics:
        path = diag.path
        if revision.name and path and str(Path(path).resolve()).startswith(base):
            path = f"{revision.name}:{str(Path(path).resolve())[len(base):]}"
        found.append(dataclasses.replace(diag, path=path))
    error = UserError(found[0].message, code=found[0].code, diagnostics=found)
    return error


def diff(root: Path, old_spec: str, new_spec: str | None, out_dir: Path, profile: str | None = None):
    """Build OLD and NEW and write the diff's files into `out_dir`; returns the written paths
    and the summary."""
    from .diff import diff_documents
    from .outputs import build_lock, commit
    from .writers.diff import Version, write_diff
    root = root.resolve()
    out_dir = out_dir.resolve()
    with tempfile.TemporaryDirectory(prefix="thesis-diff-") as tmp, build_lock(out_dir, quiet=True):
        tmp = Path(tmp)
        old = checkout(root, old_spec, tmp / "old")
        new = checkout(root, new_spec, tmp / "new") if new_spec else None
        _, old_doc = prepared(old, tmp / "old-build", profile)
        if new is None:
            thesis, document = prepared(Revision(root, "", "", ""), tmp / "new-build", profile)  # paths as they are
            new = working_tree(root, thesis.project.thesis.author)
        else:
            thesis, document = prepared(new, tmp / "new-build", profile)
        merged, summary = diff_documents(old_doc.ast, document.ast, new.author, new.date)
        files = write_diff(dataclasses.replace(document, ast=merged), summary, thesis, out_dir / ".cache",
                           Version(old.name, old.date[:10]), Version(new.name, new.date[:10]))
        commit({out_dir / name: data for name, data in files.items()})
    return [out_dir / name for name in files], summary
