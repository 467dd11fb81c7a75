"""The DOCX reference document for a profile: where it is cached, and when it is (re)built.

The document itself is generated from the profile by python-docx in `docx_styles`
(imported only when a profile's reference document is not cached yet: python-docx costs
~100 ms to import and the document ~50 ms more, and the author's edit-build loop never needs
it). It depends on the profile, the language and the tool alone, so it is kept in the user's
shared cache (`toolcache`): a build into a fresh output folder finds it there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
from pathlib import Path

from .. import pandoc, toolcache
from ..config import Profile
from ..files import hit, write_atomic

# What the cache key covers besides the profile: the generator's own code and what it takes
# from other modules, and python-docx's release (its default template is the starting point),
# so neither an edit nor an upgrade ever serves a stale reference document from the shared cache.
_SOURCES = [Path(__file__).parent / name for name in ("docx_styles.py", "ooxml.py")] + [
    Path(__file__).parent.parent / "units.py"]
_PYTHON_DOCX = importlib.util.find_spec("docx")
SOURCE_HASH = hashlib.sha256(b"".join(p.read_bytes() for p in _SOURCES) + json.dumps(pandoc.LANG_TAGS).encode()
                             + (Path(_PYTHON_DOCX.origin).read_bytes() if _PYTHON_DOCX else b"")).hexdigest()[:16]


def reference_docx(profile: Profile, language: str, cache_dir: Path) -> Path:
    """Path of the reference document for this profile and language (built once, cached)."""
    key = hashlib.sha256(json.dumps([SOURCE_HASH, pandoc.version(), language, dataclasses.asdict(profile)],
                                    sort_keys=True, default=str).encode()).hexdigest()[:16]
    name = f"reference-{profile.name}-{language}-{key}.docx"
    shared = toolcache.folder()
    if shared is not None and (shared / name).is_file():  # only read (keyed by the code: grows with upgrades only)
        return shared / name
    if hit(cache_dir / name):
        return cache_dir / name
    data = build_reference(profile, language)
    if shared is not None:
        try:
            write_atomic(shared / name, data, durable=False)
            return shared / name
        except OSError:  # a shared cache gone read-only: the build's own cache then
            pass
    write_atomic(cache_dir / name, data, durable=False)
    return cache_dir / name


def build_reference(profile: Profile, language: str) -> bytes:
    """The reference document's bytes (python-docx, imported here on first need)."""
    from .docx_styles import build_reference as build
    return build(profile, language)

