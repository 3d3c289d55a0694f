"""Rule ids and their human labels (English and Vietnamese), read from the rule families'
declarations (:mod:`roster.registry`).

The solver labels every penalty and the referee every violation and penalty with one of these ids,
so a roster can always say, in words a head reads, what it paid for.
"""

from __future__ import annotations

from roster.registry import FAMILIES

LABELS: dict[str, tuple[str, str]] = {r.id: (r.en, r.vi) for f in FAMILIES for r in f.rules}


def label(rule: str, lang: str = "en") -> str:
    """The human label of a rule id (the id itself if unknown)."""
    en, vi = LABELS.get(rule, (rule, rule))
    return vi if lang == "vi" else en
