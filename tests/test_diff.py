"""The word-level AST diff (thesis.diff) on small documents parsed by pandoc."""

from __future__ import annotations

import json
import subprocess

from thesis import ast
from thesis.diff import DEL, INS, diff_documents, has_changes
from thesis.pandoc import executable as pandoc_path


def parse(markdown: str) -> dict:
    out = subprocess.run([pandoc_path(), "-f", "markdown", "-t", "json"], input=markdown.encode(),
                         capture_output=True, check=True)
    return json.loads(out.stdout)


def marked(blocks, status: str) -> list[str]:
    """The text of each span with this mark, in order."""
    return [ast.stringify(n["c"][1], notes=True).strip() for n in ast.walk(blocks)
            if n["t"] == "Span" and n["c"][0][1] == [status] and n["c"][1][0]["t"] != "Note"]


def accept(blocks) -> str:
    return _text(blocks, drop=DEL)


def reject(blocks) -> str:
    return _text(blocks, drop=INS)


def _text(blocks, drop: str) -> str:
    def strip(node):
        if node["t"] in ("Span", "Div") and ast.attr(node)[1] == [drop]:
            return {"t": "Span", "c": [["", [], []], []]} if node["t"] == "Span" else ast.Div([])
        return None
    return " ".join(ast.stringify(ast.rewrite(blocks, strip), notes=True).split())


def both(old: str, new: str):
    a, b = parse(old), parse(new)
    merged, summary = diff_documents(a, b, "Author", "2026-03-01T00:00:00Z")
    assert accept(merged["blocks"]) == " ".join(ast.stringify(b["blocks"], notes=True).split())
    assert reject(merged["blocks"]) == " ".join(ast.stringify(a["blocks"], notes=True).split())
    return merged, summary


def test_identical_documents_have_no_change():
    doc = "# One\n\nA paragraph of text.\n"
    merged, summary = both(doc, doc)
    assert not has_changes(merged["blocks"]) and not summary.changed


def test_rewrapped_paragraph_is_no_change():
    merged, summary = both("# T\n\nOne two three\nfour five six.\n",
                           "# T\n\nOne two\nthree four five\nsix.\n")
    assert not has_changes(merged["blocks"]) and not summary.changed


def test_changed_word_is_deleted_and_inserted():
    merged, summary = both("# Ch\n\nThe quick brown fox jumps.\n", "# Ch\n\nThe slow brown fox jumps.\n")
    assert marked(merged["blocks"], DEL) == ["quick"]
    assert marked(merged["blocks"], INS) == ["slow"]
    assert [(c.title, c.added, c.removed) for c in summary.chapters] == [("Ch", 1, 1)]
    span = next(n for n in ast.walk(merged["blocks"]) if n["t"] == "Span")
    assert span["c"][0][2] == [["author", "Author"], ["date", "2026-03-01T00:00:00Z"]]


def test_deleted_paragraph_and_new_paragraph():
    merged, summary = both("# A\n\nKeep this one.\n\nDrop this paragraph entirely.\n",
                           "# A\n\nKeep this one.\n\nA completely unrelated new one here.\n")
    assert marked(merged["blocks"], DEL) == ["Drop this paragraph entirely."]
    assert marked(merged["blocks"], INS) == ["A completely unrelated new one here."]
    assert summary.chapters[0].removed == 4 and summary.chapters[0].added == 6


def test_footnote_text_change_is_inside_the_note():
    merged, summary = both("Text here.^[Ibid. P. 32.]\n", "Text here.^[Ibid. P. 35.]\n")
    note = next(n for n in ast.walk(merged["blocks"]) if n["t"] == "Note")
    assert marked(note["c"], DEL) == ["32"] and marked(note["c"], INS) == ["35"]
    assert summary.notes_changed == 1 and summary.notes_added == 0


def test_added_footnote_counts():
    merged, summary = both("Some text here.\n", "Some text here.^[A new note.]\n")
    assert summary.notes_added == 1
    assert marked(merged["blocks"], INS) == ["A new note."]


def test_formatting_heading_list_and_table():
    old = "# Old title\n\n- first item\n- second item\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n: Cap one\n\nSee *this* word.\n"
    new = "# New title\n\n- first item\n- second changed item\n- third\n\n| a | b |\n|---|---|\n| 1 | 3 |\n\n: Cap two\n\nSee *that* word.\n"
    merged, summary = both(old, new)
    dels, inss = marked(merged["blocks"], DEL), marked(merged["blocks"], INS)
    assert dels == ["Old", "one", "2", "this"]
    assert inss == ["New", "changed", "third", "two", "3", "that"]
    emph = [n for n in ast.walk(merged["blocks"]) if n["t"] == "Emph"]
    assert emph, "the emphasis survives around the changed word"


def test_sources_added_and_removed():
    old = "::: {#refs}\n::: {#ref-a .csl-entry}\nA. Book.\n:::\n::: {#ref-b .csl-entry}\nB. Book.\n:::\n:::\n"
    new = "::: {#refs}\n::: {#ref-a .csl-entry}\nA. Book.\n:::\n::: {#ref-c .csl-entry}\nC. Paper.\n:::\n:::\n"
    merged, summary = both(old, new)
    assert summary.sources_added == ["c"] and summary.sources_removed == ["b"]
