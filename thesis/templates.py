"""Jinja templates: StrictUndefined, and every value through the escaper of the language
the template writes (`*.typ.j2` Typst, `*.xml.j2` OpenXML).

A project may override or add templates in its own `templates/<folder>/` (a university's
title page): those are found first, then the tool's.

Compiled templates are kept in the user's shared cache (`toolcache`; a cold build compiled
the Typst skeleton and the title page's OpenXML anew each time, ~40 ms), in a folder named by
this module's code and Jinja's release: Jinja checks each template's source, not the
environment's settings that shaped its compiled code.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import jinja2

from .escape import typst_value, xml_text
from . import toolcache
from .files import TOOL_ROOT

TEMPLATES = TOOL_ROOT / "templates"
ESCAPERS = {".typ": typst_value, ".xml": xml_text}


@lru_cache(maxsize=32)
def environment(folder: str, suffix: str, project: Path | None = None,
                overrides: tuple[str, ...] = ()) -> jinja2.Environment:
    """The Jinja environment for templates of `folder` written in the language of `suffix`;
    `overrides`, the project's own templates there, are part of the key (see `render`)."""
    search = [project / "templates" / folder] if project is not None else []
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*[str(p) for p in search if p.is_dir()], str(TEMPLATES / folder)]),
        undefined=jinja2.StrictUndefined,
        finalize=ESCAPERS[suffix],
        autoescape=(suffix == ".xml"),  # macro results stay Markup; values pass xml_text first
        keep_trailing_newline=True,
        trim_blocks=False,
        bytecode_cache=_compiled(),
    )


@lru_cache(maxsize=1)
def _compiled() -> jinja2.BytecodeCache | None:
    shared = toolcache.folder()
    if shared is None:
        return None
    key = hashlib.sha256(Path(__file__).read_bytes() + jinja2.__version__.encode()).hexdigest()[:16]
    try:
        (shared / f"jinja-{key}").mkdir(exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(shared / f"jinja-{key}"))


def render(folder: str, name: str, project: Path | None = None, **context) -> str:
    """`templates/<folder>/<name>` (the project's own first) rendered with an explicit context."""
    suffix = Path(name.removesuffix(".j2")).suffix
    return environment(folder, suffix, project, _overrides(project, folder)).get_template(name).render(**context)


def _overrides(project: Path | None, folder: str) -> tuple[str, ...]:
    """The project's own templates of `folder`. A template added while a watch runs makes a new
    environment: Jinja keeps a loaded template as long as its own file is unchanged, so the
    tool's would have gone on being used in place of the project's new one."""
    base = project / "templates" / folder if project is not None else None
    if base is None or not base.is_dir():
        return ()
    return tuple(sorted(p.relative_to(base).as_posix() for p in base.rglob("*.j2")))
