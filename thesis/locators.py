"""Page locators as Kazakh and Russian authors write them, made ones citeproc reads.

Pandoc's citeproc takes a citation's locator from its suffix by the English labels only
(`[@key, p. 17]`): "с. 17", "стр. 17", "б. 17", "17-б.", "17 бет" stayed suffix text, printed
after the description as written ("…2019, с. 17.", "…17–б бет."), not as the source's own
words for a page ("С. 17.", "17 б.", "P. 17."). Each such leading label is rewritten to "p."
before citeproc runs, in the parts and in the whole read alike (parse.py).
"""

from __future__ import annotations

import re

from . import ast

_NUMBER = r"\d+(?:\s*[-–—]\s*\d+)?"
# "с. 17", "С.17", "стр. 17-19", "б. 17", "бб. 17–19", "бет 17" (Latin "c." typed for "с." too)
_LABEL_FIRST = re.compile(rf"^(?P<lead>[,\s]*)(?:с|стр|c|б|бб|бет|беттер)\.?\s*(?P<n>{_NUMBER})(?P<rest>(?=[\s,;.)]|$).*)$",
                          re.I | re.S)
# "17-б.", "17 б.", "17-бет", "17–19 бб." (Kazakh puts the word after the number)
_NUMBER_FIRST = re.compile(rf"^(?P<lead>[,\s]*)(?P<n>{_NUMBER})\s*-?\s*(?:б|бб|бет|беттер|с|стр)\.?(?P<rest>(?=[\s,;)]|$).*)$",
                           re.I | re.S)
_PLAIN = {"Str", "Space", "SoftBreak"}


def english_page_labels(blocks: list) -> None:
    """Every citation's leading page label in its suffix made "p." (in place)."""
    for cite in ast.find(blocks, {"Cite"}):
        for citation in cite["c"][0]:
            suffix = citation.get("citationSuffix") or []
            if not suffix or any(node.get("t") not in _PLAIN for node in suffix):
                continue  # a suffix with markup in it is left as written
            text = ast.stringify(suffix)
            found = _LABEL_FIRST.match(text) or _NUMBER_FIRST.match(text)
            if found is not None:
                comma = "," if "," in found["lead"] else ""  # ", p. 17" after the key, "p. 17" in brackets
                number = re.sub(r"\s*[-–—]\s*", "–", found["n"])
                citation["citationSuffix"] = ast.inlines(f"{comma}{' ' if comma else ''}p. {number}{found['rest']}")
