"""`diff OLD [NEW]` on a sample project in a git repository: the PDF a reader sees, the
DOCX's tracked changes, Accept All = NEW and Reject All = OLD."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from helpers import pdf_pages
from review_project import CHAPTER, V2, git, make_repo
from thesis.build import Options, build
from thesis.diagnostics import Reporter
from thesis.compare import diff
from thesis.tracked import W, accepted, rejected

PARTS = ("word/document.xml", "word/footnotes.xml")


def texts(root) -> list[str]:
    """Each paragraph's text (what Word shows after the changes were applied)."""
    out = []
    for p in root.iter(f"{{{W}}}p"):
        text = " ".join("".join(t.text or "" for t in p.iter(f"{{{W}}}t", f"{{{W}}}delText")).split())
        if text:
            out.append(text)
    return out


def part(docx: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return etree.fromstring(z.read(name))


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("diff")
    root = make_repo(tmp)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    written, summary = diff(root, "v1", None, root / "build")
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts
             and "build" not in p.relative_to(root).parts}
    assert after == before, "the diff touched the author's files"
    # the plain builds of both versions, for Accept/Reject All
    old = tmp / "old"
    old.mkdir()
    git(root, "worktree", "add", "-q", str(old / "thesis"), "v1")
    for project in (old / "thesis", root):
        build(project, Options(targets=("docx",), out=project / "plain"), Reporter(quiet=True))
    return root, old / "thesis", summary


def test_summary_counts_the_known_edits(repo):
    root, _, summary = repo
    chapter = summary.chapters[0]
    assert chapter.title.endswith("Интеграция теориясы")
    # "ол" → "автор нақты"; the deleted paragraph (9 words); "кейінірек." → "үшінші тарауда." in a note
    assert chapter.removed >= 10 and chapter.added >= 3
    assert summary.notes_added == 1  # the new citation's footnote
    assert summary.notes_changed >= 2  # the locator 45 → 47, the hand-written note
    assert summary.sources_added == ["haas1958"]


def test_pdf_shows_both_versions_and_a_summary(repo):
    root, _, _ = repo
    pages = pdf_pages(root / "build" / "thesis-diff.pdf")
    assert "v1" in pages[0] and "working tree" in pages[0]
    body = " ".join(pages[1:])
    for words in ("ол автор нақты былай", "Бұл абзац толығымен алынып тасталады", "45 47 бет.",
                  "туралы кейінірекүшінші тарауда.", "Haas E. B."):
        assert words in body, words
    assert "маңызды орын алады4." in body  # the sentence grew by a citation: its words stay
    # the re-wrapped paragraph reads once, unmarked
    assert body.count("Ұзын абзац бір жолда жазылған, кейін ол басқаша бөлінеді") == 1


def test_docx_accept_all_is_new_and_reject_all_is_old(repo):
    root, old, _ = repo
    data = (root / "build" / "thesis-diff.docx").read_bytes()
    new_plain = (root / "plain" / "thesis.docx").read_bytes()
    old_plain = (old / "plain" / "thesis.docx").read_bytes()
    for name in PARTS:
        assert texts(accepted(data, name)) == texts(part(new_plain, name)), name
        assert texts(rejected(data, name)) == texts(part(old_plain, name)), name


def test_docx_changes_are_tracked_with_author_and_date(repo):
    root, _, _ = repo
    data = (root / "build" / "thesis-diff.docx").read_bytes()
    body, notes = part(data, "word/document.xml"), part(data, "word/footnotes.xml")
    ns = {"w": W}
    deleted = ["".join(d.itertext()) for d in body.iterfind(".//w:del", ns)]
    inserted = ["".join(i.itertext()) for i in body.iterfind(".//w:ins", ns)]
    assert any("ол" == d.strip() for d in deleted)
    assert any("Бұл абзац толығымен" in d for d in deleted)
    assert any("автор нақты" in i for i in inserted)
    assert body.find(".//w:del/w:r/w:delText", ns) is not None
    note_changes = ["".join(x.itertext()) for x in notes.iterfind(".//w:ins", ns)]
    assert any("үшінші" in t for t in note_changes) and any("47" in t for t in note_changes)
    change = body.find(".//w:ins", ns)
    assert change.get(f"{{{W}}}author") == "Айгерім Сәтбаева"
    assert change.get(f"{{{W}}}date").endswith("Z")
    ids = [c.get(f"{{{W}}}id") for c in body.iter(f"{{{W}}}ins", f"{{{W}}}del")]
    assert len(ids) == len(set(ids))


def test_unchanged_revisions_show_no_change(repo, tmp_path):
    root, _, _ = repo
    written, summary = diff(root, "v1", "v1", tmp_path)
    assert not summary.changed
    data = (tmp_path / "thesis-diff.docx").read_bytes()
    assert part(data, "word/document.xml").find(f".//{{{W}}}ins") is None


def test_cli_verbs(repo, capsys):
    from thesis.cli import main
    root, _, _ = repo
    assert main(["diff", "no-such-tag", "--project", str(root), "--out", str(root / "cli")]) == 1
    assert "error: no-such-tag: no such git revision or project folder [diff.revision]" in capsys.readouterr().err
    assert main(["diff", "v1", "--project", str(root), "--out", str(root / "cli")]) == 0
    assert "words: +" in capsys.readouterr().out
    assert (root / "cli" / "thesis-diff.pdf").is_file() and (root / "cli" / "thesis-diff.docx").is_file()
    assert main(["comments", str(root / "cli" / "thesis-diff.docx"), "--format", "github",
                 "--project", str(root), "--out", str(root / "cli")]) == 0
    out = capsys.readouterr().out
    assert f"::notice file={CHAPTER},line=6::suggestion (Айгерім Сәтбаева" in out
