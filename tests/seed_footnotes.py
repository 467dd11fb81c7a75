"""Footnotes 26–98 of the seed thesis and the seed's source list, mapped to the project's sources.

`FOOTNOTES[n] = (kind, key, locator)`:
- kind "cite": footnote n cites `key` (a tuple of keys when the footnote names several sources)
  with `locator` ("p. 5", "pp. 5–9") or None when the footnote gives no page;
- kind "note": footnote n is a remark that stays a Markdown footnote (key and locator None).

All 73 footnotes of the seed are citations; none is a pure remark.

The seed's markers are bare numbers glued to the text. Every marker was located with one rule,
checked against the sequence 26..98 (tests/test_fidelity.py re-checks it): a number 26–98 glued to
a preceding letter or punctuation mark (not a digit, space or dash), or a number standing alone at
the end of a paragraph after ". ". No year, percentage, list number or "XXІ" matches that rule.

Markers that needed judgement (placement or source):
- 29, 33–36, 57, 62, 68, 93: "Там же" / "Сонда" — the source of the footnote before.
- 42: "Сборник документов … Т1. С. 103": two documents of the list start on vol. I p. 103
  (Алматинская декларация, Протокол к Соглашению); the text names the Алматы декларациясы,
  so the declaration.
- 44: footnote says "На пороге ХХ1 века. Алматы, 1996"; the list has the same title with 1997.
  Cited as the list's entry (same book, the year differs in the seed).
- 46, 66, 75, 89 (vol. I) and 72, 77 (vol. II): "Сборник документов под ред. К. Токаева" with a page
  where no document of the seed's list starts (or whose text is about another document: 72 quotes
  the 1993 Economic Union treaty, p. 233 is where the list's free-trade agreement starts). They cite
  the volume itself (new entries tokaev1998sbornik1/2), not a guessed document.
- 47: "Сборник документов по международному праву. Алматы, 1998. Том I." (no page): the text
  is about the 1994 agreement that the list places in vol. II; cited as the footnote says: vol. I.
- 65, 73: Сборник vol. II pp. 251 / 284 fall on the list's documents 3 (from p. 250) and 8 (p. 284),
  whose subject is the text's subject: cited as those documents.
- 49, 83: the forum volume itself, not the list's document 2 (p. 95) in it.
- 50, 63, 98: a newspaper issue, no article title: entries without title.
- 53: "С. 5-59" kept as the footnote gives it (pp. 5–59).
- 61: footnote "Содружество Евразия. Москва, 2000"; the list has it with 2003: the list's entry.
- 65: the marker follows "етеді.ң" (the seed's damaged closing quote "ң"): citation after "ң".
- 77: the marker is glued inside the sentence ("бастамасы77 осы"): citation there.
- 78: "Информационный бюллетень ЕврАзЭс. Алматы, 2001. 1 часть. С.13": the bulletin no. 1
  (the list's document 4 in it starts on p. 5).
- 82: names two bulletins (no. 1, 2001 and no. 2, 2002): one citation with both keys.
- 87: marker "арасында87 ." (space before the full stop): citation before the full stop.
- 88, 90: marker after ". " at the paragraph end: citation before the full stop.
- 96: "Сонда. №21. 3 бет": the same bulletin as 95 (1996), another issue: its own entry.
- 97: "Токаев К.К. Дипломатия Казахстана. Алматы, 2002." — the title of the list's 2001 book,
  the year of the Kazakh edition (footnotes 45, 69): cited as the list's "Дипломатия Казахстана".
"""

FOOTNOTES = {
    26: ("cite", "osipov1995entsiklopedicheskii", "p. 440"),
    27: ("cite", "baranovskii1983politicheskaya", "p. 200"),
    28: ("cite", "baranovskii1983politicheskaya", "p. 32"),
    29: ("cite", "baranovskii1983politicheskaya", "p. 32"),   # Там же
    30: ("cite", "baranovskii1983politicheskaya", "p. 35"),   # Там же
    31: ("cite", "myurdal1958mirovaya", "p. 122"),
    32: ("cite", "shishkov1978teoriya", "p. 138"),
    33: ("cite", "shishkov1978teoriya", "p. 140"),            # Там же
    34: ("cite", "shishkov1978teoriya", "p. 129"),            # Там же
    35: ("cite", "shishkov1978teoriya", "p. 188"),            # Там же
    36: ("cite", "shishkov1978teoriya", "p. 190"),            # Там же
    37: ("cite", "shcherbanin1997meo", "p. 60"),
    38: ("cite", "yandexencycl", None),
    39: ("cite", "khan2002vneshnyaya", "p. 89"),
    40: ("cite", "sitoryanintegratsiya", None),
    41: ("cite", "isingarin2000kazakhstan", "p. 78"),
    42: ("cite", "almatinskaya1998deklaratsiya", "p. 103"),   # vol. I p. 103: declaration, see above
    43: ("cite", "khan2002vneshnyaya", "p. 95"),
    44: ("cite", "nazarbaev1997naporoge", "p. 102"),          # footnote year 1996, list 1997
    45: ("cite", "tokaev2002qazaqstan", "p. 53"),             # re-decoded CP1251 + font hack
    46: ("cite", "tokaev1998sbornik1", "p. 261"),             # re-decoded
    47: ("cite", "tokaev1998sbornik1", None),                 # re-decoded; "Том I", no page
    48: ("cite", "isingarin2000tamozhennyi", "p. 54"),        # re-decoded
    49: ("cite", "forum2003pervyi", "p. 275"),                # re-decoded
    50: ("cite", "kazpravda2001apr15", None),                 # re-decoded
    51: ("cite", "isingarin1998problemy", "p. 4"),
    52: ("cite", "isingarin2001desyat", "p. 93"),
    53: ("cite", "ognevsk1996sng", "pp. 5–59"),
    54: ("cite", "istoriya1995vneshnei", "pp. 246–247"),
    55: ("cite", "isingarin2001desyat", "pp. 82–83"),
    56: ("cite", "nazarbaev1997evraziiskii", "p. 30"),
    57: ("cite", "nazarbaev1997evraziiskii", "p. 31"),        # Сонда
    58: ("cite", "khazanov1993rossiya", "p. 12"),             # marker after ")"
    59: ("cite", "isingarin2001desyat", "p. 90"),
    60: ("cite", "isingarin2000kazakhstan", "pp. 73–74"),
    61: ("cite", "nazarbaeva2003sodruzhestvo", "p. 26"),      # footnote year 2000, list 2003
    62: ("cite", "nazarbaeva2003sodruzhestvo", "p. 35"),      # Сонда
    63: ("cite", "kazpravda2001apr5", None),
    64: ("cite", "nazarbaevkazakhstan2030", "p. 79"),
    65: ("cite", "dogovor1998edinogo", "p. 251"),             # marker "етеді.ң65"
    66: ("cite", "tokaev1998sbornik1", "p. 125"),
    67: ("cite", "isingarin2001desyat", "p. 210"),
    68: ("cite", "isingarin2001desyat", "p. 224"),            # Сонда
    69: ("cite", "tokaev2002qazaqstan", "p. 93"),
    70: ("cite", "isingarin2000kazakhstan", "pp. 14–15"),
    71: ("cite", "tokaev2001diplomatiya", "p. 60"),
    72: ("cite", "tokaev1998sbornik2", "p. 233"),
    73: ("cite", "soglashenie1998tamozhennom", "p. 284"),
    74: ("cite", "isingarin2000tamozhennyi", "p. 28"),        # marker after ";"
    75: ("cite", "tokaev1998sbornik1", "pp. 410–414"),
    76: ("cite", "khan2002vneshnyaya", "p. 98"),
    77: ("cite", "tokaev1998sbornik2", None),                 # "II том", no page; mid-sentence
    78: ("cite", "evrazes2001byulleten", "p. 13"),
    79: ("cite", "isingarin2001desyat", "pp. 270–272"),
    80: ("cite", "spasibo2000da", None),
    81: ("cite", "aes2001obretaet", None),
    82: ("cite", ("evrazes2001byulleten", "evrazes2002byulleten"), None),
    83: ("cite", "forum2003pervyi", "p. 274"),
    84: ("cite", "cvikzguuam", None),
    85: ("cite", "isingarin2001desyat", "p. 208"),
    86: ("cite", "vgmuvitebsk", None),
    87: ("cite", "nafonedezintegratsionnykh", None),          # marker "арасында87 ."
    88: ("cite", "nazarbaev2003syndarly", "p. 172"),          # marker after ". "
    89: ("cite", "tokaev1998sbornik1", "pp. 260–263"),
    90: ("cite", "khan2002vneshnyaya", "p. 104"),             # marker after ". "
    91: ("cite", "niurr", None),
    92: ("cite", "dipvestnik1995no83", "p. 33"),              # marker "қабылдады92."
    93: ("cite", "dipvestnik1995no83", "p. 34"),              # Сонда
    94: ("cite", "byulleten1995no10", "p. 9"),
    95: ("cite", "byulleten1996no7", "p. 34"),
    96: ("cite", "byulleten1996no21", "p. 3"),                # "Сонда. №21": another issue
    97: ("cite", "tokaev2001diplomatiya", None),              # footnote year 2002, list 2001
    98: ("cite", "kazpravda2000oct13", None),
}

# Footnotes that say "Там же" / "Сонда" but cite something other than the footnote before.
IBID_EXCEPTIONS = {96}

# The seed's source list: (group, number in the group) -> BibTeX key.
SOURCE_LIST = {
    ("documents", 1): "almatinskaya1998deklaratsiya",
    ("documents", 2): "dogovor2003uchrezhdenii",
    ("documents", 3): "dogovor1998edinogo",
    ("documents", 4): "zayavleniya2001glav",
    ("documents", 5): "protokol1998soglasheniyu",
    ("documents", 6): "soglashenie1998sozdanii",
    ("documents", 7): "soglashenie1998sotrudnichestve",
    ("documents", 8): "soglashenie1998tamozhennom",
    ("documents", 9): "soglashenie1998zony",
    ("documents", 10): "ustav1998sodruzhestva",
    ("periodicals", 1): "bektepov1998desyat",
    ("periodicals", 2): "vashanov1998ekonomicheskaya",
    ("periodicals", 3): "ivanov1998mezhdunarodnykh",
    ("periodicals", 4): "innarbaev1999integrativnye",
    ("periodicals", 5): "isingarin2000vybor",
    ("periodicals", 6): "isingarin1997dlya",
    ("periodicals", 7): "nazarbaeva2001vzaimodeistvie",
    ("periodicals", 8): "ognevsk1996sng",
    ("literature", 1): "ataev1981torgovo",
    ("literature", 2): "barkovskii2000sng",
    ("literature", 3): "gavrilov1993integratsii",
    ("literature", 4): "desyat2001let",
    ("literature", 5): "tazhin1994evraziiskoe",
    ("literature", 6): "zhukubovich1997sng",
    ("literature", 7): "isingarin1998problemy",
    ("literature", 8): "isingarin1998transport",
    ("literature", 9): "isingarin2000kazakhstan",
    ("literature", 10): "isingarin2001desyat",
    ("literature", 11): "kushkunbaev2002tsentralnaya",
    ("literature", 12): "kozbekov1997vneshnie",
    ("literature", 13): "laumulin2000kazakhstan",
    ("literature", 14): "matsnev1997integratsionnaya",
    ("literature", 15): "mansurov2001kazakhstan",
    ("literature", 16): "nazarbaev1997naporoge",
    ("literature", 17): "nazarbaev1997evraziiskii",
    ("literature", 18): "nazarbaev2000strategiya",
    ("literature", 19): "nazarbaev2001desyat",
    ("literature", 20): "nazarbaev2003syndarly",
    ("literature", 21): "nazarbaeva1998vzaimodeistvie",
    ("literature", 22): "nazarbaeva2003sodruzhestvo",
    ("literature", 23): "primbetov2000tsentralnaya",
    ("literature", 24): "rossiya1993kazakhstan",
    ("literature", 25): "tokaev1997podstyagom",
    ("literature", 26): "tokaev2001diplomatiya",
    ("literature", 27): "demin1996ekonomika",
    ("literature", 28): "khan2002vneshnyaya",
    ("literature", 29): "khazanov1993rossiya",
    ("literature", 30): "shishkov1978teoriya",
    ("websites", 1): "vgmuvitebsk",
    ("websites", 2): "nnsru",
    ("websites", 3): "nivpru",
    ("websites", 4): "mfakz",
    ("websites", 5): "cvikzguuam",
}
