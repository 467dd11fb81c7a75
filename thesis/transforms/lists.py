"""Enumerations written "а) … б) …": paragraphs at the indent, not bullets (GOST 2.105).

Pandoc has no Cyrillic-letter list style, so authors write such an enumeration as a
bullet list whose items start with "а)", "б)"… Printed as bullets it would read
"– а) …"; GOST prints each element as a paragraph from the paragraph indent, with its
letter. The list becomes those paragraphs (in a Div).
"""

from __future__ import annotations

import re

from .. import ast
from ..context import Thesis
from ..document import Document, map_blocks

LETTER = re.compile(r"^[^\W\d_]\)$")  # one letter of any script and ")"


def letter_lists(document: Document, thesis: Thesis) -> None:
    """Bullet lists whose every item starts with a letter and ")" become paragraphs."""
    document.ast["blocks"] = map_blocks(document.blocks, _as_paragraphs)


def _as_paragraphs(block: dict) -> dict | None:
    if block["t"] == "BulletList" and all(_lettered(item) for item in block["c"]):
        return ast.Div([_as_para(b) for item in block["c"] for b in item])
    return None


def _lettered(item: list[dict]) -> bool:
    first = item[0] if item else None
    return bool(first and first["t"] in ("Plain", "Para") and first["c"]
                and first["c"][0]["t"] == "Str" and LETTER.match(first["c"][0]["c"]))


def _as_para(block: dict) -> dict:
    return {"t": "Para", "c": block["c"]} if block["t"] == "Plain" else block
