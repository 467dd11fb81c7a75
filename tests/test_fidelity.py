"""Fidelity of the thesis content to the seed thesis it was converted from.

1. Every body paragraph (and list item) of the seed, normalised, is in the thesis text exactly
   once, and the thesis has no paragraph the seed lacks; headings match without typed numbers.
2. Every footnote 26–98 of the seed maps to a citation (key in the bibliography, cited at the
   marker's place with the footnote's page) or to a remark note (tests/seed_footnotes.py).
3. The bibliography parses cleanly and holds the seed's source list in its four groups.

The seed lives outside the repository (../shared/seed); tests that read it skip without it.
The thesis text comes from the pandoc JSON AST of the content: the `thesis_ast` fixture.
"""
from __future__ import annotations

import collections
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "000_a69a33c1c362441d.txt"
BIB = ROOT / "bibliography" / "sources.bib"

sys.path.insert(0, str(Path(__file__).resolve().parent))
from seed_footnotes import FOOTNOTES, IBID_EXCEPTIONS, SOURCE_LIST  # noqa: E402

FIRST, LAST = 26, 98
GROUPS = {"Деректемелер": "documents", "Мерзімдік басылымдар": "periodicals",
          "Арнайы әдебиеттер": "literature", "Интернет сайттары": "websites"}


# ====================================================================== fixtures

@pytest.fixture(scope="module")
def build_outline():
    """The build's own AST of the thesis (after its transforms) and its heading outline."""
    from thesis.build import Options, Stopwatch, prepare
    from thesis.diagnostics import Reporter
    _, document = prepare(ROOT, Options(), Reporter(quiet=True), Stopwatch())
    return document.ast, document.outline


@pytest.fixture(scope="module")
def thesis_ast(build_outline) -> dict:
    """The AST both writers start from: what the PDF and the DOCX print."""
    return build_outline[0]


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    if not SEED.exists():
        pytest.skip(f"seed thesis not found at {SEED} (../shared/seed is outside the repository)")
    return SEED.read_text(encoding="utf-8").split("\n")


# ====================================================================== normalisation

_QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "’": "'", "‘": "'"})


def norm(text: str) -> str:
    """Whitespace, quote style, spaces before punctuation: what may differ without rewording."""
    text = text.translate(_QUOTES).replace("…", "...")
    text = re.sub(r"[\s\u00a0\u2000-\u200b\u202f]+", " ", text).strip()
    return re.sub(r" +([.,;:!?)])", r"\1", text)


# The old Kazakh font hack stored ң at the code point of ” (and back): in the body, nine
# closing quotes came out as a word-final "ң", and in one sentence three ң as "”". Latin "c"
# inside two Cyrillic words is the mirror of Cyrillic-in-Latin. Each spot, as the seed has it.
FONT_DAMAGE = [("“Қайта құруң", "“Қайта құру”"), ("етеді.ң", "етеді.”"),
               ("«Орталық Рынок құру туралың", "«Орталық Рынок құру туралы”"),
               ("«ұрыс даласың", "«ұрыс даласы”"), ("«қырғи қабақң", "«қырғи қабақ”"),
               ("әріптестікң", "әріптестік”"), ("«Мәскеудің қамқорлығынаң", "«Мәскеудің қамқорлығына”"),
               ("«үлкен ағаң", "«үлкен аға”"), ("келісімінң", "келісімін”"),
               ("қақпасы - 2001ң", "қақпасы - 2001”"),
               ("мемлекеттерді” интеграциялық қатынастарыны” де”гейіне",
                "мемлекеттердің интеграциялық қатынастарының деңгейіне"),
               ("өзгеріcі", "өзгерісі"), ("сын-cағатта", "сын-сағатта"),
               # found by the source lint (`python build.py check`): ң printed as ”
               ("ұлт өкілдеріні” арасындағы", "ұлт өкілдерінің арасындағы")]


def repair(text: str) -> str:
    """The seed's repairs: Roman numerals typed with Cyrillic І/Х, Cyrillic і in Latin words,
    the font-hack ң/” swaps and Latin c in Cyrillic words (FONT_DAMAGE)."""
    for damaged, fixed in FONT_DAMAGE:
        text = text.replace(damaged, fixed)
    def roman(m):
        tok = m.group(0)
        return tok.translate(str.maketrans("ІХ", "IX")) if re.search("[ІХ]", tok) else tok

    def latin(m):
        w = m.group(0)
        cyr = [c for c in w if not c.isascii()]
        if cyr and set(cyr) <= {"і", "І"} and len(w) - len(cyr) > len(cyr):
            return w.replace("і", "i").replace("І", "I")
        return w

    text = re.sub(r"(?<![\w.])[IVXІХ]+(?![\w.])", roman, text)
    return re.sub(r"[A-Za-z\u0400-\u04ff]+", latin, text)


# Footnote markers: a number 26–98 glued to a preceding letter or punctuation mark, or alone at
# the end of a paragraph after ". ". Checked by test_markers_are_the_footnotes.
MARKER = re.compile(r"(?<=[^\d\s\-–])(\d{2})(?!\d|%)|(?<=\.[ \xa0])(\d{2})(?=[ \xa0]*$)")


def find_markers(text: str) -> list[tuple[int, int, int]]:
    found = []
    for m in MARKER.finditer(text):
        n = int(m.group(1) or m.group(2))
        if FIRST <= n <= LAST:
            found.append((n, m.start(), m.end()))
    return found


# ====================================================================== the seed

def seed_body(lines: list[str]) -> list[str]:
    plan = lines.index("ЖОСПАР")
    start = lines.index("Кіріспе", plan)
    end = lines.index("Әдебиеттер тізімі", start)
    return [l for l in lines[start:end] if l.replace("\xa0", " ").strip()]


HEADING = re.compile(r"^(Кіріспе|Қорытынды|\d+ тарау\. .+|\d+\.\d+\. .+|2\. ТМД мемлекеттерінің .+)$")


def seed_blocks(lines: list[str]):
    """(kind, text-with-markers) for each heading / paragraph / list item of the seed body."""
    for line in seed_body(lines):
        s = line.replace("\xa0", " ").strip()
        if HEADING.match(s):
            level = 2 if re.match(r"^\d+\.\d+\. ", s) else 1
            yield f"h{level}", re.sub(r"^(\d+ тарау\.|\d+\.\d+\.|\d+\.)\s+", "", s)
        elif s.startswith("•"):
            yield "p", s[1:]
        elif line.startswith(" ") and re.match(r"^\d+\.\s", s):
            yield "p", re.sub(r"^\d+\.\s+", "", s)
        else:
            yield "p", s


def seed_paragraphs(lines):
    """Normalised, marker-free, repaired paragraphs; with each marker the words before it."""
    paras, tails = [], {}
    for kind, text in seed_blocks(lines):
        if kind != "p":
            continue
        for n, start, _ in find_markers(text):
            tails[n] = words_before(norm(repair(text[:start])))
        paras.append(norm(repair(MARKER.sub(lambda m: "" if FIRST <= int(m.group(1) or m.group(2)) <= LAST else m.group(0), text))))
    return paras, tails


def words_before(text: str, k: int = 3) -> list[str]:
    return re.findall(r"[\w\-]+", text)[-k:]


def seed_footnotes(lines: list[str]) -> dict[int, str]:
    """Footnote texts, after the source list, up to the website junk; 45–50 re-decoded."""
    start = lines.index("Интернет сайттары")
    end = next(i for i, l in enumerate(lines) if l.startswith("А также другие работы"))
    notes = {}
    for line in lines[start:end]:
        m = re.match(r"^(\d+)[ \xa0]+(.*)$", line)
        if m and int(m.group(1)) >= FIRST:
            notes[int(m.group(1))] = m.group(2)
    for n in range(45, 51):
        notes[n] = redecode(notes[n])
    return notes


# The old Kazakh font hack stored Kazakh letters at code points of other Cyrillic letters.
# Worked out from footnote 45, the only one of 45–50 with Kazakh text; checked below.
FONT_HACK = str.maketrans({"І": "Қ", "є": "қ", "”": "ң"})


def redecode(text: str) -> str:
    """CP1251 text that was mis-decoded as CP1252 (and written with the Kazakh font hack)."""
    return text.encode("cp1252").decode("cp1251").translate(FONT_HACK)


def seed_source_list(lines: list[str]) -> dict[tuple[str, int], str]:
    start = lines.index("Деректемелер")
    end = lines.index("Интернет сайттары")
    group, items = None, {}
    for line in lines[start:end + 8]:
        s = line.replace("\xa0", " ").strip()
        if s in GROUPS:
            group = GROUPS[s]
        m = re.match(r"^(\d+)\.\s+(.*)$", s)
        if m and group:
            items[(group, int(m.group(1)))] = m.group(2)
    return items


# ====================================================================== the thesis

def _inlines(xs, out, events):
    for x in xs:
        t, c = x["t"], x.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            _inlines(c, out, events)
        elif t == "Quoted":
            out.append('"'), _inlines(c[1], out, events), out.append('"')
        elif t in ("Span",):
            _inlines(c[1], out, events)
        elif t == "Link":
            _inlines(c[1], out, events)
        elif t in ("Code", "Math"):
            out.append(c[1])
        elif t == "Cite":
            events.append(("cite", c[0], "".join(out)))
        elif t == "Note":
            events.append(("note", c, "".join(out)))


def thesis_text(ast: dict):
    """Headings [(level, text)], paragraphs [text], footnote events in document order."""
    heads, paras, events = [], [], []

    def blocks(bs):
        for b in bs:
            t, c = b["t"], b.get("c")
            if t in ("Para", "Plain"):
                out = []
                _inlines(c, out, events)
                paras.append(norm("".join(out)))
            elif t == "Header":
                out = []
                _inlines(c[2], out, events)
                heads.append((c[0], norm("".join(out))))
            elif t == "BulletList":
                for item in c:
                    blocks(item)
            elif t == "OrderedList":
                for item in c[1]:
                    blocks(item)
            elif t == "BlockQuote":
                blocks(c)
            elif t == "Div":
                attr = c[0]
                if attr[0] == "refs" or "references" in attr[1] or "csl-bib-body" in attr[1]:
                    continue  # the generated source list
                blocks(c[1])

    blocks(ast["blocks"])
    return heads, paras, events


def note_text(blocks_) -> str:
    out = []
    for b in blocks_:
        if b["t"] in ("Para", "Plain"):
            _inlines(b["c"], out, [])
            out.append(" ")
    return norm("".join(out))


def suffix_text(citation: dict) -> str:
    out = []
    _inlines(citation["citationSuffix"], out, [])
    return norm("".join(out)).lstrip(",").strip()


# ====================================================================== bibliography

def load_bib():
    bibtexparser = pytest.importorskip("bibtexparser")
    return bibtexparser.parse_file(str(BIB))


def field(entry, name: str) -> str | None:
    f = entry.fields_dict.get(name)
    return f.value if f is not None else None


def bib_comments() -> dict[str, str]:
    """The comment lines right before each entry, by key."""
    raw = BIB.read_text(encoding="utf-8")
    return {m.group(2): m.group(1) for m in re.finditer(r"((?:%[^\n]*\n)*)@\w+\{([^,\s]+),", raw)}


def cited_keys() -> set[str]:
    keys = set()
    for kind, key, _ in FOOTNOTES.values():
        if kind == "cite":
            keys.update(key if isinstance(key, tuple) else (key,))
    return keys


def locator_numbers(loc: str | None) -> list[str]:
    return re.findall(r"\d+", loc or "")


def seed_page_numbers(note: str) -> list[str]:
    m = (re.search(r"(?:[сС]\.|стр)\s*(\d+(?:\s*-\s*\d+)?)\.?\s*$", note)
         or re.search(r"(\d+(?:-\d+)?)\s*бет\.?\s*$", note))
    return re.findall(r"\d+", m.group(1)) if m else []


# ====================================================================== tests: text

def test_seed_structure(seed_lines):
    """The parts the other tests rely on are where they are expected."""
    kinds = collections.Counter(k for k, _ in seed_blocks(seed_lines))
    assert kinds["h1"] == 5 and kinds["h2"] == 6, kinds
    assert len(seed_footnotes(seed_lines)) == LAST - FIRST + 1


def test_markers_are_the_footnotes(seed_lines):
    """The marker rule finds exactly the numbers 26..98, once each, in order."""
    found = [n for kind, text in seed_blocks(seed_lines) if kind == "p" for n, _, _ in find_markers(text)]
    assert found == list(range(FIRST, LAST + 1))


def test_headings(seed_lines, build_outline):
    """The seed's headings, in order, numbered by the build (the third chapter is 3, not "2.")."""
    outline = build_outline[1]
    printed = [(h.level, h.text[len(h.number):].strip() if h.number else h.text) for h in outline]
    expected = [(int(k[1]), norm(repair(t))) for k, t in seed_blocks(seed_lines) if k.startswith("h")]
    expected.append((1, "Әдебиеттер тізімі"))
    assert [(lvl, norm(t).casefold()) for lvl, t in printed] == [(lvl, t.casefold()) for lvl, t in expected]
    numbers = [h.number for h in outline if h.number]
    assert numbers == ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "2.3", "3"]


def test_sources_carry_no_typed_heading_numbers():
    for path in sorted((ROOT / "content").glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert not re.match(r"^#+\s*\d", line), f"{path.name}: {line}"


def test_every_seed_paragraph_once(seed_lines, thesis_ast):
    """Each seed paragraph present exactly once; nothing the seed does not have."""
    _, paras, _ = thesis_text(thesis_ast)
    expected, _ = seed_paragraphs(seed_lines)
    have, want = collections.Counter(paras), collections.Counter(expected)
    missing = [p[:120] for p in (want - have)]
    extra = [p[:120] for p in (have - want)]
    assert not missing, f"{len(missing)} seed paragraphs missing or changed: {missing[:5]}"
    assert not extra, f"{len(extra)} paragraphs not in the seed: {extra[:5]}"
    assert len(paras) == len(expected)


def test_font_damage_repaired_everywhere(seed_lines, thesis_ast):
    """Each FONT_DAMAGE spot is in the seed once, and no damaged form is left in the thesis."""
    seed = "\n".join(seed_lines)
    _, paras, _ = thesis_text(thesis_ast)
    text = " ".join(paras)
    for damaged, fixed in FONT_DAMAGE:
        assert seed.count(damaged) == 1, damaged
        assert damaged not in text and norm(fixed) in text, fixed
    assert not re.search(r"[а-яәғқңөұүһі]c|c[а-яәғқңөұүһі]", text), "Latin c inside a Cyrillic word"


def test_no_cyrillic_in_latin_words(thesis_ast):
    """The repairs hold: no Cyrillic і/І in a Latin word, no Roman numeral typed in Cyrillic."""
    _, paras, _ = thesis_text(thesis_ast)
    text = " ".join(paras)
    bad = [w for w in re.findall(r"[A-Za-z\u0400-\u04ff]+", text)
           if re.search("[іІ]", w) and sum(c.isascii() for c in w) > len(w) / 2]
    bad += re.findall(r"(?<![\w.])[IVXІХ]*[ІХ][IVXІХ]*(?![\w.])", text)
    assert not bad


# ====================================================================== tests: footnotes

def test_footnote_table_complete():
    assert sorted(FOOTNOTES) == list(range(FIRST, LAST + 1))
    for n, (kind, key, loc) in FOOTNOTES.items():
        assert kind in ("cite", "note"), n
        if kind == "note":
            assert key is None and loc is None, n
        else:
            assert key, n
            assert loc is None or re.fullmatch(r"p\. \d+|pp\. \d+–\d+", loc), (n, loc)


def test_redecoded_footnotes(seed_lines):
    """Footnotes 45–50 read as real Kazakh/Russian after re-decoding."""
    notes = seed_footnotes(seed_lines)
    assert notes[45].startswith("Қ.Тоқаев: Қазақстан Республикасының Дипломатиясы. Алматы,2002.")
    assert notes[46].startswith("Сборник документов под ред. К.Токаева. Алматы,1998г.")
    assert notes[47].startswith("Сборник документов по международному праву.")
    assert notes[48].startswith("Н.Исингарин: Таможенный союз: Дела и планы.")
    assert notes[49].startswith("Первый экономический форум")
    assert notes[50].startswith("Казахстанская Правда.2001г 15 апреля")
    for n in range(45, 51):
        assert not re.search(r"[\u00c0-\u00ff]", notes[n]), (n, notes[n])


def test_footnote_table_matches_seed(seed_lines):
    """Pages in the table are the seed footnote's pages; "Там же"/"Сонда" repeat the key before."""
    notes = seed_footnotes(seed_lines)
    for n, (kind, key, loc) in FOOTNOTES.items():
        if kind != "cite":
            continue
        assert locator_numbers(loc) == seed_page_numbers(notes[n]), (n, notes[n], loc)
        if re.match(r"^(Там же|Сонда)", notes[n]) and n not in IBID_EXCEPTIONS:
            assert key == FOOTNOTES[n - 1][1], (n, notes[n])


def test_footnotes_in_thesis(seed_lines, thesis_ast):
    """Each footnote is, in order, a citation with its key and page, or a remark note, placed
    after the words the seed's marker followed."""
    _, _, events = thesis_text(thesis_ast)
    _, tails = seed_paragraphs(seed_lines)
    notes = seed_footnotes(seed_lines)
    assert len(events) == len(FOOTNOTES), [e[0] for e in events]
    for (kind_, payload, before), n in zip(events, range(FIRST, LAST + 1)):
        kind, key, loc = FOOTNOTES[n]
        assert kind_ == kind, n
        if kind == "cite":
            keys = key if isinstance(key, tuple) else (key,)
            assert tuple(c["citationId"] for c in payload) == keys, n
            for c in payload:
                assert suffix_text(c) == (loc or ""), (n, suffix_text(c))
        else:
            assert note_text(payload) == norm(notes[n]), n
        assert words_before(norm(before)) == tails[n], (n, words_before(norm(before)), tails[n])


# ====================================================================== tests: bibliography

def test_bib_parses_cleanly():
    lib = load_bib()
    assert not lib.failed_blocks, [type(b).__name__ for b in lib.failed_blocks]
    keys = [e.key for e in lib.entries]
    assert len(keys) == len(set(keys))


def test_bib_fields():
    for e in load_bib().entries:
        assert field(e, "group") and field(e, "group") in GROUPS.values(), e.key
        assert field(e, "langid") and field(e, "langid") in ("russian", "kazakh", "english"), e.key
        assert e.entry_type in ("book", "collection", "incollection", "article", "periodical",
                                "online", "misc"), e.key
        if e.entry_type == "online":
            assert field(e, "url"), e.key
        elif e.entry_type == "incollection":
            assert field(e, "booktitle"), e.key
        elif e.entry_type == "article":
            assert field(e, "journaltitle"), e.key
        else:
            assert field(e, "title"), e.key


def test_source_list_in_bib(seed_lines):
    """Every item of the seed's source list is an entry of its group; the rest are footnote-only."""
    entries = {e.key: e for e in load_bib().entries}
    items = seed_source_list(seed_lines)
    assert sorted(items) == sorted(SOURCE_LIST)
    counts = collections.Counter(g for g, _ in items)
    assert counts == {"documents": 10, "periodicals": 8, "literature": 30, "websites": 5}
    for (group, num), key in SOURCE_LIST.items():
        e = entries[key]
        assert field(e, "group") == group, key
        text = repair(items[(group, num)])
        if field(e, "date"):
            assert field(e, "date")[:4] in text, (key, text)
        if field(e, "url"):
            assert field(e, "url").replace("http://", "") in text.replace("kz./", "kz/"), (key, text)
    comments = bib_comments()
    listed = set(SOURCE_LIST.values())
    for key in entries:
        if key not in listed:
            assert "not in the seed's source list" in comments.get(key, ""), key


def test_cited_and_nocite_keys():
    """Every cited key exists; every entry is cited or listed in thesis.yaml `nocite`."""
    yaml = pytest.importorskip("yaml")
    entries = {e.key for e in load_bib().entries}
    cited = cited_keys()
    assert cited <= entries, cited - entries
    nocite = set(yaml.safe_load((ROOT / "thesis.yaml").read_text(encoding="utf-8")).get("nocite") or [])
    assert nocite <= entries, nocite - entries
    assert not (nocite & cited), nocite & cited
    assert entries == cited | nocite, entries - cited - nocite


def test_pandoc_finds_every_citation():
    pypandoc = pytest.importorskip("pypandoc")
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "content").glob("*.md"))
    out = subprocess.run([pypandoc.get_pandoc_path(), *files, "-t", "plain", "--citeproc",
                          "--bibliography", str(BIB.relative_to(ROOT))],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert "not found" not in out.stderr and "WARNING" not in out.stderr.upper(), out.stderr
