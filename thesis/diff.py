"""A word-level diff of two built thesis ASTs (pandoc JSON after the transforms).

Blocks are aligned first (difflib on each block's type and text), paired blocks are then
compared word by word (difflib on word tokens: a word with the space after it, so a
re-wrapped paragraph, where only SoftBreaks moved, compares equal). Citations are compared
by what they print: each Cite is replaced by its rendered text before the diff, and a
footnote is compared by its text, so a changed locator or a note that became "Там же" is
a change inside the footnote. The result is NEW's AST with deleted runs put back as
Spans of class `del` and inserted runs wrapped in Spans of class `ins` (attributes author
and date), plus a `Summary`.

Why difflib and not diff-match-patch: the unit here is a token (a word, a footnote),
not a character; difflib's SequenceMatcher takes any hashable sequence, is in the
standard library, and on word tokens gives whole-word runs without diff-match-patch's
character-to-word encoding trick and semantic clean-up pass.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import ast

INS, DEL = "ins", "del"
# Inlines that hold other inlines: (type, index of the inline list in "c" or None when "c" is the list)
WRAPPERS = {"Emph": None, "Strong": None, "Underline": None, "Strikeout": None, "Superscript": None,
            "Subscript": None, "SmallCaps": None, "Quoted": 1, "Span": 1, "Link": 1}
PAIR_RATIO = 0.4  # blocks at least this similar (by words) are compared word by word


@dataclass
class Chapter:
    """Words added and removed under one level-1 heading."""

    title: str
    added: int = 0
    removed: int = 0


@dataclass
class Summary:
    """What changed between the two versions."""

    chapters: list[Chapter] = field(default_factory=list)
    sources_added: list[str] = field(default_factory=list)
    sources_removed: list[str] = field(default_factory=list)
    notes_added: int = 0
    notes_removed: int = 0
    notes_changed: int = 0

    @property
    def words_added(self) -> int:
        return sum(c.added for c in self.chapters)

    @property
    def words_removed(self) -> int:
        return sum(c.removed for c in self.chapters)

    @property
    def changed(self) -> bool:
        return bool(self.words_added or self.words_removed or self.sources_added or self.sources_removed
                    or self.notes_added or self.notes_removed or self.notes_changed)


class _Differ:
    """One comparison: the change attributes and the running summary."""

    def __init__(self, author: str, date: str):
        self.attrs = [["author", author], ["date", date]]
        self.summary = Summary(chapters=[Chapter("")])

    # ---- marks ----
    def count(self, status: str, content: list) -> None:
        chapter = self.summary.chapters[-1]
        if status == DEL:
            chapter.removed += _words(content)
        else:
            chapter.added += _words(content)

    def span(self, status: str, content: list) -> dict:
        self.count(status, content)
        return {"t": "Span", "c": [["", [status], [list(a) for a in self.attrs]], content]}

    def mark_inlines(self, inlines: list, status: str) -> list:
        """Every run of `inlines` marked; notes inside marked through."""
        out = []
        for node in inlines:
            if node["t"] == "Note":
                self._count_note(status)
                node = {"t": "Note", "c": self.mark_blocks(node["c"], status)}
            elif node["t"] in WRAPPERS:
                node = _rewrap(node, self.mark_inlines(_inner(node), status))
                out.append(node)
                continue
            if out and out[-1]["t"] == "Span" and out[-1]["c"][0][1] == [status] and node["t"] != "Span":
                out[-1]["c"][1].append(node)
                self.count(status, [node])
            else:
                out.append(self.span(status, [node]))
        return out

    def _count_note(self, status: str) -> None:
        if status == INS:
            self.summary.notes_added += 1
        else:
            self.summary.notes_removed += 1

    def mark_blocks(self, blocks: list, status: str) -> list:
        """Whole blocks inserted or deleted: their text marked; blocks without text in a Div."""
        return [self.mark_block(b, status) for b in blocks]

    def mark_block(self, block: dict, status: str) -> dict:
        t, c = block["t"], block.get("c")
        if t == "Header":
            self._chapter(block)
        if t in ("Para", "Plain"):
            return {"t": t, "c": self.mark_inlines(c, status)}
        if t == "Header":
            return {"t": t, "c": [c[0], c[1], self.mark_inlines(c[2], status)]}
        if t == "Div":
            if status == INS and _is_source(block):
                self.summary.sources_added.append(block["c"][0][0][4:])
            elif status == DEL and _is_source(block):
                self.summary.sources_removed.append(block["c"][0][0][4:])
            return {"t": t, "c": [c[0], self.mark_blocks(c[1], status)]}
        if t == "BlockQuote":
            return {"t": t, "c": self.mark_blocks(c, status)}
        if t == "BulletList":
            return {"t": t, "c": [self.mark_blocks(item, status) for item in c]}
        if t == "OrderedList":
            return {"t": t, "c": [c[0], [self.mark_blocks(item, status) for item in c[1]]]}
        if t == "LineBlock":
            return {"t": t, "c": [self.mark_inlines(line, status) for line in c]}
        if t in ("Figure", "Table"):
            out = json.loads(json.dumps(block))
            out["c"][1][1] = self.mark_blocks(c[1][1], status)
            if t == "Figure":
                out["c"][2] = self.mark_blocks(c[2], status)
            else:
                for cell in _cells(out):
                    cell[4] = self.mark_blocks(cell[4], status)
            return out
        return ast.Div([block], classes=[status], attrs=[list(a) for a in self.attrs])

    def _chapter(self, header: dict) -> None:
        if header["c"][0] == 1:
            self.summary.chapters.append(Chapter(ast.stringify(header["c"][2]).strip()))

    # ---- blocks ----
    def blocks(self, old: list, new: list) -> list:
        """The merged block list: equal blocks kept, similar ones compared word by word."""
        old_keys, new_keys = [_block_key(b) for b in old], [_block_key(b) for b in new]
        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        out: list = []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                for block in new[j1:j2]:
                    self._visit_equal(block)
                    out.append(block)
            else:
                out += self.region(old[i1:i2], new[j1:j2])
        return out

    def _visit_equal(self, block: dict) -> None:
        """Unchanged blocks still open chapters in the summary."""
        for node in ast.walk_skipping(block, ("Note", "Para", "Plain", "Table", "Figure")):
            if node["t"] == "Header":
                self._chapter(node)

    def region(self, old: list, new: list) -> list:
        """A changed stretch: blocks paired in order by type and similarity, the rest marked."""
        out: list = []
        i = 0
        for block in new:
            match = next((k for k in range(i, len(old)) if _pairable(old[k], block)), None)
            if match is None:
                out.append(self.mark_block(block, INS))
                continue
            out += [self.mark_block(b, DEL) for b in old[i:match]]
            out.append(self.block(old[match], block))
            i = match + 1
        out += [self.mark_block(b, DEL) for b in old[i:]]
        return out

    def block(self, old: dict, new: dict) -> dict:
        """Two paired blocks of the same type merged."""
        t, oc, nc = new["t"], old.get("c"), new.get("c")
        if t == "Header":
            self._chapter(new)
            return {"t": t, "c": [nc[0], nc[1], self.inlines(oc[2], nc[2])]}
        if t in ("Para", "Plain"):
            return {"t": t, "c": self.inlines(oc, nc)}
        if t == "Div":
            return {"t": t, "c": [nc[0], self.blocks(oc[1], nc[1])]}
        if t == "BlockQuote":
            return {"t": t, "c": self.blocks(oc, nc)}
        if t == "BulletList":
            return {"t": t, "c": self.items(oc, nc)}
        if t == "OrderedList":
            return {"t": t, "c": [nc[0], self.items(oc[1], nc[1])]}
        if t == "LineBlock":
            return {"t": t, "c": [self.inlines(a, b) for a, b in zip(oc, nc)]}
        if t == "Figure":
            out = json.loads(json.dumps(new))
            out["c"][1][1] = self.blocks(oc[1][1], nc[1][1])
            out["c"][2] = self.blocks(oc[2], nc[2])
            return out
        if t == "Table":
            return self.table(old, new)
        return ast.Div([self.mark_block(old, DEL), self.mark_block(new, INS)])

    def items(self, old: list, new: list) -> list:
        """List items aligned like blocks (an item is a block list)."""
        wrap = [ast.Div(item) for item in old], [ast.Div(item) for item in new]
        return [div["c"][1] for div in self.blocks(*wrap)]

    def table(self, old: dict, new: dict) -> dict:
        """Cells compared one by one when the table kept its shape; else old out, new in."""
        old_cells, new_cells = _cells(old), _cells(new)
        if _shape(old) != _shape(new):
            return ast.Div([self.mark_block(old, DEL), self.mark_block(new, INS)])
        out = json.loads(json.dumps(new))
        out["c"][1][1] = self.blocks(old["c"][1][1], new["c"][1][1])
        for cell, a, b in zip(_cells(out), old_cells, new_cells):
            cell[4] = self.blocks(a[4], b[4])
        return out

    # ---- inlines ----
    def inlines(self, old: list, new: list) -> list:
        """The merged inline list: words compared, notes compared by their text."""
        old_tokens, new_tokens = _tokens(old), _tokens(new)
        matcher = difflib.SequenceMatcher(None, [t.key for t in old_tokens], [t.key for t in new_tokens],
                                          autojunk=False)
        marked: list[tuple[str, Token]] = []
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                for a, b in zip(old_tokens[i1:i2], new_tokens[j1:j2]):
                    if a.note is not None:
                        b = b.with_note(self.note(a.note, b.note))
                    marked.append(("", b))
            else:
                marked += [(DEL, t) for t in old_tokens[i1:i2]]
                marked += [(INS, t) for t in new_tokens[j1:j2]]
        return self._rebuild(marked, 0)

    def note(self, old: dict, new: dict) -> dict:
        merged = self.blocks(old["c"], new["c"])
        if merged != new["c"]:
            self.summary.notes_changed += 1
        return {"t": "Note", "c": merged}

    def _rebuild(self, marked: list, depth: int) -> list:
        """Tokens back into nested inlines; runs of the same mark in one Span."""
        out: list = []
        i = 0
        while i < len(marked):
            status, token = marked[i]
            if len(token.stack) > depth:
                wrapper = token.stack[depth]
                j = i
                while j < len(marked) and len(marked[j][1].stack) > depth and marked[j][1].stack[depth] is wrapper:
                    j += 1
                out.append(_rewrap(wrapper, self._rebuild(marked[i:j], depth + 1)))
                i = j
                continue
            j = i
            while j < len(marked) and marked[j][0] == status and len(marked[j][1].stack) == depth:
                j += 1
            nodes = [node for _, t in marked[i:j] for node in t.nodes]
            if status:
                nodes = self.mark_inlines(nodes, status) if any(n["t"] == "Note" for n in nodes) \
                    else [self.span(status, nodes)]
            out += nodes
            i = j
        return out


@dataclass
class Token:
    """A word with the space after it (or a footnote, an image…), inside its wrappers."""

    key: str
    nodes: list
    stack: tuple  # the wrapper inlines (Emph, Link…) around it, outermost first
    note: dict | None = None

    def with_note(self, note: dict) -> "Token":
        return Token(self.key, [note], self.stack, note)


def _tokens(inlines: list, stack: tuple = ()) -> list[Token]:
    """Word tokens of an inline list; SoftBreak counts as a space (re-wrapping is no change)."""
    out: list[Token] = []
    for node in inlines:
        t = node["t"]
        if t in WRAPPERS:
            out += _tokens(_inner(node), stack + (node,))
        elif t in ("Space", "SoftBreak") or (t == "Str" and node["c"] == "\u00a0"):
            # a space, or the no-break space the build ties "С. 45" with (transforms.citations)
            space, key = (node, "\u00a0") if t == "Str" else (ast.Space(), " ")
            if out and out[-1].stack == stack and not out[-1].key.endswith((" ", "\u00a0")) and out[-1].note is None:
                out[-1] = Token(out[-1].key + key, out[-1].nodes + [space], stack)
            else:
                out.append(Token(key, [space], stack))
        elif t == "Note":
            out.append(Token("\x00note", [node], stack, node))
        elif t == "Str" and (split := _TRAILING.match(node["c"])) and split.group(1) and split.group(2):
            # "алады." → "алады" + ".": a sentence that grew after its last word keeps that word
            out += [Token(split.group(1), [ast.Str(split.group(1))], stack),
                    Token(split.group(2), [ast.Str(split.group(2))], stack)]
        else:
            out.append(Token(json.dumps(node, ensure_ascii=False) if t != "Str" else node["c"], [node], stack))
    # the wrappers' own attributes and kinds are part of what a word looks like
    return [Token(_stack_key(tok.stack) + tok.key, tok.nodes, tok.stack, tok.note) for tok in out]


_TRAILING = re.compile(r"^(.*?)([.,;:!?»”)\]]+)$", re.S)


def _stack_key(stack: tuple) -> str:
    """The wrappers' kinds and attributes (a Link's target, a Span's classes), not their text."""
    return "".join(f"{w['t']}{_wrapper_attrs(w)}\x01" for w in stack)


def _wrapper_attrs(wrapper: dict) -> str:
    index = WRAPPERS[wrapper["t"]]
    if index is None:
        return ""
    return json.dumps([v for k, v in enumerate(wrapper["c"]) if k != index], ensure_ascii=False)


def _inner(node: dict) -> list:
    index = WRAPPERS[node["t"]]
    return node["c"] if index is None else node["c"][index]


def _rewrap(wrapper: dict, content: list) -> dict:
    if WRAPPERS[wrapper["t"]] is None:
        return {"t": wrapper["t"], "c": content}
    c = list(wrapper["c"])
    c[WRAPPERS[wrapper["t"]]] = content
    return {"t": wrapper["t"], "c": c}


def _words(inlines: list) -> int:
    return len(ast.stringify(inlines).split())


def _block_key(block: dict) -> str:
    """What a block prints, with its kind (and a Div's id): equal keys are unchanged blocks."""
    ident = ast.attr(block)[0] if block["t"] in ("Div", "Header", "Table", "Figure") else ""
    return f"{block['t']}#{ident}:" + json.dumps(_normalised(block), ensure_ascii=False)


def _normalised(node: Any) -> Any:
    """The block with SoftBreaks as Spaces (a re-wrapped line is the same text)."""
    if isinstance(node, dict):
        if node.get("t") == "SoftBreak":
            return {"t": "Space"}
        return {k: _normalised(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalised(v) for v in node]
    return node


def _pairable(old: dict, new: dict) -> bool:
    """Same kind, and (a Div with the same id, or) words similar enough to compare."""
    if old["t"] != new["t"]:
        return False
    if new["t"] in ("Div", "Table", "Figure") and ast.attr(new)[0]:
        return ast.attr(old)[0] == ast.attr(new)[0]
    if new["t"] in ("Div", "BlockQuote", "BulletList", "OrderedList", "Table", "Figure", "LineBlock"):
        return True
    a, b = ast.stringify(old, notes=True).split(), ast.stringify(new, notes=True).split()
    if new["t"] == "Header" and old["c"][0] == new["c"][0]:
        return True
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= PAIR_RATIO and matcher.ratio() >= PAIR_RATIO


def _is_source(block: dict) -> bool:
    ident = block["c"][0][0]
    return block["t"] == "Div" and ident.startswith("ref-")


def _cells(table: dict) -> list:
    """Every cell of a pandoc Table (head, bodies, foot), in reading order."""
    _, _, _, head, bodies, foot = table["c"]
    rows = list(head[1])
    for body in bodies:
        rows += body[2] + body[3]
    rows += foot[1]
    return [cell for row in rows for cell in row[1]]


def _shape(table: dict) -> list:
    _, _, _, head, bodies, foot = table["c"]
    rows = list(head[1]) + [r for b in bodies for r in b[2] + b[3]] + list(foot[1])
    return [len(row[1]) for row in rows]


def rendered_citations(blocks: list) -> list:
    """Cites replaced by what they print (a Span of class `citation`), as the writers show them."""
    def render(node: dict) -> dict | None:
        if node["t"] == "Cite":
            return {"t": "Span", "c": [["", ["citation"], []], ast.rewrite(node["c"][1], render)]}
        return None
    return ast.rewrite(blocks, render)


def diff_documents(old: dict, new: dict, author: str = "", date: str = "") -> tuple[dict, Summary]:
    """NEW's AST with OLD's deleted words back in (`del` Spans) and NEW's additions marked
    (`ins` Spans); and what changed."""
    differ = _Differ(author, date)
    blocks = differ.blocks(rendered_citations(old["blocks"]), rendered_citations(new["blocks"]))
    summary = differ.summary
    summary.chapters = [c for c in summary.chapters if c.title or c.added or c.removed]
    return {**new, "blocks": blocks}, summary


def has_changes(blocks: Any) -> bool:
    """Whether an AST fragment holds any change mark."""
    return any(n["t"] in ("Span", "Div") and set(ast.attr(n)[1]) & {INS, DEL} for n in ast.walk(blocks))
