"""Inputs that would hang or crash the build, refused at the chapter's line before pandoc starts.

Pandoc accepts every text, but some shapes cost it (or what comes after it) far more than
they are worth. Measured with pandoc 3.9 on the 2-core CI machine (see the README):

- nested `[` (links, spans, inline notes): pandoc's reader tries every way to close them
  (jgm/pandoc#1735), ~3x the time per level: `[[[[[[[[a]]]]]]]]` (8 deep) 1.2 s, 9 deep 4 s,
  10 deep 11 s, 12 deep over a minute; unclosed `[` cost ~1.8x per bracket (16: 3.6 s);
- block quotes: Typst stops at 17 nested quotes ("maximum show rule depth exceeded");
  lists at ~60 levels; emphasis at ~80 levels; Python's JSON decoder at ~400 levels
  (RecursionError), our own AST walks earlier.

`check_chapter` scans the text (milliseconds); `check_ast` measures the parsed AST without
recursion, the backstop for shapes the text scan cannot see; `locate` names the chapter and
line when the combined pandoc run fails.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .diagnostics import UserError


def line_of(text: str, needle: str) -> int | None:
    """The 1-based line on which `needle` first occurs in `text`, or None."""
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1

MAX_BRACKET_DEPTH = 6    # `[` open at once in one paragraph (8 deep: 1.2 s, 10 deep: 11 s in pandoc)
MAX_QUOTE_DEPTH = 8      # nested block quotes (Typst fails at 17)
MAX_BLOCK_DEPTH = 12     # block quotes and list levels together (Typst: lists fail at ~60)
MAX_INLINE_DEPTH = 16    # emphasis/strong/span/link/note inside one another (Typst fails at ~80)
MAX_DELIMITER_RUN = 24   # `*_~^[` characters in a row with no text between (each may open a level)
MAX_NESTING = 40         # containers of any kind inside one another in the AST (blocks and inlines)

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_LIST_MARKER = re.compile(r"([-*+]|\d{1,9}[.)]|#[.)]|[a-zA-Z][.)]|\(?[ivxlcdmIVXLCDM]+[.)])(\s+|$)")
_QUOTE_MARKER = re.compile(r">\s?")
_RUN = re.compile(r"[*_~^\[]{%d,}" % (MAX_DELIMITER_RUN + 1))
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_MATH = re.compile(r"\$\$(?:.|\n)+?\$\$|\$(?=\S)(?:\\.|[^$\\])*?(?<=\S)\$(?!\d)")


@dataclass(frozen=True)
class Shape:
    """A pathological shape: where it is and what to change."""

    line: int
    message: str


@lru_cache(maxsize=256)  # a watch scans the chapters the author did not edit again
def scan(text: str) -> Shape | None:
    """The first shape in a chapter's text that a limit refuses (None: the text is fine)."""
    lines = text.splitlines()
    code = _code_lines(lines)
    return (_blocks(lines, code) or _runs(lines, code) or _brackets(text, code))


def check_chapter(path: Path, text: str) -> None:
    """A UserError at the chapter's line for the first pathological shape."""
    shape = scan(text)
    if shape is not None:
        raise UserError(shape.message, path, shape.line, "source.nesting")


def _code_lines(lines: list[str]) -> set[int]:
    """0-based indices of lines inside fenced code blocks (fence lines included)."""
    inside, fence, out = False, "", set()
    for i, line in enumerate(lines):
        match = _FENCE.match(line)
        if inside:
            out.add(i)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and not line.strip()[len(match.group(1)):].strip():
                inside = False
        elif match:
            inside, fence = True, match.group(1)
            out.add(i)
    return out


def _blocks(lines: list[str], code: set[int]) -> Shape | None:
    stack: list[int] = []  # indentation of the list items open around this line
    for i, line in enumerate(lines):
        if i in code or not line.strip():
            continue
        expanded = line.expandtabs(4)
        rest = expanded.lstrip(" ")
        indent = len(expanded) - len(rest)
        quotes = lists = 0
        first_marker = None
        while True:
            if m := _QUOTE_MARKER.match(rest):
                quotes += 1
            elif m := _LIST_MARKER.match(rest):
                lists += 1
                first_marker = first_marker if first_marker is not None else quotes
            else:
                break
            rest = rest[m.end():].lstrip(" ")
        if quotes > MAX_QUOTE_DEPTH:
            return Shape(i + 1, f"{quotes} block quotes inside one another (at most {MAX_QUOTE_DEPTH}): "
                                "use fewer '>' levels")
        if first_marker == 0:  # the line starts with a list item: nested by its indentation
            while stack and stack[-1] >= indent:
                stack.pop()
            depth = len(stack) + lists + quotes
            stack.append(indent)
        else:
            if indent == 0 and quotes == 0:
                stack.clear()
            depth = len([s for s in stack if s < indent]) + lists + quotes
        if depth > MAX_BLOCK_DEPTH:
            return Shape(i + 1, f"lists and block quotes nested {depth} levels deep (at most "
                                f"{MAX_BLOCK_DEPTH}): flatten the list or split it")
    return None


def _runs(lines: list[str], code: set[int]) -> Shape | None:
    for i, line in enumerate(lines):
        if i not in code and _RUN.search(line.replace("\\[", "  ").replace("\\*", "  ")):
            return Shape(i + 1, f"more than {MAX_DELIMITER_RUN} of '*_~^[' in a row: emphasis or brackets "
                                "nested that deep cannot be typeset; remove the extra marks")
    return None


def _brackets(text: str, code: set[int]) -> Shape | None:
    """Nested `[` per paragraph, outside code and math (where pandoc does not look for links)."""
    lines = text.splitlines(keepends=True)
    for i in code:
        lines[i] = "\n"  # same line numbers, no brackets
    # Blank out code spans and math, keeping every newline (and so every line number).
    body = "".join(lines)
    for pattern in (_CODE_SPAN, _MATH):
        body = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    depth = 0
    for number, line in enumerate(body.split("\n"), start=1):
        if not line.strip():  # a blank line ends the paragraph, and its open brackets with it
            depth = 0
            continue
        escaped = False
        for ch in line:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == "[":
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    return Shape(number, f"more than {MAX_BRACKET_DEPTH} '[' open at once in one paragraph: "
                                         "pandoc's time triples with each level; close the brackets "
                                         "or write \\[ for a literal one")
            elif ch == "]":
                depth = max(depth - 1, 0)
    return None


# --- the parsed AST -------------------------------------------------------------------

BLOCK_NESTING = {"BlockQuote", "BulletList", "OrderedList", "DefinitionList"}
INLINE_NESTING = {"Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline",
                  "Span", "Link", "Quoted", "Cite", "Note", "Image"}


@dataclass(frozen=True)
class TooDeep(Exception):
    """The AST nests deeper than a limit: what, how deep, and a text near the place."""

    what: str
    depth: int
    limit: int
    sample: str


def check_ast(blocks: list) -> None:
    """Raise TooDeep for the first place the AST nests past a limit (iterative: no recursion).
    A depth can first pass its limit only where it grows, so each is compared there alone, and
    only dicts and lists are stacked (a cold build walks two whole ASTs here)."""
    stack = [(node, 0, 0, 0) for node in reversed(blocks) if isinstance(node, (dict, list))]
    push, pop = stack.append, stack.pop
    while stack:
        node, total, block, inline = pop()
        if type(node) is dict:
            kind = node.get("t")
            if kind in BLOCK_NESTING:
                block += 1
                if block > MAX_BLOCK_DEPTH:
                    raise TooDeep("lists and block quotes", block, MAX_BLOCK_DEPTH, _sample(node))
            if kind in INLINE_NESTING:
                inline += 1
                if inline > MAX_INLINE_DEPTH:
                    raise TooDeep("emphasis, spans, links and notes", inline, MAX_INLINE_DEPTH, _sample(node))
            total += 1
            if total > MAX_NESTING:
                raise TooDeep("elements", total, MAX_NESTING, _sample(node))
            children = node.get("c")
            if type(children) is list or type(children) is dict:
                push((children, total, block, inline))
        else:
            for child in reversed(node):
                if type(child) is dict or type(child) is list:
                    push((child, total, block, inline))


def _sample(node) -> str:
    """The first words under `node` (to find its line in the chapter)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("t") == "Str" and len(item["c"]) >= 1:
                return item["c"]
            if "c" in item:
                stack.append(item["c"])
        elif isinstance(item, list):
            stack.extend(reversed(item))
    return ""


def decode(data: bytes) -> dict:
    """Pandoc's JSON as a dict; TooDeep if it nests past a limit (also when the decoder itself
    runs out of recursion on it)."""
    try:
        doc = json.loads(data)
    except RecursionError:
        raise TooDeep("elements", MAX_NESTING + 1, MAX_NESTING, "") from None
    check_ast(doc["blocks"])
    return doc


def too_deep_error(exc: TooDeep, path: Path | None, text: str = "") -> UserError:
    """The user error for an AST that nests too deep in the chapter at `path`."""
    line = (line_of(text, exc.sample) if exc.sample and text else None) or deepest_line(text)
    return UserError(f"{exc.what} nested more than {exc.limit} levels deep: flatten the nesting",
                     path, line, "source.nesting")


def deepest_line(text: str) -> int | None:
    """The line with the most opening marks (a fair guess at where a text nests deepest)."""
    best, best_line = 0, None
    for i, line in enumerate(text.splitlines()):
        score = sum(line.count(c) for c in "*_~^[>")
        if score > best:
            best, best_line = score, i + 1
    return best_line


# --- naming the chapter when the combined pandoc run fails ------------------------------

_PANDOC_AT = re.compile(r'at "(?P<file>[^"]+)" \(line (?P<line>\d+), column \d+\)')
_YAML_AT = re.compile(r"YAML parse exception at line (?P<line>\d+)")


def pandoc_position(stderr: str) -> tuple[str, int] | None:
    """The file and line pandoc's error names (`Error parsing YAML metadata at "x.md" (line 3 …)`),
    the line inside the YAML block added when pandoc gives it."""
    match = _PANDOC_AT.search(stderr)
    if not match:
        return None
    line = int(match.group("line"))
    inner = _YAML_AT.search(stderr)
    if inner:
        line += int(inner.group("line"))
    return match.group("file"), line


_BLOCK_START = re.compile(r"^---[ \t]*$")
_BLOCK_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def unclosed_metadata(text: str) -> int | None:
    """The line of a `---` that opens a metadata block never closed in this chapter (pandoc then
    reads on into the next chapter, or into the build's own metadata block)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opens = (_BLOCK_START.match(lines[i]) and i + 1 < len(lines) and lines[i + 1].strip()
                 and (i == 0 or not lines[i - 1].strip()))
        if opens:
            end = next((j for j in range(i + 1, len(lines)) if _BLOCK_END.match(lines[j])), None)
            if end is None:
                return i + 1
            i = end
        i += 1
    return None
