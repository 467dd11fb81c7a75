"""Source lint: typography and encoding damage in the chapters and the .bib, found without building.

Each finding says `path:line:col` and has its own code (`lint.*`). The text is first *masked*:
everything that is not prose (YAML front matter, code, math, URLs, link targets, citations,
attributes, HTML, escapes) is overwritten with a placeholder character of the same length, so the
checks are plain regular expressions on prose whose offsets are the file's offsets. Only the safe
findings carry a fix (`--fix`): spaces, initials, Roman numerals and URL letters typed in Cyrillic,
look-alike letters in a word of the other script, and quotes where the pairing is unambiguous.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, display_path
from .files import load_json, read_text, write_atomic

HOLE = "\x1a"  # what masked text becomes: neither a letter, a space nor punctuation
LANGIDS = {"russian": "ru", "kazakh": "kk", "english": "en", "american": "en", "british": "en",
           "ru": "ru", "kk": "kk", "en": "en"}


@dataclass(frozen=True)
class Finding:
    """One problem at text[start:end]; `fix` replaces that slice when the repair is safe."""

    start: int
    end: int
    code: str
    message: str
    fix: str | None = None


# ================================================================ masking

_FRONT = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_META_BLOCK = re.compile(r"(?:(?<=\n\n)|\A)---[ \t]*\n(?=\S).*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FENCE = re.compile(r"^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?(?:^\1?\2[`~]*[ \t]*$|\Z)", re.S | re.M)
_INDENTED_CODE = re.compile(r"(?:(?<=\n\n)|\A)(?:(?: {4}|\t)[^\n]*(?:\n|\Z))+")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)")
_URL = re.compile(r"(?:https?|ftp)://[^\s<>\"'»«)\]]+|www\.[^\s<>\"'»«)\]]+|<[a-z]+://[^>\s]+>", re.I)
_LINK_TARGET = re.compile(r"(?<=\])\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[^\n]*", re.M)
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\s]+\]")
_ATTRS = re.compile(r"\{[#.=][^}\n]*\}|\{[^}\n]*=[^}\n]*\}")
_CITATION = re.compile(r"\[[^\[\]\n]*?-?@[\w:.#$%&+?<>~/-][^\[\]]*\]|(?<![\w@])-?@[\w][\w:.#$%&+?<>~/-]*\w|"
                       r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HTML = re.compile(r"</?[a-zA-Z][^>\n]*>")
# LaTeX written for another tool (the build reads it as raw TeX): environments and commands.
_LATEX_ENV = re.compile(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", re.S)
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\*?(?:\[[^\]\n]*\])?(?:\{[^{}\n]*\})*")
_ESCAPE = re.compile(r"\\[^\w\s]")
_TABLE_RULE = re.compile(r"^[ \t]*[|+]?[ \t]*:?-{3,}:?[ \t]*(?:[|+][ \t]*:?-{3,}:?[ \t]*)*[|+]?[ \t]*$|"
                         r"^[ \t]*(?:-{3,}|\*{3,}|_{3,}|={3,})[ \t]*$", re.M)
_TABLE_ROW = re.compile(r"^[ \t]*[|+].*$|^.*\|[ \t]*$", re.M)


_NOT_NEWLINE = re.compile(r"[^\n]")


def _holed(text: str, pattern: re.Pattern, spans: list[tuple[int, int]] | None = None) -> str:
    """`text` with every match of `pattern` holed but its line breaks (the same length); the
    matches' spans added to `spans`. One `sub` per pattern: the cold build's lint spent a third
    of its time blanking characters one by one in a list."""
    def blank(m: re.Match) -> str:
        if spans is not None:
            spans.append(m.span())
        return _NOT_NEWLINE.sub(HOLE, m.group(0))
    return pattern.sub(blank, text)


def mask_markdown(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The prose of a Markdown chapter (the rest holed, same length) and the URL spans."""
    urls: list[tuple[int, int]] = []
    for pattern in (_FRONT, _META_BLOCK, _FENCE, _INDENTED_CODE, _COMMENT, _CODE, _DISPLAY_MATH,
                    _INLINE_MATH, _LATEX_ENV, _LATEX_COMMAND, _ESCAPE):
        text = _holed(text, pattern)
    text = _holed(text, _URL, urls)
    for pattern in (_LINK_TARGET, _REF_DEF, _FOOTNOTE_LABEL, _ATTRS, _CITATION, _HTML, _TABLE_RULE):
        text = _holed(text, pattern)
    return text, urls


def paragraphs(masked: str) -> list[tuple[int, int]]:
    """Spans of the text between blank lines."""
    spans, start = [], 0
    for m in re.finditer(r"\n[ \t\x1a]*\n", masked):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(masked)))
    return [s for s in spans if masked[s[0]:s[1]].strip(" \t\n" + HOLE)]


# ================================================================ checks

CYR = "А-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІіЄєЇїЎў"
LETTER = r"[^\W\d_]"
_WORD = re.compile(LETTER + r"+")
_IS_CYR = re.compile(f"[{CYR}\u0400-\u04ff]")
_IS_LAT = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Look-alikes: Latin letter → the Cyrillic letter that looks the same, and back.
LAT_TO_CYR = dict(zip("aceopxyABCEHKMOPTXiI", "асеорхуАВСЕНКМОРТХіІ"))
CYR_TO_LAT = {v: k for k, v in LAT_TO_CYR.items()}
ROMAN_CYR = {"І": "I", "Х": "X", "С": "C", "М": "M"}
_ROMAN_TOKEN = re.compile(r"(?<![\w.])[IVXLCDMІХСМ]+(?!\w|\.\w)")
_ROMAN_VALID = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
KK_VOWELS = set("аәеёиоөуұүыіэюяАӘЕЁИОӨУҰҮЫІЭЮЯ")


def check_mixed_script(masked: str, language: str) -> list[Finding]:
    """Latin letters in a Cyrillic word and back; Roman numerals typed with Cyrillic letters."""
    found = []
    for m in _ROMAN_TOKEN.finditer(masked):
        tok = m.group(0)
        single = len(tok) == 1 and (tok not in "ІХ" or masked[m.end():m.end() + 1] == ".")
        if not any(c in ROMAN_CYR for c in tok) or single:  # 'С' is a word, 'Х.' an initial
            continue
        latin = "".join(ROMAN_CYR.get(c, c) for c in tok)
        if _ROMAN_VALID.fullmatch(latin):
            found.append(Finding(m.start(), m.end(), "lint.mixed-script",
                                 f"Roman numeral {tok!r} typed with Cyrillic letters: {latin!r}", latin))
    roman = {f.start for f in found}
    for m in _WORD.finditer(masked):
        word = m.group(0)
        if word.isascii() or not _IS_LAT.search(word):  # one script (most words): no count needed
            continue
        cyr, lat = len(_IS_CYR.findall(word)), len(_IS_LAT.findall(word))
        if not cyr or not lat or m.start() in roman:
            continue
        if cyr >= lat:
            odd, table, script = [c for c in word if _IS_LAT.match(c)], LAT_TO_CYR, "Cyrillic"
        else:
            odd, table, script = [c for c in word if _IS_CYR.match(c)], CYR_TO_LAT, "Latin"
        fixable = all(c in table for c in odd) and cyr != lat
        fix = "".join(table.get(c, c) if c in odd else c for c in word) if fixable else None
        hint = f": {fix!r}" if fix else ""
        found.append(Finding(m.start(), m.end(), "lint.mixed-script",
                             f"{script} word {word!r} has letters of the other script "
                             f"({''.join(sorted(set(odd)))}){hint}", fix))
    return found


def check_urls(text: str, urls: list[tuple[int, int]]) -> list[Finding]:
    """Cyrillic look-alike letters in an address that is otherwise Latin."""
    found = []
    for start, end in urls:
        url = text[start:end]
        for m in re.finditer(r"[^/.:?#=&\s]+", url):
            part = m.group(0)
            if _IS_CYR.search(part) and re.search("[A-Za-z]", part):
                odd = [c for c in part if _IS_CYR.match(c)]
                fix = ("".join(CYR_TO_LAT.get(c, c) for c in part)
                       if all(c in CYR_TO_LAT for c in odd) else None)
                found.append(Finding(start + m.start(), start + m.end(), "lint.mixed-script",
                                     f"Cyrillic letter(s) {''.join(sorted(set(odd)))!r} in the address "
                                     f"{url!r}", fix))
    return found


_ROUND_TRIPS = (("cp1251", "UTF-8 read as CP1251"), ("cp1252", "UTF-8 read as CP1252"),
                ("latin-1", "UTF-8 read as Latin-1"), ("koi8-r", "UTF-8 read as KOI8-R"))
FONT_HACK = str.maketrans({"І": "Қ", "є": "қ", "”": "ң"})  # the old Kazakh fonts' code points


def _plausible(fixed: str) -> bool:
    """Whether re-decoded text reads as words: letters of one script, no control characters."""
    letters = [c for c in fixed if c.isalpha()]
    if not letters or any(ord(c) < 32 or 0x80 <= ord(c) < 0xA0 for c in fixed):
        return False
    cyr = sum(bool(_IS_CYR.match(c)) for c in letters)
    lat = sum(bool(_IS_LAT.match(c)) for c in letters)
    return cyr + lat == len(letters)


# A word of these characters only cannot be mojibake: every wrong-code-page reading of
# UTF-8 Cyrillic shows at least one character outside them (°, Ѕ, Ð, ╟…). Skipping such
# words first makes the check ~20x faster on a real thesis (the build runs it every time).
_PLAIN_WORD = re.compile("[\\x21-\\x7eА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі«»„“”‘’–—…№]+")


def check_mojibake(masked: str, language: str) -> list[Finding]:
    """Text decoded with the wrong code page, and the old Kazakh font hacks."""
    found = []
    for m in re.finditer(r"[^\s\x1a]+", masked):
        tok = m.group(0)
        if tok.isascii() or _PLAIN_WORD.fullmatch(tok):
            continue
        found += _round_trip(tok, m.start(), language)
    if language == "kk":
        found += _font_hack(masked)
    return found


def _round_trip(tok: str, at: int, language: str) -> list[Finding]:
    for enc, what in _ROUND_TRIPS:
        try:
            fixed = tok.encode(enc).decode("utf-8")
        except UnicodeError:
            continue
        if fixed != tok and _plausible(fixed):
            return [Finding(at, at + len(tok), "lint.mojibake", f"{tok!r} looks like {what}: {fixed!r}")]
    high = sum("\u00c0" <= c <= "\u00ff" for c in tok)
    letters = sum(c.isalpha() for c in tok)
    if high >= 3 and high >= 0.6 * letters:  # CP1251 bytes shown as CP1252 (Ñáîðíèê)
        try:
            fixed = tok.encode("cp1252").decode("cp1251")
        except UnicodeError:
            return []
        if language == "kk":
            fixed = fixed.translate(FONT_HACK)
        if _plausible(fixed) and _IS_CYR.search(fixed):
            return [Finding(at, at + len(tok), "lint.mojibake",
                            f"{tok!r} looks like CP1251 read as CP1252: {fixed!r}")]
    return []


_HACK_NG = re.compile(f"(?<=[{CYR}\\d.,;:!?])ң(?![{CYR}\\w])")
_HACK_QUOTE_IN_WORD = re.compile(f"(?<=[{CYR}])”(?=[{CYR}])")
_HACK_KA = re.compile(f"[{CYR}]*є[{CYR}]*")


def _font_hack(masked: str) -> list[Finding]:
    """ң at a closing quote's place, ” inside a word, є for қ (Kazakh fonts of the 1990s)."""
    found = []
    for m in _HACK_NG.finditer(masked):
        before = masked[m.start() - 1]
        certain = not before.isalpha() or before not in KK_VOWELS and before != "ң"
        if certain:
            found.append(Finding(m.start(), m.end(), "lint.mojibake",
                                 "'ң' after a consonant or punctuation: an old Kazakh font's closing quote '”'"))
    for m in _HACK_QUOTE_IN_WORD.finditer(masked):
        found.append(Finding(m.start(), m.end(), "lint.mojibake",
                             "'”' inside a word: an old Kazakh font's 'ң'"))
    for m in _HACK_KA.finditer(masked):
        found.append(Finding(m.start(), m.end(), "lint.mojibake",
                             f"'є' in {m.group(0)!r}: an old Kazakh font's 'қ'"))
    return found


def quote_pairs(unit: str) -> tuple[list[tuple[int, int]], list[int]]:
    """The quotes of a paragraph paired up (opening, closing offsets) and the ones left over."""
    pairs, stack, alone = [], [], []
    for m in re.finditer('[«»“”„"]', unit):
        ch, at = m.group(0), m.start()
        top = unit[stack[-1]] if stack else None
        opens = (ch in "«„" or (ch == "“" and top not in ("„", "”")) or (ch == '"' and top != '"')
                 or (ch == "”" and top is None))  # ”…“: the pair typed the wrong way round
        if opens:
            stack.append(at)
        elif top is not None and (ch != '"' or top == '"'):
            pairs.append((stack.pop(), at))
        else:
            alone.append(at)
    return sorted(pairs), sorted(alone + stack)


_GENITIVE = re.compile("[ндт][ыі]ң$")
_GENITIVE_STEM = re.compile(f"[{CYR}]{{2,}}[ндт][ыі]$")


def check_open_quote_ng(masked: str, spans: list[tuple[int, int]]) -> list[Finding]:
    """A quote opened and never closed, then a word ending in a vowel + ң: probably ” (font hack)."""
    found = []
    vowel_ng = re.compile(f"[{CYR}]*[{''.join(KK_VOWELS)}]ң(?![{CYR}\\w])")
    for start, end in spans:
        unit = masked[start:end]
        for at in quote_pairs(unit)[1]:
            if unit[at] == "”" and _GENITIVE_STEM.search(unit, 0, at):
                found.append(Finding(start + at, start + at + 1, "lint.mojibake",
                                     "'”' closes nothing and ends a genitive: an old Kazakh font's 'ң'?"))
            if unit[at] not in "«“":
                continue
            stop = re.compile("[«»“”„]").search(unit, at + 1)
            words = vowel_ng.finditer(unit, at + 1, stop.start() if stop else len(unit))
            word = next((w for w in words if not _GENITIVE.search(w.group(0))), None)
            if word:
                found.append(Finding(start + word.end() - 1, start + word.end(), "lint.mojibake",
                                     f"{unit[at]} is never closed and {word.group(0)!r} ends in 'ң': "
                                     f"an old Kazakh font's closing quote '”'?"))
    return found


def check_quotes(masked: str, spans: list[tuple[int, int]], language: str) -> list[Finding]:
    """Quotes other than «…» where Kazakh and Russian print them; fixed when they pair up."""
    if language not in ("kk", "ru"):
        return []
    found = []
    for start, end in spans:
        unit = masked[start:end]
        pairs, alone = quote_pairs(unit)
        outer = [(o, c) for o, c in pairs if unit[o] == "«" and unit[c] == "»"]
        for o, c in pairs:
            kind = unit[o] + unit[c]
            if kind == "«»":
                continue
            nested = any(oo < o and c < cc for oo, cc in outer)
            if nested and kind in ("„“", "“”"):
                continue  # the inner quotes inside «…»
            fix = None if nested or alone or (kind == '""' and not _straight_ok(unit, o, c)) \
                else "«" + masked[start + o + 1:start + c] + "»"
            if fix is not None and HOLE in fix:
                fix = None  # the text inside is not all prose: leave it to the author
            what = "mismatched quotes" if unit[o] == "«" or unit[c] == "»" else "quotes"
            found.append(Finding(start + o, start + c + 1, "lint.quotes",
                                 f"{what} {kind[0]}…{kind[1]}: Kazakh and Russian use «…»"
                                 + (" („…“ inside them)" if nested else ""), fix))
    return found


def _straight_ok(unit: str, o: int, c: int) -> bool:
    """Whether straight quotes at o and c sit like an opening and a closing quote."""
    before, after = (unit[o - 1] if o else " "), (unit[c + 1] if c + 1 < len(unit) else " ")
    return ((before.isspace() or before in "([—–-/") and not unit[o + 1].isspace()
            and not unit[c - 1].isspace() and (after.isspace() or after in ".,;:!?)]…—–-/"))


def check_dash(masked: str, language: str) -> list[Finding]:
    """A hyphen standing alone between words: a dash (— in text, – between numbers)."""
    found = []
    for m in re.finditer(r"(?<=[^\s\x1a|])[ \t]+-[ \t]+(?=[^\s\x1a|])", masked):
        line_start = masked.rfind("\n", 0, m.start()) + 1
        if not masked[line_start:m.start()].strip(" \t>"):  # a list item's marker (in a quote too)
            continue
        at = m.start() + m.group(0).index("-")
        numbers = masked[m.start() - 1].isdigit() and masked[m.end()].isdigit()
        want = "'–' without spaces between numbers" if numbers else "a dash '—'"
        found.append(Finding(at, at + 1, "lint.dash", f"hyphen used as a dash: {want}"))
    return found


# A block's marker at a line's start, after which Markdown allows any spaces (pandoc's own
# Markdown writes "-   item", "1.  item", ":   definition"): a list item, a definition, a
# quote, a heading, an example.
_MARKER = re.compile(r"[ \t]*(?:>[ \t]*)*(?:[-*+:~>]|#{1,6}|\(?(?:\d+|[A-Za-z]|[ivxlcdmIVXLCDM]+|#|@[\w-]*)[.)])")


def check_spaces(masked: str, tables: list[tuple[int, int]]) -> list[Finding]:
    """Two or more spaces between words (leading indentation, a block's marker and line
    breaks are Markdown)."""
    found = []
    for m in re.finditer(r"(?<=[^\s])[ \u00a0]{2,}(?=[^\s])", masked):
        i = bisect.bisect_right(tables, (m.start(), float("inf"))) - 1
        if i >= 0 and tables[i][0] <= m.start() < tables[i][1]:
            continue
        if _MARKER.fullmatch(masked, masked.rfind("\n", 0, m.start()) + 1, m.start()):
            continue
        found.append(Finding(m.start(), m.end(), "lint.spaces", "doubled space", m.group(0)[0]))
    return found


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_control(text: str) -> list[Finding]:
    """Invisible control characters (pasted from a PDF or a terminal): XML forbids most of
    them, so Word would refuse the DOCX (the writer drops them)."""
    return [Finding(m.start(), m.end(), "lint.control", f"invisible control character U+{ord(m.group(0)):04X}", "")
            for m in _CONTROL.finditer(text)]


_UPPER = "А-ЯЁӘҒҚҢӨҰҮҺІA-Z"


def check_punctuation_space(masked: str) -> list[Finding]:
    """No space before , . ; : ! ? ) or after (; one after , ; : ! ? and after a sentence's full stop."""
    found = []
    for m in re.finditer(r"(?<=[^\s\x1a(])[ \t]+(?=[,;:!?)]|\.(?!\.)(?!\d))", masked):
        line_start = masked.rfind("\n", 0, m.start()) + 1
        if masked[line_start:m.start()].strip(" \t" + HOLE) and masked[m.start() - 1] not in "-–—":
            found.append(Finding(m.start(), m.end(), "lint.punctuation-space",
                                 f"space before {masked[m.end()]!r}", ""))
    for m in re.finditer(r"\([ \t]+(?=\S)", masked):
        found.append(Finding(m.start() + 1, m.end(), "lint.punctuation-space", "space after '('", ""))
    for m in re.finditer("(?<=[^\\W\\d_)»”])([,;!?])(?=[^\\W_])|(?<=[^\\W\\d_])(:)(?=[^\\W\\d_]|[«“„])", masked):
        found.append(Finding(m.end(), m.end(), "lint.punctuation-space",
                             f"no space after {m.group(0)!r}", " "))
    for m in re.finditer(f"(?<=[{CYR}a-z]{{2}})\\.(?=[{_UPPER}][{CYR}a-z])", masked):
        word = re.search(r"[\w.]*$", masked[:m.start()]).group(0)
        if len(re.search(r"\w*$", word).group(0)) >= 3:
            found.append(Finding(m.end(), m.end(), "lint.punctuation-space", "no space after '.'", " "))
    return found


_INITIALS = re.compile(f"(?<!\\w)([{_UPPER}]\\.)(?=[{_UPPER}](?:\\.|[а-яёәғқңөұүһіa-z]{{2}}))")


def check_initials(masked: str) -> list[Finding]:
    """Initials run together: 'В.И.Ленин' → 'В. И. Ленин' (GOST 7.0.5)."""
    return [Finding(m.end(), m.end(), "lint.initials",
                    f"no space after the initial {m.group(1)!r}", " ")
            for m in _INITIALS.finditer(masked)]


_ENUMERATOR = re.compile(r"(?:^|(?<=[\s\x1a]))[\w]{1,3}\)")


def check_brackets(masked: str, spans: list[tuple[int, int]]) -> list[Finding]:
    """Brackets and quotes opened and not closed (or closed and never opened) in a paragraph."""
    found = []
    pairs = {")": "(", "]": "["}
    for start, end in spans:
        unit = masked[start:end]
        enumerators = {m.end() - 1 for m in _ENUMERATOR.finditer(unit)}
        stack: list[tuple[str, int]] = []
        for m in re.finditer(r"[()\[\]]", unit):
            ch, at = m.group(0), m.start()
            if ch in "([":
                stack.append((ch, at))
            elif stack and stack[-1][0] == pairs[ch]:
                stack.pop()
            elif ch == ")" and at in enumerators:
                continue
            elif any(o == pairs[ch] for o, _ in stack):  # closes an outer one: the inner ones are open
                while stack[-1][0] != pairs[ch]:
                    found.append(_unbalanced(start, *stack.pop()))
                stack.pop()
            else:
                found.append(Finding(start + at, start + at + 1, "lint.brackets",
                                     f"{ch!r} closes nothing in this paragraph"))
        found += [_unbalanced(start, ch, at) for ch, at in stack]
        for at in quote_pairs(unit)[1]:
            ch = unit[at]
            what = "closes nothing" if ch in "»”" else "is never closed"
            found.append(Finding(start + at, start + at + 1, "lint.brackets", f"{ch!r} {what} in this paragraph"))
    return found


def _unbalanced(start: int, ch: str, at: int) -> Finding:
    return Finding(start + at, start + at + 1, "lint.brackets", f"{ch!r} is never closed in this paragraph")


def table_spans(masked: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TABLE_ROW.finditer(masked)]


def scan(text: str, masked: str, urls: list[tuple[int, int]], spans: list[tuple[int, int]],
         language: str) -> list[Finding]:
    """Every check over masked prose, sorted by position, one finding per spot and code."""
    found = (check_mojibake(masked, language) + check_mixed_script(masked, language)
             + check_urls(text, urls) + check_quotes(masked, spans, language) + check_dash(masked, language)
             + check_spaces(masked, table_spans(masked)) + check_punctuation_space(masked)
             + check_initials(masked) + check_brackets(masked, spans) + check_control(text))
    if language == "kk":
        found += check_open_quote_ng(masked, spans)
    unique = {(f.start, f.code): f for f in sorted(found, key=lambda f: (f.start, f.fix is None))}
    return sorted(unique.values(), key=lambda f: (f.start, f.code))


def scan_markdown(text: str, language: str) -> list[Finding]:
    masked, urls = mask_markdown(text)
    found = scan(text, masked, urls, paragraphs(masked), language)
    if "~" in masked:  # Markdown's own: in BibTeX pandoc reads "~" as the no-break space it is
        found = sorted(found + check_ties(masked), key=lambda f: (f.start, f.code))
    return found


_TOKEN_WITH_TILDE = re.compile(r"[^\s~]*~[^\s]*")
_INITIALS_TIED = re.compile(f"[{_UPPER}]\\.~[{_UPPER}]\\.~[{_UPPER}]")


def check_ties(masked: str) -> list[Finding]:
    """LaTeX's tie "~" (a no-break space) in Markdown: one between two characters prints as a
    tilde ('Figure~1'), two make a subscript ('В.~И.~Ленин': 'И.' set low); a subscript
    meant as one ('H~2~O') is left alone. Fixed to the no-break space itself."""
    found = []
    for m in _TOKEN_WITH_TILDE.finditer(masked):
        token = m.group(0)
        if "~~" in token or token.startswith("~") or token.endswith("~") or HOLE in token:
            continue  # strikeout, a subscript's edge, or a tie before a LaTeX command (read as one)
        if token.count("~") == 1 or (token.count("~") == 2 and _INITIALS_TIED.search(token)):
            found += [Finding(m.start() + i, m.start() + i + 1, "lint.tie",
                              "LaTeX's '~' is not a no-break space in Markdown: write the no-break space "
                              "(U+00A0)", "\u00a0") for i, ch in enumerate(token) if ch == "~"]
    return found


# ================================================================ BibTeX

_ENTRY = re.compile(r"@(\w+)\s*[{(]\s*([^,\s]*)\s*,", re.I)
_FIELD = re.compile(r"\s*([\w-]+)\s*=\s*")
NOT_PROSE = {"url", "doi", "file", "isbn", "issn", "eprint", "langid", "date", "year", "urldate",
             "pages", "volume", "number", "group", "ids", "keywords", "crossref", "xdata", "hyphenation",
             "pagetotal", "month", "edition", "type", "entrysubtype"}


def bib_values(text: str) -> list[tuple[str, int, int, str | None]]:
    """(field, start, end, langid) of each braced or quoted field value of a .bib text."""
    values = []
    for entry in _ENTRY.finditer(text):
        if entry.group(1).lower() in ("comment", "preamble", "string"):
            continue
        pos, fields = entry.end(), []
        while (m := _FIELD.match(text, pos)):
            name, pos = m.group(1).lower(), m.end()
            if pos < len(text) and text[pos] in "{\"":
                end = _value_end(text, pos)
                fields.append((name, pos + 1, end - 1))
                pos = end
            else:
                pos = re.compile(r"[^,}]*").match(text, pos).end()
            pos = re.compile(r"\s*,?").match(text, pos).end()
        langid = next((text[s:e].strip().lower() for n, s, e in fields if n == "langid"), None)
        values += [(n, s, e, langid) for n, s, e in fields]
    return values


def _value_end(text: str, start: int) -> int:
    """The index after a braced ({…} nested) or quoted value starting at `start`."""
    if text[start] == '"':
        m = re.compile(r'"(?:[^"{}]|\{[^{}]*\})*"').match(text, start)
        return m.end() if m else len(text)
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return i + 1
    return len(text)


def scan_bib(text: str, language: str) -> list[Finding]:
    """The same checks on each prose field value of a .bib (each value its own paragraph)."""
    found = []
    for name, start, end, langid in bib_values(text):
        value = text[start:end]
        lang = LANGIDS.get(langid or "", language)
        if name in ("url", "doi"):
            found += [_shift(f, start) for f in check_urls(value, [(0, len(value))])]
            continue
        if name in NOT_PROSE:
            continue
        masked = value
        for pattern in (re.compile(r"[{}]"), re.compile(r"\\[a-zA-Z]+|\\."), _URL, _DISPLAY_MATH, _INLINE_MATH):
            masked = _holed(masked, pattern)
        found += [_shift(f, start) for f in scan(value, masked, [], [(0, len(value))], lang)]
    return found


def _shift(f: Finding, by: int) -> Finding:
    return Finding(f.start + by, f.end + by, f.code, f.message, f.fix)


# ================================================================ public functions

def _findings(text: str, path: str | Path, language: str) -> list[Finding]:
    return scan_bib(text, language) if str(path).endswith(".bib") else scan_markdown(text, language)


def lint_text(text: str, path: str | Path, language: str) -> list[Diagnostic]:
    """The findings in one chapter (or a .bib, by its suffix) as warnings at path:line:col."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    shown = display_path(path)
    diags = []
    for f in _findings(text, path, language):
        line = bisect.bisect_right(starts, f.start)
        fixable = " (--fix)" if f.fix is not None else ""
        diags.append(Diagnostic("warning", f.message + fixable, shown, line, f.code,
                                column=f.start - starts[line - 1] + 1))
    return diags


def apply_fixes(text: str, findings: list[Finding]) -> str:
    """`text` with every safe fix applied (overlapping fixes: the first one wins)."""
    out, pos = [], 0
    for f in sorted((f for f in findings if f.fix is not None), key=lambda f: (f.start, f.end)):
        if f.start < pos:
            continue
        out += [text[pos:f.start], f.fix]
        pos = f.end
    return "".join(out) + text[pos:]


def fix_text(text: str, language: str, path: str | Path = "x.md") -> str:
    """The text with the safe fixes applied, repeated until nothing changes (idempotent)."""
    for _ in range(5):
        fixed = apply_fixes(text, _findings(text, path, language))
        if fixed == text:
            break
        text = fixed
    return text


def project_sources(root: Path) -> tuple[list[Path], str]:
    """The chapters and .bib files the build would read, and the thesis language."""
    from .config import load_project
    from .diagnostics import Reporter
    from .sources import bibliography_paths, chapter_paths
    project = load_project(root, Reporter(quiet=True))
    return chapter_paths(project) + bibliography_paths(project), project.thesis.language


def lint_project(project_root: Path) -> list[Diagnostic]:
    """Every finding in the thesis's chapters and bibliography."""
    paths, language = project_sources(Path(project_root))
    return [d for p in paths for d in lint_text(read_text(p), p, language)]


_CODE_HASH = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def check_sources(document, thesis, cache: Path | None = None) -> list[Diagnostic]:
    """The build's check stage (`checks.SOURCE_CHECKS`): the lint findings as warnings, codes
    lint.*, suppressible with thesis.yaml's suppress_warnings. Reads the sources, not the AST.
    With a `cache` folder, a part of a chapter (parts.py: whole paragraphs) or a .bib whose text
    (and this module) did not change is not linted again: the author's edit re-lints one part
    (a whole thesis costs ~0.3 s of CPU)."""
    from .parts import cut
    found = [dataclasses.replace(d, line=d.line + part.first - 1) if d.line else d
             for c in thesis.chapters for part in cut(c.path, c.text)
             for d in _cached(part.text, c.path, thesis.language, cache)]
    return found + [d for p in thesis.bibliography_files for d in _cached(read_text(p), p, thesis.language, cache)]


def _cached(text: str, path: Path, language: str, cache: Path | None) -> list[Diagnostic]:
    if cache is None:
        return lint_text(text, path, language)
    key = hashlib.sha256(f"{_CODE_HASH}{language}{Path(path).suffix}\0{text}".encode()).hexdigest()[:24]
    file = cache / "lint" / f"{key}.json"
    shown = display_path(path)
    if (kept := load_json(file)) is not None:
        return [Diagnostic(**{**d, "path": shown}) for d in kept]
    found = lint_text(text, path, language)
    data = [{k: v for k, v in dataclasses.asdict(d).items() if k != "path"} for d in found]
    write_atomic(file, json.dumps(data, ensure_ascii=False).encode(), durable=False)
    return found


def fix_project(project_root: Path) -> dict[Path, int]:
    """Apply the safe fixes to every source file atomically; files changed → findings fixed."""
    paths, language = project_sources(Path(project_root))
    changed = {}
    for path in paths:
        text = read_text(path)
        fixed = fix_text(text, language, path)
        if fixed != text:
            before = len(_findings(text, path, language))
            write_atomic(path, fixed.encode("utf-8"))
            changed[path] = before - len(_findings(fixed, path, language))
    return changed
