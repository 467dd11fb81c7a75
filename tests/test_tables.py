"""Tables as a reader sees them: a table longer than a page flows on, nothing is lost."""

from __future__ import annotations

import re

import pypdf
import pytest

from helpers import copy_project
from thesis.build import Options, build
from thesis.diagnostics import Reporter

ROWS = 60
BOTTOM_MARGIN_PT = 25 / 25.4 * 72  # kz-diploma: 25 mm


def _long_table_project(tmp_path, profile: str):
    root = copy_project("minimal", tmp_path)
    rows = "\n".join(f"| {i} | Жол{i}мәтіні | {i * 7} |" for i in range(1, ROWS + 1))
    (root / "content" / "03-table.md").write_text(
        "# Ұзын кесте\n\nКесте төменде.\n\n| № | Атауы | Мәні |\n|---|---|---|\n"
        f"{rows}\n\n: Ұзын кесте атауы\n\nКестеден кейінгі мәтін.\n", encoding="utf-8")
    text = (root / "thesis.yaml").read_text(encoding="utf-8")
    (root / "thesis.yaml").write_text(text.replace("profile: kz-diploma", f"profile: {profile}"),
                                      encoding="utf-8")
    return root


def _row_positions(pdf) -> dict[int, list[tuple[int, float]]]:
    """Row number -> [(page, baseline y in pt from the bottom)] of each printed 'ЖолN'."""
    found: dict[int, list[tuple[int, float]]] = {}
    for number, page in enumerate(pypdf.PdfReader(str(pdf)).pages, start=1):
        def visit(text, cm, tm, font, size, number=number):
            for match in re.finditer(r"Жол(\d+)", text):
                found.setdefault(int(match.group(1)), []).append((number, tm[5] * cm[3] + cm[5]))
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("profile", ["kz-diploma", "gost-7.32"])
def test_a_long_table_flows_across_pages_and_keeps_every_row(tmp_path, profile):
    root = _long_table_project(tmp_path, profile)
    result = build(root, Options(targets=("pdf",)), Reporter(quiet=True))
    rows = _row_positions(result.outputs["pdf"])
    assert sorted(rows) == list(range(1, ROWS + 1)), "rows missing from the PDF"
    assert all(len(places) == 1 for places in rows.values()), "a row printed twice"
    pages = {places[0][0] for places in rows.values()}
    assert len(pages) >= 2, "a 60-row table should need more than one page"
    lowest = min(y for places in rows.values() for _, y in places)
    assert lowest > BOTTOM_MARGIN_PT, f"a row is drawn below the bottom margin (y={lowest:.1f} pt)"
