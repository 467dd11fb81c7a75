"""The DOCX reference document for a profile: where it is cached, and when it is (re)built.

The document itself is generated from the profile by python-docx in `docx_styles`
(imported only when a profile's reference document is not cached yet: python-docx costs
~50 ms to import, and the author's edit-build loop never needs it).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import pandoc
from ..config import Profile

PAPER_MM = {"a4": (210, 297), "a5": (148, 210), "us-letter": (215.9, 279.4)}
STRUCTURAL_STYLE = "Structural Heading"
GROUP_STYLE = "Source Group Heading"
# What the cache key covers besides the profile: the generator's own code, so an edit there
# never serves a stale reference document.
SOURCE_HASH = hashlib.sha256((Path(__file__).parent / "docx_styles.py").read_bytes()).hexdigest()[:16]


def reference_docx(profile: Profile, language: str, cache_dir: Path) -> Path:
    """Path of the reference document for this profile and language (built once, cached)."""
    key = hashlib.sha256(json.dumps([SOURCE_HASH, pandoc.version(), language, _as_data(profile)],
                                    sort_keys=True, default=str).encode()).hexdigest()[:16]
    path = cache_dir / f"reference-{profile.name}-{language}-{key}.docx"
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        data = build_reference(profile, language)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    return path


def build_reference(profile: Profile, language: str) -> bytes:
    """The reference document's bytes (python-docx, imported here on first need)."""
    from .docx_styles import build_reference as build
    return build(profile, language)


def _as_data(obj):
    if hasattr(obj, "__dataclass_fields__"):
        return {k: _as_data(v) for k, v in vars(obj).items()}
    if isinstance(obj, dict):
        return {k: _as_data(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_as_data(v) for v in obj]
    return obj
