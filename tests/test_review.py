"""`review`: thesis-review.pdf has the same pages as thesis.pdf, line numbers restarting on
every page, and a stamp (draft word, git version, date) on every page."""

from __future__ import annotations

import re

import pytest

from helpers import pdf_pages
from review_project import make_repo
from thesis.build import Options, build
from thesis.diagnostics import Reporter
from thesis.versions import describe


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_repo(tmp_path_factory.mktemp("review"))
    build(root, Options(targets=("pdf", "review")), Reporter(quiet=True))
    return root, pdf_pages(root / "build" / "thesis.pdf"), pdf_pages(root / "build" / "thesis-review.pdf")


def split_review_page(text: str, stamp: str) -> dict[str, int]:
    """A review page's text without its stamp and margin numbers → how many lines were
    numbered: the numbers 1..k come after the page's text, before its page number (if
    any), so both readings are offered."""
    assert text.endswith(stamp), text[-80:]
    tokens = text[: -len(stamp)].split()
    readings = {" ".join(tokens): 0}
    for tail in (1, 0):
        head, end = tokens[: len(tokens) - tail], tokens[len(tokens) - tail:]
        last = head[-1] if head else ""
        if last.isdigit() and head[-int(last):] == [str(i) for i in range(1, int(last) + 1)]:
            readings[" ".join(head[: -int(last)] + end)] = int(last)
    return readings


def test_same_pages_same_text_and_numbered_lines(built):
    root, plain, reviewed = built
    assert len(reviewed) == len(plain) >= 3
    stamp = f"ЖОБА · {describe(root)} · "
    assert describe(root) == "v1-dirty"
    for index, (a, b) in enumerate(zip(plain, reviewed)):
        date = re.search(r"ЖОБА · \S+ · (\d{4}-\d{2}-\d{2})$", b)
        assert date, f"page {index + 1} has no stamp"
        readings = split_review_page(b, stamp + date.group(1))
        assert a in readings, f"page {index + 1} differs"
        lines = readings[a]
        assert lines >= (5 if index >= 2 else 0), f"page {index + 1}: {lines} numbered lines"


def test_long_thesis_breaks_pages_alike(tmp_path):
    from helpers import copy_project
    root = copy_project("long", tmp_path)
    build(root, Options(targets=("pdf", "review")), Reporter(quiet=True))
    plain, reviewed = pdf_pages(root / "build" / "thesis.pdf"), pdf_pages(root / "build" / "thesis-review.pdf")
    assert len(plain) == len(reviewed) > 10
    for index, (a, b) in enumerate(zip(plain, reviewed)):
        stamp = re.search(r"ЖОБА · uncommitted · \d{4}-\d{2}-\d{2}$", b).group(0)
        assert a in split_review_page(b, stamp), f"page {index + 1} differs"


def test_review_is_a_target_of_the_command(tmp_path, capsys):
    from helpers import copy_project
    from thesis.cli import main
    root = copy_project("minimal", tmp_path)
    assert main(["review", "--project", str(root)]) == 0
    assert "thesis-review.pdf" in capsys.readouterr().out
    assert (root / "build" / "thesis-review.pdf").is_file() and not (root / "build" / "thesis.pdf").exists()


def test_writers_side_by_side_leave_the_document_alone(sample):
    """The writers share one document: a writer that changed it in place showed in another's
    output. The PDF writer's escape of ".word" after an inline element ("*example*.com") went
    into the document, and the review PDF, escaping it again, printed "example\\.com"."""
    import marshal
    from thesis.build import prepare
    from thesis.writers import docx, pdf
    root = sample("rendered")
    chapter = sorted((root / "content").glob("*.md"))[1]
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n\nСайт *example*.com және [сілтеме](https://a.kz).ru.\n",
                       encoding="utf-8")
    thesis, document = prepare(root, Options(), Reporter(quiet=True))
    before = marshal.dumps(document.ast, 2)
    pdf.body_ast(document.ast)
    docx.docx_ast(document, thesis)
    assert marshal.dumps(document.ast, 2) == before
    result = build(root, Options(targets=("pdf", "review", "docx")), Reporter(quiet=True))
    for name in ("pdf", "review"):
        text = " ".join(pdf_pages(result.outputs[name]))
        assert "example.com" in text and "сілтеме.ru" in text and "\\" not in text, name
