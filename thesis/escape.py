"""The one place where values become Typst or OpenXML text.

Templates never paste author text into Typst source: texts travel as JSON data
(`sys.inputs`), and the Typst Jinja environment refuses any string that is not a
plain token (a length, a choice, a number). OpenXML templates escape every value.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup

from .units import Length


class TypstSource(str):
    """Typst text that is source by construction (pandoc's writer output, our partials)."""


_TYPST_TOKEN = re.compile(r"^[A-Za-z0-9_.+\- ]*$")


def typst_value(value: Any) -> str:
    """A value for a Typst template: numbers, booleans, plain tokens, or TypstSource."""
    if isinstance(value, TypstSource):
        return value
    if isinstance(value, Length):
        return typst_value(str(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and _TYPST_TOKEN.match(value):
        return value
    raise ValueError(f"refusing to paste {value!r} into Typst source; pass it as data")


def typst_string(text: str) -> str:
    """`text` as a Typst string literal (for the rare value that must be inline)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    out = out.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{out}"'


# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/F.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: Any) -> Markup:
    """A value as XML character data or attribute text (escaped, invalid characters dropped).

    Template output that is already XML (a macro's result) is Markup and passes through.
    """
    if isinstance(value, Markup):
        return value
    text = _XML_INVALID.sub("", str(value))
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                  .replace('"', "&quot;").replace("'", "&apos;"))
