"""`thesis new DIR`: a new thesis project that builds at once (placeholders warned about).

What it writes comes from `templates/new/`: thesis.yaml (every option of thesis/config.py with
its doc as a comment, values from words.yaml), the chapters in the chosen language, a
bibliography with one source of each common kind, the CI workflow, .gitignore and a README.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import struct
import typing
import zlib
from pathlib import Path

import jinja2
import yaml

from .config import LANGUAGES, ThesisConfig, find_profile
from .diagnostics import UserError

TOOL = Path(__file__).resolve().parent.parent
TEMPLATES = TOOL / "templates" / "new"
WORKFLOW = TOOL / ".github" / "workflows" / "thesis.yml"


def create(dest: Path, profile: str = "kz-diploma", language: str = "kk") -> list[Path]:
    """Write a new thesis project into `dest` (absent or empty); the files written."""
    dest = Path(dest)
    if language not in LANGUAGES:
        raise UserError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}", code="new.language")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UserError("is not an empty folder: choose a new one", dest, code="new.not-empty")
    find_profile(profile, TOOL)  # an unknown profile: the user error that lists the known ones
    words = yaml.safe_load((TEMPLATES / "words.yaml").read_text(encoding="utf-8"))[language]
    values = {**words, "language": language, "year": datetime.date.today().year, "profile": profile,
              "chapters": [], "bibliography": ["bibliography/sources.bib"], "nocite": [], "citations": "", "keywords": [],
              "suppress_warnings": []}
    files = {
        "thesis.yaml": _render("thesis.yaml.j2", fields=list(_fields(ThesisConfig, values))),
        "README.md": _render("README.md.j2", title=words["title"], profile=profile, language=language),
        ".gitignore": (TEMPLATES / "common" / "gitignore").read_text(encoding="utf-8"),
        "bibliography/sources.bib": (TEMPLATES / "common" / "sources.bib").read_text(encoding="utf-8"),
        ".github/workflows/thesis.yml": WORKFLOW.read_text(encoding="utf-8"),
    }
    for chapter in sorted((TEMPLATES / language / "content").glob("*.md")):
        files[f"content/{chapter.name}"] = chapter.read_text(encoding="utf-8")
    written = []
    for name, text in files.items():
        written.append(_write(dest / name, text.encode("utf-8")))
    written.append(_write(dest / "images" / "figure.png", figure_png()))
    return written


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _render(name: str, **context) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return env.get_template(name).render(**context)


def _fields(cls, values: dict, indent: str = ""):
    """Each option of a config dataclass: key, YAML value (None for a nested block), doc, indent."""
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        doc = f.metadata.get("doc", "")
        nested = _dataclass_of(hints[f.name])
        if nested:
            yield {"key": f.name, "value": None, "doc": doc, "indent": indent}
            yield from _fields(nested, values[f.name], indent + "  ")
        else:
            # JSON is YAML: every string quoted and escaped, lists in flow style.
            value = values[f.name] if f.name in values else _default(f)  # a new option: its default
            yield {"key": f.name, "value": json.dumps(value, ensure_ascii=False), "doc": doc, "indent": indent}


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else ""


def _dataclass_of(tp) -> type | None:
    """The dataclass an option holds (`Supervisor | None` → Supervisor), else None."""
    return next((t for t in (tp, *typing.get_args(tp)) if dataclasses.is_dataclass(t)), None)


def figure_png(width: int = 480, height: int = 240) -> bytes:
    """A small bar chart as a PNG (grey frame, three blue bars), made with zlib alone."""
    bars = [(60, 140), (200, 100), (340, 50)]  # (left, top) of 80-pixel-wide bars
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(width):
            frame = x < 2 or y < 2 or x >= width - 2 or y >= height - 2 or y == height - 30
            bar = any(left <= x < left + 80 and top <= y < height - 30 for left, top in bars)
            row += bytes((90, 90, 90) if frame else (46, 94, 170) if bar else (255, 255, 255))
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))
