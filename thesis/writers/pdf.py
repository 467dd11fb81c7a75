"""PDF: pandoc's Typst writer for the body, a Jinja skeleton from the profile, typst.compile.

The only module that runs Typst. Texts reach Typst as JSON in `sys.inputs`;
the Jinja skeleton receives validated numbers and tokens only.
"""

from __future__ import annotations

import copy
import hashlib
import json
import marshal
import re
import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .. import ast, pandoc
from ..checks import accessibility
from ..config import Profile, pdf_standards
from ..context import Options, Run, Thesis
from ..diagnostics import UserError
from ..document import (CITATION, EQUATION, HEADING_RULES, LIST_OF, PAGE_BREAK, WHERE, Document, heading_attr,
                        heading_rule, map_blocks, number_of)
from ..escape import TypstSource, typst_string
from ..files import cached_bytes, write_atomic
from ..pandoc import LANG_TAGS
from ..templates import render
from ..titlepage import labels, title_fields
from . import Artefact
from .fonts import FontChoice, choose_font, installed_families
from .typst_worker import new_compiler
from .typst_blocks import typst_div, typst_inline, unruled_continuation_cells, with_continuation_row

NAME = "thesis.pdf"

# Word's single line for Times-metric faces is 1.15 em (win ascent + descent + line gap);
# Typst's "ascender"/"descender" edges use the typographic metrics, 0.909 em together
# (measured: without leading, baselines of 14 pt text lie 12.73 pt apart).
WORD_LINE_EM = 1.15
ASC_DESC_EM = 0.909
# Word and LibreOffice put a page's first baseline one win-ascent (0.891 em) below the top
# margin; Typst's "ascender" edge is the typographic one (0.694 em): the PDF's top margin
# grows by the difference so both outputs print the first line at the same height.
FIRST_LINE_GAP_EM = 0.891 - 0.694


def warm_up(options: Options) -> None:
    """Scan the installed fonts (~50 ms) while the parse waits on pandoc."""
    installed_families(options.ignore_system_fonts)


def write(document: Document, thesis: Thesis, run: Run) -> Artefact:
    """The thesis PDF (and, with --keep-typst, its Typst source)."""
    standard = run.options.pdf_standard or thesis.profile.pdf_standard
    if problems := accessibility(document, thesis, pdf_standards(standard)):  # before any pandoc run
        raise UserError.from_diagnostics(problems)
    font = choose_font(thesis.profile, run.reporter, run.options.ignore_system_fonts)
    with run.clock.stage("pdf: pandoc→typst"):
        body = typst_body(document.ast, thesis.root, run.cache / "typst", tools_started=run.lead.set)
        source = typst_source(thesis, unruled_continuation_cells(body))
    with run.clock.stage("pdf: typst"):
        result = compile_pdf(thesis, source, font, run.options.ignore_system_fonts, run.session,
                             standard=standard, attachments=attachments(thesis, standard, run.options))
    for warning in result.warnings:
        run.reporter.warn(f"typst: {warning}", code="typst.warning")
    files = {NAME: result.pdf}
    if run.options.keep_typst:
        files["thesis.typ"] = source.encode()
    note = " (fallback)" if font.fallback else ""
    return Artefact(files, detail=f"{result.pages} pages", notes=[f"font: {font.family}{note}"],
                    facts={"pages": result.pages, "font": font, "typst": source})


@dataclass
class TypstResult:
    """What the PDF writer made."""

    pdf: bytes
    source: str
    pages: int
    warnings: list[str]


def leading(spacing: float) -> float:
    """Typst `par.leading` (em) that gives Word's line spacing `spacing`."""
    return round(max(spacing * WORD_LINE_EM - ASC_DESC_EM, 0.0), 3)


def _rendered_citation(node: dict) -> dict | None:
    """A Cite as the text citeproc rendered (pandoc's Typst writer would emit `#cite`); the
    page-count Span as Typst's count."""
    if node["t"] == "Cite":
        return {"t": "Span", "c": [["", [CITATION], []], ast.rewrite(node["c"][1], _rendered_citation)]}
    return typst_inline(node)


def _alt_text(node: dict) -> dict | None:
    """An inline image with its Markdown description as alternative text (the tagged PDF's
    /Alt), a formula with its TeX (PDF/UA-1 asks for both): pandoc's Typst writer (3.9) writes
    none, so the element sits in a scope that sets it. A figure is left whole here
    (`_figure_alt` scopes it: its image is Typst code there)."""
    if node["t"] == "Figure":
        return node
    if node["t"] == "Math":  # `;` ends the rule where `$` follows
        alt, rule = " ".join(node["c"][1].split()), "#set math.equation(alt: {});"
    elif node["t"] == "Image":
        alt, rule = ast.stringify(node["c"][1]).strip(), "#set image(alt: {})"
    else:
        return None
    if not alt:
        return None
    return {"t": "Span", "c": [["", [], []], [
        ast.RawInline("typst", "#[" + rule.format(typst_string(alt))), node, ast.RawInline("typst", "]")]]}


def _figure_alt(block: dict) -> list[dict] | None:
    """A figure of one image in a scope that gives the image its description as alt text."""
    if block["t"] != "Figure":
        return None
    images = [n for n in ast.walk(block["c"][2]) if n["t"] == "Image"]
    alt = ast.stringify(images[0]["c"][1]).strip() if len(images) == 1 else ""
    return _scoped(f"#set image(alt: {typst_string(alt)})", [block]) if alt else None


def body_ast(doc: dict) -> dict:
    """The AST for the Typst writer: citations as rendered text, each heading wrapped in
    its profile rule's show scope, numbered figures, tables and formulas in a scope that
    prints the number the build gave them, images with their alt text, ".word" after an
    inline element escaped, markup that would start a wrapped line kept text (escape_boundaries)."""
    out = copy.copy(doc)
    blocks = ast.rewrite(ast.rewrite(ast.rewrite(doc["blocks"], _rendered_citation), _alt_text), _outlined_notes)
    # last: the block rules read the Spans the escapes take apart (an equation's)
    out["blocks"] = escape_boundaries(map_blocks(map_blocks(blocks, _typst_block), _figure_alt))
    return out


def _outlined_notes(node: dict) -> dict | None:
    """A heading's or a caption's notes as `#in-text-only[…]` (partials/contents.typ.j2): the
    contents page and the lists of figures repeat the heading or caption, notes and all."""
    kind = node["t"]
    if kind == "Header" and ast.find(node["c"][2], {"Note"}):
        return {**node, "c": [*node["c"][:2], ast.rewrite(node["c"][2], _in_text_only)]}
    if kind in ("Figure", "Table") and ast.find(node["c"][1], {"Note"}):
        return {**node, "c": [node["c"][0], ast.rewrite(node["c"][1], _in_text_only), *node["c"][2:]]}
    return None


def _in_text_only(node: dict) -> dict | None:
    if node["t"] != "Note":
        return None  # a Span without an id: pandoc writes its content bare
    return {"t": "Span", "c": [["", [], []], [ast.RawInline("typst", "#in-text-only["), node,
                                              ast.RawInline("typst", "]")]]}


# Inline elements pandoc writes as Typst calls (`#strong[a]`): text right after one that
# starts with "." and a letter would read as a field access (`#strong[a].b`: "strong does not
# have field b"). Pandoc escapes "(" and "[" there itself (measured), not ".".
_CALLS = {"Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline", "Span",
          "Link", "Image", "Note", "Cite", "Quoted", "Math", "Code", "RawInline"}
_FIELD_ACCESS = re.compile(r"\.[^\W\d]")


def escape_boundaries(node):
    """`node` with a Typst escape (`\\`) between an inline element and a following ".word", and
    each run of text pandoc writes bare (Str elements, Spans without an id) as one Str. What
    it leaves alone is shared with `node`, which is never changed: the writers run side by side
    on one document (changing it in place put a second escape into the review PDF)."""
    if isinstance(node, dict):
        content = node.get("c")
        if isinstance(content, (list, dict)):
            escaped = escape_boundaries(content)
            return node if escaped is content else {**node, "c": escaped}
        return node
    if not isinstance(node, list):
        return node
    out = None
    for i, item in enumerate(node):
        escaped = escape_boundaries(item)
        if escaped is not item:
            out = out if out is not None else list(node)
            out[i] = escaped
    items = out if out is not None else node
    if any(_plain_span(item) for item in items):
        items = [inner for item in items for inner in (item["c"][1] if _plain_span(item) else [item])]
    if any(_is_str(items[i]) and _is_str(items[i - 1]) for i in range(1, len(items))):
        items = _joined_strings(items)
    cuts = [i for i in range(1, len(items)) if _is_str(items[i])
            and _FIELD_ACCESS.match(items[i]["c"]) and isinstance(items[i - 1], dict)
            and items[i - 1].get("t") in _CALLS]
    if not cuts:
        return items
    items = list(items)
    for i in reversed(cuts):
        items.insert(i, ast.RawInline("typst", "\\"))
    return items


def _is_str(item) -> bool:
    return isinstance(item, dict) and item.get("t") == "Str"


def _plain_span(item) -> bool:
    """A Span pandoc's Typst writer writes as its bare content: one without an id (a label) and
    without the class `mark` (`#highlight[…]`); its other classes and attributes are not
    written (measured, pandoc 3.9)."""
    return (isinstance(item, dict) and item.get("t") == "Span" and not item["c"][0][0]
            and "mark" not in item["c"][0][1])


def _joined_strings(items: list) -> list:
    """Adjacent Str elements (the build's transforms make them; pandoc's reader never does) as
    one: pandoc's Typst writer escapes markup at the start of a line one Str at a time, so a
    wrap between Str "1" (a resolved reference's number, in its Span) and Str "." began a line
    with "1." — a numbered list item in Typst."""
    out: list = []
    for item in items:
        if _is_str(item) and out and _is_str(out[-1]):
            out[-1] = ast.Str(out[-1]["c"] + item["c"])
        else:
            out.append(item)
    return out


# TeX math symbols that pandoc's Typst writer (3.9) names as older Typst did: Typst 0.15 knows
# them by these names (measured over 618 TeX commands: these 13 failed to compile).
MATH_SYMBOLS = {"sect": "inter", "minus.circle": "minus.o", "times.circle": "times.o", "dot.circle": "dot.o",
                "dash.circle": "dash.o", "bracket.l.double": "bracket.l.stroked",
                "bracket.r.double": "bracket.r.stroked"}
_MATH_SEGMENT = re.compile(r'(?<!\\)\$(?:[^$"\\]|\\.|"(?:[^"\\]|\\.)*")*\$')
_MATH_NAME = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![A-Za-z0-9.])[A-Za-z]+(?:\.[A-Za-z]+)*')


def rename_math_symbols(typst_text: str) -> str:
    """Pandoc's Typst with every math symbol Typst lacks renamed (text outside math untouched)."""
    def name(match: re.Match) -> str:
        word = match.group(0)
        if word.startswith('"'):
            return word
        parts = word.split(".")
        for n in range(len(parts), 0, -1):  # the longest known prefix: `dot.circle.big` → `dot.o.big`
            head = ".".join(parts[:n])
            if head in MATH_SYMBOLS:
                return ".".join([MATH_SYMBOLS[head], *parts[n:]])
        return word
    return _MATH_SEGMENT.sub(lambda m: _MATH_NAME.sub(name, m.group(0)), typst_text)


def _scoped(opening: str, blocks: list[dict]) -> list[dict]:
    """`blocks` inside `#[opening …]`: a set or show rule for them alone."""
    return [ast.RawBlock("typst", f"#[{opening}"), *blocks, ast.RawBlock("typst", "]\n")]


def _typst_block(block: dict) -> list[dict] | None:
    """Headings at any depth (the source list's group headings sit in a Div) in their rule's
    scope; page breaks and generated lists as skeleton calls; numbers as the numbering
    transform computed them (Typst's counters never decide)."""
    kind = block["t"]
    if kind == "Header":
        return _scoped(f"#show heading: heading-{heading_rule(block)}", [block])
    if kind == "Div" and PAGE_BREAK in ast.attr(block)[1]:
        return [ast.RawBlock("typst", "#pagebreak(weak: true)")]
    if kind == "Div" and LIST_OF in ast.attr(block)[1]:
        figure_kind = {"figures": "image", "tables": "table"}[heading_attr(block, "list")]
        return [ast.RawBlock("typst", f'#list-of("{figure_kind}")')]
    if kind in ("Figure", "Table") and number_of(block):  # a table: its continuation line in the header
        shown = with_continuation_row(block) if kind == "Table" else block
        return _scoped(f"#set figure(numbering: (..n) => {typst_string(number_of(block))})", [shown])
    if kind == "Para" and len(block["c"]) == 1 and EQUATION in _classes(block["c"][0]):
        span = block["c"][0]
        para = ast.Para(span["c"][1])  # the Math alone: the Span's id would become a Typst label
        if not number_of(span):
            return [para]
        return _scoped(f"#set math.equation(numbering: (..n) => {typst_string('(' + number_of(span) + ')')})", [para])
    if kind == "Div" and WHERE in block["c"][0][1]:  # "где …" after a formula: from the left edge
        return _scoped("#set par(first-line-indent: (amount: 0pt, all: true))", block["c"][1])
    if kind == "Div":  # key words, terms lists, landscape pages (their blocks mapped first)
        return typst_div(block, map_blocks(block["c"][1], _typst_block))
    return None


def _classes(node: dict) -> list[str]:
    return node["c"][0][1] if node["t"] in ("Span", "Div") else []


CHUNK_MARK = "// thesis: chunk boundary"
CACHE_VERSION = "8"  # bump when body_ast changes what it hands to pandoc (the module's own
# code is part of the key too, so an edit of this file never meets a stale section)


_MODULE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


# Besides every chapter and section heading, a section is cut after a paragraph whose bytes
# hash to 0 modulo this (content-defined, as rsync cuts files: a cut depends on that paragraph
# alone, so an edit elsewhere moves none): ~8 paragraphs a chunk, ~20 ms of pandoc to redo.
CUT_EVERY = 8


def cut_after(block: dict, data: bytes | None = None) -> bool:
    """Whether a chunk ends after this block (`data`: its marshal bytes, if made already); the
    DOCX writer cuts the same way (docx_stitch)."""
    return block["t"] == "Para" and zlib.crc32(data or marshal.dumps(block, 2)) % CUT_EVERY == 0


def chapter_chunks(blocks: list[dict]) -> list[list[dict]]:
    """The body split before every chapter and section heading and after some paragraphs
    (stable under edits)."""
    return [chunk for chunk, _ in _chunks(blocks)]


def _chunks(blocks: list[dict]) -> list[tuple[list[dict], bytes]]:
    """`chapter_chunks` with each chunk's marshal bytes (its cache key's input)."""
    chunks: list[tuple[list[dict], list[bytes]]] = [([], [])]
    for block in blocks:
        # marshal (version 2: no back-references, so equal blocks give equal bytes): 4× faster than JSON
        data = marshal.dumps(block, 2)
        if block["t"] == "Header" and block["c"][0] <= 2 and chunks[-1][0]:
            chunks.append(([], []))
        chunks[-1][0].append(block)
        chunks[-1][1].append(data)
        if cut_after(block, data):
            chunks.append(([], []))
    return [(chunk, b"".join(data)) for chunk, data in chunks if chunk]


def typst_body(doc: dict, cwd: Path, cache: Path | None, tools_started: Callable[[], None] = lambda: None) -> str:
    """Pandoc's Typst for the body, section by section; unchanged sections come from the cache.

    Pandoc's Typst output for a section depends only on that section's AST (footnotes and
    citations are inline, numbering is Typst's), so a section the author did not touch is
    not converted again. Missing sections go through one pandoc run, split at markers.
    `tools_started` is called once what is left is mostly pandoc's (and then Typst's) work.
    """
    chunks, data = zip(*_chunks(doc["blocks"])) if doc["blocks"] else ((), ())
    salt = json.dumps([pandoc.version(), CACHE_VERSION, _MODULE_HASH, doc["meta"]])
    keys = [hashlib.sha256(salt.encode() + d).hexdigest()[:24] for d in data]
    kept = {k: cached_bytes(cache / f"{k}.typ") for k in set(keys)} if cache is not None else {}
    texts = {k: data.decode() for k, data in kept.items() if data is not None}
    missing = [(k, c, len(d)) for k, c, d in zip(keys, chunks, data) if k not in texts]
    tools_started()
    for batch in _batches(missing):
        joined: list[dict] = []
        for _, chunk in batch:
            joined += chunk + [ast.RawBlock("typst", CHUNK_MARK)]
        out = rename_math_symbols(pandoc.write(body_ast({**doc, "blocks": joined}), "typst", cwd).decode())
        for (key, _), text in zip(batch, out.split(CHUNK_MARK)[: len(batch)]):
            text = text.strip("\n") + "\n\n"  # the same text whichever batch made it
            texts[key] = text
            if cache is not None:
                write_atomic(cache / f"{key}.typ", text.encode(), durable=False)  # never half a section
    return "".join(texts[k] for k in keys)


# A pandoc run's memory grows with its input (~230 MB for a 300-page thesis in one run): missing
# sections go in runs of at most this much AST (marshal bytes; the 61-page thesis has 1.1 MB).
BATCH_BYTES = 1_500_000


def _batches(missing: list[tuple[str, list, int]]) -> list[list[tuple[str, list]]]:
    batches: list[list[tuple[str, list]]] = []
    filled = 0
    for key, chunk, size in missing:
        if not batches or filled + size > BATCH_BYTES:
            batches.append([])
            filled = 0
        batches[-1].append((key, chunk))
        filled += size
    return batches


def template_context(thesis: Thesis, body: str) -> dict:
    """Numbers, lengths and choices for the Typst skeleton (no author text)."""
    profile: Profile = thesis.profile
    lead = leading(profile.text.line_spacing)
    position = profile.page_numbers.position
    vpos, hpos = position.split("-")
    rules = []
    for kind in HEADING_RULES:
        rule = getattr(profile.headings, kind)
        rules.append({"kind": kind, **vars(rule)})
    return {
        "profile": profile,
        "body": TypstSource(body),
        "page_size": profile.page.size,
        "margins": profile.page.margins,
        "top_gap": f"{round(profile.sizes.body.pt * FIRST_LINE_GAP_EM, 2)}pt",
        "first_printed": profile.page_numbers.first_printed,
        "number_slot": "header" if vpos == "top" else "footer",
        "number_hpos": {"center": "center", "right": "right"}[hpos],
        "sizes": profile.sizes,
        "language": thesis.language,
        "region": LANG_TAGS[thesis.language].split("-")[1].lower(),
        "hyphenate": profile.text.hyphenate.get(thesis.language, False),
        "justify": profile.text.alignment == "justify",
        "cell_align": profile.tables.cell_align,
        "leading": lead,
        "single_leading": leading(1.0),
        "paragraph_spacing": profile.text.paragraph_spacing,
        "indent": profile.text.first_line_indent,
        "heading_rules": rules,
        "footnote_rule": profile.footnotes.rule_length,
        "footnote_leading": leading(profile.footnotes.line_spacing),
        "contents_depth": profile.contents.depth,
        "contents_indent": profile.text.first_line_indent,
        "contents_title_gap": profile.headings.structural.space_after,
    }


def template_data(thesis: Thesis, fonts: list[str], attached: list[dict] = ()) -> dict:
    """Every text the skeleton prints: metadata, labels, fonts (passed as JSON data), and the
    files attached to the PDF."""
    return {"meta": title_fields(thesis), "labels": labels(thesis), "fonts": list(fonts),
            "keywords": list(thesis.project.thesis.keywords), "attachments": list(attached)}


MIME = {".md": "text/markdown", ".bib": "application/x-bibtex", ".yaml": "application/yaml"}


def attachments(thesis: Thesis, standard: str, options) -> list[dict]:
    """thesis.yaml, the chapters and the .bib files, to be attached inside the PDF (PDF/A-3b
    allows associated files, PDF/A-2b does not): the archived PDF carries what it was made from."""
    if not options.attach_sources:
        return []
    if not any(part.startswith("a-3") for part in pdf_standards(standard)):
        raise UserError("--attach-sources needs PDF/A-3b (--pdf-standard a-3b, or pdf_standard: a-3b in "
                        "the profile): PDF/A-2b allows no attached files", code="pdf.attach")
    files = [thesis.project.thesis_path, *(c.path for c in thesis.chapters), *thesis.bibliography_files]
    root = thesis.root.resolve()
    return [{"path": "/" + path.resolve().relative_to(root).as_posix(), "mime": MIME.get(path.suffix, "text/plain"),
             "description": f"thesis source: {path.resolve().relative_to(root).as_posix()}"} for path in files]


def typst_source(thesis: Thesis, body: str) -> str:
    """The complete Typst document for the thesis."""
    return render("typst", "thesis.typ.j2", thesis.root, **template_context(thesis, body))


def compile_pdf(thesis: Thesis, source: str, font: FontChoice, ignore_system_fonts: bool = False,
                session: dict | None = None, inputs: dict[str, str] | None = None,
                standard: str = "none", attachments: list[dict] = ()) -> TypstResult:
    """The PDF compiled in-process (or, in a watch session, by its Typst worker process);
    Typst's errors become a UserError. `inputs`: more JSON texts for `sys.inputs` (a diff's
    summary, a review stamp). Always tagged; PDF/A when `standard` names one (not in a watch
    session's drafts: its worker compiles plain PDF)."""
    import typst
    data = json.dumps(template_data(thesis, list(font.chain), attachments), ensure_ascii=False)
    root = thesis.root
    if session is not None and session.get("watch"):
        return _compile_in_worker(session, thesis, source, {"thesis": data, **(inputs or {})}, ignore_system_fonts)
    try:
        kept, lock = compiler(root, ignore_system_fonts)
        with lock:  # one compile at a time per compiler (two writers may share it)
            pdf, warnings = kept.compile_with_warnings(
                input=source.encode(), format="pdf", sys_inputs={"thesis": data, **(inputs or {})},
                timestamp=thesis.epoch, pdf_standards=pdf_standards(standard), pdf_tags=True)
    except typst.TypstError as exc:
        raise _typst_error(str(getattr(exc, "message", None) or exc) or type(exc).__name__, root) from None
    pages = len(_PAGE.findall(pdf))
    return TypstResult(pdf, source, pages, [str(w) for w in warnings or []])


def _compile_in_worker(session: dict, thesis: Thesis, source: str, sys_inputs: dict, ignore: bool) -> TypstResult:
    from .typst_worker import TypstWorker
    worker = session.get("typst")
    if worker is None or (worker.root, worker.ignore) != (thesis.root, ignore):
        worker = session["typst"] = TypstWorker(thesis.root, ignore)
    status, payload, warnings, _ = worker.compile(source.encode(), sys_inputs, thesis.epoch)
    if status != "ok":
        raise _typst_error(payload, thesis.root)
    return TypstResult(payload, source, len(_PAGE.findall(payload)), warnings)


def _typst_error(text: str, root: Path) -> UserError:
    """Typst's error as one line, without the project's absolute path (CI logs)."""
    first = text.strip().splitlines()[0] if text.strip() else "typst failed"
    return UserError(f"typst: {first.replace(f'{root}/', '')}", code="tool.typst")


@lru_cache(maxsize=4)
def compiler(root: Path, ignore_system_fonts: bool):
    """A Typst compiler for the project, kept for the next build in this process (watch mode,
    tests): measured on the thesis, a kept compiler recompiles an edited document in ~36 ms
    instead of ~195 ms and its memory stays flat, where a new compiler per build grows the
    process by ~80 MiB each time (Typst's caches live as long as the compiler). With the
    lock that lets one thread at a time use it (PyO3 refuses a second borrow)."""
    return new_compiler(root, ignore_system_fonts), threading.Lock()


_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
