#!/usr/bin/env python3
"""Make an N-times thesis from a project: every chapter repeated N times (as chapters of its
own, headings kept), the same bibliography and thesis.yaml.

    python bench/scale.py SOURCE_PROJECT DEST N
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def main(source: Path, dest: Path, times: int) -> None:
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("build", ".git", "content", "tests", "bench"))
    (dest / "content").mkdir()
    chapters = sorted((source / "content").glob("*.md"))
    body = [c for c in chapters if c.name[:2].isdigit() and 1 <= int(c.name[:2]) < 80]
    for c in chapters:
        if c not in body:
            (dest / "content" / c.name).write_text(c.read_text(encoding="utf-8"), encoding="utf-8")
    for copy in range(times):
        for c in body:
            name = f"{int(c.name[:2]) + 10 * copy:02d}{c.name[2:]}" if copy else c.name
            (dest / "content" / name).write_text(c.read_text(encoding="utf-8"), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]))
