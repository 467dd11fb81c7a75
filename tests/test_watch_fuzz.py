"""Random edits of the thesis in a running watch: after each, the watch's PDF and DOCX are
the bytes a fresh build writes (or both builds fail with the same error).

What the watch keeps between rebuilds (parts, citeproc results and patches, Typst chunks,
DOCX sections, the Typst child's caches, the pruned build cache) must never show in its
outputs. The edits are the kinds an author makes: a word, a paragraph deleted or moved, a
citation (also inside a footnote, with a prefix and a page), a footnote (inline or by
reference, its definition elsewhere in the chapter), a repeated heading, a table, a formula
and a reference to it, an example list, a link definition, a .bib title, thesis.yaml's title.
An edit that makes both builds fail is undone.

THESIS_WATCH_FUZZ_EDITS=200 THESIS_WATCH_FUZZ_SEED=… runs a longer walk (the nightly job); the
normal suite makes 6 edits from a fixed seed.
"""

from __future__ import annotations

import os
import random
import re
import shutil

import pytest

from helpers import REPO
from thesis.build import build
from thesis.context import Options
from thesis.diagnostics import Reporter, UserError

EDITS = int(os.environ.get("THESIS_WATCH_FUZZ_EDITS", "6"))
SEED = int(os.environ.get("THESIS_WATCH_FUZZ_SEED", "20261130"))


class Thesis:
    """A copy of the repository's thesis and the random edits made to it."""

    def __init__(self, root, rng: random.Random):
        self.root, self.rng = root, rng
        self.chapters = sorted((root / "content").glob("*.md"))[:-1]  # not the source list
        self.bib = root / "bibliography" / "sources.bib"
        self.keys = re.findall(r"@\w+\{([^,\s]+),", self.bib.read_text(encoding="utf-8"))
        self.saved: dict = {}

    def edit(self) -> str:
        files = [*self.chapters, self.bib, self.root / "thesis.yaml"]
        self.saved = {f: f.read_text(encoding="utf-8") for f in files}
        kind = self.rng.choice(["word", "delete", "swap", "cite", "cite-in-note", "cite-with-prefix", "note",
                                "note-by-reference", "heading", "table", "formula", "example", "link", "bib",
                                "yaml"])
        if kind == "bib":
            key = self.rng.choice(self.keys)
            text = self.saved[self.bib]
            start = text.index("{" + key + ",")
            title = re.compile(r"\btitle\s*=\s*\{").search(text, start)
            self.bib.write_text(text[:title.end()] + "Жаңа " + text[title.end():], encoding="utf-8")
            return f"a word in the title of {key}"
        if kind == "yaml":
            path = self.root / "thesis.yaml"
            path.write_text(re.sub(r"^title: ", "title: Жаңа ", self.saved[path], count=1, flags=re.M), encoding="utf-8")
            return "a word in thesis.yaml's title"
        chapter = self.rng.choice(self.chapters)
        paras = self.saved[chapter].split("\n\n")
        i = self.rng.randrange(1, len(paras))
        key, label = self.rng.choice(self.keys), f"fz{self.rng.randrange(10**6)}"
        plain = not paras[i].lstrip().startswith(("#", "|", ":", "$$", "(@)", "["))
        if kind == "word":
            words = paras[i].split(" ")
            j = self.rng.randrange(len(words))
            words[j] += "қ"
            paras[i] = " ".join(words)
        elif kind == "delete" and plain:
            del paras[i]
        elif kind == "swap" and plain and i + 1 < len(paras):
            paras[i], paras[i + 1] = paras[i + 1], paras[i]
        elif kind == "cite":
            paras.insert(i, f"Жаңа абзац [@{key}, б. {self.rng.randint(1, 99)}].")
        elif kind == "cite-in-note" and plain:
            paras[i] = paras[i].rstrip() + f"^[Қараңыз: [@{key}].]"
        elif kind == "cite-with-prefix" and plain:
            paras[i] = paras[i].rstrip() + f" [қараңыз @{key}, б. 5]"
        elif kind == "note" and plain:
            paras[i] = paras[i].rstrip() + "^[Автордың ескертуі.]"
        elif kind == "note-by-reference" and plain:
            paras[i] = paras[i].rstrip() + f"[^{label}]"
            paras.append(f"[^{label}]: Түсініктеме.")
        elif kind == "heading":
            heads = [p for p in paras if p.startswith("## ")]
            if heads:
                paras.insert(i, heads[0])
        elif kind == "table":
            paras[i:i] = [f"Кестеде (@tbl:{label}) көрсетілген.", "| A | B |\n|---|---|\n| 1 | 2 |",
                          f": Кесте атауы {{#tbl:{label}}}"]
        elif kind == "formula":
            paras[i:i] = [f"$$a^2 + b^2 = c^2$$ {{#eq:{label}}}", f"Формула [-@eq:{label}] бойынша."]
        elif kind == "example":
            paras.insert(i, "(@) Бірінші мысал.\n(@) Екінші мысал.")
        elif kind == "link":
            paras.insert(i, f"Сілтеме [сайт][{label}].")
            paras.append(f"[{label}]: https://example.org/{label}")
        chapter.write_text("\n\n".join(paras), encoding="utf-8")
        return f"{kind} at paragraph {i} of {chapter.name}"

    def undo(self) -> None:
        for path, text in self.saved.items():
            path.write_text(text, encoding="utf-8")


def _build(root, out, session=None):
    """The build's outputs' bytes, or its error."""
    try:
        build(root, Options(out=out), Reporter(quiet=True), session)
    except UserError as exc:
        return str(exc)
    return (out / "thesis.pdf").read_bytes(), (out / "thesis.docx").read_bytes()


def test_random_edits_in_a_watch_give_a_fresh_builds_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = tmp_path / "thesis"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns("build", ".git", "tests", "bench", "vendor"))
    thesis, session = Thesis(root, random.Random(SEED)), {"watch": True}
    try:
        assert not isinstance(_build(root, tmp_path / "watch", session), str)
        made = []
        for n in range(EDITS):
            made.append(thesis.edit())
            watched = _build(root, tmp_path / "watch", session)
            shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
            fresh = _build(root, tmp_path / "fresh")
            where = f"seed {SEED}, edits: {made}"
            if isinstance(fresh, str):
                assert watched == fresh, where
                thesis.undo()
                made[-1] += " (undone)"
                assert not isinstance(_build(root, tmp_path / "watch", session), str), where
                continue
            assert not isinstance(watched, str), f"{where}: {watched}"
            assert watched[0] == fresh[0], f"PDF differs; {where}"
            assert watched[1] == fresh[1], f"DOCX differs; {where}"
    finally:
        if session.get("typst") is not None:
            session["typst"].close()
