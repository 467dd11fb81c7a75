"""A supervisor's remarks brought back to the Markdown: Word comments and tracked changes
from a DOCX (lxml), annotations from a PDF (pypdf: highlight, strike-out, underline,
sticky note, free text), each marked passage found in the chapters by normalised text
(hyphenation, ligatures, footnote numbers, line breaks, quotes, Markdown syntax) and
fuzzy matching.
"""

from __future__ import annotations

import difflib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .tracked import NS, W

MIN_MATCH = 0.6  # share of the passage's characters a fuzzy match must cover


@dataclass
class Remark:
    """One thing the supervisor said or marked."""

    kind: str  # comment, suggestion, highlight, strike-out, note
    author: str
    date: str  # YYYY-MM-DD or ""
    text: str  # what they wrote ("" for a bare highlight)
    passage: str  # the text they marked
    new: str = ""  # a suggestion's replacement
    page: int | None = None  # PDF page (1-based)
    where: tuple[str, int] | None = None  # chapter file (relative) and line, once found
    context: str = ""  # a suggestion's paragraph, to find it by when its own words are new

    def line(self) -> str:
        """`content/x.md:45: comment (Supervisor, 2026-03-02): "…" on "passage"`."""
        who = ", ".join(x for x in (self.author, self.date) if x)
        head = f"{self.kind} ({who})" if who else self.kind
        if self.kind == "suggestion":
            body = f'"{_short(self.passage)}" → "{_short(self.new)}"'
        else:
            body = (f'"{_short(self.text)}" on ' if self.text else "") + f'"{_short(self.passage)}"'
        place = f"{self.where[0]}:{self.where[1]}" if self.where else \
            (f"page {self.page}" if self.page else "unmatched")
        return f"{place}: {head}: {body}"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- DOCX

def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def read_docx(data: bytes) -> list[Remark]:
    """Comments (with the text they span) and tracked changes of a DOCX, in document order."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        body = etree.fromstring(z.read("word/document.xml"))
        comments = etree.fromstring(z.read("word/comments.xml")) if "word/comments.xml" in names else None
    remarks = []
    if comments is not None:
        spans = _comment_spans(body)
        for comment in comments.iterfind("w:comment", NS):
            ident = comment.get(_w("id"))
            text = "\n".join("".join(t.text or "" for t in p.iter(_w("t"))) for p in comment.iterfind(".//w:p", NS))
            remarks.append(Remark("comment", comment.get(_w("author"), ""), comment.get(_w("date"), "")[:10],
                                  text.strip(), spans.get(ident, "")))
    return remarks + _suggestions(body)


def _comment_spans(body) -> dict[str, str]:
    """Each comment's marked text: the runs between its range start and end."""
    open_ids: dict[str, list[str]] = {}
    done: dict[str, str] = {}
    for node in body.iter(_w("commentRangeStart"), _w("commentRangeEnd"), _w("t"), _w("delText")):
        ident = node.get(_w("id"))
        if node.tag == _w("commentRangeStart"):
            open_ids[ident] = []
        elif node.tag == _w("commentRangeEnd"):
            done[ident] = "".join(open_ids.pop(ident, []))
        else:
            for parts in open_ids.values():
                parts.append(node.text or "")
    return done


def _suggestions(body) -> list[Remark]:
    """Tracked changes as suggestions: a deletion and the insertion right after it are one
    replacement; the paragraph's text around them is the passage to find."""
    out = []
    for para in body.iter(_w("p")):
        changes = [c for c in para if c.tag in (_w("ins"), _w("del"))]
        if not changes:
            continue
        # the paragraph as the author wrote it: without the insertions, with the deletions
        context = "".join(t.text or "" for t in para.iter(_w("t"), _w("delText")) if not _inside(t, "ins"))
        i = 0
        while i < len(changes):
            change = changes[i]
            old = new = ""
            if change.tag == _w("del"):
                old = "".join(t.text or "" for t in change.iter(_w("delText")))
                if i + 1 < len(changes) and changes[i + 1].tag == _w("ins") and \
                        changes[i + 1].getprevious() is change:
                    i += 1
                    new = "".join(t.text or "" for t in changes[i].iter(_w("t")))
            else:
                new = "".join(t.text or "" for t in change.iter(_w("t")))
            if not old.strip() and not new.strip():
                i += 1
                continue  # a moved footnote mark or paragraph mark: nothing to read
            out.append(Remark("suggestion", change.get(_w("author"), ""), change.get(_w("date"), "")[:10],
                              "", old.strip() or "(nothing)", new=new.strip() or "(deleted)", context=context))
            i += 1
    return out


def _inside(node, kind: str) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == _w(kind):
            return True
        parent = parent.getparent()
    return False


# ---------------------------------------------------------------- PDF

MARKUP = {"/Highlight": "highlight", "/StrikeOut": "strike-out", "/Underline": "underline",
          "/Squiggly": "underline"}
NOTES = {"/Text": "note", "/FreeText": "note"}


def read_pdf(data: bytes) -> list[Remark]:
    """Markup annotations (with the text under them) and notes (with the line beside them)."""
    import pypdf
    reader = pypdf.PdfReader(io.BytesIO(data))
    remarks = []
    for number, page in enumerate(reader.pages, 1):
        annotations = page.get("/Annots")
        if not annotations:
            continue
        segments = _segments(page)
        for ref in annotations:
            annot = ref.get_object()
            subtype = annot.get("/Subtype")
            if subtype not in MARKUP and subtype not in NOTES:
                continue
            text = str(annot.get("/Contents", "") or "")
            author = str(annot.get("/T", "") or "")
            date = _pdf_date(str(annot.get("/M", "") or annot.get("/CreationDate", "") or ""))
            if subtype in MARKUP:
                passage = _under_quads(segments, annot)
                kind = MARKUP[subtype]
                if text:
                    kind = "comment"
            else:
                x0, y0, x1, y1 = [float(v) for v in annot["/Rect"]]
                passage = _line_near(segments, (y0 + y1) / 2)
                kind = "comment"
            remarks.append(Remark(kind, author, date, text.strip(), passage, page=number))
    return remarks


def _pdf_date(value: str) -> str:
    match = re.match(r"D:(\d{4})(\d{2})(\d{2})", value)
    return f"{match.group(1)}-{match.group(2)}-{match.group(3)}" if match else ""


def _segments(page) -> list[tuple[float, float, float, str]]:
    """The page's text pieces: (x, baseline y, font size, text), in content order."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = abs(cm[3] or 1) * (size or 10)
            found.append((cm[4] + tm[4], cm[5] + tm[5], scale, text))
    page.extract_text(visitor_text=visit)
    return found


def _under_quads(segments, annot) -> str:
    """The text whose baseline lies in the annotation's quadrilaterals."""
    quads = [float(v) for v in annot.get("/QuadPoints", [])] or \
        [float(v) for v in (annot["/Rect"][0], annot["/Rect"][3], annot["/Rect"][2], annot["/Rect"][3],
                            annot["/Rect"][0], annot["/Rect"][1], annot["/Rect"][2], annot["/Rect"][1])]
    picked = []
    for i in range(0, len(quads) - 7, 8):
        xs, ys = quads[i:i + 8:2], quads[i + 1:i + 8:2]
        left, right, low, high = min(xs), max(xs), min(ys), max(ys)
        for x, y, size, text in segments:
            width = len(text) * size * 0.5  # near enough to tell whether a piece overlaps
            if low - 1 <= y <= high + 1 and x < right and x + width > left:
                picked.append(text)
    return "".join(dict.fromkeys(picked))


def _line_near(segments, y: float) -> str:
    """The text line closest to height `y` (a sticky note sits beside the line it is about)."""
    if not segments:
        return ""
    best = min(segments, key=lambda s: abs(s[1] - y))[1]
    return "".join(text for _, sy, _, text in segments if abs(sy - best) < 1)


# ---------------------------------------------------------------- back to the Markdown

QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'",
                        "–": "-", "—": "-", "\u00ad": None, "\u00a0": " "})
MARKDOWN = re.compile(r"\[@[^\]]*\]|@[\w:.-]+|\^\[|\{[^}]*\}|[*_`#>|\\]|\]\([^)]*\)|[\[\]]")


def normalise(text: str) -> str:
    """Text as a comparison sees it: NFKC (ligatures), one kind of quote and dash, no soft
    hyphens, words broken at a line end joined, footnote numbers after a word dropped,
    whitespace folded, lower case."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    text = re.sub(r"(?<=[^\W\d_])\d+(?=[\s.,;:!?)]|$)", "", text)
    return " ".join(text.split()).lower()


@dataclass
class Paragraph:
    """A stretch of a chapter file without blank lines: its normalised text and, for each
    character of it, the source line it came from."""

    path: str
    text: str
    lines: list[int]


def paragraphs(path: str, source: str) -> list[Paragraph]:
    """The chapter's paragraphs, Markdown syntax and citations left out of the text."""
    out, current = [], []
    for number, line in enumerate(source.splitlines() + [""], 1):
        if line.strip():
            current.append((number, line))
            continue
        if current:
            text, lines = "", []
            for n, raw in current:
                piece = normalise(MARKDOWN.sub(" ", raw))
                if piece:
                    if text:
                        text, lines = text + " ", lines + [n]
                    text, lines = text + piece, lines + [n] * len(piece)
            out.append(Paragraph(path, text, lines))
            current = []
    return out


def locate(passage: str, chapters: list[Paragraph]) -> tuple[str, int] | None:
    """The chapter file and line where `passage` is: an exact match of the normalised text,
    else the paragraph with the longest common stretch covering most of it."""
    needle = normalise(passage)
    if len(needle) < 3:
        return None
    for para in chapters:
        at = para.text.find(needle)
        if at >= 0:
            return para.path, para.lines[at]
    best, best_size, best_at = None, 0, 0
    for para in chapters:
        match = difflib.SequenceMatcher(None, para.text, needle, autojunk=False).find_longest_match(
            0, len(para.text), 0, len(needle))
        if match.size > best_size:
            best, best_size, best_at = para, match.size, match.a
    if best is not None and best_size >= MIN_MATCH * len(needle):
        return best.path, best.lines[best_at]
    return _most_similar(needle, chapters)


def _most_similar(needle: str, chapters: list[Paragraph]) -> tuple[str, int] | None:
    """The paragraph most like `needle` as a whole (a sentence the author has since edited)."""
    best, best_ratio = None, MIN_MATCH
    for para in chapters:
        matcher = difflib.SequenceMatcher(None, para.text, needle, autojunk=False)
        if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = (para, matcher.get_matching_blocks()[0].a), ratio
    return (best[0].path, best[0].lines[best[1]]) if best else None


def map_remarks(remarks: list[Remark], chapters: list[tuple[str, str]]) -> list[Remark]:
    """Each remark with its place in the chapters (relative path, text) when found."""
    paras = [p for path, text in chapters for p in paragraphs(path, text)]
    for remark in remarks:
        context = remark.context
        remark.where = locate(remark.passage, paras) if remark.passage not in ("", "(nothing)") else None
        if remark.where is None and context:
            remark.where = locate(context, paras)
    return remarks


def read(path: Path) -> list[Remark]:
    """The remarks of a commented DOCX or an annotated PDF."""
    data = path.read_bytes()
    if data[:4] == b"%PDF":
        return read_pdf(data)
    if data[:2] == b"PK":
        return read_docx(data)
    from .diagnostics import UserError
    raise UserError(f"{path}: neither a PDF nor a DOCX", code="comments.format")


def github(remark: Remark) -> str:
    """A GitHub Actions annotation for the remark."""
    text = remark.line().split(": ", 1)[1].replace("%", "%25").replace("\n", "%0A")
    if remark.where:
        return f"::notice file={remark.where[0]},line={remark.where[1]}::{text}"
    return f"::notice::{remark.line()}"


def checklist(remarks: list[Remark], chapter_order: list[str]) -> str:
    """build/comments.md: the remarks grouped by chapter, each a checkbox for the author."""
    groups: dict[str, list[Remark]] = {path: [] for path in chapter_order}
    unmatched = []
    for remark in remarks:
        (groups.setdefault(remark.where[0], []) if remark.where else unmatched).append(remark)
    out = ["# Supervisor's remarks", ""]
    for path, items in groups.items():
        if not items:
            continue
        out += [f"## {path}", ""]
        for r in sorted(items, key=lambda r: r.where[1]):
            out.append(f"- [ ] line {r.where[1]}: {r.line().split(': ', 1)[1]}")
        out.append("")
    if unmatched:
        out += ["## Not found in the chapters", ""]
        out += [f"- [ ] {r.line()}" for r in unmatched] + [""]
    return "\n".join(out)


def comments(root: Path, file: Path, out_dir: Path, profile: str | None = None) -> tuple[list[Remark], Path]:
    """The remarks of `file` mapped to the project's chapters; build/comments.md written."""
    from .config import load_project
    from .diagnostics import Reporter
    from .outputs import commit
    from .sources import read_chapters
    root = root.resolve()
    project = load_project(root, Reporter(quiet=True), profile)
    chapters = [(c.path.relative_to(root).as_posix(), c.text) for c in read_chapters(project)]
    remarks = map_remarks(read(file), chapters)
    path = out_dir.resolve() / "comments.md"
    commit({path: checklist(remarks, [name for name, _ in chapters]).encode()})
    return remarks, path
