"""Versions of the thesis: a git revision extracted into a temporary folder (`git archive`,
so the author's working tree and repository are never touched), its name, author and date;
the working tree's version for a review stamp (`git describe`).
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import UserError

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
