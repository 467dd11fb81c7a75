"""Make the README's pictures of the supervisor's kit (docs/review/*.png) from the sample
project of the tests (a git repository tagged v1, edited since).

    PYTHONPATH=. python tools/review_pictures.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from review_project import make_repo  # noqa: E402
from thesis.build import Options, build  # noqa: E402
from thesis.compare import diff  # noqa: E402
from thesis.diagnostics import Reporter  # noqa: E402

OUT = REPO / "docs" / "review"


def page_png(pdf: Path, page: int, name: str, crop_mm: int | None = None) -> None:
    """One page of a PDF as docs/review/<name>.png (the top `crop_mm` only, if given)."""
    args = ["pdftoppm", "-r", "70", "-f", str(page), "-l", str(page), "-png", "-singlefile"]
    if crop_mm:
        args += ["-H", str(round(crop_mm / 25.4 * 70)), "-W", "579"]
    subprocess.run([*args, str(pdf), str(OUT / name)], check=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = make_repo(Path(tmp))
        out = root / "build"
        build(root, Options(targets=("review",)), Reporter(quiet=True))
        diff(root, "v1", None, out)
        page_png(out / "thesis-review.pdf", 3, "review", crop_mm=120)
        page_png(out / "thesis-diff.pdf", 1, "diff-summary", crop_mm=150)
        page_png(out / "thesis-diff.pdf", 4, "diff-pdf")
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp,
                        str(out / "thesis-diff.docx")], check=True, capture_output=True, timeout=180)
        page_png(Path(tmp) / "thesis-diff.pdf", 3, "diff-docx")
    print(f"pictures in {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
