"""The check stage: what the author wrote, checked on the parsed AST before any transform.

Each check is `check(document, thesis) -> list[Diagnostic]` and only looks: all of them
run, their warnings are reported, and every error of every check ends the build once,
together (an author with three missing images and two unknown keys sees five lines).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from . import ast, bibliography, crossref, latex, lint
from .bibliography import Bibliography
from .context import Thesis
from .diagnostics import Diagnostic, Reporter, UserError, display_path
from .document import TYPED_NUMBER, TYPED_STATISTICS, Document
from .files import inside
from .rawmarkup import HTML_FORMATS, SHORTCODE, meanings
from .sources import FORBIDDEN_META

# What the build itself gives pandoc as metadata (stdin block and --bibliography/--csl).
OWN_META = {"lang", "nocite", "link-citations", "suppress-bibliography", "notes-after-punctuation"}

# Pandoc compares format names case-insensitively: `{=OpenXML}` reaches the DOCX as much
# as `{=openxml}` does (measured with pandoc 3.9). Other formats are dropped by both
# writers, silently: they are refused too, so no text of the author vanishes unseen.
RAW_FORMATS_PASSED = {"typst", "openxml"}


def chapter_metadata(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A key pandoc acts on (a file it reads, a format it changes) that reached the parsed
    metadata from a chapter. `sources.check_metadata_blocks` finds the blocks it can read;
    this catches what only pandoc's own YAML reader understood (tabs, escaped keys)."""
    ours = OWN_META | ({"bibliography", "csl"} if thesis.project.thesis.bibliography else set())
    found = []
    for key in sorted(set(document.ast["meta"]) & FORBIDDEN_META - ours):
        path, line = thesis.locate(re.compile(rf"^[ \t]*[\"']?{re.escape(key[:4])}[^\n:]*:", re.M)) or (None, None)
        found.append(Diagnostic("error", f"metadata key {key!r} is not allowed in a chapter; set it in thesis.yaml",
                                path, line, "source.metadata"))
    return found


def raw_markup(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """Raw Typst/OpenXML in a chapter bypasses every escaper: only where the profile allows
    it (and then only those two formats; any other raw block would silently vanish)."""
    allowed = RAW_FORMATS_PASSED if thesis.profile.raw_blocks else set()
    found = []
    for node in document.index.get("RawBlock", []) + document.index.get("RawInline", []):
        fmt, text = node["c"]
        if fmt.lower() in allowed:
            continue
        meant = meanings(fmt, text)
        if meant is not None:  # LaTeX/HTML written for other tools: the transform handles it
            found += _left_out(fmt, text, meant, thesis)
            continue
        path, line = thesis.locate("{=" + fmt + "}") or thesis.locate(text.strip()[:40]) or (None, None)
        kind = "block" if node["t"] == "RawBlock" else "inline"
        if fmt.lower() in RAW_FORMATS_PASSED:
            message = (f"raw {fmt} {kind}: not allowed by profile {thesis.profile.name!r} "
                       "(set raw_blocks: true in the profile to allow it)")
        else:
            message = (f"raw {fmt} {kind}: neither output can show it (only typst and openxml "
                       "pass, where the profile allows raw blocks)")
        found.append(Diagnostic("error", message, path, line, "source.raw"))
    return found


def _left_out(fmt: str, text: str, meant: list, thesis: Thesis) -> list[Diagnostic]:
    """A warning for each raw LaTeX/HTML command the build leaves out, saying what to write."""
    unknown = [m for m in meant if m.kind == "unknown"]
    if not unknown:
        return []
    path, line = thesis.locate(text.strip().splitlines()[0]) or (None, None)
    language = "HTML" if fmt.lower() in HTML_FORMATS else "LaTeX"
    if language == "LaTeX" and latex.convertible({"t": "RawInline", "c": [fmt, text]}):
        # made of commands the LaTeX reader reads, yet left raw: it refused the piece or nested
        # it past the parse's limits (latex.py); "\\textbf is not supported" would be untrue
        return [Diagnostic("warning", "raw LaTeX left out: pandoc's LaTeX reader could not read it here (nested "
                           "too deep, or not closed): write it in Markdown", path, line, "source.raw-latex")]
    return [Diagnostic("warning", f"raw {language} left out: {m.advice}", path, line,
                       f"source.raw-{language.lower()}") for m in unknown]


def images(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """Every image a file inside the project (not remote, not outside, not missing)."""
    found = []
    for node in document.index.get("Image", []):
        resolved = image_file(node["c"][2][0], thesis)
        if isinstance(resolved, Diagnostic):
            found.append(resolved)
    return found


def accessibility(document: Document, thesis: Thesis, standards: list[str]) -> list[Diagnostic]:
    """What a PDF standard that reads the document aloud asks of the sources (the PDF writer
    checks it: the standard can come from the command line): PDF/A level A and PDF/UA-1 an
    image description, the alternative text (`![Scheme of the system](img/a.png)`); PDF/UA-1
    also headings that skip no level, from level 1; every standard, figures that are not PDF
    files. Typst would refuse the PDF without naming the line."""
    described = [s for s in standards if s.endswith("a") or s == "ua-1"]
    named = _standard_names(described)
    found, level = _pdf_figures(document, thesis, standards), 0
    for node in ast.walk(document.blocks) if described else ():
        if node["t"] == "Image" and not ast.stringify(node["c"][1]).strip():
            target = node["c"][2][0]
            path, line = image_place(target, thesis, blank=True)
            found.append(Diagnostic("error", f"image {unquote(target)!r} has no description: {named} needs one "
                                    "as its alternative text, ![what it shows](…)", path, line, "pdf.alt-text"))
        elif node["t"] == "Header" and "ua-1" in standards:
            if node["c"][0] > level + 1:
                title = ast.stringify(node["c"][2])
                path, line = thesis.locate(re.compile(rf"^#+[ \t]+{re.escape(title)}", re.M)) or (None, None)
                where = f"skips from level {level} to {node['c'][0]}" if level else f"comes first, at level {node['c'][0]}"
                found.append(Diagnostic("error", f"heading '{title}' {where}: PDF/UA-1 allows no skipped level "
                                        "(chapters are '#', sections '##')", path, line, "pdf.heading-level"))
            level = node["c"][0]
    return found


def _standard_names(standards: list[str]) -> str:
    """"PDF/A-2a and PDF/UA-1" for ["a-2a", "ua-1"]."""
    return " and ".join("PDF/" + s[:-1].upper() + s[-1] for s in standards)


def _pdf_figures(document: Document, thesis: Thesis, standards: list[str]) -> list[Diagnostic]:
    """A figure saved as PDF, which Typst does not embed in a PDF/A or PDF/UA file ("embedding
    PDFs is currently not supported in this export mode", with no line): said at its line."""
    found = []
    for node in document.index.get("Image", []) if standards else ():
        target = node["c"][2][0]
        file = image_file(target, thesis)
        if isinstance(file, Path) and _head(file).startswith(b"%PDF-"):
            path, line = image_place(target, thesis)
            found.append(Diagnostic("error", f"image {unquote(target)!r} is a PDF, which Typst does not embed in a "
                                    f"{_standard_names(standards)} file: save the figure as SVG (it stays a vector) "
                                    "or PNG", path, line, "pdf.pdf-figure"))
    return found


def _head(path: Path) -> bytes:
    """A file's first bytes, by which Typst tells an image's format (b"" if it cannot be read)."""
    try:
        with path.open("rb") as f:
            return f.read(512)
    except OSError:
        return b""


# What Typst draws, by the file's first bytes (as Typst itself tells them apart, not by suffix)
_DRAWN = ((b"\x89PNG", "PNG"), (b"\xff\xd8\xff", "JPEG"), (b"GIF8", "GIF"), (b"%PDF-", "PDF"),
          (b"\x1f\x8b", "SVGZ"))  # a gzipped SVG: Typst reads it
_NOT_DRAWN = ((b"%!PS", "an EPS (PostScript) file"), (b"\xc5\xd0\xd3\xc6", "an EPS (PostScript) file"),
              (b"II*\x00", "a TIFF file"), (b"MM\x00*", "a TIFF file"), (b"BM", "a BMP file"),
              (b"\xd7\xcd\xc6\x9a", "a WMF file"), (b"\x01\x00\x00\x00", "an EMF file"))


def _image_format_problem(path: Path) -> str | None:
    """Why Typst cannot draw the image file (None: it can, or it is text Typst reads as SVG)."""
    head = _head(path)
    if any(head.startswith(magic) for magic, _ in _DRAWN) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return None
    for magic, what in _NOT_DRAWN:
        if head.startswith(magic):
            return f"is {what}, which the PDF cannot show: convert it to PDF, SVG or PNG"
    if b"<svg" in head or head.lstrip().startswith((b"<?xml", b"<!--", b"<!DOCTYPE")) or not head:
        return None if head else "is an empty file"
    return "is not an image the PDF can show (PNG, JPEG, GIF, WebP, SVG or PDF): convert it to one of these"


def image_place(target: str, thesis: Thesis, blank: bool = False) -> tuple[str | None, int | None]:
    """The chapter and line of the image `target` (`blank`: first one written without a
    description, `![](…)`), by its whole name: 'a' is not found at 'a.png'."""
    names = sorted({target, unquote(target)})
    whole = "|".join(map(re.escape, names))
    named = rf"\(\s*(?:{whole}|<(?:{whole})>)(?=[\s)])"
    for pattern in ([rf"!\[\s*\]{named}"] if blank else []) + [rf"\]{named}", rf"(?:{whole})(?![\w.-])"]:
        for name in names:  # a chapter that does not hold the name is not searched
            if found := thesis.locate(re.compile(pattern), containing=name):
                return found
    return None, None


def image_file(target: str, thesis: Thesis) -> "Path | Diagnostic":
    """The file an image target names (inside the project), or the problem with it.

    Pandoc's writers percent-decode an image target before they read the file (`%2E%2E/x`
    is `../x`, measured), and its DOCX writer embeds whatever file that names, or fetches
    a URL: the decoded path is what is checked.
    """
    root = thesis.root
    name = unquote(target)
    path, line = image_place(target, thesis)
    if "://" in name or name.startswith("data:") or name.startswith("//"):
        return Diagnostic("error", f"image {name!r}: remote images are not fetched; save the file "
                          "into the project", path, line, "image.remote")
    candidates = []
    if not Path(name).is_absolute():
        chapter = next((c.path for c in thesis.chapters if path and display_path(c.path) == path), None)
        if chapter is not None:
            candidates.append(chapter.parent / name)
        candidates.append(root / name)
    existing = [c for c in candidates if c.is_file()]  # symlinks followed
    resolved = next((c for c in existing if inside(root, c)), None)
    if resolved is not None:
        unreadable = _image_format_problem(resolved)
        if unreadable:
            return Diagnostic("error", f"image {name!r} {unreadable}", path, line, "image.format")
        return resolved
    # Absolute, `..` out of the project, or a file that exists only through a link out.
    outside = Path(name).is_absolute() or bool(existing) or not any(inside(root, c) for c in candidates)
    problem = "is outside the project" if outside else "does not exist"
    if not outside and not Path(name).suffix:  # LaTeX's habit: \includegraphics finds the suffix
        suffix = next((found for c in candidates if (found := latex.suffix_found(root, c))), None)
        if suffix:
            problem += f" ({name}{suffix} does: write the file's suffix)"
    return Diagnostic("error", f"image {name!r} {problem}", path, line,
                      "image.outside" if outside else "image.missing")


def citations(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """Undefined keys are errors at their chapter line; unused or thin entries are warnings."""
    places = citation_places(document, thesis)
    bib = thesis.bibliography if thesis.bibliography is not None else Bibliography()
    if thesis.bibliography is None and not places:
        return []
    nocite = thesis.project.thesis.nocite
    unknown = any(key not in bib.entries for key in [*places, *nocite] if key != "*")
    listed = [thesis.root / name for name in thesis.project.thesis.bibliography]  # also when one failed to read
    unlisted = bibliography.keys_elsewhere(thesis.root, listed) if unknown else {}
    nocite_at = (thesis.project.thesis_path, thesis.project.thesis_lines.get(("nocite",)))
    return bibliography.check_citations(bib, places, nocite, unlisted, nocite_at)


def citation_places(document: Document, thesis: Thesis) -> dict[str, list[tuple[str | None, int | None]]]:
    """Each cited key and where the author wrote it (first chapter file and line)."""
    places: dict[str, list] = {}
    for node in document.index.get("Cite", []):
        for citation in node["c"][0]:
            if not crossref.is_label(citation["citationId"]):  # @fig:x… are the crossref check's
                places.setdefault(citation["citationId"], [])
    for key, where in places.items():
        # `[@key]`, else `\cite{a,key}` / `\textcite[p.~5]{key}` left from LaTeX (latex.py): two
        # searches, as one alternation would lose the regex engine's search for the literal "@key"
        written = re.compile("@" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*[\w])")
        latex = re.compile(r"\\[A-Za-z]*cite[A-Za-z]*\*?(?:\[[^\]]*\])*\{(?:[^}]*,)?\s*" + re.escape(key) + r"\s*[,}]")
        where.append(thesis.locate(written) or thesis.locate(latex) or (None, None))
    return places


def heading_levels(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """Chapters written as `##` (a document whose top level is 2) would all be sections."""
    levels = [node["c"][0] for node in document.index.get("Header", [])]
    if not levels or min(levels) < 2:
        return []
    first = next(node for node in document.index["Header"] if node["c"][0] == min(levels))
    path, line = thesis.locate(re.compile(r"^#{%d}\s" % min(levels), re.M)) or (None, None)
    return [Diagnostic("warning", f"the headings start at level {min(levels)} ('{'#' * min(levels)} "
                       f"{ast.stringify(first['c'][2])}'): chapters are '#' here, sections '##' — shift "
                       "every heading up one level", path, line, "source.heading-level")]


def typed_statistics(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A реферат statistics line typed by hand: the build computes it and replaces this one."""
    def normal(text: str) -> str:
        return " ".join(text.split()).casefold().rstrip(".:")
    names = {normal(n) for labels in thesis.profile.labels.values()
             for n in [labels.abstract, *labels.aliases.get("abstract", [])] if n}
    blocks = document.blocks
    found = []
    for i, block in enumerate(blocks[:-1]):
        if block["t"] == "Header" and block["c"][0] == 1 and (
                "abstract" in block["c"][1][1] or normal(ast.stringify(block["c"][2])) in names):
            following = blocks[i + 1]
            text = ast.stringify(following["c"]) if following["t"] in ("Para", "Plain") else ""
            if TYPED_STATISTICS.match(text):
                path, line = thesis.locate(text.strip()[:30]) or (None, None)
                found.append(Diagnostic("warning", f"statistics line typed by hand ({text.strip()!r}): the build "
                                        "counts pages, figures, tables, sources and appendices and prints its own",
                                        path, line, "abstract.typed"))
    return found


def heading_place(text: str, thesis: Thesis) -> tuple[str | None, int | None]:
    """The chapter and line of the heading whose text is `text`: a '#' line (or a Setext
    heading's text line) starting with its first words, not the same words in a paragraph or a
    contents page typed by hand (pandoc's smart dashes and quotes aside: words only)."""
    words = re.findall(r"\w+", text)[:3]
    if not words:
        return None, None
    between = r"\W+"
    atx = re.compile(r"^#{1,6}[ \t]+\W*" + between.join(map(re.escape, words)), re.M)
    setext = re.compile(r"^\W*" + between.join(map(re.escape, words)) + r".*\n(?:=+|-+)[ \t]*$", re.M)
    return (thesis.locate(atx, containing=words[-1]) or thesis.locate(setext, containing=words[-1])
            or thesis.locate(text[:40]) or (None, None))


def heading_typing(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A heading typed with its number ("1.2 Title", "Глава 1") or a final period: the build
    numbers headings, and GOST 7.32 puts no period after one."""
    found = []
    for header in document.index.get("Header", []):
        text = ast.stringify(header["c"][2]).strip()
        problem = ("starts with a typed number (the build numbers headings and leaves out a typed "
                   "number equal to its own: write it without)"
                   if TYPED_NUMBER.match(text) else
                   "ends with a period (GOST 7.32: no period after a heading)"
                   if text.endswith(".") and not text.endswith("..") else None)
        if problem:
            path, line = heading_place(text, thesis)
            found.append(Diagnostic("warning", f"heading {text!r} {problem}", path, line,
                                    "heading.number" if problem.startswith("starts") else "heading.period"))
    return found


_TOC_MARKER = re.compile(r"^[ \t]*(\[toc\]|\[\[_?toc_?\]\]|\{\{toc\}\})[ \t]*$", re.M | re.I)


def typed_contents(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A contents page typed in the text ("# МАЗМҰНЫ" and its entries, as a Word thesis
    converted by pandoc has it): the build makes the contents page itself, so say where."""
    # Imported here: the transforms package imports this module (image checks).
    from .transforms.structure import structural_kind, structural_names
    names = structural_names(thesis)
    found = []
    for chapter in thesis.chapters:  # Typora's, GitLab's, Obsidian plugins' contents markers
        for marker in _TOC_MARKER.finditer(chapter.text):
            found.append(Diagnostic("warning", f"{marker.group(1)!r} is printed as text: the build makes the "
                                    "contents page itself: delete it", display_path(chapter.path),
                                    chapter.line_at(marker.start(1)), "source.contents"))
    for header in document.index.get("Header", []):
        if header["c"][0] == 1 and structural_kind(header, names) == "contents":
            text = ast.stringify(header["c"][2]).strip()
            path, line = heading_place(text, thesis)
            found.append(Diagnostic("warning", f"heading {text!r} starts a contents page typed in the text: the build "
                                    "makes the contents page itself (this one would be printed as a chapter): delete "
                                    "the heading and its entries", path, line, "source.contents"))
    return found


def appendix_letters(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """An appendix letter typed by hand ("Приложение В. Анкета") that is not the one its place
    gives (GOST letters skip Ё З Й О Ч Ъ Ы Ь): the build prints its own, and says so."""
    # Imported here: the transforms package imports this module (image checks).
    from .transforms.structure import appendix_letter, structural_kind, structural_names, typed_appendix
    names = structural_names(thesis)
    found, index = [], 0
    for header in document.index.get("Header", []):
        if header["c"][0] != 1 or structural_kind(header, names) != "appendix":
            continue
        text = ast.stringify(header["c"][2])
        typed, expected = typed_appendix(text, names), appendix_letter(index, thesis.language)
        index += 1
        if typed and typed[0] != expected:
            path, line = thesis.locate(text.strip()) or (None, None)
            found.append(Diagnostic("warning", f"appendix typed as {typed[0]!r} is appendix {expected!r} by its "
                                    f"place (GOST letters skip Ё З Й О Ч Ъ Ы Ь): printed as {expected!r}",
                                    path, line, "heading.appendix-letter"))
    return found


_WITH_IDS = frozenset({"Header", "Div", "Span", "CodeBlock", "Code", "Table", "Figure", "Image", "Link"})


def element_ids(blocks: list) -> set[str]:
    """Every id an element of `blocks` has: what an internal link (`#id`) can go to."""
    return {ast.attr(node)[0] for node in ast.find(blocks, _WITH_IDS)} - {""}


def internal_links(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A link the author wrote to an id no element has (a Word contents page converted by
    pandoc links to Word's bookmarks, `#X2c65…`): printed as its text (transforms/content.py),
    said at its line. The source list's `#ref-…` links are citeproc's."""
    links = [link for link in document.index.get("Link", []) if link["c"][2][0].startswith("#")]
    if not links:
        return []
    ids, found, seen = element_ids(document.blocks), [], set()
    for link in links:
        target = link["c"][2][0][1:]
        if target in ids or target.startswith("ref-") or target in seen:
            continue
        seen.add(target)
        path, line = thesis.locate(f"](#{target})") or thesis.locate(f"#{target}") or (None, None)
        found.append(Diagnostic("warning", f"link to '#{target}' goes nowhere: no heading or element has that "
                                "id (printed as its text)", path, line, "xref.link"))
    return found


def quarto_shortcodes(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A Quarto shortcode other than `{{< pagebreak >}}` is left out (transforms/raw.py): say so
    at its line, with what to write instead."""
    if not any("{{<" in chapter.text for chapter in thesis.chapters):
        return []
    advice = {"include": "paste the file's text into a chapter, or list it under chapters: in thesis.yaml",
              "var": "write the value itself", "meta": "write the value itself"}
    found = []
    for node in ast.find(document.blocks, {"Para", "Plain"}):
        for match in SHORTCODE.finditer(ast.stringify(node["c"])):
            if match.group(1) != "pagebreak":
                path, line = thesis.locate(re.compile(r"\{\{<\s*" + re.escape(match.group(1)))) or (None, None)
                found.append(Diagnostic("warning", f"Quarto shortcode {match.group(0)!r} left out: "
                                        f"{advice.get(match.group(1), 'write it in Markdown')}", path, line,
                                        "source.shortcode"))
    return found


# A Quarto (or R Markdown) code cell: a fence whose braces name a language, "```{python}" or
# "```{r, echo=FALSE}" (pandoc's own attributes start with "." or "#": "```{.python}")
_CODE_CELL = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*\{[ \t]*([A-Za-z][\w-]*)[^}\n]*\}[ \t]*$", re.M)


def quarto_cells(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A Quarto code cell is run by Quarto, not here, and pandoc's Markdown reads its fence as
    text (the cell's lines ran together into the paragraph): say what to write."""
    found = []
    for chapter in thesis.chapters:
        if "{" not in chapter.text:
            continue
        for match in _CODE_CELL.finditer(chapter.text):
            fence, language = match.group(1), match.group(2)
            found.append(Diagnostic(
                "warning", f"code cell {match.group(0).strip()!r} is not run by this build, and Markdown reads it "
                f"as text: save what it makes (a figure, a table) into the project and include that, or write "
                f"'{fence}{language}' to print the code", display_path(chapter.path),
                chapter.line_at(match.start()), "source.code-cell"))
    return found


def typed_captions(document: Document, thesis: Thesis) -> list[Diagnostic]:
    """A caption typed with its label and number ("Рисунок 3.1 – Схема"), or such a paragraph
    above a table or below a lone image: the build numbers captions (transforms/captions.py
    takes the typed label off, and the paragraph for the caption); say what to write."""
    # Imported here: the transforms package imports this module (image checks).
    from .transforms.captions import caption_pattern, caption_paragraph, typed_anywhere
    if not typed_anywhere(thesis):
        return []
    patterns = {kind: caption_pattern(thesis, kind) for kind in ("figure", "table")}
    found = []

    def warn(text: str, advice: str) -> None:
        typed = (patterns["figure"].match(text) or patterns["table"].match(text)).group(0).strip()
        start = re.compile(r"^[ \t]*(?:!\[|:[ \t]*)?" + re.escape(typed), re.M)  # a paragraph, ![…], ": …"
        path, line = thesis.locate(start) or (None, None)
        found.append(Diagnostic("warning", f"caption {text.strip()!r} typed with its label and number: the "
                                f"build numbers captions ({advice})", path, line, "caption.typed"))
    for kind in ("Figure", "Table"):
        for node in document.index.get(kind, []):
            caption = ast.stringify(node["c"][1][1])
            if patterns[kind.lower()].match(caption):
                warn(caption, "left out of the outputs: write the caption without it")
    for blocks in [document.blocks] + [d["c"][1] for d in document.index.get("Div", [])]:
        for block, after in zip(blocks, blocks[1:]):
            found_kind = (caption_paragraph(block, after, patterns) or (None,))[0]
            if found_kind == "table":
                warn(ast.stringify(block["c"]), "this paragraph is taken as the table's caption: write it as "
                     "': caption' after the table")
            elif found_kind == "figure":
                warn(ast.stringify(after["c"]), "this paragraph is taken as the figure's caption: write it as "
                     "'![caption](file)'")
    return found


CHECKS = [
    heading_levels,    # '##' used as the top level
    appendix_letters,  # a typed appendix letter that its place contradicts
    chapter_metadata,  # no file or format keys from a chapter's YAML
    raw_markup,        # raw Typst/OpenXML only where the profile allows it
    images,            # images inside the project, existing, not remote
    citations,         # every key defined; unused and incomplete entries warned
    crossref.check,    # every @fig:/@tbl:/@eq:/@sec: reference names a label defined once
    typed_statistics,  # the реферат's "61 с., 3 рис." is computed, never typed
    heading_typing,    # no typed heading numbers, no final period
    typed_captions,    # no typed "Рисунок 3.1 –" in or next to captions
    quarto_shortcodes,  # {{< include … >}} and the like: left out, said where
    quarto_cells,      # ```{python}: not run here, and read as text
    internal_links,    # [text](#id) to an id nothing has
    typed_contents,    # "# Содержание" typed: the build makes the contents page
]


# Checks of the source files themselves (no AST): they run while pandoc parses.
_WIKILINK = re.compile(r"(!?)\[\[([^\[\]\n|]+)(?:\|([^\[\]\n]*))?\]\]")


def wikilinks(document: Document | None, thesis: Thesis, cache: Path | None = None) -> list[Diagnostic]:
    """Obsidian's `[[Page]]` and `![[image.png]]`, which Markdown prints as written: say what to
    write instead, at the line."""
    found = []
    for chapter in thesis.chapters:
        if "[[" not in chapter.text:
            continue
        for match in _WIKILINK.finditer(chapter.text):
            line = chapter.line_at(match.start())
            target, words = match.group(2).strip(), (match.group(3) or match.group(2)).strip()
            advice = (f"write ![caption]({target}) with the file's path in the project" if match.group(1) else
                      f"write the words themselves, or [{words}](#id) to a heading's {{#id}}")
            found.append(Diagnostic("warning", f"{match.group(0)!r} is an Obsidian link, printed as written: {advice}",
                                    display_path(chapter.path), line, "source.wikilink"))
    return found


SOURCE_CHECKS = [
    lint.check_sources,  # typography: mojibake, mixed scripts, quotes, dashes, initials (lint.*)
    wikilinks,           # Obsidian's [[Page]] / ![[image.png]]: printed as written, said where
]


def check_sources(thesis: Thesis, cache: Path | None = None) -> list[Diagnostic]:
    """The findings of every source check (run beside the parse stage; `cache`: where they
    may keep what they found in files that did not change)."""
    return [diag for check in SOURCE_CHECKS for diag in check(None, thesis, cache)]


def run_checks(document: Document, thesis: Thesis, reporter: Reporter,
               early: list[Diagnostic] = ()) -> None:
    """Every check (and the source checks' `early` findings); warnings reported, all errors
    raised together."""
    errors = list(thesis.pending)
    for found in [list(early)] + [check(document, thesis) for check in CHECKS]:
        # dict.fromkeys: one line per problem (an image in a citation's prefix is met twice).
        for diag in dict.fromkeys(found):
            if diag.level == "error":
                errors.append(diag)
            else:
                reporter.emit(diag)
    if errors:
        raise UserError.from_diagnostics(errors)
