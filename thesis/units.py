"""Lengths, parsed once: a profile's `30mm`, `1.25cm`, `14pt` as a value with `.mm` and `.pt`.

`str(length)` is the text as written, which is also valid Typst (`30mm`, `1.25cm`).
"""

from __future__ import annotations

import re

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(mm|cm|pt|in)\s*$")
_PER_MM = {"mm": 1.0, "cm": 10.0, "pt": 25.4 / 72, "in": 25.4}
TWIPS_PER_MM = 1440 / 25.4
PAPER_MM = {"a4": (210, 297), "a5": (148, 210), "us-letter": (215.9, 279.4)}  # the profile's page.size


class Length:
    """A length with its unit as written; immutable, compares by its text."""

    __slots__ = ("_text", "_number", "_unit")

    def __init__(self, text: str):
        match = _LENGTH.match(str(text))
        if not match:
            raise ValueError(f"must be a length like 30mm, 1.25cm or 14pt, not {text!r}")
        self._text = str(text).strip()
        self._number, self._unit = float(match.group(1)), match.group(2)

    @property
    def mm(self) -> float:
        return self._number * _PER_MM[self._unit]

    @property
    def pt(self) -> float:
        """Points (exact for values given in pt)."""
        return self._number if self._unit == "pt" else self.mm * 72 / 25.4

    @property
    def twips(self) -> int:
        return round(self.mm * TWIPS_PER_MM)

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Length({self._text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Length) and other._text == self._text

    def __hash__(self) -> int:
        return hash(self._text)
