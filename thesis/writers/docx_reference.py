"""The DOCX reference document for a profile: where it is cached, and when it is (re)built.

The document itself is generated from the profile by python-docx in `docx_styles`
(imported only when a profile's reference document is not cached yet: python-docx costs
~50 ms to import, and the author's edit-build loop never needs it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

from .. import pandoc
from ..config import Profile
from ..files import write_atomic

# What the cache key covers besides the profile: the generator's own code, so an edit there
# never serves a stale reference document.
SOURCE_HASH = hashlib.sha256((Path(__file__).parent / "docx_styles.py").read_bytes()).hexdigest()[:16]


def reference_docx(profile: Profile, language: str, cache_dir: Path) -> Path:
    """Path of the reference document for this profile and language (built once, cached)."""
    key = hashlib.sha256(json.dumps([SOURCE_HASH, pandoc.version(), language, dataclasses.asdict(profile)],
                                    sort_keys=True, default=str).encode()).hexdigest()[:16]
    path = cache_dir / f"reference-{profile.name}-{language}-{key}.docx"
    if not path.is_file():
        write_atomic(path, build_reference(profile, language), durable=False)
    return path


def build_reference(profile: Profile, language: str) -> bytes:
    """The reference document's bytes (python-docx, imported here on first need)."""
    from .docx_styles import build_reference as build
    return build(profile, language)

