"""Jinja environments: one for Typst, one for OpenXML, both StrictUndefined."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from .escape import typst_value, xml_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=None)
def environment(kind: str) -> jinja2.Environment:
    """The Jinja environment for `typst` or `docx` templates; every value goes through its escaper."""
    finalize = {"typst": typst_value, "docx": xml_text}[kind]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / kind),
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        autoescape=(kind == "docx"),  # macro results stay Markup; values pass xml_text first
        keep_trailing_newline=True,
        trim_blocks=False,
    )


def render(kind: str, name: str, **context) -> str:
    """A template rendered with an explicit context."""
    return environment(kind).get_template(name).render(**context)
