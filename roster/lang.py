"""The two languages of everything meant for people: English and Vietnamese.

Every layer words its messages as an ``(English, Vietnamese)`` pair and picks one with
:func:`pick`; the default language is the ``ROSTER_LANG`` environment variable (``en`` when
unset or unknown).
"""

from __future__ import annotations

import os
from typing import Literal

Lang = Literal["en", "vi"]
LANGS: tuple[Lang, Lang] = ("en", "vi")
ENV = "ROSTER_LANG"


def as_lang(value: str | None) -> Lang | None:
    """``vi``/``vi-VN``/``Tiếng Việt`` -> ``vi``; ``en``/``en-US`` -> ``en``; else None."""
    v = (value or "").strip().lower()
    if v.startswith("vi") or v.startswith("tiếng việt"):
        return "vi"
    if v.startswith("en"):
        return "en"
    return None


def default_lang() -> Lang:
    """The language of ``ROSTER_LANG`` (``en`` or ``vi``; anything else counts as ``en``)."""
    return as_lang(os.environ.get(ENV)) or "en"


def pick(lang: str | None, en: str, vi: str) -> str:
    """``vi`` when ``lang`` is Vietnamese, else ``en``."""
    return vi if lang == "vi" else en
