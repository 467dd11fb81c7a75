"""One-off conversion of the scraped seed thesis into content/*.md.

    python tools/import_seed.py [SEED] [--write]

The committed Markdown is the source of truth; this script documents how it was produced and
was run once, its output reviewed by hand (every footnote marker). Without --write it prints a
summary and writes nothing.

What it does, and only this:
- takes the body (from the "Кіріспе" after the plan up to the source list), drops the catalogue
  record, the plan (ЖОСПАР) and the website junk;
- headings lose their typed numbers ("1 тарау.", "1.1.", the third chapter's wrong "2.");
- "•" lists become "- " items, "1." lists "1. " items; the "а) б) в)" lists become bullet items
  that start with the original letter, the paragraphs under a letter indented into its item,
  and paragraphs that start with "2)" are escaped ("2\\)") so that pandoc keeps them paragraphs;
- footnote markers 26–98 become pandoc citations from tests/seed_footnotes.py;
- repairs: Cyrillic letters in Roman numerals and Latin words -> Latin, doubled spaces,
  spaces before punctuation, "[" "]" escaped.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from seed_footnotes import FOOTNOTES  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "000_a69a33c1c362441d.txt"

MARK = "\uE000"  # placeholder for a footnote marker: MARK + number + MARK

# ------------------------------------------------------------------ repairs

# Cyrillic letters that look like Latin ones, as they occur in the seed's Roman numerals / Latin words.
_CYR2LAT = str.maketrans({"І": "I", "і": "i", "Х": "X", "х": "x", "В": "B", "С": "C", "М": "M"})
_ROMAN = re.compile(r"(?<![\w.])([IVXІХ]+)(?![\w.])")


def fix_roman(text: str) -> str:
    """Roman numerals typed with Cyrillic І/Х ("XXІ", "ХХ", "ІІІ", "ІV") -> Latin."""
    def repl(m):
        tok = m.group(1)
        if not any(c in "ІХ" for c in tok):
            return tok
        return tok.translate(_CYR2LAT)
    return _ROMAN.sub(repl, text)


def fix_latin_words(text: str) -> str:
    """Cyrillic і/І inside a Latin word or URL part ("unіtіng", "vіtebsk") -> Latin i/I.

    A word is a run of letters; it is Latin when most of its letters are Latin and its only
    Cyrillic letters are і/І ("өзгеріcі", a Cyrillic word with a Latin c, is left alone)."""
    def repl(m):
        w = m.group(0)
        lat = sum(c.isascii() for c in w)
        cyr = [c for c in w if not c.isascii()]
        if cyr and lat > len(cyr) and set(cyr) <= {"і", "І"}:
            return w.replace("і", "i").replace("І", "I")
        return w
    return re.sub(r"[A-Za-z\u0400-\u04FF]+", repl, text)


def fix_spaces(text: str) -> str:
    text = text.replace("\xa0", " ")
    text = re.sub(r" {2,}", " ", text).strip()
    text = re.sub(r" +([.,;:!?)])", r"\1", text)
    return text


def repair(text: str) -> str:
    return fix_spaces(fix_latin_words(fix_roman(text)))


# ------------------------------------------------------------------ markers

MARKER = re.compile(
    r"(?<=[^\d\s\-–])(?P<n>\d{2})(?!\d|%)"      # glued to a letter or punctuation mark
    r"|(?<=\.[ \xa0])(?P<e>\d{2})(?=[ \xa0]*$)"   # alone after ". " at the paragraph end
)


def mark_markers(text: str, expected: list[int]) -> str:
    """Replace footnote markers by placeholders; `expected` is the queue of numbers still to come."""
    def repl(m):
        n = int(m.group("n") or m.group("e"))
        if not 26 <= n <= 98:
            return m.group(0)
        if not expected or n != expected[0]:
            raise SystemExit(f"marker {n} out of sequence (expected {expected[:1]}) in: {text[:80]}")
        expected.pop(0)
        return f"{MARK}{n}{MARK}"
    return MARKER.sub(repl, text)


def citation(n: int) -> str:
    kind, key, loc = FOOTNOTES[n]
    if kind != "cite":
        raise SystemExit(f"footnote {n}: remark notes are written by hand")
    keys = key if isinstance(key, tuple) else (key,)
    items = [f"@{k}" + (f", {loc}" if loc else "") for k in keys]
    return "[" + "; ".join(items) + "]"


def place_citations(text: str) -> str:
    """A citation goes where the marker was, before the sentence punctuation that precedes it
    (".", ";", ":" possibly followed by a closing quote ” or »)."""
    def repl(m):
        before, n = m.group(1), int(m.group(2))
        cite = citation(n)
        p = re.match(r"(.*?)([.;:][”»]?)$", before, re.S)
        if p:
            return f"{p.group(1)} {cite}{p.group(2)}"
        return f"{before} {cite}"
    # the text before a marker, up to the previous marker or start
    out = re.sub(rf"([^{MARK}]*?)\s*{MARK}(\d+){MARK}", repl, text)
    return re.sub(r" +", " ", out).strip()


def escape_md(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def inline(text: str, expected: list[int]) -> str:
    marked = mark_markers(text, expected)
    return place_citations(escape_md(repair(marked)))


# ------------------------------------------------------------------ structure

HEADINGS = [  # (seed line text, level, markdown heading, file)
    ("Кіріспе", 1, "Кіріспе", "00-kirispe.md"),
    ("1 тарау. Интеграция теориясы және саяси негіздері", 1, None, "01-integratsiya-teoriyasy.md"),
    ("1.1. Интеграция теориясының негіздері", 2, None, None),
    ("1.2. ТМД интеграция негізінің қалыптасуы және дамуы", 2, None, None),
    ("1.3. ТМД интеграциясына әсер ететін факторлар", 2, None, None),
    ("2 тарау. ТМД-дағы экономикалық интеграция және Қазақстан", 1, None, "02-ekonomikalyq-integratsiya.md"),
    ("2.1. Орталық Азиядағы Экономикалық Қауымдастық", 2, None, None),
    ("2.2. Еуразиялық Экономикалық Қоғамдастық: Қазақстанның қосқан үлесі", 2, None, None),
    ("2.3. ГУУАМ - саяси – экономикалық бірлестік ретінде", 2, None, None),
    ("2. ТМД мемлекеттерінің әскери саладағы ынтымақтастығы", 1, None, "03-askeri-yntymaqtastyq.md"),
    ("Қорытынды", 1, "Қорытынды", "80-qorytyndy.md"),
]
NUMBER = re.compile(r"^(\d+ тарау\.|\d+\.\d+\.|\d+\.)\s+")


def body_lines(lines: list[str]) -> list[str]:
    plan = lines.index("ЖОСПАР")
    start = lines.index("Кіріспе", plan)
    end = lines.index("Әдебиеттер тізімі", start)
    return lines[start:end]


def convert(seed: Path) -> dict[str, str]:
    lines = seed.read_text(encoding="utf-8").split("\n")
    body = body_lines(lines)
    heads = {h[0]: h for h in HEADINGS}
    expected = list(range(26, 99))
    files: dict[str, list[str]] = {}
    cur: list[str] | None = None
    letter_item = False  # inside an "а) б) в)" item: paragraphs are indented into it
    prev_kind = None
    for raw in body:
        line = raw.replace("\xa0", " ").rstrip()
        s = line.strip()
        if not s:
            continue
        if s in heads:
            _, level, title, fname = heads[s]
            title = title or NUMBER.sub("", s)
            if fname:
                cur = files.setdefault(fname, [])
            if cur:
                cur.append("")
            cur.append("#" * level + " " + title)
            letter_item, prev_kind = False, "heading"
            continue
        m_bullet = re.match(r"^•\s+(.*)$", s)
        m_num = re.match(r"^(\d+)\.\s+(.*)$", s) if line.startswith(" ") else None
        m_letter = re.match(r"^([абв])\)\s", s)
        if m_bullet:
            text, kind = "- " + inline(m_bullet.group(1), expected), "bullet"
        elif m_num:
            text, kind = f"{m_num.group(1)}. " + inline(m_num.group(2), expected), "number"
        elif m_letter:
            text, kind = "- " + inline(s, expected), "letter"
            letter_item = True
        else:
            t = inline(s, expected)
            if re.match(r"^\d+\)", t):
                t = re.sub(r"^(\d+)\)", r"\1\\)", t)
            kind = "para"
            if letter_item:
                # the paragraphs under "а)" up to the next heading-like paragraph belong to the item
                if re.match(r"^(Интеграциялаушы|Дезинтеграциялаушы)\s+фактор|^\d+\\\)", t):
                    text, kind = "  " + t, "letter-para"
                else:
                    letter_item = False
                    text = t
            else:
                text = t
        # blank line between blocks, but list items of one list stay together
        if cur and not (kind in ("bullet", "number") and prev_kind == kind):
            cur.append("")
        cur.append(text)
        prev_kind = kind
    if expected:
        raise SystemExit(f"markers not found: {expected}")
    out = {name: "\n".join(ls).strip() + "\n" for name, ls in files.items()}
    out["90-adebietter.md"] = "# Әдебиеттер тізімі {.references}\n"
    return out


def main(argv: list[str]) -> None:
    args = [a for a in argv if not a.startswith("--")]
    seed = Path(args[0]) if args else SEED
    out = convert(seed)
    for name, text in out.items():
        print(f"{name}: {len(text.splitlines())} lines")
        if "--write" in argv:
            (ROOT / "content" / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
