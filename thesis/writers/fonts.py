"""Which installed font the PDF uses: the profile's first installed face, else a fallback."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..config import Profile
from ..diagnostics import Reporter


@dataclass(frozen=True)
class FontChoice:
    """The body font and the whole fallback chain handed to Typst."""

    family: str
    chain: tuple[str, ...]
    fallback: bool


@lru_cache(maxsize=4)
def installed_families(ignore_system: bool = False) -> frozenset[str]:
    """Font families Typst can see (system fonts plus the ones embedded in the wheel)."""
    import typst
    fonts = typst.Fonts(include_system_fonts=not ignore_system)
    return frozenset(f.casefold() for f in fonts.families())


def choose_font(profile: Profile, reporter: Reporter, ignore_system: bool = False) -> FontChoice:
    """The first installed preferred font; a warned fallback otherwise."""
    have = installed_families(ignore_system)
    preferred = [f for f in profile.fonts.body if f.casefold() in have]
    fallbacks = [f for f in profile.fonts.fallback if f.casefold() in have]
    # Typst's embedded Libertinus Serif covers Cyrillic including Kazakh: the last resort.
    last_resort = ["Libertinus Serif"]
    chain = tuple(dict.fromkeys(preferred + fallbacks + last_resort))
    if preferred:
        return FontChoice(preferred[0], chain, False)
    reporter.warn(f"none of the profile's fonts is installed ({', '.join(profile.fonts.body)}); "
                  f"using {chain[0]}: page breaks will differ from a Times-metric font "
                  "(install fonts-liberation2)", code="font.fallback")
    return FontChoice(chain[0], chain, True)
