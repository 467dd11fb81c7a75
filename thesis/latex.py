"""LaTeX left in Markdown, read as LaTeX: `\\textbf{…}`, `\\cite{…}`, `\\footnote{…}`, `itemize`…

A thesis started in LaTeX keeps such commands when it moves to Markdown. Pandoc's Markdown
reader passes them through as raw TeX, which neither writer prints: the words inside were
lost (with a warning saying what to write instead). Here each raw TeX element made only of
commands and environments pandoc's LaTeX reader reads faithfully (`COMMANDS`, `ENVIRONMENTS`)
is read by it instead, in one pandoc run per part (`--sandbox`: `\\input` reads nothing), and
put in its place before citeproc, so `\\cite{key}` is a citation like `[@key]` and
`\\footnote{…}` a note like `^[…]`. Anything else (an unknown macro, `\\input`, `\\newcommand`)
stays raw: the check stage warns about it at its line, as before. `~` right before a raw
command is LaTeX's no-break space (`Figure~\\ref{fig:x}`).

`\\chapter{…}`, `\\section{…}`… are headings at the levels a thesis's LaTeX class gives them
(`LEVELS`: `\\section` is `##`). `rawmarkup` gives the raw commands the build maps itself (page
breaks, equations, `\\ref`); those are not read here.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from . import ast, guards, pandoc
from .diagnostics import UserError
from .rawmarkup import TEX_FORMATS, meanings

# Commands pandoc's LaTeX reader turns into what Markdown would have made (each read by it and
# looked at; an unknown command is dropped by that reader with its argument, so only these are).
COMMANDS = frozenset({
    "textbf", "textit", "emph", "textsl", "underline", "texttt", "textsc", "textup", "textmd", "textrm",
    "textnormal", "textsuperscript", "textsubscript", "mbox", "enquote",
    "cite", "citep", "citet", "parencite", "textcite", "autocite", "citeauthor", "citeyear", "footcite",
    "Cite", "Parencite", "Textcite", "Autocite",
    "footnote", "url", "href",
    "item", "ldots", "dots", "LaTeX", "TeX",  # not \textendash, \textemdash: that reader drops them
    # figures and tables: a Figure with its caption and label, a Table from `tabular`
    "includegraphics", "caption", "label", "centering", "textwidth", "linewidth", "columnwidth",
    "hline", "toprule", "midrule", "bottomrule", "multicolumn", "multirow",  # not \cline: read as a cell
    "chapter", "section", "subsection", "subsubsection",  # headings: their levels are LEVELS'
})
# A thesis's divisions (report and book classes) as Markdown's: \section is '##' (rawmarkup's
# advice said so). Pandoc's reader numbers them by what else is in its input (a \chapter
# anywhere makes \section level 2), which here is a batch of pieces: the level is set by name.
LEVELS = {"chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4}
_SECTIONING = re.compile(r"\\(chapter|section|subsection|subsubsection)\*?\s*[\[{]")
ENVIRONMENTS = frozenset({"itemize", "enumerate", "description", "quote", "quotation", "center",
                          "figure", "figure*", "table", "table*", "tabular", "tabularx", "longtable"})
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".svg", ".pdf")  # what \includegraphics{name} may mean
_COMMAND = re.compile(r"\\([A-Za-z]+)")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{([^}]*)\}")
_LABEL = re.compile(r"\\label\{([^}]+)\}")
_CUT = "THESIS-LATEX-CUT-7f3a"  # a paragraph between two pieces in one pandoc run
NBSP = "\u00a0"


def convertible(node: dict) -> bool:
    """Whether a raw element is TeX this module reads: nothing the build maps itself, and
    only the commands and environments pandoc's LaTeX reader reads faithfully."""
    fmt, text = node["c"]
    if fmt.lower() not in TEX_FORMATS:
        return False
    found = meanings(fmt, text)
    if not found or any(m.kind != "unknown" for m in found):
        return False
    environments = _ENVIRONMENT.findall(text)
    commands = {name for name in _COMMAND.findall(text) if name not in ("begin", "end")}
    return commands <= COMMANDS and set(environments) <= ENVIRONMENTS and bool(commands or environments)


def read_leftovers(blocks: list, cwd: Path, what: str) -> list:
    """`blocks` (just read, changed in place) with each convertible raw TeX element replaced by
    what pandoc's LaTeX reader makes of it, and `~` before a raw command a no-break space."""
    raws = [node for node in ast.find(blocks, {"RawInline", "RawBlock"}) if node["c"][0].lower() in TEX_FORMATS]
    if not raws:
        return blocks
    taken = _labelled_headings(blocks)
    raws = [node for node in raws if id(node) not in taken]
    pieces = [node for node in raws if convertible(node)]
    read = _read([node["c"][1] for node in pieces], cwd, what) if pieces else []
    replacements: dict[int, list] = {}
    for node, made in zip(pieces, read):
        if made is None:
            continue  # stays raw (warned)
        _as_markdown_gives(made, cwd)
        _levels_by_name(made, node["c"][1])
        if node["t"] == "RawBlock":
            replacements[id(node)] = [_tight(block) for block in made]
        elif len(made) == 1 and made[0]["t"] in ("Para", "Plain"):
            replacements[id(node)] = made[0]["c"]
        # an inline piece that reads as more than a paragraph stays raw (warned)
    _splice(blocks, replacements, {id(node) for node in raws if node["t"] == "RawInline"})
    return blocks


def _levels_by_name(made: list, text: str) -> None:
    """The headings a piece made, each at the level its command names (LEVELS), in order."""
    names = _SECTIONING.findall(text)
    headers = [block for block in made if block["t"] == "Header"]
    if len(names) == len(headers):
        for header, name in zip(headers, names):
            header["c"][0] = LEVELS[name]


def _labelled_headings(blocks: list) -> set[int]:
    """`## Title \\label{sec:x}`: the label is the heading's id (`## Title {#sec:x}`), the raw
    element taken out of the heading; the ids of the elements taken out."""
    taken: set[int] = set()
    for header in ast.find(blocks, {"Header"}):
        inlines = header["c"][2]
        labels = [node for node in inlines if node["t"] == "RawInline" and node["c"][0].lower() in TEX_FORMATS
                  and _LABEL.fullmatch(node["c"][1].strip())]
        if not labels:
            continue
        header["c"][1][0] = _LABEL.fullmatch(labels[-1]["c"][1].strip()).group(1)
        taken |= {id(node) for node in labels}
        inlines[:] = [node for node in inlines if id(node) not in taken]
        while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
            inlines.pop()
    return taken


def _read(texts: list[str], cwd: Path, what: str) -> list[list[dict] | None]:
    """Each TeX text's blocks (None for one that stays raw), from one run of pandoc's LaTeX
    reader; should that run fail, or its pieces not come back apart, each half is read again
    (a piece the reader refuses keeps no other raw, in ~2 log n more runs)."""
    made = _run(f"\n\n{_CUT}\n\n".join(texts), cwd, what)
    if made is not None:
        out: list[list[dict]] = [[]]
        for block in made:
            if block["t"] == "Para" and block["c"] == [{"t": "Str", "c": _CUT}]:
                out.append([])
            else:
                out[-1].append(block)
        if len(out) == len(texts):
            return out
    if len(texts) == 1:
        return [None]
    half = len(texts) // 2
    return _read(texts[:half], cwd, what) + _read(texts[half:], cwd, what)


def _run(source: str, cwd: Path, what: str) -> list[dict] | None:
    """The blocks pandoc's LaTeX reader makes of `source`; None where it refuses the TeX or its
    AST nests past the limits the parse holds Markdown to (the piece then stays raw, warned)."""
    try:
        stdout, _ = pandoc.run(["--from", "latex", "--to", "json", "--sandbox"], source.encode(), cwd,
                               f"reading the LaTeX in {what}")
        return guards.decode(stdout)["blocks"]
    except guards.TooDeep:
        return None
    except UserError as exc:
        if exc.diagnostic.code != "tool.pandoc":
            raise
        return None


def _as_markdown_gives(blocks: list, cwd: Path) -> None:
    """What the LaTeX reader makes, in place, as Markdown's reader makes it: a table labelled by
    its own id (not a Div around it), a figure's image described by its caption, no LaTeX
    placement option; `\\includegraphics{images/x}` naming its file's suffix as LaTeX finds it."""
    for i, block in enumerate(blocks):
        inner = block["c"][1] if block["t"] == "Div" else []
        if block["t"] == "Div" and block["c"][0][0] and len(inner) == 1 and inner[0]["t"] == "Table" \
                and not inner[0]["c"][0][0]:
            inner[0]["c"][0][0] = block["c"][0][0]
            blocks[i] = inner[0]
    for figure in ast.find(blocks, {"Figure"}):
        attrs = figure["c"][0]
        attrs[2] = [kv for kv in attrs[2] if kv[0] != "latex-placement"]
        caption = [inline for block in figure["c"][1][1] for inline in block.get("c", [])]
        for image in ast.find(figure["c"][2], {"Image"}):
            if not image["c"][1]:
                image["c"][1] = copy.deepcopy(caption)
    for image in ast.find(blocks, {"Image"}):
        target = image["c"][2]
        if not Path(target[0]).suffix and (suffix := suffix_found(cwd, cwd / target[0])):
            target[0] += suffix


def suffix_found(root: Path, path: Path) -> str | None:
    """The one suffix (IMAGE_SUFFIXES) that makes `path` a file inside the project `root`, as
    LaTeX's \\includegraphics finds it (None: no such file, or several); nothing outside the
    project is looked at."""
    found = [suffix for suffix in IMAGE_SUFFIXES
             if (file := path.with_name(path.name + suffix).resolve()).is_relative_to(root.resolve()) and file.is_file()]
    return found[0] if len(found) == 1 else None


def _tight(block: dict) -> dict:
    """A list whose items are one paragraph each as Markdown's tight list (`Plain` items):
    the LaTeX reader makes every `\\item` a paragraph."""
    if block["t"] in ("BulletList", "OrderedList"):
        items = block["c"] if block["t"] == "BulletList" else block["c"][1]
        if all(len(item) == 1 and item[0]["t"] == "Para" for item in items):
            for item in items:
                item[0] = {"t": "Plain", "c": item[0]["c"]}
                for inner in item:
                    _tight(inner)
    return block


def _splice(node, replacements: dict[int, list], raw_inlines: set[int]) -> None:
    """Every list under `node` with its replaced elements spliced in, and a `~` ending the text
    right before a raw inline TeX element made a no-break space."""
    stack = [node]
    while stack:
        current = stack.pop()
        if type(current) is dict:
            content = current.get("c")
            if type(content) in (list, dict) and "t" in current:
                stack.append(content)
            continue
        if type(current) is not list:
            continue
        for i in range(len(current) - 1):
            here, after = current[i], current[i + 1]
            if (type(here) is dict and here.get("t") == "Str" and here["c"].endswith("~")
                    and type(after) is dict and id(after) in raw_inlines):
                current[i] = {"t": "Str", "c": here["c"][:-1] + NBSP}
        if any(id(item) in replacements for item in current):
            current[:] = [new for item in current for new in replacements.get(id(item), [item])]
        stack.extend(item for item in current if type(item) in (list, dict))
